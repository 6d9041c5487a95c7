"""The scale benchmark: newsreader's targets at 1k, 10k and 100k stories, as one table.

`python -m newsreader.bench.scale --stories 1000 10000 100000 [--work DIR]` generates each
corpus (kept in the work folder for the next run), imports it into a fresh library with the
real `newsreader` command, then times the app in a pseudo-terminal and under Pilot. The method
of each row is in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from newsreader.bench import memory, pilot_timing, pty_timing
from newsreader.bench.corpus import TRUTH_FILE, generate
from newsreader.library import Library

MARK_KEYS = 10  # alternately r and s, typed into the pty after first paint
RSS_SECONDS = 20.0  # memory is watched this long after first paint: the library opens meanwhile


@dataclass(frozen=True)
class Row:
    """One measure: its label, target, and whether smaller or larger is better."""

    key: str
    label: str
    target: float | None
    smaller_is_better: bool = True
    growth_of_cost: bool = False  # a rate: judge growth by the total time it implies


ROWS = (
    Row("paint", "first paint of the story list, s (median)", None),
    Row("hello", "first paint of a bare Textual app, s (median)", None),
    Row("paint_ratio", "first paint ÷ bare Textual app", 1.5),
    Row("tti_ratio", "time to interactive (spawn → first s on disk) ÷ bare Textual app", 1.5),
    Row("tti_mark_ratio", "the same right after `newsreader mark` from another process", 1.5),
    Row("fsync", "disk: append a line and fsync it, ms (median)", None),
    Row("mark_work", "r / s key: work in the app, fsync included, ms (median)", 5.0),
    Row("mark_disk", "r / s key to marks.log changed on disk, ms (max)", 20.0),
    Row("mark_kill", "marks present after kill -9 (1 = yes)", 1.0, smaller_is_better=False),
    Row("cursor", "cursor move (j): work per key, ms (p95)", 16.0),
    Row("page", "page down: work per key, ms (p95)", 16.0),
    Row("open", "open a story (enter): work per key, ms (p95)", 16.0),
    Row("keys_alone", "the same keys, reader's repaint left out, ms (p95 of the worst)", 16.0),
    Row("import_rate", "import, stories per second", 2000.0, False, True),
    Row("import_mbps", "import, MB of dump text per second", None, False, True),
    Row("import_memory", "peak import memory, MB (every process of newsreader import)", 400.0),
    Row("search", "search titles and bodies, ms per query (slowest kind)", 100.0),
    Row("rss", "resident memory after first paint, MB (max)", 250.0),
    Row("rss_open", "resident memory in the 20 s after first paint, MB (max)", 250.0),
    Row("disk_ratio", "library on disk ÷ text it holds", 1.5),
)


@dataclass
class SizeResult:
    """Every figure measured at one corpus size, with the raw samples behind them."""

    stories: int
    values: dict[str, float | None] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


def corpus(work: Path, stories: int) -> Path:
    """The corpus of `stories` stories in `work`, generated unless an earlier run left it."""
    folder = work / f"corpus-{stories}"
    # The truth file is hidden inside the folder so that `newsreader import` skips it.
    if (folder / f".{TRUTH_FILE}").exists():
        return folder
    scratch = work / f"corpus-{stories}.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    generate(scratch, stories)
    (scratch / TRUTH_FILE).rename(scratch / f".{TRUTH_FILE}")
    shutil.rmtree(folder, ignore_errors=True)
    scratch.rename(folder)
    return folder


def _env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TERM="xterm-256color", COLORTERM="truecolor")
    env["NEWSREADER_CONFIG_DIR"] = str(work / "config")
    env.pop("NEWSREADER_DB", None)
    return env


def dump_bytes(folder: Path) -> int:
    """Bytes of the dump files in `folder` (what an import reads)."""
    return sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )


def import_corpus(folder: Path, library: Path, env: dict[str, str]) -> dict[str, Any]:
    """Import `folder` into a fresh `library` with the newsreader command; time it, and
    take the peak resident memory of its processes."""
    shutil.rmtree(library, ignore_errors=True)
    command = [sys.executable, "-m", "newsreader", "--db", str(library), "import", str(folder)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        together = memory.TreeWatch(process.pid)
        _pid, status, _usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        tree_mb = together.stop()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    found = re.search(r"(\d+) stor(?:y|ies) added", stdout)
    if process.returncode != 0 or found is None:
        raise RuntimeError(f"import failed ({process.returncode}): {stderr.strip()[-500:]}")
    added = int(found.group(1))
    text = dump_bytes(folder)
    return {
        "seconds": seconds,
        "added": added,
        "rate": added / seconds,
        "dump_bytes": text,
        "mb_per_second": text / 1e6 / seconds,
        "peak_mb": together.largest_mb,  # the largest peak of one process
        "peak_mb_together": tree_mb,
    }


def disk_figures(library: Path) -> dict[str, float]:
    """Bytes the library takes on disk (as du counts them) and bytes of story text in it."""
    on_disk = 0
    for root, _folders, files in os.walk(library):
        for name in files:
            on_disk += os.stat(os.path.join(root, name)).st_blocks * 512
    lib = Library(library)
    try:
        text = 0
        # In segment order, so that each body file is read once.
        for meta in sorted(lib.stories, key=lambda story: story.segment):
            text += len(meta.title.encode())
            body = lib.catalog.body(meta)
            text += sum(len(p.encode()) for p in body.get("paragraphs", ()))
    finally:
        lib.close()
    return {"on_disk": on_disk, "text": text, "ratio": on_disk / max(text, 1)}


def _first_title(library: Path) -> str:
    lib = Library(library)
    try:
        return lib.visible()[0].title[:24]
    finally:
        lib.close()


def _flags(library: Path) -> tuple[str, bool, bool]:
    lib = Library(library)
    try:
        first = lib.visible()[0].id
        return first, lib.is_read(first), lib.is_starred(first)
    finally:
        lib.close()


def _compiled() -> None:
    """Give newsreader's modules their .pyc files, as an install has them (Textual's have)."""
    import compileall

    import newsreader

    compileall.compile_dir(Path(newsreader.__file__).parent, quiet=1)


def first_paints(library: Path, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    """Seconds to first paint of the bare app and of newsreader, alternately, `runs` times
    each, and newsreader's resident MB a second after each paint."""
    _compiled()
    title = _first_title(library)
    app = [sys.executable, "-m", "newsreader", "--db", str(library)]
    hello = [sys.executable, "-c", pty_timing.HELLO_APP]
    found: dict[str, list[float]] = {"hello": [], "paint": [], "rss": []}
    for _ in range(runs):
        found["hello"].append(pty_timing.first_paint(hello, env, pty_timing.HELLO_TEXT)[0])
        seconds, mb = pty_timing.first_paint(app, env, title)
        found["paint"].append(seconds)
        found["rss"].append(mb)
    return found


