"""Resident memory of a process and its descendants, polled from /proc while it runs."""

from __future__ import annotations

import threading
from pathlib import Path

POLL_SECONDS = 0.05


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue  # the thread or the process ended meanwhile
    return found


def tree_status(pid: int) -> dict[int, tuple[int, int]]:
    """(resident kB, peak resident kB) of `pid` and every process under it, by pid."""
    found: dict[int, tuple[int, int]] = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if "VmRSS" in fields:  # a zombie has none
            found[current] = (_kb(fields["VmRSS"]), _kb(fields.get("VmHWM", "0 kB")))
        pending += _children(current)
    return found


def _kb(value: str) -> int:
    return int(value.split()[0])


def tree_rss_mb(pid: int) -> float:
    """Resident MB of `pid` and every process under it, summed (0 once they are gone)."""
    return sum(rss for rss, _peak in tree_status(pid).values()) / 1024


class TreeWatch:
    """The peak of `tree_rss_mb(pid)`, polled on a thread until `stop`; and each process's
    own peak (VmHWM), the largest in `largest_mb`.

    Not `wait4`'s ru_maxrss: a child started with vfork takes over its parent's peak at exec,
    so a benchmark that grew large (generating a corpus) would be charged to the command."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self.peaks: dict[int, float] = {}  # each process's own peak seen, MB
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._done.wait(POLL_SECONDS):
            status = tree_status(self.pid)
            self.peak = max(self.peak, sum(rss for rss, _ in status.values()) / 1024)
            for pid, (_rss, peak) in status.items():
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak / 1024)

    @property
    def largest_mb(self) -> float:
        """The largest peak of any one process of the tree seen, MB."""
        return max(self.peaks.values(), default=0.0)

    def stop(self) -> float:
        """Stop polling; the peak seen, in MB."""
        self._done.set()
        self._thread.join()
        return self.peak
