"""The synthetic corpus: deterministic, in the seed's layout, with a truth file."""

from __future__ import annotations

import json
from pathlib import Path

from newsreader.bench.corpus import TRUTH_FILE, generate, read_dump

SEED = Path(__file__).parents[1] / "seeds" / "000_e213fecfa28b599e.txt"
FURNITURE = [
    "Orange background",
    "Try Our AI Features",
    "Explore what Daily8 AI can do for you:",
    "Comments",
    "No comments yet...",
    "Related Articles",
    "DOWNLOAD THE APP",
]


def test_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    a, b = generate(tmp_path / "a", 120, seed=3), generate(tmp_path / "b", 120, seed=3)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


def test_another_seed_writes_other_stories(tmp_path: Path) -> None:
    a, b = generate(tmp_path / "a", 50, seed=1), generate(tmp_path / "b", 50, seed=2)
    assert (a / TRUTH_FILE).read_text() != (b / TRUTH_FILE).read_text()


def test_truth_names_every_story_of_every_dump(tmp_path: Path) -> None:
    out = generate(tmp_path, 300)
    truth = json.loads((out / TRUTH_FILE).read_text())
    assert truth["stories"] == 300
    assert sorted(truth["dumps"]) == sorted(p.name for p in out.glob("*.txt"))
    total = 0
    for name, labels in truth["dumps"].items():
        stories = read_dump((out / name).read_text(encoding="utf-8"))
        assert len(stories) == len(labels) <= 6
        assert all(label["group"] in truth["groups"] for label in labels)
        total += len(labels)
    assert total == 300
    variants = {label["variant"] for labels in truth["dumps"].values() for label in labels}
    assert variants == {"original", "exact", "near", "trimmed", "rewrite", "independent"}
    kinds = {group["kind"] for group in truth["groups"].values()}
    assert kinds == {"news", "templated", "short"}


def test_dumps_follow_the_seed_layout(tmp_path: Path) -> None:
    out = generate(tmp_path, 60)
    for path in sorted(out.glob("*.txt"))[:10]:
        lines = path.read_text(encoding="utf-8").split("\n")
        assert lines[0] == "logo"
        assert lines[1] == lines[3] and lines[2] == lines[4] == ""
        assert any(line.startswith("Write to ") and " at " in line for line in lines)
        assert [line for line in lines if line in FURNITURE] == FURNITURE
        assert lines[-1] == "app-storeplay-store"
        at = lines.index("Related Articles") + 2
        for title, body in read_dump("\n".join(lines))[1:]:
            assert lines[at] == title
            assert lines[at + 5].startswith("time") and lines[at + 7].startswith("  • ")
            assert len(body) == 1
            at += 13


def test_read_dump_reads_the_seed() -> None:
    stories = read_dump(SEED.read_text(encoding="utf-8"))
    assert [title[:20] for title, _ in stories] == [
        "How Trump and Putin ",
        "'Not really focused.",
        "Trump Rattles Latin ",
        "Trump Rattles Latin ",
    ]
    assert len(stories[0][1]) == 39
