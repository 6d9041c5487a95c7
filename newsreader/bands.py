"""LSH band lookup for the duplicate index: which stories share a band key with a sketch.

The rows of the stories indexed so far sit in one array ordered by band key, then by row, with
a table of where each of the 4,194,304 possible keys (the band number above a 16-bit value)
starts in it: a lookup reads two slots of the table per band, where a binary search over
millions of keys missed the cache a dozen times. Stories added since the last merge wait in a
small array, with a bit per key saying whether any of them holds it: a query compares only
the bands it shares with one of them. Every MERGE_EVERY of them become a sorted run of their
own (band keys and rows), runs of like size merged as a binary counter carries; the runs are
merged into the big array only once they hold a quarter of its rows. Merging into the big
array copies all of it (256 MB at 1,000,000 stories): done every MERGE_EVERY stories, it cost
an import into a big library several milliseconds a story.
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
MERGE_EVERY = 1024  # stories waiting before they become a sorted run
# The runs are merged into the big array once they hold this share of its rows: each row is
# copied a few times over, whatever the size of the library.
FOLD_SHARE = 4
_BAND_PREFIX = np.arange(BANDS, dtype=np.uint32) << np.uint32(16)
_NONE = np.zeros(0, dtype=np.int64)
_KEYS = BANDS << 16  # band keys there can be
_NO_STARTS = np.zeros(0, dtype=np.uint32)
_BITS = (1 << np.arange(8)).astype(np.uint8)


def band_keys(sketch: npt.NDArray[np.uint16]) -> Keys:
    """The sketch's band keys, one per band: the band number above the band's value."""
    return _BAND_PREFIX | sketch[:BANDS].astype(np.uint32)


def band_order(
    sketches: npt.NDArray[np.uint16], long: npt.NDArray[np.bool_], merged: int
) -> npt.NDArray[np.uint32]:
    """Per band, the long rows below `merged` ordered by band value, then by row: the order
    `BandIndex` keeps them in."""
    rows = np.flatnonzero(long[:merged]).astype(np.uint32)
    # A band at a time: sorting all bands at once held 8-byte positions for every key.
    order = np.empty((BANDS, len(rows)), dtype=np.uint32)
    for band in range(BANDS):
        order[band] = rows[np.argsort(sketches[rows, band], kind="stable")]
    return order


class BandIndex:
    """The rows of the duplicate index by band key."""

    def __init__(self) -> None:
        self.rows = np.zeros(0, dtype=np.uint32)  # merged rows by band key (band-major), then row
        # Where each band key's rows start in `rows`, the last entry the end of them all; made
        # at the first merge (16 MB: a small library does without).
        self._starts = _NO_STARTS
        self.merged = 0  # rows below this number are in `rows`; later ones wait
        self._waiting_keys = np.zeros((MERGE_EVERY, BANDS), dtype=np.uint32)
        self._waiting_rows = np.zeros(MERGE_EVERY, dtype=np.uint32)
        self._waiting = 0
        self._waiting_held = np.zeros(_KEYS >> 3, dtype=np.uint8)  # a bit per key waiting
        # Sorted runs of rows merged since the big array was last merged into: (band keys
        # ascending, their rows ascending among equal keys), oldest first.
        self._runs: list[tuple[Keys, Keys]] = []

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
            index.rows = order.reshape(-1)  # `order` is not used again: no copy
            index._starts = np.zeros(_KEYS + 1, dtype=np.uint32)
            # Per band, how many rows hold each value: one band at a time, to keep the
            # temporaries small.
            for band in range(BANDS):
                values = sketches[order[band], band]
                counts = np.bincount(values, minlength=1 << 16).astype(np.uint32)
                index._starts[(band << 16) + 1 : ((band + 1) << 16) + 1] = counts
            np.cumsum(index._starts, out=index._starts)
        index.merged = merged
        for row in np.flatnonzero(long[merged:]).tolist():
            index.add(merged + row, sketches[merged + row])
        return index

    def order(self) -> npt.NDArray[np.uint32]:
        """Per band, the merged rows ordered by band key (the form the index file keeps)."""
        self._fold()
        return self.rows.reshape(BANDS, -1)

    def add(self, row: int, sketch: npt.NDArray[np.uint16]) -> None:
        """Index row `row`, numbered after every row added before it."""
        keys = band_keys(sketch)
        self._waiting_keys[self._waiting] = keys
        np.bitwise_or.at(self._waiting_held, keys >> 3, _BITS[keys & 7])
        self._waiting_rows[self._waiting] = row
        self._waiting += 1
        if self._waiting == len(self._waiting_rows):
            self._merge(row + 1)

    def _merge(self, upto: int) -> None:
        """The waiting rows become a sorted run; runs of like size are merged."""
        count = self._waiting
        rows = np.repeat(self._waiting_rows[:count], BANDS)
        keys = self._waiting_keys[:count].ravel()
        self._waiting_held.fill(0)
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], rows[order]))
        while len(self._runs) > 1 and self._runs[-2][0].size <= self._runs[-1][0].size:
            self._join_last()
        self.merged = upto
        self._waiting = 0
        if sum(run[0].size for run in self._runs) * FOLD_SHARE >= self.rows.size:
            self._fold()

    def _fold(self) -> None:
        """Merge the runs into the big array, in one pass."""
        if not self._runs:
            return
        while len(self._runs) > 1:
            self._join_last()
        keys, rows = self._runs.pop()
        if not self._starts.size:
            self._starts = np.zeros(_KEYS + 1, dtype=np.uint32)
        # After the rows already there with the same key: rows stay in row order.
        self.rows = np.insert(self.rows, self._starts[keys + 1].astype(np.int64), rows)
        # A band's keys start after the new keys of the bands below it (a slice of the sorted
        # keys) and after the band's new keys of lower values.
        firsts = np.searchsorted(keys, _BAND_PREFIX).tolist()
        for band, first in enumerate(firsts):
            values = keys[first : firsts[band + 1] if band + 1 < BANDS else None] & 0xFFFF
            below = np.cumsum(np.bincount(values, minlength=1 << 16)) + first
            self._starts[(band << 16) + 1 : ((band + 1) << 16) + 1] += below.astype(np.uint32)

    def _join_last(self) -> None:
        """Merge the two newest runs into one."""
        newer, older = self._runs.pop(), self._runs.pop()
        # Stable, older first: the rows of one key stay ascending.
        keys = np.concatenate([older[0], newer[0]])
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], np.concatenate([older[1], newer[1]])[order]))

    def candidates(
        self, sketch: npt.NDArray[np.uint16], probe: npt.NDArray[np.bool_] | None = None
    ) -> Rows:
        """The rows sharing at least one band key with `sketch`, ascending, each once.

        `probe`, if given, says which bands to look in (a value held by many stories would
        bring in many candidates that say nothing).
        """
        query = band_keys(sketch)
        if probe is not None:
            query = query[probe]
        hits: list[npt.NDArray[np.integer]] = []
        if self._waiting:
            held = (self._waiting_held[query >> 3] & _BITS[query & 7]) != 0
            if held.any():
                shared_keys = query[held]
                columns = self._waiting_keys[: self._waiting, shared_keys >> np.uint32(16)]
                shared = (columns == shared_keys).any(axis=1)
                if shared.any():
                    hits.append(self._waiting_rows[: self._waiting][shared])
        if self._runs:
            bounds = np.concatenate([query, query + np.uint32(1)])  # where each key starts, ends
            for keys, rows in self._runs:
                first, end = np.split(np.searchsorted(keys, bounds), 2)
                hits.append(_gathered(rows, first, end - first))
        if self.rows.size:
            low = self._starts[query]
            hits.append(_gathered(self.rows, low, self._starts[query + 1] - low))
        hits = [hit for hit in hits if hit.size]
        if not hits:
            return _NONE
        found = np.sort(np.concatenate(hits)).astype(np.int64)
        fresh = np.empty(found.size, dtype=bool)
        fresh[0] = True
        np.not_equal(found[1:], found[:-1], out=fresh[1:])
        return found[fresh]


def _gathered(
    rows: Keys, low: npt.NDArray[np.integer], counts: npt.NDArray[np.integer]
) -> npt.NDArray[np.uint32]:
    """`rows[low[i] : low[i] + counts[i]]` for every i, end to end."""
    looked = counts > 0
    if not looked.any():
        return rows[:0]
    starts, sizes = low[looked].astype(np.int64), counts[looked].astype(np.int64)
    # The rows of every posting looked up, gathered at once rather than sliced.
    ends = np.cumsum(sizes)
    at = np.arange(int(ends[-1])) + np.repeat(starts - (ends - sizes), sizes)
    found: Keys = rows[at]
    return found
