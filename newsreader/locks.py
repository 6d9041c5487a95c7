"""Locks that say who holds them: a waiting command names the process it waits for."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import orjson

from newsreader.errors import LockHeld
from newsreader.storage import FILE_MODE

POLL_SECONDS = 0.05  # how often a waiting command tries the lock again


def holder(path: Path) -> str:
    """Who holds the lock at `path`, in words: "another import, pid 12, started 12:01"."""
    try:
        info = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        info = None
    if not isinstance(info, dict):
        return "another newsreader process"
    what, pid, since = info.get("what", "process"), info.get("pid", "?"), info.get("since")
    started = ""
    if isinstance(since, (int, float)):
        started = f", started {datetime.fromtimestamp(since).strftime('%H:%M:%S')}"
    return f"another {what}, pid {pid}{started}"


@contextlib.contextmanager
def hold(
    path: Path,
    what: str,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the exclusive lock at `path` as `what` (e.g. "import"), writing who holds it.

    When another process holds it: with `wait`, say so once through `on_wait` and try again
    until it is free (Ctrl-C ends the wait); without, raise LockHeld naming the holder. A
    process that dies releases its flock, so a dead holder's lock is simply taken over.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                message = f"{path}: held by {holder(path)}"
                if not wait:
                    raise LockHeld(f"{message} (not waiting: --no-wait)") from None
                if not told and on_wait is not None:
                    on_wait(f"waiting for {holder(path)} ({path})")
                told = True
                time.sleep(POLL_SECONDS)
        # Best effort: a full disk must not stop the lock from working, only its label.
        with contextlib.suppress(OSError):
            info = {"pid": os.getpid(), "what": what, "since": time.time()}
            os.ftruncate(fd, 0)
            os.pwrite(fd, orjson.dumps(info), 0)
        yield
    finally:
        os.close(fd)
