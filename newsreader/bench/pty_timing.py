"""Time a program in a real pseudo-terminal: first paint, resident memory, key-to-disk latency,
and time to interactive (spawn to the first key's effect on disk)."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

HELLO_TEXT = "Hello from a bare Textual app"
HELLO_APP = f"""
from textual.app import App
from textual.widgets import Static


class Hello(App):
    def compose(self):
        yield Static({HELLO_TEXT!r})


Hello().run()
"""


class PtyProgram:
    """A program running on its own pseudo-terminal, its output drained by a thread."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        watch_for: str,
        size: tuple[int, int] = (120, 40),
    ) -> None:
        master, slave = os.openpty()
        columns, lines = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self._pattern = watch_for.encode()
        self._output = bytearray()
        self._seen = threading.Event()
        self.seen_at: float | None = None
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        # Keep reading whatever the program writes, so that it never blocks on a full pty.
        searched = 0
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            now = time.perf_counter()
            self._output += chunk
            if self.seen_at is None:
                if self._pattern in self._output[max(0, searched - len(self._pattern)) :]:
                    self.seen_at = now
                    self._seen.set()
                searched = len(self._output)

    def wait_seen(self, timeout: float) -> float:
        """Seconds from spawn until the watched text appeared; TimeoutError if it never did."""
        if not self._seen.wait(timeout) or self.seen_at is None:
            tail = bytes(self._output[-400:]).decode(errors="replace")
            raise TimeoutError(f"{self._pattern.decode()!r} not seen in {timeout} s: {tail!r}")
        return self.seen_at - self.started

    def rss_mb(self) -> float:
        """Resident memory of the program now (VmRSS), in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS line")

    def send(self, keys: bytes) -> None:
        """Type `keys` into the terminal."""
        os.write(self.master, keys)

    def kill(self) -> None:
        """End the program at once (SIGKILL: no chance to flush anything)."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        os.close(self.master)
        self._reader.join(timeout=2)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _changed(path: Path) -> Callable[[], bool]:
    before = _stamp(path)
    return lambda: _stamp(path) != before


def key_to_disk_ms(program: PtyProgram, key: bytes, path: Path, timeout: float = 2.0) -> float:
    """Milliseconds from typing `key` until `path` changes on disk, polled from outside."""
    changed = _changed(path)
    start = time.perf_counter()
    program.send(key)
    while not changed():
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"{path.name} did not change within {timeout} s of {key!r}")
        time.sleep(0.0001)
    return (time.perf_counter() - start) * 1000


def first_paint(
    argv: Sequence[str], env: Mapping[str, str], text: str, timeout: float = 120.0
) -> tuple[float, float]:
    """Seconds until `text` is on screen and the resident MB one second later; then kill it."""
    program = PtyProgram(argv, env, text)
    try:
        seconds = program.wait_seen(timeout)
        time.sleep(1.0)
        return seconds, program.rss_mb()
    finally:
        program.kill()


def rss_after_paint(
    argv: Sequence[str], env: Mapping[str, str], text: str, seconds: float, every: float = 0.25
) -> list[float]:
    """Resident MB of the program every `every` seconds for `seconds` after `text` is on
    screen (the library opens after the first frame: memory grows until it is in)."""
    program = PtyProgram(argv, env, text)
    try:
        program.wait_seen(120.0)
        samples = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            time.sleep(every)
            samples.append(program.rss_mb())
        return samples
    finally:
        program.kill()


def _wait_changed(changed: Callable[[], bool], timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while not changed():
        if time.perf_counter() > deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


POLL_SECONDS = 0.001  # finer than the figures measured, and no core kept busy by the polling


def time_to_interactive(
    argv: Sequence[str],
    env: Mapping[str, str],
    text: str,
    marks: Path,
    settled: Path,
    key: bytes = b"s",
    timeout: float = 120.0,
    settle_seconds: float = 10.0,
) -> tuple[float, float]:
    """Seconds from spawn until `text` is on screen, and until `key`, typed the moment it
    is, changed `marks` on disk. The program is killed once `settled` changed too, or
    `settle_seconds` later (the app saves its first screen when its library is open): the
    next start then finds the library as a user's next start would."""
    marks_changed, settled_changed = _changed(marks), _changed(settled)
    program = PtyProgram(argv, env, text)
    try:
        seen = program.wait_seen(timeout)
        program.send(key)
        if not _wait_changed(marks_changed, timeout):
            raise TimeoutError(f"{marks.name} did not change within {timeout} s of {key!r}")
        on_disk = time.perf_counter() - program.started
        _wait_changed(settled_changed, settle_seconds)
        return seen, on_disk
    finally:
        program.kill()
