"""`counts.txt`: the counts `newsreader count` prints, saved while they are true of the files.

The format and its reading are count.py's, which runs with nothing but `os` imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from newsreader.count import MAGIC, SUMMARY_FILE, Counts, stamps
from newsreader.errors import NewsreaderError


def save_summary(folder: Path, current: Callable[[], bool], counts: Callable[[], Counts]) -> None:
    """Write `counts.txt` in `folder` with `counts()`, when `current()` says the library's
    state in memory is the state of its files.

    Best effort, never raises: when another process wrote what the library has not read, no
    summary is written (and `count` works the counts out from the files). Not fsynced: a
    summary lost or torn in a crash no longer matches its files and is worked around.
    """
    before = stamps(folder)
    try:
        if not current():
            return
        counted = counts()
        if stamps(folder) != before:
            return  # changed meanwhile: the counts may not be those of `before`
        text = f"{MAGIC}\n{' '.join(before)}\n{' '.join(map(str, counted))}\n"
        temp = folder / f".{SUMMARY_FILE}.{os.getpid()}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, text.encode("ascii"))
        finally:
            os.close(fd)
        os.replace(temp, folder / SUMMARY_FILE)
    except (OSError, NewsreaderError):
        return
