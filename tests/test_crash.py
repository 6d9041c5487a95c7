"""Kill newsreader with SIGKILL mid-import and mid-marking: nothing acknowledged is ever lost."""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import pytest

from newsreader.doctor import examine
from newsreader.importer import import_paths
from newsreader.library import Library

from .crash_harness import (
    CAPTURED,
    CAPTURED_AT,
    MarkModel,
    acknowledged,
    check_library,
    child_import,
    child_mark,
    corpus_folder,
    expected_dumps,
    harness_context,
    kill_after,
    kill_command_after,
    mark_plan,
    reset,
    seconds_to_first_mark,
    start_up_seconds,
)

IMPORT_KILLS = 100  # of which COMMAND_KILLS kill the `newsreader` command itself
COMMAND_KILLS = 10
MARK_KILLS = 100
MAX_DELAY = 0.3  # seconds, at least: stretched to the time an import or a marking start takes
COMMIT_EVERY = 25  # stories: an import of the corpus commits about a dozen times
COMPACT_AT = 6 * 1024  # bytes: a marking child compacts every ~70 marks
SLOW_FSYNC = 0.002  # seconds added to each fsync in every other child: kills land mid-write
SEED = 20261120


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 300 stories in ~90 dumps: an import takes a few tenths of a second."""
    return corpus_folder(tmp_path_factory.mktemp("crash-corpus"), stories=300, seed=3)


def test_kills_during_import_leave_each_dump_whole_or_absent(corpus: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    expected = expected_dumps(corpus)
    context = harness_context()
    folder, out = tmp_path / "library", str(tmp_path / "child.out")
    # Kills come up to MAX_DELAY after the child's start-up as measured now, so that on a busy
    # machine, where starting takes longer, they still land in the import's work.
    start_up = start_up_seconds(context, folder, out)
    max_delay = start_up + MAX_DELAY
    started, partial, completed = time.monotonic(), 0, 0
    for kill in range(IMPORT_KILLS):
        delay = rng.uniform(0, max_delay)
        if kill % (IMPORT_KILLS // COMMAND_KILLS) == 0:
            # The real command: the interpreter's start-up comes first, then the import.
            argv = ["--db", str(folder), "import", "--captured-at", CAPTURED_AT, str(corpus)]
            kill_command_after(argv, 0.25 + delay)
        else:
            slow = SLOW_FSYNC if kill % 2 else 0.0
            child = context.Process(
                target=child_import, args=(str(folder), str(corpus), out, COMMIT_EVERY, slow)
            )
            child.start()
            kill_after(child, delay)
        dumps_in = check_library(folder, expected)
        partial += 0 < dumps_in < len(expected)
        if dumps_in == len(expected):
            completed += 1
            reset(folder)  # start again, so that later kills land in an import's work
    elapsed = time.monotonic() - started
    print(f"\n{IMPORT_KILLS} kills in {elapsed:.1f}s, start-up {start_up:.2f}s: {partial} partial")
    errors = Path(out + ".err").read_text() if Path(out + ".err").exists() else ""
    # A tenth is the floor: on a busy machine fewer kills land mid-import than on an idle one.
    assert partial >= IMPORT_KILLS // 10, f"few kills landed mid-import; a child said: {errors}"

    # Finishing the interrupted import gives exactly what an uninterrupted one gives.
    library = Library(folder)
    import_paths(library, [corpus], CAPTURED)
    clean = Library(tmp_path / "clean")
    import_paths(clean, [corpus], CAPTURED)
    assert check_library(folder, expected) == len(expected)
    assert {s.id: library.duplicate_of(s.id) for s in library.stories} == {
        s.id: clean.duplicate_of(s.id) for s in clean.stories
    }
    # What the kills left behind (segments of uncommitted batches) is only clutter.
    report = examine(folder, repair=True)
    assert examine(folder).healthy, report.lines()


def test_kills_during_marking_lose_no_acknowledged_mark(corpus: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    folder, out = tmp_path / "library", tmp_path / "child.out"
    library = Library(folder)
    import_paths(library, [corpus], CAPTURED)
    ids = [story.id for story in library.stories]
    model = MarkModel({sid: library.versions(sid) for sid in ids})
    library.close()
    context = harness_context()
    # Kills land after the child's start-up as measured now, as they do on an idle machine.
    spare = tmp_path / "calibration"
    shutil.copytree(folder, spare)
    start_up = seconds_to_first_mark(context, spare, mark_plan(ids, 3000, random.Random(0)), out)
    out.unlink(missing_ok=True)
    started, acked = time.monotonic(), 0
    for kill in range(MARK_KILLS):
        plan = mark_plan(ids, 3000, rng)
        out.unlink(missing_ok=True)  # a child killed before it opens its own must count as 0
        slow = SLOW_FSYNC / 2 if kill % 2 else 0.0
        child = context.Process(
            target=child_mark, args=(str(folder), plan, str(out), COMPACT_AT, slow)
        )
        child.start()
        kill_after(child, rng.uniform(0, max(MAX_DELAY, start_up + MAX_DELAY)))
        done = acknowledged(out)
        acked += done
        model.check(folder, plan, done)
    elapsed = time.monotonic() - started
    print(f"\n{MARK_KILLS} marking kills in {elapsed:.1f}s: {acked} acknowledged marks kept")
    assert acked > MARK_KILLS * 10, "the children hardly marked anything before being killed"
    # Torn lines of appends cut short are only clutter: doctor folds the log and is content.
    examine(folder, repair=True)
    assert examine(folder).healthy
    assert all(v == MarkModel.value(Library(folder), k) for k, v in model.want.items())
