"""Importing a folder that mixes good and bad files: every good one in, every bad one named."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from newsreader import dumps
from newsreader.importer import find_dump_files, import_paths
from newsreader.library import Library

from .conftest import CAPTURED, SEED


def test_mixed_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(SEED, folder / "nested" / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.dat").write_bytes(os.urandom(2048) + b"\x00" * 64)
    (folder / "notes.txt").write_text("Shopping list\n\nmilk\neggs\n")
    (folder / "page.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (folder / "locked.txt").write_bytes(SEED.read_bytes())
    real_open = Path.open

    def deny_locked(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny_locked)
    monkeypatch.setattr(dumps, "MAX_DUMP_BYTES", 30_000)  # the seed is 23 KB
    (folder / "huge.txt").write_bytes(b"x" * 40_000)
    library = Library(tmp_path / "lib")
    outcome = import_paths(library, [folder], CAPTURED)
    reasons = {Path(error.name).name: error.reason for error in outcome.rejected}
    assert set(reasons) == {
        "empty.txt", "binary.dat", "notes.txt", "page.html", "huge.txt", "locked.txt"
    }  # fmt: skip
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.dat"]
    assert "not a newsreader dump" in reasons["notes.txt"]
    assert "no article" in reasons["page.html"]
    assert "too large" in reasons["huge.txt"]
    assert "permission denied" in reasons["locked.txt"]
    assert all(str(folder) in error.name for error in outcome.rejected)  # named by path
    assert outcome.report.stories_added == 4


def test_file_that_vanishes_during_import(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    shutil.copy(SEED, folder / "b.txt")

    def delete_b(number: int, total: int, path: Path) -> None:
        if path.name == "a.txt":
            (folder / "b.txt").unlink()

    outcome = import_paths(Library(tmp_path / "lib"), [folder], CAPTURED, on_file=delete_b)
    assert [Path(e.name).name for e in outcome.rejected] == ["b.txt"]
    assert "no such file" in outcome.rejected[0].reason


def test_fixed_file_is_picked_up_next_time(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dump.txt").write_bytes(b"")
    library = Library(tmp_path / "lib")
    assert len(import_paths(library, [folder], CAPTURED).rejected) == 1
    shutil.copy(SEED, folder / "dump.txt")
    outcome = import_paths(library, [folder], CAPTURED)
    assert not outcome.rejected and outcome.report.stories_added == 4


def test_walk_is_sorted_skips_hidden_and_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "a" / "1.txt").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    files, problems = find_dump_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a/1.txt", "b/2.txt"]
    assert not problems


def test_missing_path_is_named(tmp_path: Path) -> None:
    files, problems = find_dump_files([tmp_path / "nope"])
    assert not files and problems[0].reason == "no such file or folder"


def test_parallel_import_gives_the_same_library_as_one_process(tmp_path: Path) -> None:
    from newsreader.bench.corpus import generate

    corpus = generate(tmp_path / "corpus", 800, seed=3)
    (corpus / "truth.json").unlink()
    results = []
    for workers in (1, 2):
        library = Library(tmp_path / f"lib{workers}")
        outcome = import_paths(library, [corpus], CAPTURED, workers=workers)
        assert outcome.files >= 200 and not outcome.rejected  # enough files to go parallel
        results.append([(s.id, s.title, library.duplicate_of(s.id)) for s in library.stories])
    assert results[0] == results[1]
    assert any(duplicate for _, _, duplicate in results[0])


def _indexed_words(folder: Path) -> set[tuple[str, int]]:
    """Every (story id, word key) pair the library's search segments hold."""
    from newsreader.library.search_index import segments

    pairs = set()
    for name in segments.segment_names(folder):
        segment = segments.open_segment(folder, name)
        assert segment is not None
        terms, docs = segment.postings()
        pairs |= {
            (segment.ids[d], int(t)) for t, d in zip(terms.tolist(), docs.tolist(), strict=True)
        }
    return pairs


def test_search_terms_worked_out_ahead_index_what_the_library_would(tmp_path: Path) -> None:
    from newsreader.bench.corpus import generate
    from newsreader.dumps import read_dump

    corpus = generate(tmp_path / "corpus", 60, seed=5)
    (corpus / "truth.json").unlink()
    odd = "Café CAFÉ naïve — trump’s U.S. ﬁnance 東京 Straße 42,000 x_y.\n"
    first = corpus / sorted(p.name for p in corpus.iterdir())[0]
    text = first.read_text()
    body = text.index(" ago\n") + len(" ago\n")
    (corpus / "odd.txt").write_text(text[:body] + odd + text[body:])
    ahead = Library(tmp_path / "ahead")
    import_paths(ahead, [corpus], CAPTURED, workers=1)
    plain = Library(tmp_path / "plain")
    plain.import_dumps(read_dump(path, CAPTURED) for path in sorted(corpus.iterdir()))
    assert [s.id for s in ahead.stories] == [s.id for s in plain.stories]
    assert [s.words for s in ahead.stories] == [s.words for s in plain.stories]
    words = _indexed_words(tmp_path / "ahead")
    assert words == _indexed_words(tmp_path / "plain")
    assert len({sid for sid, _ in words}) == len(ahead.stories)
    from newsreader.query import parse_query
    from newsreader.search.index import find

    for query in ("cafe", "東京", "trump", "strasse finance"):
        parsed = parse_query(query, CAPTURED)
        found = find(ahead, parsed).ids
        assert found and found == find(plain, parsed).ids, query
