"""Work per key in the running app, measured in-process with Textual's Pilot.

Work is the CPU time the app spends on a key — the handler, the messages it posts and the
repaint — less the median CPU time of a key bound to nothing, which is what Textual and Pilot
cost for any key. A mark's work is the wall time of its action handler, fsync included.
Keys are timed at 120 columns, where the reader previews the highlighted story beside the
list; the cursor again at 80, where the list is alone on the screen; and the keys at 120 with
the reader's repaint left out, which is what the list and the library cost. Run as
`python -m newsreader.bench.pilot_timing LIBRARY` to print the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import orjson
from textual.pilot import Pilot

from newsreader.config import Config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.panes import NARROW_BELOW
from newsreader.ui.widgets.reader import Reader
from newsreader.ui.widgets.story_list import StoryList

WIDE = (120, 40)  # the reader previews the highlighted story beside the list
NARROW = (80, 40)  # the list alone
SAMPLES = 10  # timed presses per jump, and jumps before an open
IDLE_KEY = "f19"  # bound to nothing


async def _cpu(step: Callable[[], Awaitable[None]]) -> float:
    start = time.process_time()
    await step()
    return (time.process_time() - start) * 1000


def _summary(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max": ordered[-1],
        "n": len(ordered),
    }


def _wall_timer(target: Any, name: str, into: list[float]) -> None:
    """Replace `target.name` with a wrapper that appends its wall time (ms) to `into`."""
    original = getattr(target, name)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            into.append((time.perf_counter() - start) * 1000)

    setattr(target, name, timed)


async def _measure(
    app: NewsReader, pilot: Pilot[None], full: bool, samples: int
) -> dict[str, dict[str, float]]:
    story_list = app.query_one(StoryList)
    rows = len(story_list.rows)
    rng = random.Random(0)

    async def press(key: str) -> None:
        await pilot.press(key)

    async def jump() -> None:
        # Land somewhere far away first (untimed), as a reader scrolling a long list does.
        story_list.cursor = rng.randrange(max(rows - 60, 1))
        await pilot.pause()

    for _ in range(3):
        await press(IDLE_KEY)
    idle = statistics.median([await _cpu(lambda: press(IDLE_KEY)) for _ in range(samples)])

    async def work_of(key: str, jumps: int, presses: int) -> dict[str, float]:
        samples = []
        for _ in range(jumps):
            await jump()
            for _ in range(presses):
                samples.append(max(0.0, await _cpu(lambda: press(key)) - idle))
        return _summary(samples)

    results = {"idle key (Textual + Pilot)": _summary([idle])}
    # Where a move's time goes when the reader previews: reading the story and its versions
    # from disk, and the whole of `show` (reading plus handing them to the reader).
    shows: list[float] = []
    bodies: list[float] = []
    _wall_timer(app.panes, "show", shows)
    _wall_timer(app.library.catalog, "body", bodies)
    results["cursor"] = await work_of("j", 3, samples)
    if shows:
        results["cursor: show, wall"] = _summary(shows)
        results["cursor: catalog.body, wall"] = _summary(bodies)
    if app.size.width < NARROW_BELOW:
        return results  # the list alone: moves only
    results["page"] = await work_of("pagedown", 3, samples)
    results["open"] = await work_of("enter", 2 * samples, 1)
    if not full:
        return results

    marks: list[float] = []
    presses: list[float] = []
    _wall_timer(app, "action_toggle_read", marks)
    _wall_timer(app, "action_toggle_star", marks)
    for key in ("r", "s") * max(1, samples // 2):
        start = time.perf_counter()
        await press(key)
        presses.append((time.perf_counter() - start) * 1000)
    results["mark"] = _summary(marks)
    results["mark: key pressed to handled, wall"] = _summary(presses)
    writer = app.mark_writer
    if writer is not None:
        start = time.perf_counter()
        writer.drain()
        results["mark: all durable after the last key, wall"] = _summary(
            [(time.perf_counter() - start) * 1000]
        )
    return results


# (name suffix, terminal size, whether the reader shows stories, whether to time marks too)
RUNS = (
    ("", WIDE, True, True),
    (" narrow", NARROW, True, False),
    # What the list and the library cost, the reader's repaint of each story left out.
    (" without the reader", WIDE, False, False),
)


async def measure(folder: Path, samples: int = SAMPLES) -> dict[str, dict[str, float]]:
    """Open the library in `folder` in the app under Pilot and time its keys, in each of RUNS."""
    results = {}
    for suffix, size, reader, full in RUNS:
        library = Library(folder)
        try:
            app = NewsReader(library=library, config=Config())
            async with app.run_test(size=size) as pilot:
                if not reader:
                    app.query_one(Reader).show_story = _nothing  # type: ignore[method-assign]
                found = await _measure(app, pilot, full, samples)
        finally:
            library.close()
        results.update({name + suffix: figures for name, figures in found.items()})
    return results


def slow_fsync(seconds: float) -> None:
    """Make every fsync of this process take `seconds` longer: an SD card, a network disk."""
    real = os.fsync

    def fsync(fd: int | Any) -> None:
        time.sleep(seconds)
        real(fd)

    os.fsync = fsync


def _nothing(*_args: Any, **_kwargs: Any) -> None:
    return None


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: print the per-key figures for one library as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--samples", type=int, default=SAMPLES, help="presses per jump")
    parser.add_argument(
        "--fsync-delay", type=float, default=0.0, metavar="MS", help="add MS to every fsync"
    )
    args = parser.parse_args(argv)
    if args.fsync_delay:
        slow_fsync(args.fsync_delay / 1000)
    figures = asyncio.run(measure(args.library, args.samples))
    sys.stdout.buffer.write(orjson.dumps(figures) + b"\n")


if __name__ == "__main__":
    main()