def interactive_times(library: Path, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    """Seconds from spawn to the first `s` on disk, typed as the list shows: a start as
    usual and one right after `newsreader mark` from another process, alternated with a bare
    Textual app's first paint, `runs` times each."""
    title = _first_title(library)
    app = [sys.executable, "-m", "newsreader", "--db", str(library)]
    hello = [sys.executable, "-c", pty_timing.HELLO_APP]
    other = _second_story(library)
    marks, saved = library / "marks.log", library / "first-screen.json"
    found: dict[str, list[float]] = {"hello": [], "tti": [], "tti_mark": []}
    for number in range(runs):
        found["hello"].append(pty_timing.first_paint(hello, env, pty_timing.HELLO_TEXT)[0])
        found["tti"].append(pty_timing.time_to_interactive(app, env, title, marks, saved)[1])
        how = "--read" if number % 2 == 0 else "--unread"
        subprocess.run([*app, "mark", other, how], env=env, capture_output=True, check=True)
        found["tti_mark"].append(pty_timing.time_to_interactive(app, env, title, marks, saved)[1])
    return found


def _second_story(library: Path) -> str:
    lib = Library(library)
    try:
        return lib.visible()[1].id
    finally:
        lib.close()


def pty_figures(library: Path, env: dict[str, str], runs: int, rest: float = 1.0) -> dict[str, Any]:
    """First paint (newsreader and a bare Textual app), memory, time to interactive and
    key-to-disk latency (keys typed from `rest` seconds after the paint)."""
    paints = first_paints(library, env, runs)
    interactive = interactive_times(library, env, runs)
    title = _first_title(library)
    app = [sys.executable, "-m", "newsreader", "--db", str(library)]
    story, was_read, was_starred = _flags(library)
    settling = pty_timing.rss_after_paint(app, env, title, RSS_SECONDS)
    program = pty_timing.PtyProgram(app, env, title)
    latencies, typed_at = [], []
    try:
        program.wait_seen(120)
        time.sleep(rest)
        for number in range(MARK_KEYS):
            key = b"r" if number % 2 == 0 else b"s"
            typed_at.append(time.perf_counter() - program.started)
            latencies.append(pty_timing.key_to_disk_ms(program, key, library / "marks.log"))
            time.sleep(0.1)
    finally:
        program.kill()
    _, is_read, is_starred = _flags(library)
    flips = MARK_KEYS // 2 % 2 == 1
    survived = is_read == (was_read ^ flips) and is_starred == (was_starred ^ flips)
    return {
        **paints,
        "hello": paints["hello"] + interactive["hello"],
        "tti": interactive["tti"],
        "tti_mark": interactive["tti_mark"],
        "mark_disk": latencies,
        "mark_typed_at": typed_at,  # seconds from spawn, of each key of `mark_disk`
        "mark_kill": survived,
        "story": story,
        "rss_settling": settling,
    }


def pilot_figures(library: Path, env: dict[str, str], samples: int) -> dict[str, Any]:
    """Per-key work, measured in a process of its own (see pilot_timing.py)."""
    command = [sys.executable, "-m", "newsreader.bench.pilot_timing", str(library)]
    command += ["--samples", str(samples)]
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pilot timing failed: {done.stderr.decode()[-800:]}")
    figures: dict[str, Any] = orjson.loads(done.stdout)
    return figures


_SEARCH = """
import sys
from pathlib import Path

import orjson

from newsreader.bench.search import measure

sys.stdout.buffer.write(orjson.dumps(measure(Path(sys.argv[1]))))
"""


def search_figures(library: Path, env: dict[str, str]) -> dict[str, Any] | None:
    """The search benchmark's queries run on this library (it marks some stories read and
    starred, so it runs last); None while newsreader has no search."""
    if importlib.util.find_spec("newsreader.bench.search") is None:
        return None
    command = [sys.executable, "-c", _SEARCH, str(library)]
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.decode(errors="replace")[-800:]}
    figures: dict[str, Any] = orjson.loads(done.stdout)
    return figures


