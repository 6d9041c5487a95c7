"""LSH band lookup for the duplicate index: which stories share a band key with a sketch.

Every band key of the stories indexed so far sits in one sorted array, the band number in its
top bits, so that two `searchsorted` calls answer all the bands of a query at once. Stories
added since the last merge wait in a small array compared whole with each query (it stays in
the processor's cache: cheaper than a dict of their keys); every MERGE_EVERY of them are
merged into the sorted array in one pass, which costs a copy of it rather than a sort — an
import of 100,000 stories would otherwise spend seconds re-sorting what was already sorted.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Keys = npt.NDArray[np.uint32]
Rows = npt.NDArray[np.int64]

# One 16-bit sketch value per band, of the sketch's first 64: a pair at Jaccard 0.05 is a
# candidate 96 % of the time, at 0.1 99.9 % (32 bands of four values: 0.03 %), which trimmed
# copies and rewrites need; the finer check follows. By chance a value is shared by one story
# in 65,536, and the values many stories hold are not looked up (see `candidates`).
BANDS = 64
ROWS = 1  # sketch values per band
MERGE_EVERY = 1024  # stories waiting before they are merged into the sorted array
_BAND_PREFIX = np.arange(BANDS, dtype=np.uint32) << np.uint32(16)
_NONE = np.zeros(0, dtype=np.int64)
_NO_KEY = np.uint32(0xFFFFFFFF)  # above every band key: a band not looked up


def band_keys(sketch: npt.NDArray[np.uint16]) -> Keys:
    """The sketch's band keys, one per band: the band number above the band's value."""
    return _BAND_PREFIX | sketch[:BANDS].astype(np.uint32)


def band_order(
    sketches: npt.NDArray[np.uint16], long: npt.NDArray[np.bool_], merged: int
) -> npt.NDArray[np.uint32]:
    """Per band, the long rows below `merged` ordered by band value, then by row: the order
    `BandIndex` keeps them in."""
    rows = np.flatnonzero(long[:merged]).astype(np.uint32)
    values = sketches[rows, :BANDS].T  # one line per band
    return np.take_along_axis(
        np.broadcast_to(rows, values.shape), np.argsort(values, axis=1, kind="stable"), 1
    ).astype(np.uint32)


class BandIndex:
    """The rows of the duplicate index by band key."""

    def __init__(self) -> None:
        self.keys: Keys = np.zeros(0, dtype=np.uint32)  # sorted; band-major by its top bits
        self.rows = np.zeros(0, dtype=np.uint32)  # the row each key belongs to
        self.merged = 0  # rows below this number are in `keys`; later ones wait
        self._waiting_keys = np.zeros((MERGE_EVERY, BANDS), dtype=np.uint32)
        self._waiting_rows = np.zeros(MERGE_EVERY, dtype=np.uint32)
        self._waiting = 0

    @classmethod
    def restore(
        cls,
        sketches: npt.NDArray[np.uint16],
        long: npt.NDArray[np.bool_],
        order: npt.NDArray[np.uint32],
        merged: int,
    ) -> BandIndex:
        """The index of `sketches` whose per-band row order below `merged` is `order`."""
        index = cls()
        if order.size:
            bands = sketches[:, :BANDS].astype(np.uint32)
            keys = np.take_along_axis(bands.T, order.astype(np.int64), 1)
            index.keys = (_BAND_PREFIX[:, None] | keys).ravel()
            index.rows = order.ravel().copy()
        index.merged = merged
        for row in np.flatnonzero(long[merged:]).tolist():
            index.add(merged + row, sketches[merged + row])
        return index

    def order(self) -> npt.NDArray[np.uint32]:
        """Per band, the merged rows ordered by band key (the form the index file keeps)."""
        return self.rows.reshape(BANDS, -1)

    def add(self, row: int, sketch: npt.NDArray[np.uint16]) -> None:
        """Index row `row`, numbered after every row added before it."""
        self._waiting_keys[self._waiting] = band_keys(sketch)
        self._waiting_rows[self._waiting] = row
        self._waiting += 1
        if self._waiting == len(self._waiting_rows):
            self._merge(row + 1)

    def _merge(self, upto: int) -> None:
        count = self._waiting
        rows = np.repeat(self._waiting_rows[:count], BANDS)
        keys = self._waiting_keys[:count].ravel()
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        at = np.searchsorted(self.keys, keys, side="right")
        self.keys = np.insert(self.keys, at, keys)
        self.rows = np.insert(self.rows, at, rows)
        self.merged = upto
        self._waiting = 0

    def candidates(
        self, sketch: npt.NDArray[np.uint16], probe: npt.NDArray[np.bool_] | None = None
    ) -> Rows:
        """The rows sharing at least one band key with `sketch`, ascending, each once.

        `probe`, if given, says which bands to look in (a value held by many stories would
        bring in many candidates that say nothing).
        """
        query = band_keys(sketch)
        if probe is not None:
            query[~probe] = _NO_KEY
        hits: list[npt.NDArray[np.integer]] = []
        if self._waiting:
            count = self._waiting
            shared = (self._waiting_keys[:count] == query).any(axis=1)
            if shared.any():
                hits.append(self._waiting_rows[:count][shared])
        if self.keys.size:
            low = np.searchsorted(self.keys, query, side="left")
            high = np.searchsorted(self.keys, query, side="right")
            looked = high > low
            starts, counts = low[looked], (high - low)[looked]
            if counts.size:
                # The rows of every posting looked up, gathered at once rather than sliced.
                ends = np.cumsum(counts)
                at = np.arange(int(ends[-1])) + np.repeat(starts - (ends - counts), counts)
                hits.append(self.rows[at])
        if not hits:
            return _NONE
        return np.unique(np.concatenate(hits).astype(np.int64))
