"""Tag names and the "tags" mark's stored value, as plain data (the library and undo share them)."""

from __future__ import annotations

import re
from typing import Any

from newsreader.errors import NewsreaderError

_TAG = re.compile(r"[^\W_][\w.+/-]*")


def tag_name(text: str) -> str:
    """`text` as a tag (folded, one word); a NewsreaderError saying what a tag may hold."""
    from newsreader.words import fold  # here: it brings numpy, which the first frame is without

    name = fold(text).strip()
    if not _TAG.fullmatch(name):
        raise NewsreaderError(
            f"not a tag: {text!r} (one word of letters and digits, with - _ . + / inside)"
        )
    return name


def clean(value: Any) -> tuple[str, ...]:
    """A stored tags value as sorted tags; () for none or for a malformed value."""
    if not isinstance(value, list):
        return ()
    from newsreader.words import fold  # here: it brings numpy, which the first frame is without

    return tuple(sorted({fold(t) for t in value if isinstance(t, str) and t.strip()}))


def with_tag(value: Any, tag: str, add: bool) -> list[str] | None:
    """A stored tags value with `tag` added or removed; None when no tag is left."""
    tags = set(clean(value))
    tags = tags | {tag} if add else tags - {tag}
    return sorted(tags) or None
