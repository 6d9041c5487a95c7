"""How long the UI thread waits to run while a catalog of N stories is read on another thread.

What the app does when another process has imported — the catalog's columns put together
(`assemble`), its groups and its counts — is done here on a thread, over N synthetic stories
held in memory (no library on disk: it measures the read, not the disk), with half of them
read; the main thread meanwhile sleeps 2 ms at a time and notes how late it wakes, which is
how long a key would wait for Python's lock (and the CPU). Run as
`python -m newsreader.bench.reload_thread --stories 1000000` to print the figures as JSON.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

import orjson

from newsreader.library.groups import compute_groups
from newsreader.library.recount import MarksSeen, count_seen
from newsreader.library.segment_columns import Part, assemble, build

SEGMENT = 10_000  # stories per catalog segment (an import's commit)
PER_DUMP = 4
TICK = 0.002


def synthetic_parts(stories: int, seed: int = 1) -> list[Part]:
    """Catalog segments of `stories` stories, a few of them repeats of others."""
    rng = random.Random(seed)
    parts = []
    for segment in range(max(1, stories // SEGMENT)):
        dumps: dict[str, Any] = {}
        for number in range(SEGMENT // PER_DUMP):
            docs = []
            for _ in range(PER_DUMP):
                month, day, hour = rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24)
                doc: dict[str, Any] = {
                    "id": f"{rng.getrandbits(48):012x}",
                    "title": "A story",
                    "published": f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00Z",
                    "words": rng.randrange(50, 900),
                }
                if rng.random() < 0.05:
                    doc["match"] = f"{rng.getrandbits(48):012x}"
                docs.append(doc)
            dumps[str(number + 1)] = {
                "file": f"{segment:04d}-{number:05d}.txt",
                "captured_at": docs[0]["published"],
                "digest": f"{rng.getrandbits(64):016x}",
                "stories": docs,
            }
        parts.append(build(f"segment-{segment:04d}", {"dumps": dumps}, None))
    return parts


def _read(parts: Sequence[Part], seen: MarksSeen, phases: dict[str, float]) -> None:
    start = time.perf_counter()
    stories, _ = assemble(parts)
    phases["assemble"] = time.perf_counter() - start
    groups = compute_groups(stories, seen.overrides())
    phases["groups"] = time.perf_counter() - start - phases["assemble"]
    count_seen(stories, groups, seen)
    phases["counts"] = time.perf_counter() - start - phases["assemble"] - phases["groups"]


def measure(stories: int, runs: int = 3) -> dict[str, Any]:
    """Read a catalog of `stories` on a thread `runs` times; the main thread's waits."""
    parts = synthetic_parts(stories)
    ids = list(assemble(parts)[0].ids)
    read = {sid: (1, "bench", True) for sid in random.Random(2).sample(ids, len(ids) // 2)}
    seen = MarksSeen({"read": read, "starred": {}, "hidden": {}, "group": {}}, 0)
    del ids
    results: dict[str, Any] = {"stories": stories, "runs": []}
    for _ in range(runs):
        phases: dict[str, float] = {}
        thread = threading.Thread(target=_read, args=(parts, seen, phases))
        waits = []
        start = last = time.perf_counter()
        thread.start()
        while thread.is_alive():
            time.sleep(TICK)
            now = time.perf_counter()
            waits.append((now - last - TICK) * 1000)
            last = now
        waits.sort()
        results["runs"].append(
            {
                "read, s": round(time.perf_counter() - start, 2),
                **{f"{name}, s": round(seconds, 2) for name, seconds in phases.items()},
                "main thread's wait, ms": {
                    "p50": round(waits[len(waits) // 2], 1),
                    "p95": round(waits[int(0.95 * (len(waits) - 1))], 1),
                    "max": round(waits[-1], 1),
                    "over 16 ms": sum(1 for wait in waits if wait > 16),
                    "n": len(waits),
                },
            }
        )
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    figures = measure(args.stories, args.runs)
    sys.stdout.buffer.write(orjson.dumps(figures, option=orjson.OPT_INDENT_2) + b"\n")


if __name__ == "__main__":
    main()
