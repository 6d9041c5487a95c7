"""Folded titles as one block of bytes per catalog segment, searched with numpy.

`title:x` keeps the stories whose folded title (newsreader.words.fold) holds x. Making every
story's metadata to fold its title took seconds at 1,000,000 stories; each segment's cache
keeps instead its folded titles as UTF-8, one after the other, each followed by a NUL, and
where each NUL is. A term holds no NUL, so a match never spans two titles; and UTF-8 maps
substrings to substrings, so a byte match is exactly a `str` match. Finding a term costs a
pass over the bytes (about 60 a story) in 4-byte words, then a look at the few places found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from newsreader.words import fold

Blob = npt.NDArray[np.uint8]
Ends = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


def folded_title(title: object) -> bytes:
    """What a story's title is searched as: folded, UTF-8 (a title not text: nothing)."""
    return fold(title).encode("utf-8", "surrogatepass") if isinstance(title, str) else b""


def title_block(titles: Iterable[bytes]) -> tuple[Blob, Ends]:
    """Folded titles one after the other, each ended by a NUL; and where each NUL is."""
    texts = list(titles)
    blob = b"".join(text + b"\0" for text in texts)
    ends = np.cumsum(np.array([len(text) + 1 for text in texts], dtype=np.int64)) - 1
    return np.frombuffer(blob, dtype=np.uint8), ends


def _anchors(blob: Blob, term: bytes) -> npt.NDArray[np.int64]:
    """Where `term` starts in `blob`: its first bytes compared as one number at each byte
    (a view per alignment), then each further byte at the few places left."""
    width = 4 if len(term) >= 4 else 2 if len(term) >= 2 else 1
    kind = np.dtype(f"<u{width}")
    key = np.frombuffer(term[:width], dtype=kind)[0]
    found = []
    for shift in range(width):
        count = (blob.size - shift) // width
        words = blob[shift : shift + count * width].view(kind)
        found.append(np.flatnonzero(words == key) * width + shift)
    places = np.concatenate(found)
    # A place still in the running has non-NUL bytes before the next one, so the next byte
    # is inside the block (which ends with a NUL).
    for number in range(width, len(term)):
        places = places[blob[places + number] == term[number]]
    return places


def holding(blob: Blob, ends: Ends, term: bytes) -> Mask:
    """Which titles of the block, in its order, hold `term` (which has no NUL)."""
    found = np.zeros(ends.size, dtype=bool)
    if not term:
        found[:] = True
    elif len(term) == 1 and blob.size:
        # One letter is in most titles: a pass over the bytes, then one per title, rather
        # than millions of places found and looked up.
        starts = np.concatenate(([0], ends[:-1] + 1))
        found = np.logical_or.reduceat(blob == term[0], starts)
    elif blob.size:
        found[np.searchsorted(ends, _anchors(blob, term))] = True
    return found


class FoldedTitles:
    """Every story's folded title, by catalog segment, and the stories' library positions."""

    def __init__(self, blocks: Sequence[tuple[Blob, Ends]], places: npt.NDArray[np.int64]) -> None:
        # `places`: the library position of each story, the segments' stories one after
        # the other in the order of `blocks`.
        self.blocks = blocks
        self.places = places

    def __len__(self) -> int:
        return int(self.places.size)

    def mask(self, term: str) -> Mask | None:
        """Which stories, by library position, have a folded title holding `term` (a folded
        text); None for a term holding NUL, which the block cannot answer."""
        wanted = term.encode("utf-8", "surrogatepass")
        if b"\0" in wanted:
            return None
        found = np.zeros(self.places.size, dtype=bool)
        base = 0
        for blob, ends in self.blocks:
            found[self.places[base : base + ends.size][holding(blob, ends, wanted)]] = True
            base += ends.size
        return found
