"""Scoring an imported library's folds against a generated corpus's truth."""

from __future__ import annotations

from pathlib import Path

from newsreader.bench.corpus import TRUTH_FILE, generate
from newsreader.bench.dedup_library import folds, index_memory, truth_of
from newsreader.bench.dedup_quality import Corpus, score
from newsreader.importer import import_paths
from newsreader.library import Library

from .conftest import CAPTURED


def _imported(tmp_path: Path, stories: int) -> tuple[Library, Path]:
    corpus = generate(tmp_path / "corpus", stories, seed=5)
    (corpus / TRUTH_FILE).rename(corpus / f".{TRUTH_FILE}")  # as the scale benchmark hides it
    library = Library(tmp_path / "lib")
    import_paths(library, [corpus], CAPTURED)
    return library, corpus


def test_every_story_is_lined_up_with_its_truth(tmp_path: Path) -> None:
    library, corpus = _imported(tmp_path, 150)
    found = folds(library, corpus, truth_of(corpus))
    assert len(found.pred) == len(library.stories) == 150
    assert found.dumps_unmatched == 0
    assert found.titles_checked > 0 and found.titles_wrong == 0
    # A story shown on its own is its own group; a folded one is in its shown version's.
    shown = set(found.pred)
    assert all(library.duplicate_of(story_id) is None for story_id in shown)


def test_the_library_folds_score_like_the_truth_says(tmp_path: Path) -> None:
    library, corpus = _imported(tmp_path, 150)
    result = score(*_lined_up(library, corpus), 0.0, 0.0, 0.0)
    folded, total = result.kinds["exact"]
    assert total > 0 and folded == total
    assert result.precision == 1.0
    assert result.same_topic == 0


def _lined_up(library: Library, corpus: Path) -> tuple[Corpus, list[str]]:
    found = folds(library, corpus, truth_of(corpus))
    return found.corpus, found.pred


def test_a_split_fold_counts_as_not_folded(tmp_path: Path) -> None:
    library, corpus = _imported(tmp_path, 150)
    before = score(*_lined_up(library, corpus), 0.0, 0.0, 0.0)
    folded = next(s.id for s in library.stories if library.duplicate_of(s.id) is not None)
    library.ungroup(folded)
    after = score(*_lined_up(library, corpus), 0.0, 0.0, 0.0)
    assert after.recall < before.recall


def test_index_memory_is_reported(tmp_path: Path) -> None:
    library, _ = _imported(tmp_path, 60)
    library.close()
    memory = index_memory(tmp_path / "lib")
    assert memory["stories"] == 60
    assert memory["traced_peak_mb"] > 0 and memory["rss_after_mb"] > 0
