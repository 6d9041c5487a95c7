"""Kill newsreader processes at random moments and check what they leave behind.

The children are real processes running newsreader's own code: either the `newsreader`
command itself (`python -m newsreader import …`) or processes forked from a server that has
already imported newsreader, so that a kill costs milliseconds rather than an interpreter
start-up. A child that marks prints each acknowledged mark, flushed, only after
`Library.set_read`/`set_starred` has returned: whatever it printed must survive the kill.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.context
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsreader.dumps import read_dump
from newsreader.library import Library
from newsreader.library.batch import story_id

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CAPTURED_AT = "2026-11-20T12:00:00Z"
CAPTURED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
_PRELOAD = [
    "newsreader.__main__",
    "newsreader.cli",
    "newsreader.dedup",
    "newsreader.dumps.text",
    "newsreader.importer",
    "newsreader.library",
    "tests.crash_harness",
]

# One mark a child is asked to make: (field, story id, value).
Mark = tuple[str, str, bool]


def corpus_folder(out: Path, stories: int = 1100, seed: int = 7) -> Path:
    """A folder of generated dumps (about `stories` stories) and nothing else."""
    out.mkdir(parents=True, exist_ok=True)
    try:
        from newsreader.bench.corpus import TRUTH_FILE, generate
    except ImportError:
        return _corpus_from_seeds(out, stories)
    generate(out, stories, seed)
    (out / TRUTH_FILE).unlink()  # not a dump
    return out


def _corpus_from_seeds(out: Path, stories: int) -> Path:
    """Variants of the sample dumps, each with its own headline, when no generator exists."""
    seeds = sorted(SEEDS.glob("*.txt"))
    for number in range(max(1, stories // 4)):
        text = seeds[number % len(seeds)].read_text(encoding="utf-8")
        lines = text.split("\n")
        lines[1] = lines[3] = f"{lines[1]} — edition {number}"
        (out / f"{number:06d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return out


@dataclass(frozen=True)
class ExpectedStory:
    """A story as its dump says it should appear in the library."""

    id: str
    title: str
    source: str
    paragraphs: tuple[str, ...]


def expected_dumps(corpus: Path) -> dict[str, list[ExpectedStory]]:
    """Each dump of `corpus` parsed on its own: what an import must put in the library."""
    expected: dict[str, list[ExpectedStory]] = {}
    for path in sorted(corpus.iterdir()):
        parsed = read_dump(path, CAPTURED)
        expected[parsed.name] = [
            ExpectedStory(story_id(parsed.digest, n), s.title, s.source, s.paragraphs)
            for n, s in enumerate(parsed.stories)
        ]
    return expected


def check_library(folder: Path, expected: dict[str, list[ExpectedStory]]) -> int:
    """Assert the library opens and each dump is wholly in or absent; return the dumps in."""
    library = Library(folder)
    try:
        by_dump: dict[str, list[str]] = {}
        for story in library.stories:
            by_dump.setdefault(story.dump, []).append(story.id)
        for name, ids in by_dump.items():
            assert name in expected, f"{name}: not a dump of the corpus"
            want = expected[name]
            assert sorted(ids) == sorted(s.id for s in want), f"{name}: stories {ids}"
            for story in want:
                got = library.story(story.id)
                assert (got.title, got.source) == (story.title, story.source), story.id
                assert got.paragraphs == story.paragraphs, f"{story.id}: body differs"
        return len(by_dump)
    finally:
        library.close()


def harness_context() -> multiprocessing.context.BaseContext:
    """Processes forked from a server that has newsreader imported (spawned where no fork)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def _redirect(out: str) -> None:
    """Point the child's stdout at `out` and its stderr at `out`.err, unbuffered per line."""
    for fd, path in ((1, out), (2, out + ".err")):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115


def _slow_disk(seconds: float) -> None:
    """Make every fsync take `seconds` longer, as on a slow disk.

    The steps of a durable write (write, fsync, rename, fsync the folder) then take long
    enough that kills land between them, not only between whole writes.
    """
    if not seconds:
        return
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        time.sleep(seconds)
        real_fsync(fd)

    os.fsync = fsync


def child_import(
    db: str, corpus: str, out: str, commit_every: int, slow_fsync: float = 0.0
) -> None:
    """Child: run `newsreader --db DB import CORPUS`, committing every few stories."""
    _redirect(out)
    _slow_disk(slow_fsync)
    import newsreader.library.batch
    from newsreader.__main__ import main

    # Commits are what a kill can interrupt: make many of them in a short import.
    newsreader.library.batch.COMMIT_EVERY_STORIES = commit_every
    code = main(["--db", db, "import", "--captured-at", CAPTURED_AT, corpus])
    sys.stdout.flush()
    os._exit(code)


