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
from newsreader.library.catalog import Catalog
from newsreader.ui.app import NewsReader

SIZE = (120, 40)  # the reader previews the highlighted story beside the list
KEY_EVERY = 0.05
TICK = 0.005  # how often the stall watcher wakes
AFTER_SECONDS = 3.0  # keys pressed once the import is over and its last commit listed
LIMIT_SECONDS = 1800.0


@dataclass
class Run:
    """What one run saw: key latencies (ms) and when things happened (s from the import's start)."""

    idle: list[float] = field(default_factory=list)  # latencies before the import starts
    latencies: list[float] = field(default_factory=list)  # from its start until all is listed
    stall: float = 0.0  # the longest time the event loop did not run, ms
    # (when, ms, whether a catalog was being read on a thread) of each over 100 ms
    stalls: list[tuple[float, float, bool]] = field(default_factory=list)
    pickups: list[float] = field(default_factory=list)  # ms of each pick-up on the UI thread
    first_listed: float | None = None  # the list first showed more stories than before
    import_done: float | None = None
    all_listed: float | None = None  # the list showed the catalog of the import's end
    stories: tuple[int, int] = (0, 0)  # in the list before and after
    pick_up: bool = True  # whether the app sees the import
    start: float = 0.0  # when the import started (perf_counter)
    into: list[float] = field(default_factory=list)  # where latencies go now

    def since(self) -> float:
        """Seconds since the import started."""
        return time.perf_counter() - self.start


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


async def _watch_stalls(app: NewsReader, run: Run, stop: asyncio.Event) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(TICK)
        now = time.perf_counter()
        stalled = (now - last - TICK) * 1000
        run.stall = max(run.stall, stalled)
        if stalled > 100 and run.start:
            run.stalls.append((round(run.since(), 2), round(stalled), _pending(app)))
        last = now


class Typist:
    """Types `j` into the app every KEY_EVERY seconds, as a terminal would: a key typed while
    the app is busy waits in its queue."""

    def __init__(self, app: NewsReader, run: Run) -> None:
        self.app = app
        self.due_times = _time_keys(app, run)
        self.due = time.perf_counter()

    async def next_key(self) -> None:
        """Wait until the next key is due, and type it."""
        await asyncio.sleep(max(0.0, self.due - time.perf_counter()))
        self.due_times.append(self.due)
        key = events.Key("j", "j")
        key.set_sender(self.app)
        assert self.app._driver is not None
        self.app._driver.send_message(key)
        self.due += KEY_EVERY


async def measure(
    library_folder: Path, corpus: Path, idle_seconds: float = 10.0, pick_up: bool = True
) -> Run:
    """Press `j` every 50 ms in the app on `library_folder`, for `idle_seconds` alone, then
    while `corpus` is imported into it by another process, until the app lists it all.
    Without `pick_up` the app never sees the import (what the import's load alone costs)."""
    library = Library(library_folder)
    if not pick_up:
        library.catalog.changed_on_disk = lambda: False  # type: ignore[method-assign]
    app = NewsReader(library=library, config=Config())
    run = Run(pick_up=pick_up)
    _wall_times(app, run.pickups)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            before = app.story_list.story_count
            stop = asyncio.Event()
            watcher = asyncio.create_task(_watch_stalls(app, run, stop))
            typist = Typist(app, run)
            run.into = run.idle
            idle_until = time.perf_counter() + idle_seconds
            while typist.due < idle_until:
                await typist.next_key()
            await pilot.pause()
            run.into = run.latencies
            command = [sys.executable, "-m", "newsreader", "--db", str(library_folder)]
            command += ["import", str(corpus)]
            run.start = typist.due = time.perf_counter()
            importer = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ)
            )
            while run.since() < LIMIT_SECONDS:
                await typist.next_key()
                if _note(app, run, importer, before):
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


def _note(app: NewsReader, run: Run, importer: subprocess.Popen[bytes], before: int) -> bool:
    """Note what happened since the last key; True once all is listed and keys went on a while."""
    now = run.since()
    if run.first_listed is None and app.story_list.story_count > before:
        run.first_listed = now
    if run.import_done is None and importer.poll() is not None:
        run.import_done = now
    catalog = app.library.catalog
    listed = not run.pick_up or not (Catalog.changed_on_disk(catalog) or _pending(app))
    if run.import_done is not None and run.all_listed is None and listed:
        run.all_listed = now
    return run.all_listed is not None and now - run.all_listed > AFTER_SECONDS


def _time_keys(app: NewsReader, run: Run) -> deque[float]:
    """Record each `j`'s latency in `run`: from when it was due (put in the queue returned)
    until the screen was drawn after its move."""
    due_times: deque[float] = deque()
    original = app.action_cursor_down

    def timed() -> None:
        due = due_times.popleft() if due_times else time.perf_counter()
        into = run.into
        original()

        def drawn() -> None:
            into.append((time.perf_counter() - due) * 1000)

        app.call_after_refresh(drawn)

    app.action_cursor_down = timed  # type: ignore[method-assign]
    return due_times


def _wall_times(app: NewsReader, into: list[float]) -> None:
    """Append to `into` the wall time (ms) of each pick-up of others' changes on the UI thread:
    the whole of it before imports were read on a thread, the swap after."""
    background = app.background
    for name in ("pick_up_changes", "catalog_read"):
        original = getattr(background, name, None)
        if original is None:
            continue

        def timed(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                into.append((time.perf_counter() - start) * 1000)

        setattr(background, name, timed)


def _pending(app: NewsReader) -> bool:
    """Whether the app is still putting together a catalog it found changed."""
    return bool(getattr(app.background, "reading", False))


def figures(run: Run) -> dict[str, Any]:
    """The run's figures as printed."""
    return {
        "key latency before the import, ms": _summary(run.idle),
        "key latency from the import's start until all listed, ms": _summary(run.latencies),
        "keys over 16 ms": sum(1 for value in run.latencies if value > 16),
        "longest stall, ms": run.stall,
        "stalls over 100 ms": len(run.stalls),
        "of them while a catalog was read on a thread": sum(1 for s in run.stalls if s[2]),
        "longest ten stalls (s, ms, reading)": sorted(run.stalls, key=lambda s: -s[1])[:10],
        "pick-ups on the UI thread, ms": sorted(round(value) for value in run.pickups),
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
    parser.add_argument(
        "--no-pick-up", action="store_true", help="the app never sees the import (its load alone)"
    )
    args = parser.parse_args(argv)
    run = asyncio.run(measure(args.library, args.corpus, pick_up=not args.no_pick_up))
    sys.stdout.buffer.write(orjson.dumps(figures(run), option=orjson.OPT_INDENT_2) + b"\n")


if __name__ == "__main__":
    main()
