"""The app between its first frame and its library: the saved first screen takes moves and
marks at once, the library opens on a thread, and every other key waits for it, in order.

A key that needs the library (search, opening a story, a filter, undo) is held, and so is
every input after it, so that none is lost or taken out of order; they are handled once the
real rows (the same ones) are in and drawn. A mark is made on the row the user sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.message import Message

from newsreader.actions import ACTIONS
from newsreader.first_marks import FirstMarks
from newsreader.first_screen import FirstScreen

if TYPE_CHECKING:  # the library (and numpy) is imported on the worker's thread
    from newsreader.library import Library

# What a key may do on the saved rows: move the cursor over them, mark the story under it.
MOVES = ("cursor_down", "cursor_up", "first", "last", "page_down", "page_up")
EARLY_ACTIONS = frozenset((*MOVES, "toggle_read", "toggle_star"))
# Input that changes nothing but where the pointer is or the list's scroll: never held back.
_PASSING = (events.MouseMove, events.MouseScrollDown, events.MouseScrollUp)


@dataclass(frozen=True)
class Unopened:
    """A library not opened yet, and the first screen saved for it, still true: what the app
    paints at once and shows until the library is open."""

    folder: Path
    first_screen: FirstScreen


class LibraryOpened(Message):
    """The library behind the first screen is open (`library`), or failed to open (`error`)."""

    def __init__(self, library: Library | None, error: Exception | None) -> None:
        super().__init__()
        self.library = library
        self.error = error


def _give_back_freed() -> None:
    """Return to the system the memory opening the library used and freed: at 1,000,000
    stories its sorts leave some 50 MB free in the C heap, which it otherwise keeps."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        return  # not glibc: nothing to ask


def early_keys(keymap: Mapping[str, str]) -> frozenset[str]:
    """The keys bound only to actions the first screen can do (the user's keymap applied)."""
    bound: dict[str, set[str]] = {}
    for action in ACTIONS:
        for key in keymap.get(action.name, action.keys).split(","):
            bound.setdefault(key.strip(), set()).add(action.name)
    return frozenset(key for key, names in bound.items() if names <= EARLY_ACTIONS)


class Opening:
    """What the app keeps until its library is open: the first screen painted, the marks made
    on it and the input held for the library."""

    def __init__(self, first_screen: FirstScreen, marks: FirstMarks, keys: frozenset[str]) -> None:
        self.first_screen = first_screen
        self.marks = marks
        self.keys = keys
        self.held: list[events.Event] = []
        self.started = False

    def holds(self, event: events.Event) -> bool:
        """Whether `event` must wait for the library; a held event is kept to be replayed."""
        if not isinstance(event, (events.InputEvent, events.Paste)) or event.is_forwarded:
            return False
        if not self.held and (
            isinstance(event, _PASSING)
            or (isinstance(event, events.Key) and event.key in self.keys)
        ):
            return False
        self.held.append(event)
        return True

    def start(self, app: App[Any], folder: Path) -> None:
        """Open the library in `folder` on a thread; `app` is sent `LibraryOpened`."""
        if self.started:
            return
        self.started = True

        def work() -> None:
            try:
                from newsreader.library import Library

                library = Library(folder)
                _give_back_freed()
                # What the app starts with the library (the mark writer, the watcher) is
                # imported here, not on the UI thread, where keys would wait for it.
                import newsreader.ui.workers  # noqa: F401

            except Exception as error:  # the app reports it as it would have at start
                app.post_message(LibraryOpened(None, error))
            else:
                app.post_message(LibraryOpened(library, None))

        app.run_worker(work, name="open the library", thread=True, exit_on_error=False)
