"""The undo stack on a real library: each change taken back exactly, on disk, newest first."""

from __future__ import annotations

from pathlib import Path

from newsreader import undo
from newsreader.library import Library
from newsreader.undo import UndoStack


def grouped(library: Library) -> tuple[str, str]:
    """(shown, hidden) ids of the seed's one folded pair."""
    hidden = next(s.id for s in library.stories if library.duplicate_of(s.id) is not None)
    shown = library.duplicate_of(hidden)
    assert shown is not None
    return shown, hidden


def test_undo_read_restores_unread_on_disk(seeded: Library, library_path: Path) -> None:
    stack = UndoStack()
    first = seeded.visible()[0].id
    stack.push(undo.mark_read(seeded, [first], True, "Mark read"))
    assert Library(library_path).is_read(first)
    change = stack.undo(seeded)
    assert change is not None and change.description == "Mark read"
    assert not Library(library_path).is_read(first)
    assert len(stack) == 0


def test_undo_read_leaves_versions_that_were_read_already(seeded: Library) -> None:
    shown, hidden = grouped(seeded)
    seeded.mark_group_read = False
    seeded.set_read([hidden], True)
    seeded.mark_group_read = True
    stack = UndoStack()
    stack.push(undo.mark_read(seeded, [shown], True, "Mark read"))
    stack.undo(seeded)
    assert not seeded.is_read(shown)
    assert seeded.is_read(hidden)  # read before the change, so still read


def test_a_change_that_changes_nothing_is_not_pushed(seeded: Library) -> None:
    stack = UndoStack()
    first = seeded.visible()[0].id
    stack.push(undo.mark_read(seeded, [first], False, "Mark unread"))
    assert len(stack) == 0
    assert stack.undo(seeded) is None


def test_undo_star_and_several_steps_back(seeded: Library) -> None:
    a, b = seeded.visible()[0].id, seeded.visible()[1].id
    stack = UndoStack()
    stack.push(undo.mark_starred(seeded, [a], True, "Star a"))
    stack.push(undo.mark_read(seeded, [b], True, "Read b"))
    stack.push(undo.mark_starred(seeded, [b], True, "Star b"))
    assert [stack.undo(seeded).description for _ in range(3)] == [  # type: ignore[union-attr]
        "Star b",
        "Read b",
        "Star a",
    ]
    assert not any(seeded.is_starred(s) or seeded.is_read(s) for s in (a, b))


def test_undo_split_puts_the_story_back_in_its_group(seeded: Library, library_path: Path) -> None:
    shown, hidden = grouped(seeded)
    stack = UndoStack()
    stack.push(undo.ungroup(seeded, hidden, "Split"))
    assert seeded.duplicate_of(hidden) is None
    stack.undo(seeded)
    assert seeded.duplicate_of(hidden) == shown
    assert Library(library_path).duplicate_of(hidden) == shown


def test_undo_group_takes_the_story_out_again(seeded: Library) -> None:
    shown, hidden = grouped(seeded)
    seeded.ungroup(hidden)
    stack = UndoStack()
    stack.push(undo.group(seeded, shown, hidden, "Group"))
    assert seeded.duplicate_of(hidden) == shown
    stack.undo(seeded)
    assert seeded.duplicate_of(hidden) is None


def test_bulk_read_is_one_step(seeded: Library) -> None:
    ids = [s.id for s in seeded.visible()]
    stack = UndoStack()
    stack.push(undo.mark_read(seeded, ids, True, "Mark 3 read"))
    assert len(stack) == 1
    stack.undo(seeded)
    assert not any(seeded.is_read(s.id) for s in seeded.stories)


def test_the_stack_keeps_only_the_newest(seeded: Library) -> None:
    first = seeded.visible()[0].id
    stack = UndoStack(limit=2)
    for n in range(4):
        stack.push(undo.mark_read(seeded, [first], n % 2 == 0, f"step {n}"))
    assert len(stack) == 2
    assert stack.undo(seeded).description == "step 3"  # type: ignore[union-attr]