def fsync_ms(folder: Path, times: int = 50) -> list[float]:
    """Milliseconds to append one line to a file in `folder` and fsync it, `times` times."""
    path = folder / ".bench-fsync"
    samples = []
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        for _ in range(times):
            start = time.perf_counter()
            os.write(fd, b'{"id":"0123456789ab","f":"read","v":true}\n')
            os.fsync(fd)
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    return samples


def measure_size(
    work: Path, stories: int, runs: int, pty: bool, samples: int = pilot_timing.SAMPLES
) -> SizeResult:
    """Every measure at one corpus size."""
    env = _env(work)
    result = SizeResult(stories)
    folder = corpus(work, stories)
    library = work / f"library-{stories}"
    imported = import_corpus(folder, library, env)
    result.raw["import"] = imported
    result.values["import_rate"] = imported["rate"]
    result.values["import_mbps"] = imported["mb_per_second"]
    result.values["import_memory"] = imported["peak_mb"]
    disk = disk_figures(library)
    result.raw["disk"] = disk
    result.values["disk_ratio"] = disk["ratio"]
    keys = pilot_figures(library, env, samples)
    result.raw["pilot"] = keys
    result.values["cursor"] = keys["cursor"]["p95"]
    result.values["page"] = keys["page"]["p95"]
    result.values["open"] = keys["open"]["p95"]
    alone = (keys[f"{name} without the reader"]["p95"] for name in ("cursor", "page", "open"))
    result.values["keys_alone"] = max(alone)
    result.values["mark_work"] = keys["mark"]["median"]
    result.raw["fsync"] = fsync_ms(library)
    result.values["fsync"] = statistics.median(result.raw["fsync"])
    if pty:
        screen = pty_figures(library, env, runs)
        result.raw["pty"] = screen
        _screen_values(result, screen)
    found = search_figures(library, env)
    result.raw["search"] = found
    if found is not None and "queries" in found:
        result.values["search"] = max(query["median_ms"] for query in found["queries"])
    elif found is not None:
        result.values["search"] = math.nan
    return result


def measure_library(
    library: Path, work: Path, runs: int, rest: float = 1.0, pilot: bool = True
) -> SizeResult:
    """The app's rows (start-up, keys, memory) on an existing `library`: nothing imported,
    nothing searched. Give it a copy: starting the app writes in the library."""
    env = _env(work)
    result = SizeResult(len(Library(library).stories))
    if pilot:
        keys = pilot_figures(library, env, pilot_timing.SAMPLES)
        result.raw["pilot"] = keys
        for name in ("cursor", "page", "open"):
            result.values[name] = keys[name]["p95"]
        alone = (keys[f"{name} without the reader"]["p95"] for name in ("cursor", "page", "open"))
        result.values["keys_alone"] = max(alone)
        result.values["mark_work"] = keys["mark"]["median"]
    result.raw["fsync"] = fsync_ms(library)
    result.values["fsync"] = statistics.median(result.raw["fsync"])
    screen = pty_figures(library, env, runs, rest)
    result.raw["pty"] = screen
    _screen_values(result, screen)
    return result


