"""Limits: the largest dump, deeply nested HTML, a folder of 10,000 files, private files."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsreader.dumps import MAX_DUMP_BYTES, parse_dump, read_dump
from newsreader.errors import DumpError
from newsreader.importer import import_paths
from newsreader.library import Library

from .conftest import CAPTURED, ROOT, SEED

MANY_FILES = 10_000
MAX_RSS_MB = 300


def test_max_dump_size_is_documented_and_enforced(tmp_path: Path) -> None:
    assert 1024 * 1024 <= MAX_DUMP_BYTES <= 100 * 1024 * 1024
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(MAX_DUMP_BYTES + 1)
    with pytest.raises(DumpError, match="too large"):
        read_dump(big)
    with pytest.raises(DumpError, match="too large"):
        parse_dump(b"x" * (MAX_DUMP_BYTES + 1), "big.txt", CAPTURED)
    library = Library(tmp_path / "library")
    (tmp_path / "good.txt").write_bytes(SEED.read_bytes())
    outcome = import_paths(library, [big, tmp_path / "good.txt"], CAPTURED)
    assert [error.name for error in outcome.rejected] == [str(big)]
    assert outcome.report.stories_added == 4


@pytest.mark.skipif(
    not (ROOT / "newsreader" / "dumps" / "html.py").exists(), reason="no HTML dumps yet"
)
@pytest.mark.parametrize("closed", [True, False])
def test_deeply_nested_html_is_read_or_refused_never_a_crash(closed: bool) -> None:
    depth = 20_000
    text = "Deeply nested text, with words enough to make a paragraph of the article. " * 3
    html = (
        "<html><body><article><h1>Deep</h1>"
        + "<div><span>" * depth
        + f"<p>{text}</p>"
        + ("</span></div>" * depth if closed else "")
        + "</article></body></html>"
    )
    try:
        dump = parse_dump(html.encode(), "deep.html", CAPTURED)
    except DumpError:
        return
    assert dump.stories and all(len(s.title) < 1000 for s in dump.stories)


def small_dump(number: int) -> str:
    """The smallest dump the text parser reads: one story, one paragraph."""
    title = f"Story number {number} of a great many"
    return (
        f"logo\n{title}\n\n{title}\n\nWire{number % 50 + 1} hours ago\n"
        f"Paragraph {number} says one thing about item {number} in a plain sentence.\n"
    )


def peak_rss_kb(child: subprocess.Popen[bytes]) -> int:
    """The child's peak resident memory (VmHWM), sampled until it exits.

    Not ru_maxrss from wait4: that folds in the memory of the process it was forked from —
    here the whole test session — and so measures pytest rather than newsreader.
    """
    peak = 0
    status = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    return peak


def test_ten_thousand_files_import_with_a_summary_and_bounded_memory(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for part in range(10):  # in sub-folders, as a real archive would be
        (folder / f"part{part}").mkdir(parents=True)
    for number in range(MANY_FILES - 10):
        path = folder / f"part{number % 10}" / f"{number:05d}.txt"
        path.write_text(small_dump(number), encoding="utf-8")
    for number in range(10):
        (folder / f"part{number}" / "empty.txt").write_bytes(b"")
    out, err = tmp_path / "out", tmp_path / "err"
    argv = ["--db", str(tmp_path / "library"), "import", "--captured-at", "2026-11-20T12:00:00Z"]
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "newsreader", *argv, str(folder)],
            cwd=ROOT,
            stdout=stdout,
            stderr=stderr,
        )
        peak_kb = peak_rss_kb(child)
    summary = out.read_text()
    assert child.returncode == 1  # ten files were rejected
    assert summary.startswith(f"{MANY_FILES - 10} dumps read (0 already in the library), ")
    assert f"{MANY_FILES - 10} stories added" in summary and "10 files rejected" in summary
    assert err.read_text().count("empty file") == 10
    print(f"\n{MANY_FILES} files: peak RSS {peak_kb / 1024:.0f} MB")
    assert peak_kb / 1024 < MAX_RSS_MB
    assert len(Library(tmp_path / "library").stories) == MANY_FILES - 10


def modes(folder: Path) -> dict[str, int]:
    """The permission bits of the folder and of everything in it, by relative path."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.stat().st_mode)
    return found


def test_library_files_are_private_after_import_and_marking(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask: files would be 0644 unless made private
    try:
        library = Library(tmp_path / "library")
        import_paths(library, [SEED], CAPTURED)
        ids = [s.id for s in library.stories]
        library.set_read(ids[:2], True)
        library.set_starred(ids[:1], True)
        library.marks.compact()
        library.set_starred(ids[1:2], True)
    finally:
        os.umask(old)
    found = modes(tmp_path / "library")
    assert {"library.json", "marks.json", "marks.log", "bodies"} <= set(found)
    for name, mode in found.items():
        folder = (tmp_path / "library" / name).is_dir()
        assert mode == (0o700 if folder else 0o600), f"{name}: {oct(mode)}"
