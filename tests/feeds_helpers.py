"""Helpers for the feed tests: a local feed server and the CLI run in this process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.__main__ import main
from newsreader.bench.feed_server import FeedServer, rss


def items(prefix: str, count: int) -> list[tuple[str, str, str]]:
    """`count` distinct entries, each with a few sentences of its own."""
    return [
        (
            f"{prefix}-{n}",
            f"{prefix} story number {n}",
            f"<p>The {prefix} desk reports item {n} with details unique to it: "
            f"{' '.join(f'{prefix}{n}w{k}' for k in range(12))}.</p>",
        )
        for n in range(count)
    ]


def run(capsys: pytest.CaptureFixture[str], library: Path, *args: str) -> tuple[int, str, str]:
    """Run `newsreader --db library ARGS` in this process: (status, stdout, stderr)."""
    status = main(["--db", str(library), *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A feed server on 127.0.0.1, port chosen by the system."""
    with FeedServer() as started:
        yield started


__all__ = ["FeedServer", "items", "rss", "run", "server"]
