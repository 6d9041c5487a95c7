"""Key latency in the app while another process imports into its library.

The app runs under Pilot on a library (a copy: the import changes it); `newsreader import
CORPUS` runs in a process of its own meanwhile, and `j` is pressed every 50 ms throughout, as
a reader going down the list does. A key's latency runs from the moment it was due to the
moment the app had handled it and drawn the screen: a key due while the app was busy waits,
as a key typed into a frozen app does. The longest stall is the longest time the app's event
loop did not run at all. Run as `python -m newsreader.bench.reload_keys LIBRARY CORPUS` to
print the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from textual import events

from newsreader.config import Config
from newsreader.library import Library
from newsreader.ui.app import NewsReader

SIZE = (120, 40)  # the reader previews the highlighted story beside the list
KEY_EVERY = 0.05
TICK = 0.005  # how often the stall watcher wakes
AFTER_SECONDS = 3.0  # keys pressed once the import is over and its last commit listed
LIMIT_SECONDS = 1800.0


@dataclass
class Run:
    """What one run saw: key latencies (ms) and when things happened (s from the start)."""

    latencies: list[float] = field(default_factory=list)
    stall: float = 0.0  # the longest time the event loop did not run, ms
    first_listed: float | None = None  # the list first showed more stories than before
    import_done: float | None = None
    all_listed: float | None = None  # the list showed the catalog of the import's end
    stories: tuple[int, int] = (0, 0)  # in the list before and after


def _summary(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if not ordered:
        return {"n": 0}
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max": ordered[-1],
        "n": len(ordered),
    }


async def _watch_stalls(run: Run, stop: asyncio.Event) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(TICK)
        now = time.perf_counter()
        run.stall = max(run.stall, (now - last - TICK) * 1000)
        last = now


async def measure(library_folder: Path, corpus: Path) -> Run:
    """Press `j` every 50 ms in the app on `library_folder` while `corpus` is imported into it."""
    library = Library(library_folder)
    app = NewsReader(library=library, config=Config())
    run = Run()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            before = app.story_list.story_count
            due_times = _time_keys(app, run)
            command = [sys.executable, "-m", "newsreader", "--db", str(library_folder)]
            command += ["import", str(corpus)]
            stop = asyncio.Event()
            watcher = asyncio.create_task(_watch_stalls(run, stop))
            start = time.perf_counter()
            importer = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ)
            )
            due = start
            finished_at: float | None = None
            while time.perf_counter() - start < LIMIT_SECONDS:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                # Typed as a terminal would: the key waits in the queue while the app is busy.
                due_times.append(due)
                key = events.Key("j", "j")
                key.set_sender(app)
                assert app._driver is not None
                app._driver.send_message(key)
                due += KEY_EVERY
                now = time.perf_counter()
                shown = app.story_list.story_count
                if run.first_listed is None and shown > before:
                    run.first_listed = now - start
                if run.import_done is None and importer.poll() is not None:
                    run.import_done = now - start
                listed = not library.catalog.changed_on_disk() and not _pending(app)
                if run.import_done is not None and run.all_listed is None and listed:
                    run.all_listed = now - start
                    finished_at = now
                if finished_at is not None and now - finished_at > AFTER_SECONDS:
                    break
            await pilot.pause()
            stop.set()
            await watcher
            run.stories = (before, app.story_list.story_count)
            _, errors = importer.communicate()
            if importer.returncode:
                raise RuntimeError(f"import failed: {errors.decode()[-500:]}")
    finally:
        library.close()
    return run


def _time_keys(app: NewsReader, run: Run) -> deque[float]:
    """Record each `j`'s latency in `run`: from when it was due (put in the queue returned)
    until the screen was drawn after its move."""
    due_times: deque[float] = deque()
    original = app.action_cursor_down

    def timed() -> None:
        due = due_times.popleft() if due_times else time.perf_counter()
        original()

        def drawn() -> None:
            run.latencies.append((time.perf_counter() - due) * 1000)

        app.call_after_refresh(drawn)

    app.action_cursor_down = timed  # type: ignore[method-assign]
    return due_times


def _pending(app: NewsReader) -> bool:
    """Whether the app is still putting together a catalog it found changed."""
    return bool(getattr(app.background, "reading", False))


def figures(run: Run) -> dict[str, Any]:
    """The run's figures as printed."""
    return {
        "key latency, ms": _summary(run.latencies),
        "longest stall, ms": run.stall,
        "keys over 16 ms": sum(1 for value in run.latencies if value > 16),
        "first new stories listed, s": run.first_listed,
        "import done, s": run.import_done,
        "all listed, s": run.all_listed,
        "stories listed before, after": list(run.stories),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: print the figures of one run as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("library", type=Path, help="a copy of a library: it is imported into")
    parser.add_argument("corpus", type=Path, help="a folder of dumps new to that library")
    args = parser.parse_args(argv)
    run = asyncio.run(measure(args.library, args.corpus))
    sys.stdout.buffer.write(orjson.dumps(figures(run), option=orjson.OPT_INDENT_2) + b"\n")


if __name__ == "__main__":
    main()
