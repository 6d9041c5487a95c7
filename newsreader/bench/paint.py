"""First paint alone: the scale benchmark's pty measurement, repeated, as medians.

`python -m newsreader.bench.paint LIBRARY [--runs 9]` spawns the bare Textual app and
`python -m newsreader --db LIBRARY` alternately in a pseudo-terminal, exactly as
`scale.pty_figures` does, and prints each one's median seconds to first paint and the ratio.
With `--interactive` it measures time to interactive instead (spawn to the first `s` on disk,
also right after `newsreader mark`), as `scale.interactive_times` does. Opening the app writes
files in LIBRARY: measure a copy.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from newsreader.bench.scale import _env, first_paints, interactive_times


def measure(library: Path, runs: int, work: Path) -> dict[str, list[float]]:
    """Seconds to first paint of the bare app and of newsreader, `runs` times each."""
    paints = first_paints(library, _env(work), runs)
    return {"hello": paints["hello"], "paint": paints["paint"]}


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: measure and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "paint-work")
    parser.add_argument("--interactive", action="store_true", help="time to interactive")
    args = parser.parse_args(argv)
    if args.interactive:
        found = interactive_times(args.library, _env(args.work), args.runs)
        hello = statistics.median(found["hello"])
        for name in ("hello", "tti", "tti_mark"):
            print(f"{name}:", " ".join(f"{s:.3f}" for s in found[name]))
        for name in ("tti", "tti_mark"):
            median = statistics.median(found[name])
            ratio = median / hello
            print(f"median {name} {median:.3f} s, bare app {hello:.3f} s, ratio {ratio:.2f}")
        return
    figures = measure(args.library, args.runs, args.work)
    hello = statistics.median(figures["hello"])
    paint = statistics.median(figures["paint"])
    print("hello:", " ".join(f"{s:.3f}" for s in figures["hello"]))
    print("paint:", " ".join(f"{s:.3f}" for s in figures["paint"]))
    print(f"median hello {hello:.3f} s, newsreader {paint:.3f} s, ratio {paint / hello:.2f}")


if __name__ == "__main__":
    main()
