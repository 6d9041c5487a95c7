"""The scale benchmark end to end at a tiny size: every row measured, no timing judged."""

from __future__ import annotations

from pathlib import Path

from newsreader.bench import scale


def test_scale_benchmark_fills_every_row_at_200_stories(tmp_path: Path) -> None:
    table = scale.run([200], tmp_path / "work", runs=1, samples=2)
    lines = table.splitlines()
    assert lines[0].startswith("| measure | 200 | target | result |")
    assert len(lines) == 2 + len(scale.ROWS)
    for row, line in zip(scale.ROWS, lines[2:], strict=True):
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[0] == row.label
        assert cells[1] not in ("", "—"), f"{row.label}: not measured"
    assert (tmp_path / "work" / "results.json").is_file()


def test_corpus_is_generated_once_and_reused(tmp_path: Path) -> None:
    first = scale.corpus(tmp_path, 50)
    stamp = sorted(p.stat().st_mtime_ns for p in first.iterdir())
    again = scale.corpus(tmp_path, 50)
    assert again == first
    assert sorted(p.stat().st_mtime_ns for p in again.iterdir()) == stamp
    assert not (first / "truth.json").exists()  # hidden, so that import skips it


def test_targets_are_judged_at_the_largest_size_and_smaller_misses_named() -> None:
    rows = {row.key: row for row in scale.ROWS}
    sizes = [1000, 10000, 100000]
    imports = rows["import_rate"]
    assert scale._verdict(imports, sizes, [1100.0, 2300.0, 2600.0]) == "pass; misses at 1,000"
    assert scale._verdict(imports, sizes, [2100.0, 2300.0, 1900.0]) == "FAIL"
    assert scale._verdict(imports, sizes, [2100.0, 2300.0, 2600.0]) == "pass"
    opening = rows["open"]
    assert scale._verdict(opening, sizes, [17.0, 9.0, float("nan")]) == "FAIL"
    assert scale._verdict(opening, sizes, [9.0, 9.0, 9.0]) == "pass"
