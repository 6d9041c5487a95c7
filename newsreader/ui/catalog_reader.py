"""The catalog read again on a thread when another process has imported into the library:
putting a big one together takes seconds, and the keys go on meanwhile on the one shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message
from textual.worker import Worker

from newsreader.first_screen import Stamp

if TYPE_CHECKING:  # the library (and numpy) is imported once the first screen is painted
    from newsreader.library import Library, LibraryVersion


class CatalogRead(Message):
    """The catalog was read again (`version`, None when it had not changed), or could not be."""

    def __init__(
        self,
        version: LibraryVersion | None,
        error: Exception | None,
        stamps: dict[str, Stamp],
    ) -> None:
        super().__init__()
        self.version = version
        self.error = error
        self.stamps = stamps  # the library's files as they were when the read began


def start_reading(app: App[Any], library: Library, stamps: dict[str, Stamp]) -> Worker[None]:
    """Read the library's catalog again in a thread worker; post `CatalogRead` to `app`."""
    seen = library.marks_seen()  # copied here: marks change on this thread only

    def run() -> None:
        try:
            version = library.read_catalog(seen)
        except Exception as error:  # the app's handler raises it, as if read there
            app.post_message(CatalogRead(None, error, stamps))
        else:
            app.post_message(CatalogRead(version, None, stamps))

    return app.run_worker(run, name="read the catalog", group="catalog", thread=True)