def child_mark(
    db: str, plan: Sequence[Mark], out: str, compact_at: int, slow_fsync: float = 0.0
) -> None:
    """Child: make the marks of `plan` one call at a time, printing each index once it returned."""
    _redirect(out)
    _slow_disk(slow_fsync)
    from newsreader.library import marks

    # Compaction (snapshot rewritten, log emptied) is the riskiest moment: make it frequent.
    marks.COMPACT_AT_BYTES = compact_at
    library = Library(Path(db))
    for number, (kind, sid, value) in enumerate(plan):
        if kind == "read":
            library.set_read([sid], value)
        else:
            library.set_starred([sid], value)
        print(number, flush=True)
    os._exit(0)


def mark_each(folder: str, ids: Sequence[str], field: str, compact_at: int, go: Any = None) -> None:
    """Child: once `go` is set, mark `ids` read or starred one call at a time, compacting often."""
    from newsreader.library import marks

    marks.COMPACT_AT_BYTES = compact_at
    library = Library(Path(folder))
    library.mark_group_read = False
    if go is not None:
        go.wait(30)
    for sid in ids:
        if field == "read":
            library.set_read([sid], True)
        else:
            library.set_starred([sid], True)
    library.close()


def import_into(folder: str, source: str) -> None:
    """Child: import `source` into the library at `folder`."""
    from newsreader.importer import import_paths

    library = Library(Path(folder))
    import_paths(library, [Path(source)], CAPTURED)
    library.close()


def kill_after(process: multiprocessing.process.BaseProcess, delay: float) -> bool:
    """SIGKILL `process` after `delay` seconds; True when it was still running then."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and process.is_alive():
        time.sleep(0.002)
    alive = process.is_alive()
    if alive and process.pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    process.join(30)
    return alive


def kill_command_after(argv: Sequence[str], delay: float) -> bool:
    """Run a real `newsreader` command and SIGKILL it after `delay` s; True if it was running."""
    child = subprocess.Popen(
        [sys.executable, "-m", "newsreader", *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        child.wait(delay)
        return False
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        return True


def acknowledged(out: Path) -> int:
    """How many marks the child printed as done (a line cut by the kill does not count)."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    return len(re.findall(r"^\d+\n", text, re.MULTILINE))


@dataclass
class MarkModel:
    """What the library must say about every mark a child acknowledged."""

    versions: dict[str, list[str]]
    want: dict[tuple[str, str], bool] = field(default_factory=dict)

    def targets(self, mark: Mark) -> list[tuple[str, str]]:
        """The (story, field) pairs one call changes: reading a story reads its versions."""
        kind, sid, _value = mark
        ids = self.versions[sid] if kind == "read" else [sid]
        return [(other, kind) for other in ids]

    def check(self, folder: Path, plan: Sequence[Mark], done: int) -> None:
        """Apply the acknowledged marks, then assert the library holds every one of them."""
        for mark in plan[:done]:
            for key in self.targets(mark):
                self.want[key] = mark[2]
        in_flight = set(self.targets(plan[done])) if done < len(plan) else set()
        library = Library(folder)
        try:
            for key, value in self.want.items():
                if key in in_flight:
                    continue  # killed during this call: either value is right
                got = self.value(library, key)
                assert got == value, f"{key[1]} of {key[0]}: acknowledged {value}, found {got}"
            for key in in_flight:  # whichever it is now, it must stay so
                self.want[key] = self.value(library, key)
        finally:
            library.close()

    @staticmethod
    def value(library: Library, key: tuple[str, str]) -> bool:
        """Whether the story of `key` is read (or starred) in `library`."""
        sid, kind = key
        return library.is_read(sid) if kind == "read" else library.is_starred(sid)


def mark_plan(ids: Sequence[str], count: int, rng: random.Random) -> list[Mark]:
    """`count` random marks over `ids`: read and starred, set and cleared."""
    return [
        (rng.choice(("read", "starred")), rng.choice(ids), rng.random() < 0.6) for _ in range(count)
    ]


def start_up_seconds(context: Any, folder: Path, out: str) -> float:
    """How long a child import takes now to get going: an import of no dumps, best of two."""
    empty = folder.parent / "nothing-to-import"
    empty.mkdir(exist_ok=True)
    times = []
    for _ in range(2):  # the first also starts the fork server
        started = time.monotonic()
        child = context.Process(target=child_import, args=(str(folder), str(empty), out, 25))
        child.start()
        child.join(120)
        times.append(time.monotonic() - started)
        reset(folder)
    return min(times)


def seconds_to_first_mark(context: Any, folder: Path, plan: Sequence[Mark], out: Path) -> float:
    """How long a marking child takes, from its start, to acknowledge its first mark."""
    started = time.monotonic()
    child = context.Process(target=child_mark, args=(str(folder), plan, str(out), 1 << 30))
    child.start()
    while acknowledged(out) == 0 and child.is_alive() and time.monotonic() - started < 60:
        time.sleep(0.002)
    elapsed = time.monotonic() - started
    kill_after(child, 0)
    return elapsed


def reset(folder: Path) -> None:
    """Remove a library folder."""
    shutil.rmtree(folder, ignore_errors=True)
