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


def tree_rss_mb(pid: int) -> float:
    """Resident MB of `pid` and every process under it, summed (0 once they are gone)."""
    total_kb, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
                break
        pending += _children(current)
    return total_kb / 1024


class TreeWatch:
    """The peak of `tree_rss_mb(pid)`, polled on a thread until `stop`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._done.wait(POLL_SECONDS):
            self.peak = max(self.peak, tree_rss_mb(self.pid))

    def stop(self) -> float:
        """Stop polling; the peak seen, in MB."""
        self._done.set()
        self._thread.join()
        return self.peak
