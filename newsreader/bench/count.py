"""How long `newsreader count` takes next to Python's own start-up, at several library sizes.

Each library is the generated corpus (newsreader.bench.corpus) imported with the real
command, with every tenth story then marked read and every fiftieth starred. The commands are
run in turns, `--runs` times each (so that the machine's load falls on all of them alike), and
the median wall time of each is reported: the summary path (counts.txt true), the path that
works the counts out from the files (counts.txt out of date), and `--query`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from newsreader.bench.scale import _env, corpus, import_corpus
from newsreader.count import read_summary
from newsreader.library import Library
from newsreader.library.marks import MarkState

COMMAND = str(Path(sys.executable).parent / "newsreader")
QUERY = "market"


def library_of(work: Path, stories: int) -> Path:
    """A library of the corpus of `stories` stories, marked; imported unless an earlier run
    left it."""
    library = work / f"count-library-{stories}"
    done = library / ".bench-complete"
    if done.exists():
        return library
    env = _env(work)
    outcome = import_corpus(corpus(work, stories), library, env)
    print(f"  imported {outcome['added']:,} stories in {outcome['seconds']:.0f} s", file=sys.stderr)
    opened = Library(library)
    ids = [story.id for story in opened.visible()]
    opened.set_read(ids[::10])
    opened.set_starred(ids[::50])
    opened.close()
    done.touch()
    return library


def _time(command: Sequence[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def timings(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """The median wall time, in ms, of each command, run in turns `runs` times."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        _time(command)  # warm the page cache
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(_time(command))
    return {name: statistics.median(values) * 1000 for name, values in samples.items()}


def measure(library: Path, runs: int) -> dict[str, float]:
    """Every figure for one library, in ms (and the ratios)."""
    count = [COMMAND, "--db", str(library), "count"]
    python = sys.executable
    fresh = {
        "python -c pass": [python, "-c", "pass"],
        "python -I -c pass": [python, "-I", "-c", "pass"],
        "count": count,
        "count --unread --json": [*count, "--unread", "--json"],
    }
    if read_summary(library) is None:
        raise RuntimeError(f"{library}: counts.txt is not true; mark a story to rewrite it")
    figures = timings(fresh, runs)
    figures["count --query"] = timings({"q": [*count, "--query", QUERY]}, runs)["q"]
    # Out of date: a mark written as an older newsreader would, without the summary.
    marks = MarkState(library)
    opened = Library(library)
    first = opened.visible()[0].id
    opened.close()
    marks.set_many("starred", {first: True})
    assert read_summary(library) is None
    figures["count, summary out of date"] = timings({"s": count}, runs)["s"]
    opened = Library(library)
    opened.set_starred([first], False)  # writes a true summary again
    opened.close()
    figures["ratio"] = figures["count"] / figures["python -c pass"]
    figures["ratio -I"] = figures["count"] / figures["python -I -c pass"]
    return figures


def table(results: dict[int, dict[str, float]]) -> str:
    """The figures as a Markdown table, one column per size."""
    sizes = list(results)
    lines = [
        "| measure | " + " | ".join(f"{n:,}" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for name in next(iter(results.values())):
        unit = "" if name.startswith("ratio") else ", ms (median)"
        cells = [f"{results[n][name]:.2f}" for n in sizes]
        label = {"ratio": "count ÷ python -c pass", "ratio -I": "count ÷ python -I -c pass"}
        lines.append(f"| {label.get(name, name)}{unit} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: measure each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsreader-bench",
        help="where corpora and libraries go (kept between runs)",
    )
    parser.add_argument("--runs", type=int, default=21, help="runs of each command")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = {}
    for stories in args.stories:
        print(f"measuring {stories:,} stories …", file=sys.stderr, flush=True)
        results[stories] = measure(library_of(args.work, stories), args.runs)
    print(table(results))


if __name__ == "__main__":
    main()
