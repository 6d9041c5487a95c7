"""Starting the app: its saved first screen while still true, else the library opened first.

`run_app` is what the `newsreader` command runs; making and saving the first screen is
newsreader/first_screen.py's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from newsreader import first_screen

if TYPE_CHECKING:
    from newsreader.library import Library


def run_app(folder: Path, watch: Path | None = None) -> int:
    """Open the library in `folder` (importing the sample dumps when it is empty) and run."""
    from newsreader.config import config_folder, load_config
    from newsreader.ui.app import NewsReader
    from newsreader.ui.opening import Unopened

    config_path = config_folder() / "config.toml"
    config = load_config(config_path)
    # A first screen still true is painted at once; the library opens right after.
    first = first_screen.read(folder, config_path)
    library = Unopened(folder, first) if first is not None else _open(folder)
    app = NewsReader(library, config, config_path, watch, save_first_screen=True)
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