def _screen_values(result: SizeResult, screen: dict[str, Any]) -> None:
    paint, hello = statistics.median(screen["paint"]), statistics.median(screen["hello"])
    result.values.update(paint=paint, hello=hello, paint_ratio=paint / hello)
    result.values["tti_ratio"] = statistics.median(screen["tti"]) / hello
    result.values["tti_mark_ratio"] = statistics.median(screen["tti_mark"]) / hello
    result.values["rss"] = max(screen["rss"])
    result.values["rss_open"] = max(screen["rss_settling"])
    result.values["mark_disk"] = max(screen["mark_disk"])
    result.values["mark_kill"] = 1.0 if screen["mark_kill"] else 0.0


def _cell(row: Row, value: float | None) -> str:
    if value is None:
        return "n/a (search not built yet)" if row.key == "search" else "—"
    if math.isnan(value):
        return "failed (see results.json)"
    if row.key == "mark_kill":
        return "yes" if value else "NO"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def _verdict(row: Row, sizes: Sequence[int], values: Sequence[float | None]) -> str:
    """The issue sets its targets at the largest size: judged there; a smaller size that
    misses is named (an import of 1,000 stories is mostly the start of Python, say)."""
    if row.target is None:
        return ""
    target = row.target
    if values[-1] is None:
        return "n/a"
    known = [(n, v) for n, v in zip(sizes, values, strict=True) if v is not None]
    missed = [n for n, v in known if not (v <= target if row.smaller_is_better else v >= target)]
    if sizes[-1] in missed:  # NaN (a failed measurement) never meets a target
        return "FAIL"
    if missed:
        return "pass; misses at " + ", ".join(f"{n:,}" for n in missed)
    return "pass"


def _growth(row: Row, sizes: Sequence[int], values: Sequence[float | None]) -> str:
    """How the cost grows from one size to the next (×factor), and what that makes it."""
    points = [(n, v) for n, v in zip(sizes, values, strict=True) if v is not None and v > 0]
    points = [(n, v) for n, v in points if not math.isnan(v)]
    if len(points) < 2:
        return ""
    if row.growth_of_cost:
        points = [(n, n / v) for n, v in points]
    steps = [b / a for (_, a), (_, b) in itertools.pairwise(points)]
    (n0, v0), (n1, v1) = points[-2], points[-1]
    exponent = math.log(v1 / v0) / math.log(n1 / n0)
    kind = "flat" if exponent < 0.3 else "linear" if exponent < 1.3 else "SUPERLINEAR"
    return " ".join(f"×{s:.1f}" for s in steps) + f" ({kind})"


def table(results: Sequence[SizeResult]) -> str:
    """The results as one Markdown table: rows are measures, columns are sizes."""
    sizes = [r.stories for r in results]
    head = ["measure", *(f"{n:,}" for n in sizes), "target", "result", "growth"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in ROWS:
        values = [r.values.get(row.key) for r in results]
        target = "" if row.target is None else ("≤ " if row.smaller_is_better else "≥ ")
        if row.target is not None:
            target += "yes" if row.key == "mark_kill" else f"{row.target:g}"
        cells = [
            row.label,
            *(_cell(row, v) for v in values),
            target,
            _verdict(row, sizes, values),
            _growth(row, sizes, values),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(
    sizes: Sequence[int],
    work: Path,
    runs: int = 5,
    pty: bool = True,
    samples: int = pilot_timing.SAMPLES,
) -> str:
    """Measure every size, save the raw figures in `work`/results.json; return the table."""
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for stories in sizes:
        print(f"measuring {stories:,} stories …", file=sys.stderr, flush=True)
        results.append(measure_size(work, stories, runs, pty, samples))
    raw = [{"stories": r.stories, "values": r.values, "raw": r.raw} for r in results]
    (work / "results.json").write_bytes(orjson.dumps(raw, option=orjson.OPT_INDENT_2))
    return table(results)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsreader-bench",
        help="where corpora (kept between runs), libraries and results.json go",
    )
    parser.add_argument("--runs", type=int, default=5, help="first-paint runs per size")
    parser.add_argument("--no-pty", action="store_true", help="skip the pseudo-terminal rows")
    parser.add_argument(
        "--library",
        type=Path,
        help="measure the app's rows on this existing library (give it a copy) instead",
    )
    parser.add_argument("--no-pilot", action="store_true", help="with --library: no Pilot rows")
    parser.add_argument(
        "--rest", type=float, default=1.0, help="seconds from first paint to the first r/s key"
    )
    args = parser.parse_args(argv)
    if args.library is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        result = measure_library(args.library, args.work, args.runs, args.rest, not args.no_pilot)
        raw = [{"stories": result.stories, "values": result.values, "raw": result.raw}]
        (args.work / "results.json").write_bytes(orjson.dumps(raw, option=orjson.OPT_INDENT_2))
        print(table([result]))
        return
    print(run(args.stories, args.work, args.runs, not args.no_pty))


if __name__ == "__main__":
    main()
