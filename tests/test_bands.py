"""The LSH band lookup: the same answers whether rows are merged into the array or waiting."""

from __future__ import annotations

import numpy as np
import pytest

from newsreader import bands
from newsreader.bands import BANDS, ROWS, BandIndex


def sketches(count: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2**16, (count, 128), dtype=np.uint16)


def brute_force(all_sketches: np.ndarray, sketch: np.ndarray) -> list[int]:
    """Rows sharing a band key with `sketch`, comparing the bits the index keeps."""
    keep = bands.band_keys(sketch)
    return [r for r in range(len(all_sketches)) if (bands.band_keys(all_sketches[r]) == keep).any()]


@pytest.mark.parametrize("fold_share", [0, 4])  # 0: runs merged into the big array once only
@pytest.mark.parametrize("merge_every", [1, 7, 1000])
def test_candidates_match_a_brute_force_search(
    monkeypatch: pytest.MonkeyPatch, merge_every: int, fold_share: int
) -> None:
    monkeypatch.setattr(bands, "MERGE_EVERY", merge_every)
    monkeypatch.setattr(bands, "FOLD_SHARE", fold_share)
    made = sketches(300)
    # Near copies: one band of each query equals a band of an indexed row.
    queries = sketches(40, seed=1)
    for q in range(40):
        row = q * 7
        band = q % BANDS
        queries[q, band * ROWS : (band + 1) * ROWS] = made[row, band * ROWS : (band + 1) * ROWS]
    index = BandIndex()
    for row, sketch in enumerate(made):
        index.add(row, sketch)
    for q, query in enumerate(queries):
        found = index.candidates(query).tolist()
        assert found == brute_force(made, query)
        assert q * 7 in found


def test_restore_from_the_saved_order_gives_the_same_candidates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bands, "MERGE_EVERY", 50)
    made = sketches(130)
    long = np.ones(130, dtype=bool)
    long[::9] = False  # short stories have no sketch in the band index
    index = BandIndex()
    for row in np.flatnonzero(long).tolist():
        index.add(row, made[row])
    assert index.merged > 0 and index.order().shape[0] == BANDS
    restored = BandIndex.restore(made, long, index.order(), index.merged)
    for row in range(130):
        assert restored.candidates(made[row]).tolist() == index.candidates(made[row]).tolist()
        assert (row in index.candidates(made[row]).tolist()) == bool(long[row])


def test_an_empty_index_has_no_candidates() -> None:
    assert BandIndex().candidates(sketches(1)[0]).size == 0
    assert BandIndex().order().shape == (BANDS, 0)


def test_the_band_order_worked_out_again_is_the_one_the_index_kept() -> None:
    # Few values, so that many rows share a band key and the order among equals is tested too.
    stories = (sketches(3000, seed=5) % 7).astype(np.uint16)
    long = np.random.default_rng(1).random(3000) > 0.2
    index = BandIndex()
    for row in np.flatnonzero(long).tolist():
        index.add(row, stories[row])
    assert index.merged > 0
    worked_out = bands.band_order(stories, long, index.merged)
    assert worked_out.shape == index.order().shape
    assert np.array_equal(worked_out, index.order())
    restored = BandIndex.restore(stories, long, worked_out, index.merged)
    for row in (0, 17, 1500, 2999):
        assert np.array_equal(restored.candidates(stories[row]), index.candidates(stories[row]))


def test_rows_in_runs_give_the_order_and_candidates_of_rows_merged_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bands, "MERGE_EVERY", 16)
    stories = (sketches(1000, seed=3) % 5).astype(np.uint16)  # many rows share each key
    at_once = BandIndex()
    monkeypatch.setattr(bands, "FOLD_SHARE", 0)  # after the first merge, runs only
    in_runs = BandIndex()
    for row, sketch in enumerate(stories):
        in_runs.add(row, sketch)
    assert len(in_runs._runs) > 1
    monkeypatch.setattr(bands, "FOLD_SHARE", 10**9)  # every merge into the big array
    for row, sketch in enumerate(stories):
        at_once.add(row, sketch)
    for row in (0, 5, 500, 999):
        assert np.array_equal(in_runs.candidates(stories[row]), at_once.candidates(stories[row]))
    assert np.array_equal(in_runs.order(), at_once.order())
    assert np.array_equal(in_runs.order(), bands.band_order(stories, np.ones(1000, bool), 992))
