"""The Textual app: the settings, the themes, the library and the work done in the background,
wired to the panes and to the keys of the one command table (newsreader/actions.py).

What each key does is in the part of the app that owns the concept: the panes (moving, focus,
widths, the story shown: panes.py), what the list shows (filters, search, grouping:
listing.py), the marks and undo (marking.py) and the rest done to a story (story_actions.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from newsreader import collector
from newsreader.actions import ACTIONS
from newsreader.config import Config
from newsreader.errors import NewsreaderError
from newsreader.first_marks import FirstMarks
from newsreader.ui.background import Background
from newsreader.ui.feed_worker import FeedsFetched, FetchProgress, FullTextRead
from newsreader.ui.listing import Listing
from newsreader.ui.looks import Looks
from newsreader.ui.marking import Marking
from newsreader.ui.opening import LibraryOpened, Opening, Unopened, early_keys
from newsreader.ui.panes import Panes
from newsreader.ui.screens.help import HelpScreen, current_keys
from newsreader.ui.story_actions import StoryActions
from newsreader.ui.widgets.reader import Reader
from newsreader.ui.widgets.search_bar import SearchBar
from newsreader.ui.widgets.status import StatusLine
from newsreader.ui.widgets.story_list import ListRow, StoryList
from newsreader.when import Clock, local_now

if TYPE_CHECKING:  # the library (and numpy) is imported once the first screen is painted
    from newsreader.library import Library
    from newsreader.library.writer import MarkWriter
    from newsreader.ui.catalog_reader import CatalogRead
    from newsreader.ui.workers import DumpsArrived, MarksWritten

KEEP_PLACE_SECONDS = 5.0  # how often the place in the story shown is saved, when it moved


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


class NewsReader(App[None]):
    """A terminal newsreader: triage saved news dumps by keyboard."""

    CSS_PATH = "newsreader.tcss"
    TITLE = "newsreader"
    BINDINGS: ClassVar[list[BindingType]] = _bindings()
    library_error: NewsreaderError | None = None  # what ended the app, for run_app to report
    library: Library  # set once the library is open: at once, or after the first frame

    def __init__(
        self,
        library: Library | Unopened,
        config: Config,
        config_path: Path | None = None,
        watch: Path | None = None,
        save_first_screen: bool = False,
        clock: Clock = local_now,
    ) -> None:
        """An open `library`, or one `Unopened`: its saved first screen is painted, and the
        library opened on a thread. With `save_first_screen` the app saves one for the next
        start. Ages are drawn from `clock`."""
        super().__init__()
        self.config = config
        self.clock = clock
        self.config_path = config_path
        self.save_first_screen = save_first_screen
        self.key_time: float | None = None  # when the key being handled was typed
        self.panes = Panes(self, config, config_path)
        self.listing = Listing(self, self.panes)
        self.marking = Marking(self, config, self.panes, self.listing)
        self.story = StoryActions(self, config, self.panes, self.listing, self.marking)
        # --watch wins over the setting, and is not saved to it.
        watched = watch or (Path(config.watch).expanduser() if config.watch else None)
        self.background = Background(self, config, watched, self.panes, self.listing, self.marking)
        self.looks = Looks(self, config, config_path)
        # The theme is set before the app runs, so that the first styling pass uses it: set
        # on mount, it restyled every widget before the first frame (12 ms of it).
        self.theme = self.looks.first
        self.opened = False  # whether `library` is open: not yet while the first screen shows
        self.opening: Opening | None = None  # until then, and until the keys held are handled
        if isinstance(library, Unopened):
            self.folder = library.folder
            marks = FirstMarks(library.folder, library.first_screen, config.mark_group_read)
            self.opening = Opening(library.first_screen, marks, early_keys(config.keys))
            self.marking.first = marks
        else:
            self.folder = library.folder
            self._use(library)

    def _use(self, library: Library) -> None:
        from newsreader.ui.workers import start_mark_writer

        self.library = library
        self.panes.library = self.listing.library = library
        self.marking.library = self.story.library = self.background.library = library
        self.marking.first = None
        self.library.mark_group_read = self.config.mark_group_read
        # Marks show at once and are written off the UI thread: a slow fsync never freezes keys.
        self.mark_writer: MarkWriter | None = start_mark_writer(self, library)
        self.opened = True

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
        yield StatusLine(id="status")
        with Horizontal(id="panes"):
            marks: Library | FirstMarks = (
                self.library if self.opening is None else self.opening.marks
            )
            yield StoryList(marks.is_read, marks.is_starred, clock=self.clock, id="stories")
            yield Reader(clock=self.clock, id="reader")
        yield SearchBar(id="search")
        yield Footer()

    @property
    def story_list(self) -> StoryList:
        """The story list widget."""
        return self.panes.story_list

    @property
    def reader(self) -> Reader:
        """The reader pane."""
        return self.panes.reader

    @property
    def search_bar(self) -> SearchBar:
        """The `/` bar."""
        return self.panes.search_bar

    def on_mount(self) -> None:
        self.looks.tell_problems()
        if self.config.keys:
            self.set_keymap(self.config.keys)
        if self.opening is None:
            self.listing.load()
        else:
            self._paint_first_screen(self.opening)
        self.panes.layout_for(self.size.width)
        self.story_list.focus()
        if self.opening is None:
            self._started()
        else:
            self.call_after_refresh(self.open_library)

    # ---- the library, opened after the first frame ----------------------------------------

    def _paint_first_screen(self, opening: Opening) -> None:
        rows = opening.first_screen.rows
        # The reader waits for the library: it shows the story once the real rows are in.
        with self.story_list.prevent(StoryList.Highlighted):
            self.story_list.set_rows([ListRow(r, r.depth, r.hidden_versions) for r in rows])
        self.panes.set_status(opening.marks.status)

    def open_library(self) -> None:
        """Open the library behind the first screen on a thread; its real rows (the same
        ones) take the place of the saved ones once it is open."""
        if not self.opened and self.opening is not None:
            self.opening.start(self, self.folder)

    def on_library_opened(self, message: LibraryOpened) -> None:
        opening = self.opening
        if self.opened or opening is None:
            return
        if message.library is None:
            self._handle_exception(message.error or RuntimeError("the library did not open"))
            return
        outcome = opening.marks.close()  # the marks made on the first screen, all written
        self._use(message.library)
        self.library.marks.absorb(outcome.written)
        self.story_list.set_marks(self.library.is_read, self.library.is_starred)
        self.listing.reload()  # cursor and scroll stay
        for change, error in outcome.failed:
            self.marking.forget(change, error)
        if outcome.written:
            self.library.save_counts((self.listing.unread, self.listing.starred))
        self._started()
        # Keys held for the library act once the real rows are drawn, as typed on them.
        self.call_after_refresh(self._replay_held)

    async def _replay_held(self) -> None:
        opening, self.opening = self.opening, None
        for event in opening.held if opening is not None else ():
            if isinstance(event, events.Key):
                self.key_time = event.time
            await super().on_event(event)

    async def on_event(self, event: events.Event) -> None:
        # Before the library is open, moves and marks act on the saved first screen; other
        # input waits for the library, and all input after it, so none is taken out of order.
        opening = self.opening
        if opening is not None and (not self.opened or opening.held) and opening.holds(event):
            return
        if isinstance(event, events.Key):
            self.key_time = event.time  # when the key being handled was typed
        await super().on_event(event)

    def _started(self) -> None:
        collector.spare_what_lives()
        # The command starts with the collector off (see __main__): on once the first frame is
        # out, with no collection first (100 ms at 100,000 stories, for 0.3 MB of garbage).
        self.call_after_refresh(gc.enable)
        if self.save_first_screen:
            counts = (self.listing.unread, self.listing.starred)
            self.call_after_refresh(self.remember_first_screen, counts)
        # Saved when the reader leaves a story, and now and then while it stays: a crash
        # or a closed terminal loses at most a few seconds of reading.
        self.set_interval(KEEP_PLACE_SECONDS, self.panes.keep_place)
        self.background.start()

    def remember_first_screen(self, counts: tuple[int, int] | None = None) -> None:
        """Save what a fresh start will show first, unless the saved one is still true."""
        from newsreader.first_screen import save_first_screen

        save_first_screen(self.library, self.config_path, counts)

    async def action_quit(self) -> None:
        if self.opened:
            self.panes.keep_place()
        await super().action_quit()

    def on_unmount(self) -> None:
        if self.opened and self.mark_writer is not None:
            self.mark_writer.close()  # what the screen shows as marked is on disk on quit
        elif self.opening is not None:
            self.opening.marks.close()
        # Another app in this process (tests, the benchmarks) starts with nothing held back.
        collector.give_back()

    # ---- the library changed: by a worker, or by another process --------------------------

    def on_dumps_arrived(self, message: DumpsArrived) -> None:
        self.background.dumps_arrived(message.report)

    def on_marks_written(self, message: MarksWritten) -> None:
        # A mark the writer could not make durable is taken back and the user told why.
        self.marking.written(message.staged, message.error)

    def on_app_focus(self) -> None:
        if self.opened:
            self.background.look_for_changes()

    def on_catalog_read(self, message: CatalogRead) -> None:
        self.background.catalog_read(message)

    def look_for_changes(self) -> None:
        """Show what other processes changed in the library since the last look, if anything."""
        self.background.look_for_changes()

    def action_fetch_feeds(self) -> None:
        """Fetch the subscriptions in the background; progress shows in the status line."""
        if self.opened:
            self.background.fetch()

    def on_fetch_progress(self, message: FetchProgress) -> None:
        self.panes.set_status(f"Fetching feeds {message.done}/{message.total} · {message.name}")

    def on_feeds_fetched(self, message: FeedsFetched) -> None:
        self.background.fetched(message)

    def on_full_text_read(self, message: FullTextRead) -> None:
        self.story.full_text_read(message.story_id, message.new_id, message.message)

    # ---- messages from the panes ----------------------------------------------------------

    def on_story_list_highlighted(self, message: StoryList.Highlighted) -> None:
        # On the first screen, the reader shows the story once the library is open.
        self.panes.highlighted(message.story_id if self.opened else None)

    def on_story_list_opened(self, message: StoryList.Opened) -> None:
        self.marking.story_opened(message.story_id, message.mark_read)

    def on_reader_end_drawn(self, message: Reader.EndDrawn) -> None:
        self.marking.end_drawn(message.story_id)

    def on_search_bar_changed(self, message: SearchBar.Changed) -> None:
        self.listing.search_for(message.text)

    def on_search_bar_closed(self, message: SearchBar.Closed) -> None:
        self.listing.close_search(message.keep)

    def on_resize(self, event: events.Resize) -> None:
        self.panes.layout_for(event.size.width)

    # ---- the looks, help and the palette --------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        self.looks.chosen(theme)

    def action_cycle_theme(self) -> None:
        self.looks.cycle()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(current_keys(self)))

    def action_stats(self) -> None:
        from newsreader.ui.screens.stats import StatsScreen  # start-up need not load it

        self.push_screen(StatsScreen(self.library))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter opens a story from the list: in the reader there is nothing to open.
        return not (action == "open_story" and self.screen.focused is self.reader)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        # Textual's own Quit and Keys would list quitting twice and a second, other help.
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command
        keys = current_keys(self, screen)  # the screen under the palette, as help shows them
        for action in ACTIONS:
            yield SystemCommand(
                action.description,
                f"Keys: {keys.get(action.name, action.key_display or action.keys)}",
                lambda name=action.name: self.run_action(name),
            )

    # ---- the keys, each handed to the part that owns what it does -------------------------

    def action_cursor_down(self) -> None:
        self.panes.move(1)

    def action_cursor_up(self) -> None:
        self.panes.move(-1)

    def action_page_down(self) -> None:
        self.panes.page(1)

    def action_page_up(self) -> None:
        self.panes.page(-1)

    def action_first(self) -> None:
        self.panes.to_end(last=False)

    def action_last(self) -> None:
        self.panes.to_end(last=True)

    def action_open_story(self) -> None:
        self.panes.open_story()

    def action_switch_pane(self) -> None:
        if not self.panes.switch():
            raise SkipAction()  # Tab keeps its usual meaning in the search bar and dialogs

    def action_widen_list(self) -> None:
        self.panes.resize_list(5)

    def action_narrow_list(self) -> None:
        self.panes.resize_list(-5)

    def action_show_all(self) -> None:
        self.listing.show("all")

    def action_show_unread(self) -> None:
        self.listing.show("unread")

    def action_show_starred(self) -> None:
        self.listing.show("starred")

    def action_search(self) -> None:
        self.listing.open_search()

    def action_cycle_grouping(self) -> None:
        self.listing.cycle_grouping()

    def action_toggle_versions(self) -> None:
        self.listing.toggle_versions()

    def action_back(self) -> None:  # type: ignore[override]
        self.listing.back()

    def action_toggle_read(self) -> None:
        self.marking.toggle_read()

    def action_toggle_star(self) -> None:
        self.marking.toggle_star()

    def action_read_on(self) -> None:
        self.marking.read_on()

    def action_next_unread(self) -> None:
        self.marking.go_unread(1)

    def action_previous_unread(self) -> None:
        self.marking.go_unread(-1)

    def action_mark_matching_read(self) -> None:
        self.marking.mark_matching_read()

    def action_undo(self) -> None:
        self.marking.undo()

    def action_split_version(self) -> None:
        self.story.split_version()

    def action_add_tag(self) -> None:
        self.story.ask_tag(add=True)

    def action_remove_tag(self) -> None:
        self.story.ask_tag(add=False)

    def action_pipe_story(self) -> None:
        self.story.pipe()

    def action_copy_story(self) -> None:
        self.story.copy()

    def action_open_original(self) -> None:
        self.story.open_original()

    def action_export_listed(self) -> None:
        self.story.export_listed()

    def action_full_text(self) -> None:
        if self.opened:
            self.story.read_full_text()
