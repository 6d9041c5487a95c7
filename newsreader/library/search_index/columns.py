"""What the index keeps of each story besides its words: id, published time, source, body file.

With these a query on sources and dates never reads the catalog's metadata, and a phrase
check reads the candidates' bodies file by file without asking the catalog where each is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from newsreader.when import parse_published
from newsreader.words import fold

Codes = npt.NDArray[np.int32]


class StoryText(NamedTuple):
    """A story as the index takes it in."""

    id: str
    title: str
    paragraphs: Sequence[str]
    source: str
    published: str | None
    body: str  # the catalog's body file holding the paragraphs ("" when unknown)
    terms: npt.NDArray[np.uint64] | None = None  # `words.story_terms`, when worked out ahead


def _timestamp(published: str | None) -> float:
    when = parse_published(published)
    return np.nan if when is None else when.timestamp()


def _codes(values: Sequence[str]) -> tuple[Codes, list[str]]:
    """Each value as a number into the list of distinct values."""
    numbers: dict[str, int] = {}
    codes = np.array([numbers.setdefault(v, len(numbers)) for v in values], dtype=np.int32)
    return codes, list(numbers)


def _recode(parts: Sequence[tuple[Codes, list[str]]]) -> tuple[Codes, list[str]]:
    """Codes into several name lists, as codes into one list of all the names."""
    numbers: dict[str, int] = {}
    joined = []
    for codes, names in parts:
        table = np.array([numbers.setdefault(n, len(numbers)) for n in names], dtype=np.int32)
        joined.append(table[codes] if len(names) else codes)
    return (np.concatenate(joined) if joined else np.zeros(0, np.int32)), list(numbers)


@dataclass
class StoryColumns:
    """Per local story number of a segment: id, published time, source and body file."""

    ids: list[str]
    published: npt.NDArray[np.float64]  # epoch seconds, NaN when unknown
    source: Codes  # into source_names
    source_names: list[str]  # folded, as queries compare them
    body: Codes  # into body_names
    body_names: list[str]

    @classmethod
    def of(cls, stories: Sequence[StoryText]) -> StoryColumns:
        """The columns of `stories`."""
        source, source_names = _codes([fold(story.source) for story in stories])
        body, body_names = _codes([story.body for story in stories])
        published = np.array([_timestamp(s.published) for s in stories], dtype=np.float64)
        return cls([s.id for s in stories], published, source, source_names, body, body_names)

    def __len__(self) -> int:
        return len(self.ids)

    def kept(self, keep: npt.NDArray[np.bool_]) -> StoryColumns:
        """Only the stories `keep` marks."""
        ids = [sid for sid, k in zip(self.ids, keep.tolist(), strict=True) if k]
        return StoryColumns(
            ids,
            self.published[keep],
            self.source[keep],
            self.source_names,
            self.body[keep],
            self.body_names,
        )

    @classmethod
    def joined(cls, parts: Sequence[StoryColumns]) -> StoryColumns:
        """The stories of every part, one part after the other."""
        source, source_names = _recode([(p.source, p.source_names) for p in parts])
        body, body_names = _recode([(p.body, p.body_names) for p in parts])
        published = [p.published for p in parts]
        return cls(
            [sid for part in parts for sid in part.ids],
            np.concatenate(published) if published else np.zeros(0, np.float64),
            source,
            source_names,
            body,
            body_names,
        )

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        """The columns as arrays to save: `stories` (a record per story) and two name lists."""
        width = max((len(sid.encode()) for sid in self.ids), default=1)
        fields = [("id", f"S{width}"), ("published", "<f8"), ("source", "<i4"), ("body", "<i4")]
        table = np.zeros(len(self.ids), dtype=fields)
        table["id"] = [sid.encode() for sid in self.ids]
        table["published"] = self.published
        table["source"] = self.source
        table["body"] = self.body
        return {
            "sources": np.array(self.source_names or [""], dtype=np.str_),
            "bodies": np.array(self.body_names or [""], dtype=np.str_),
            "stories": table,
        }

    @classmethod
    def from_arrays(
        cls,
        table: npt.NDArray[np.void],
        sources: npt.NDArray[np.str_],
        bodies: npt.NDArray[np.str_],
    ) -> StoryColumns:
        """The columns `arrays` saved."""
        return cls(
            [sid.decode() for sid in table["id"].tolist()],
            np.asarray(table["published"], dtype=np.float64),
            np.asarray(table["source"], dtype=np.int32),
            [str(name) for name in sources.tolist()],
            np.asarray(table["body"], dtype=np.int32),
            [str(name) for name in bodies.tolist()],
        )
