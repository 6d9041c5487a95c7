"""The Textual app: wires the library and the settings into the list, the reader and the keys."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from newsreader import undo
from newsreader.actions import ACTIONS
from newsreader.config import Config, config_folder, save_config
from newsreader.difference import Original
from newsreader.errors import NewsreaderError
from newsreader.library import Library
from newsreader.screens.help import HelpScreen, current_keys
from newsreader.themes import builtin_theme_folder, load_themes
from newsreader.triage import Triage, short
from newsreader.widgets.reader import OtherVersion, Reader
from newsreader.widgets.search_bar import SearchBar
from newsreader.widgets.story_list import StoryList, StoryRows

if TYPE_CHECKING:
    from newsreader.workers import DumpsArrived

PREVIEW_AFTER_SECONDS = 0.12  # a held-down j never waits on the reader
NARROW_BELOW = 100  # columns: under this, list and reader take turns on the screen


def _bindings() -> list[BindingType]:
    return [
        Binding(
            action.keys,
            action.name,
            action.label or action.description,
            show=action.footer,
            key_display=action.key_display,
            priority=action.priority,
            id=action.name,
        )
        for action in ACTIONS
    ]


class NewsReader(Triage):
    """A terminal newsreader: triage saved news dumps by keyboard."""

    CSS_PATH = "newsreader.tcss"
    TITLE = "newsreader"
    BINDINGS: ClassVar[list[BindingType]] = _bindings()
    library_error: NewsreaderError | None = None  # what ended the app, for run_app to report

    def __init__(
        self,
        library: Library,
        config: Config,
        config_path: Path | None = None,
        watch: Path | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.config = config
        self.config_path = config_path
        # --watch wins over the setting, and is not saved to it.
        self.watched_folder = watch or (Path(config.watch).expanduser() if config.watch else None)
        self.library.mark_group_read = config.mark_group_read
        self.unread = 0
        self.starred = 0
        self.expanded: set[str] = set()  # stories whose other versions are shown in place
        self._preview_timer: Timer | None = None

    def _handle_exception(self, error: Exception) -> None:
        # A library file found damaged while the app runs (a body segment, say) ends it
        # like any command: one line naming the file, exit status 2, never a traceback.
        if isinstance(error, NewsreaderError):
            self.library_error = error
            self._return_code = 2
            self.panic()  # ends the app at once, as any unhandled error does
            return
        super()._handle_exception(error)

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="panes"):
            yield StoryList(self.library.is_read, self.library.is_starred, id="stories")
            yield Reader(id="reader")
        yield SearchBar(id="search")
        yield Footer()

    @property
    def story_list(self) -> StoryList:
        """The story list widget."""
        return self.query_one(StoryList)

    @property
    def reader(self) -> Reader:
        """The reader pane."""
        return self.query_one(Reader)

    def on_mount(self) -> None:
        themes, problems = load_themes(builtin_theme_folder(), config_folder() / "themes")
        for theme in themes:
            self.register_theme(theme)
        self.own_themes = [theme.name for theme in themes]
        for problem in problems:
            self.notify(f"{problem.path.name}: {problem.reason}", title="Theme not loaded")
        self.theme = (
            self.config.theme if self.config.theme in self.available_themes else ("newsreader-dark")
        )
        if self.config.keys:
            self.set_keymap(self.config.keys)
        self._load_rows()
        self._layout_for(self.size.width)
        self.story_list.focus()
        _spare_from_collection()
        if self.watched_folder is not None:
            # Imported here: the watcher pulls in every dump parser, which start-up can skip.
            from newsreader.workers import start_watching

            start_watching(self, self.watched_folder, self.library.folder)

    def on_unmount(self) -> None:
        # Another app in this process (tests, the benchmarks) starts with nothing held back.
        gc.unfreeze()

    def watch_theme(self, theme: str) -> None:
        if self.config.theme != theme:
            self.config.theme = theme
            if self.config_path is not None:
                save_config(self.config, self.config_path)

    # ---- data down ------------------------------------------------------------------------

    def _load_rows(self, keep: str | None = None) -> None:
        stories, self.total = self.select_view()
        # Rows are made as they are drawn: a big library costs no more to show than a small.
        library = self.library
        rows = StoryRows(stories, library.versions, library.meta, self.expanded)
        self.story_list.set_rows(rows, keep=keep)
        self.unread, self.starred = self.library.counts()
        self._update_status()

    def _update_status(self) -> None:
        shown = self.story_list.story_count
        title = self.view.title(shown, self.total)
        self.query_one("#status", Static).update(
            Text(f"{title}  ·  {self.unread} unread  ·  {self.starred} starred")
        )

    def _show(self, story_id: str) -> None:
        story = self.library.story(story_id)
        others = []
        other_ids = [
            other_id for other_id in self.library.versions(story_id) if other_id != story_id
        ]
        if other_ids:
            original = Original(story.title, story.paragraphs)  # split once for all of them
            for other_id in other_ids:
                other = self.library.story(other_id)
                change = original.changed_in(other.title, other.paragraphs)
                others.append(OtherVersion(other.id, other.source, other.age, change))
        self.reader.show_story(story, tuple(others))

    # ---- messages up ----------------------------------------------------------------------

    def on_story_list_opened(self, message: StoryList.Opened) -> None:
        # Opened before the cursor rested: the preview still waiting would show the story a
        # second time, back at its top.
        self._cancel_preview()
        self._set_read(message.story_id, True)
        self._show(message.story_id)
        if self.screen.has_class("narrow"):
            self._focus_pane(self.reader)

    def on_story_list_highlighted(self, message: StoryList.Highlighted) -> None:
        # Side by side, the reader previews the highlighted story; it is marked read only
        # when opened. One pane at a time, the reader shows only what was opened. The preview
        # waits until the cursor rests: laying out a whole story costs more than a key may.
        self._cancel_preview()
        story_id = message.story_id
        if story_id is None or self.screen.has_class("narrow"):
            return
        if self.reader.story_id is None:  # the first story shown: nothing to wait for
            self._show(story_id)
        else:
            # The list's timer, not the app's: it stops with the list when the app quits.
            self._preview_timer = self.story_list.set_timer(
                PREVIEW_AFTER_SECONDS, lambda: self._preview(story_id)
            )

    def _cancel_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None

    def _preview(self, story_id: str) -> None:
        self._preview_timer = None
        current = self.story_list.current
        if current is not None and current.id == story_id:
            self._show(story_id)

    def on_resize(self, event: events.Resize) -> None:
        self._layout_for(event.size.width)

    def on_dumps_arrived(self, message: DumpsArrived) -> None:
        # The worker imported through its own Library: read what it wrote, then tell the user.
        if self.library.refresh():
            current = self.story_list.current
            self._load_rows(keep=current.id if current else None)
            _spare_from_collection()
        from newsreader.workers import notify_arrivals

        notify_arrivals(self, message.report)

    def on_app_focus(self) -> None:
        if self.library.refresh():
            current = self.story_list.current
            self._load_rows(keep=current.id if current else None)
            _spare_from_collection()

    # ---- actions --------------------------------------------------------------------------

    def action_open_story(self) -> None:
        self.story_list.open_current()

    def action_toggle_read(self) -> None:
        current = self.story_list.current
        if current is not None:
            self._set_read(current.id, not self.library.is_read(current.id))

    def action_toggle_star(self) -> None:
        current = self.story_list.current
        if current is None:
            return
        starred = not self.library.is_starred(current.id)
        label = f"{'starred' if starred else 'unstarred'} “{short(current.title)}”"
        self.record(undo.mark_starred(self.library, [current.id], starred, label))

    def action_toggle_versions(self) -> None:
        row = self.story_list.current_row
        if row is None:
            return
        shown = row.version_of or row.story.id
        if shown in self.expanded:
            self.expanded.discard(shown)
        elif row.hidden_versions:
            self.expanded.add(shown)
        else:
            self.notify("This story has no other versions.")
            return
        self._load_rows(keep=shown)

    def action_split_version(self) -> None:
        row = self.story_list.current_row
        if row is None:
            return
        if row.version_of is None and not row.hidden_versions:
            self.notify("This story is not grouped with any other.")
            return
        title = short(row.story.title)
        self.undo_stack.push(undo.ungroup(self.library, row.story.id, f"split “{title}”"))
        self.notify(f"“{title}” is now shown on its own. u undoes it.", title="Split")
        self._load_rows(keep=row.story.id)

    def action_stats(self) -> None:
        from newsreader.screens.stats import StatsScreen  # start-up need not load it

        self.push_screen(StatsScreen(self.library))

    def action_back(self) -> None:  # type: ignore[override]
        if self.focused is self.story_list and self.view.searching:
            self.clear_search()  # back out of a search kept with Enter
        self._focus_pane(self.story_list)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(current_keys(self)))

    def _set_read(self, story_id: str, read: bool) -> None:
        """Mark a story (and its versions) read or unread; on disk before this returns."""
        title = short(self.library.meta(story_id).title)
        label = f"marked {'read' if read else 'unread'} “{title}”"
        self.record(undo.mark_read(self.library, [story_id], read, label))

    def _focus_pane(self, pane: StoryList | Reader) -> None:
        other = self.reader if pane is self.story_list else self.story_list
        pane.remove_class("away")
        other.add_class("away")
        pane.focus()

    def _layout_for(self, width: int) -> None:
        narrow = width < NARROW_BELOW
        self.screen.set_class(narrow, "narrow")
        if narrow and not self.reader.has_class("away") and not self.story_list.has_class("away"):
            self.reader.add_class("away")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        yield from super().get_system_commands(screen)
        keys = current_keys(self)
        for action in ACTIONS:
            yield SystemCommand(
                action.description,
                f"{action.description} ({keys.get(action.name, action.keys)})",
                lambda name=action.name: self.run_action(name),
            )


def _spare_from_collection() -> None:
    """Leave the objects alive now (the library read in, the widgets) out of collections."""
    # A full collection walks every object that could be in a reference cycle: at 100,000
    # stories some 200,000 of them, 70 ms that fall on whichever key allocates past the
    # threshold. What the app holds from start-up lives as long as it does and needs no
    # walking. Garbage already waiting is kept until `on_unmount` gives all of it back.
    gc.freeze()


def run_app(folder: Path, watch: Path | None = None) -> int:
    """Open the library in `folder` (importing the sample dumps when it is empty) and run."""
    from newsreader.config import load_config

    library = Library(folder)
    try:
        seeds = seed_folder() if library.is_empty() else None
        if seeds is not None:
            from newsreader.importer import import_paths

            import_paths(library, [seeds])
        config_path = config_folder() / "config.toml"
        app = NewsReader(library, load_config(config_path), config_path, watch=watch)
        app.run()
    finally:
        library.close()
    if app.library_error is not None:
        raise app.library_error
    return 0


def seed_folder() -> Path | None:
    """The sample dumps shipped with newsreader (package data, or seeds/ in a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return None
