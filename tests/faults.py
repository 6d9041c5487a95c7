"""Faults for tests: real ones (a small tmpfs, a read-only remount) where the machine allows
mounting, and an injected layer (fsync that fails or sleeps on command) everywhere."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def can_mount() -> str | None:
    """None when this process may mount a tmpfs, else why not (the reason a test is skipped)."""
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root; the injected variant of this test runs instead"
    return None


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder` for the block; skips the test if it cannot be."""
    reason = can_mount()
    if reason is not None:
        pytest.skip(reason)
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:  # a container without CAP_SYS_ADMIN
        pytest.skip(f"mount not permitted here ({done.stderr.strip()}); injected variant runs")
    try:
        yield folder
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], capture_output=True)
        subprocess.run(["umount", "-l", str(folder)], check=True)


def remount(folder: Path, read_only: bool) -> None:
    """Make the tmpfs at `folder` read-only or writable again."""
    mode = "remount,ro" if read_only else "remount,rw"
    subprocess.run(["mount", "-o", mode, str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Fill the disk holding `folder` to the last byte; remove the returned file to free it."""
    path = folder / "filler"
    with contextlib.suppress(OSError), path.open("wb", buffering=0) as handle:
        while True:
            handle.write(b"\0" * 4096)
    with contextlib.suppress(OSError), path.open("ab", buffering=0) as handle:
        while True:  # the last partial block
            handle.write(b"\0")
    return path


class InjectedFsync:
    """Replaces os.fsync: fails with `error` (an errno) after `after` calls, or sleeps `delay`."""

    def __init__(self) -> None:
        self.error: int | None = None
        self.after = 0
        self.delay = 0.0
        self.calls = 0
        self.gate = threading.Event()  # cleared: every fsync waits (a disk that hangs)
        self.gate.set()
        self._real: Callable[[int], None] = os.fsync

    def __call__(self, fd: int) -> None:
        self.calls += 1
        if self.error is not None and self.calls > self.after:
            raise OSError(self.error, os.strerror(self.error))
        if self.delay:
            time.sleep(self.delay)
        self.gate.wait(timeout=60)
        self._real(fd)

    def fail(self, code: int = errno.ENOSPC, after: int = 0) -> None:
        """Fail every fsync from the (after+1)-th on with `code`."""
        self.error, self.after, self.calls = code, after, 0

    def hang(self) -> None:
        """Make every fsync wait until `release`."""
        self.gate.clear()

    def release(self) -> None:
        """Let the waiting fsyncs finish."""
        self.gate.set()

    def heal(self) -> None:
        """Let every fsync through again."""
        self.error = None


@pytest.fixture
def injected(monkeypatch: pytest.MonkeyPatch) -> InjectedFsync:
    """An fsync that fails or is slow on command (the disk layer every library write goes by)."""
    fault = InjectedFsync()
    monkeypatch.setattr(os, "fsync", fault)
    return fault
