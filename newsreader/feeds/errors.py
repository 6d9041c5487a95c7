"""The error a feed, a subscription file or a fetch reports: what failed and why, in one line."""

from __future__ import annotations

from newsreader.errors import NewsreaderError


class FeedError(NewsreaderError):
    """A feed could not be read or fetched; the message names it and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason
