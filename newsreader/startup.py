"""Starting the app: its saved first screen while still true, else the library opened first.

`run_app` is what the `newsreader` command runs; the first screen is saved here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from newsreader import first_screen
from newsreader.errors import NewsreaderError
from newsreader.filters import View, select
from newsreader.first_screen import FirstScreen, ScreenRow, status_line
from newsreader.rows import StoryRows

if TYPE_CHECKING:
    from newsreader.library import Library


def first_screen_of(library: Library, counts: tuple[int, int] | None = None) -> FirstScreen:
    """The first rows and the status line of the default view, as a fresh start shows them;
    `counts` are the library's (unread, starred) when the caller has them already."""
    view = View()
    stories, total = select(library, view)
    rows = StoryRows(stories, library.versions, library.meta)
    unread, starred = library.counts() if counts is None else counts
    shown = tuple(
        ScreenRow(
            row.story.id,
            row.story.title,
            row.story.source,
            row.story.age,
            row.story.published or "",
            row.story.role,
            row.depth,
            row.hidden_versions,
            library.is_read(row.story.id),
            library.is_starred(row.story.id),
        )
        for row in rows[: first_screen.ROWS]
    )
    return FirstScreen(shown, status_line(view.title(len(stories), total), unread, starred))


def save_first_screen(
    library: Library, config_path: Path | None, counts: tuple[int, int] | None = None
) -> None:
    """Save the library's first screen for the next start, unless the saved one is still true.

    Best effort: a library that cannot be written to just starts the ordinary way.
    """
    folder = library.folder
    if first_screen.read(folder, config_path) is not None:
        return
    before = first_screen.stamps(folder, config_path)
    try:
        if library.refresh():  # another process wrote since: what it wrote is on disk
            counts = None
        screen = first_screen_of(library, counts)
        # Unchanged meanwhile: the files are the ones the screen was made from.
        if screen.rows and first_screen.stamps(folder, config_path) == before:
            first_screen.write(folder, screen, before)
    except (OSError, NewsreaderError):
        return


def run_app(folder: Path, watch: Path | None = None) -> int:
    """Open the library in `folder` (importing the sample dumps when it is empty) and run."""
    from newsreader.app import NewsReader
    from newsreader.config import config_folder, load_config

    config_path = config_folder() / "config.toml"
    config = load_config(config_path)
    # A first screen still true is painted at once; the library opens right after.
    first = first_screen.read(folder, config_path)
    library: Library | Path = folder if first is not None else _open(folder)
    app = NewsReader(library, config, config_path, watch, first, save_first_screen=True)
    try:
        app.run()
        if app.opened and app.library_error is None and not app.return_code:
            app.remember_first_screen()
    finally:
        if app.opened:
            app.library.close()
    if app.library_error is not None:
        raise app.library_error
    return 0


def _open(folder: Path) -> Library:
    """The library in `folder`, with the sample dumps imported into it when it is empty."""
    from newsreader.library import Library

    library = Library(folder)
    try:
        seeds = seed_folder() if library.is_empty() else None
        if seeds is not None:
            from newsreader.importer import import_paths

            import_paths(library, [seeds])
    except BaseException:
        library.close()
        raise
    return library


def seed_folder() -> Path | None:
    """The sample dumps shipped with newsreader (package data, or seeds/ in a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return None
