"""The Textual app: wires the library and the settings into the list, the reader and the keys."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.filter import Monochrome, NoColor
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from newsreader import collector, undo
from newsreader.actions import ACTIONS
from newsreader.config import LIST_WIDTHS, Config, config_folder, save_config
from newsreader.counting import short
from newsreader.difference import Original
from newsreader.errors import NewsreaderError, in_words
from newsreader.feed_worker import (
    FeedsFetched,
    FetchProgress,
    FullTextRead,
    notify_fetched,
    start_fetch,
    start_full_text,
)
from newsreader.first_marks import FirstMarks
from newsreader.first_screen import FirstScreen, stamps, status_line
from newsreader.opening import LibraryOpened, Opening, early_keys
from newsreader.screens.help import HelpScreen, current_keys
from newsreader.themes import builtin_theme_folder, load_themes
from newsreader.triage import Triage
from newsreader.when import Clock, local_now
from newsreader.widgets.colourless import Colourless
from newsreader.widgets.reader import OtherVersion, Reader
from newsreader.widgets.search_bar import SearchBar
from newsreader.widgets.status import fit_status
from newsreader.widgets.story_list import ListRow, StoryList, StoryRows

if TYPE_CHECKING:  # the library (and numpy) is imported once the first screen is painted
    from newsreader.library import Library
    from newsreader.library.writer import MarkWriter
    from newsreader.workers import DumpsArrived, MarksWritten

PREVIEW_AFTER_SECONDS = 0.12  # a held-down j never waits on the reader
NARROW_BELOW = 100  # columns: under this, list and reader take turns on the screen
LOOK_FOR_CHANGES_SECONDS = 0.5  # how often the library's files are checked for others' marks
KEEP_PLACE_SECONDS = 5.0  # how often the place in the story shown is saved, when it moved


def _unmarked(story_id: str) -> bool:
    return False


_NO_MARKS = (_unmarked, _unmarked)  # until the first screen's marks or the library's are in


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
        library: Library | Path,
        config: Config,
        config_path: Path | None = None,
        watch: Path | None = None,
        first_screen: FirstScreen | None = None,
        save_first_screen: bool = False,
        clock: Clock = local_now,
    ) -> None:
        """`library` may be a folder, opened once `first_screen` (saved by an earlier run) is
        painted; with `save_first_screen` the app saves one for the next start. Ages are
        drawn from `clock`."""
        super().__init__()
        self.config = config
        self.clock = clock
        self.config_path = config_path
        # --watch wins over the setting, and is not saved to it.
        self.watched_folder = watch or (Path(config.watch).expanduser() if config.watch else None)
        self.unread = 0
        self.starred = 0
        self.expanded: set[str] = set()  # stories whose other versions are shown in place
        self.grouping: str | None = None  # "source" or "tag": the list under group headers
        self._preview_timer: Timer | None = None
        self._status_line = ""
        self._library_stamps: dict[str, tuple[int, int, int] | None] = {}
        self.first_screen = first_screen
        self.save_first_screen = save_first_screen
        self.opened = False  # whether `library` is open: not yet while the first screen shows
        self.opening: Opening | None = None  # until then, and until the keys held are handled
        # The theme is set before the app runs, so that the first styling pass uses it: set
        # on mount, it restyled every widget before the first frame (12 ms of it).
        themes, self._theme_problems = load_themes(
            builtin_theme_folder(), config_folder() / "themes"
        )
        for theme in themes:
            self.register_theme(theme)
        if self.no_color:
            # Textual's NO_COLOR filters still send greys (256-colour codes): send none.
            self._filters = [f for f in self._filters if not isinstance(f, (Monochrome, NoColor))]
            self._filters.append(Colourless())
        self.own_themes = [theme.name for theme in themes]
        self.theme = (
            self.config.theme if self.config.theme in self.available_themes else ("newsreader-dark")
        )
        if isinstance(library, Path):
            self.folder = library
        else:
            self.folder = library.folder
            self._use(library)

    def _use(self, library: Library) -> None:
        from newsreader.workers import start_mark_writer

        self.library = library
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
        yield Static(id="status")
        with Horizontal(id="panes"):
            marks = (self.library.is_read, self.library.is_starred) if self.opened else _NO_MARKS
            yield StoryList(*marks, clock=self.clock, id="stories")
            yield Reader(clock=self.clock, id="reader")
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
        for problem in self._theme_problems:
            self.notify(f"{problem.path.name}: {problem.reason}", title="Theme not loaded")
        if self.config.keys:
            self.set_keymap(self.config.keys)
        if self.opened:
            self._load_rows()
        elif self.first_screen is not None:
            self._paint_first_screen(self.first_screen)
        self._layout_for(self.size.width)
        self.story_list.focus()
        if self.opened:
            self._started()
        else:
            self.call_after_refresh(self.open_library)

    def _paint_first_screen(self, first: FirstScreen) -> None:
        marks = FirstMarks(self.folder, first, self.config.mark_group_read)
        self.opening = Opening(marks, early_keys(self.config.keys))
        self.story_list.set_marks(marks.is_read, marks.is_starred)
        # The reader waits for the library: it shows the story once the real rows are in.
        with self.story_list.prevent(StoryList.Highlighted):
            self.story_list.set_rows([ListRow(r, r.depth, r.hidden_versions) for r in first.rows])
        self._set_status(marks.status)

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
        self.first_screen = None
        self.story_list.set_marks(self.library.is_read, self.library.is_starred)
        current = self.story_list.current
        self._load_rows(keep=current.id if current else None)  # cursor and scroll stay
        for change, error in outcome.failed:
            self.undo_stack.forget(change.field, change.stories)
            self._set_status(f"{in_words(error)} — mark not saved")
        if outcome.written:
            self.library.save_counts((self.unread, self.starred))
        self._started()
        # Keys held for the library act once the real rows are drawn, as typed on them.
        self.call_after_refresh(self._replay_held)

    async def _replay_held(self) -> None:
        opening, self.opening = self.opening, None
        for event in opening.held if opening is not None else ():
            if isinstance(event, events.Key):
                self.key_time = event.time
            await super().on_event(event)

    def _started(self) -> None:
        collector.spare_what_lives()
        # The command starts with the collector off (see __main__): on once the first frame is
        # out, with no collection first (100 ms at 100,000 stories, for 0.3 MB of garbage).
        self.call_after_refresh(gc.enable)
        if self.save_first_screen:
            self.call_after_refresh(self.remember_first_screen, (self.unread, self.starred))
        # Marks made by another instance or by `newsreader mark` show within a second: the
        # library's files are looked at (three stat calls), and read only when they changed.
        self._library_stamps = stamps(self.library.folder, None)
        self.set_interval(LOOK_FOR_CHANGES_SECONDS, self.look_for_changes)
        # Saved when the reader leaves a story, and now and then while it stays: a crash
        # or a closed terminal loses at most a few seconds of reading.
        self.set_interval(KEEP_PLACE_SECONDS, self._keep_place)
        if self.watched_folder is not None:
            # Imported here: the watcher pulls in every dump parser, which start-up can skip.
            from newsreader.workers import start_watching

            start_watching(self, self.watched_folder, self.library.folder, self.config.rules)
        if self.config.fetch_interval:
            self.set_interval(self.config.fetch_interval * 60, self.action_fetch_feeds)

    def remember_first_screen(self, counts: tuple[int, int] | None = None) -> None:
        """Save what a fresh start will show first, unless the saved one is still true."""
        from newsreader.first_screen import save_first_screen

        save_first_screen(self.library, self.config_path, counts)

    async def on_event(self, event: events.Event) -> None:
        # Before the library is open, moves and marks act on the saved first screen; other
        # input waits for the library, and all input after it, so none is taken out of order.
        opening = self.opening
        if opening is not None and (not self.opened or opening.held) and opening.holds(event):
            return
        if isinstance(event, events.Key):
            self.key_time = event.time  # when the key being handled was typed
        await super().on_event(event)

    def on_unmount(self) -> None:
        if self.opened and self.mark_writer is not None:
            self.mark_writer.close()  # what the screen shows as marked is on disk on quit
        elif self.opening is not None:
            self.opening.marks.close()
        # Another app in this process (tests, the benchmarks) starts with nothing held back.
        collector.give_back()

    def watch_theme(self, theme: str) -> None:
        if self.no_color:
            return  # with no colour shown, a theme chosen would be one never seen
        if self.config.theme != theme:
            self.config.theme = theme
            if self.config_path is not None:
                try:
                    save_config(self.config, self.config_path)
                except OSError as error:
                    self.notify(
                        f"{error.filename}: {in_words(error, library=False)}",
                        title="Theme not saved",
                        severity="error",
                        markup=False,
                    )

    # ---- data down ------------------------------------------------------------------------

    def _load_rows(self, keep: str | None = None) -> None:
        stories, self.total = self.select_view()
        # Rows are made as they are drawn: a big library costs no more to show than a small.
        library = self.library
        if self.grouping is None:
            rows: Sequence[ListRow] = StoryRows(
                stories, library.versions, library.meta, self.expanded
            )
        else:
            from newsreader.grouping import grouped_rows

            rows = grouped_rows(library, stories, self.grouping)
        self.story_list.set_rows(rows, keep=keep)
        if not rows:
            # Nothing listed (an empty search result, say): no story is left on show.
            self._cancel_preview()
            self.read_at_end = None
            self.reader.show_story(None)
        self.unread, self.starred = self.library.counts()
        self._update_status()

    def _update_status(self) -> None:
        shown = self.story_list.story_count
        title = self.view.title(shown, self.total)
        if self.grouping is not None:
            title += f" by {self.grouping}"
        line = status_line(title, self.unread, self.starred)
        if self.opened and self.library.read_only:
            line += "  ·  library is read-only"
        self._set_status(line)

    def _set_status(self, line: str) -> None:
        # Its size is fixed by the stylesheet: a new count needs no layout of the whole screen,
        # which would cost more than the rest of opening a story.
        self._status_line = line
        fitted = fit_status(line, self.size.width - 2)  # its padding: a cell each side
        try:
            status = self.query_one("#status", Static)
        except NoMatches:
            return  # a timer's last tick while the app closes: nothing left to show it on
        status.update(Text(fitted), layout=False)

    def _show(self, story_id: str) -> None:
        from newsreader.library.positions import place_of

        self._keep_place()
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
        self.reader.show_story(story, tuple(others), place_of(self.library, story_id))

    def _keep_place(self) -> None:
        """Remember where the reader leaves the story it shows (one mark, when it moved)."""
        from newsreader.library.positions import keep_place

        try:
            reader = self.reader
        except NoMatches:
            return  # a timer's last tick while the app closes
        story_id, place = reader.story_id, reader.place
        if story_id is not None and place is not None:
            keep_place(self.library, story_id, place)

    async def action_quit(self) -> None:
        if self.opened:
            self._keep_place()
        await super().action_quit()

    # ---- messages up ----------------------------------------------------------------------

    def on_story_list_opened(self, message: StoryList.Opened) -> None:
        # Opened before the cursor rested: the preview still waiting would show the story a
        # second time, back at its top.
        self._cancel_preview()
        # With mark_read_on = "end", Enter reads a story as Space does: once its end is shown.
        mark_now = message.mark_read and self.config.mark_read_on == "open"
        if mark_now:
            self._set_read(message.story_id, True)
        self._show(message.story_id)
        self.read_at_end = None if mark_now else message.story_id
        self._focus_pane(self.reader)  # into the story, as in mutt: j/k scroll, Esc returns

    def on_reader_end_drawn(self, message: Reader.EndDrawn) -> None:
        # A story opened by reading on (Space, n) is read once its last line has been on
        # screen: never when a burst of keys went past it before it was drawn.
        story_id = message.story_id
        if self.read_at_end == story_id and self.reader.story_id == story_id:
            self.read_at_end = None
            if not self.library.is_read(story_id):
                self._set_read(story_id, True)

    def on_story_list_highlighted(self, message: StoryList.Highlighted) -> None:
        # Side by side, the reader previews the highlighted story; it is marked read only
        # when opened. One pane at a time, the reader shows only what was opened. The preview
        # waits until the cursor rests: laying out a whole story costs more than a key may.
        self._cancel_preview()
        story_id = message.story_id
        if story_id is None or self.screen.has_class("narrow") or not self.opened:
            return  # on the first screen, the reader shows the story once the library is open
        if story_id == self.reader.story_id:
            return  # shown already (the rows were reloaded): keep the place in it
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
        if message.report.outcome is not None:
            for change in message.report.outcome.report.rule_changes:
                self.undo_stack.push(change)
        if self.library.refresh():
            current = self.story_list.current
            self._load_rows(keep=current.id if current else None)
            collector.spare_what_lives()
        from newsreader.workers import notify_arrivals

        notify_arrivals(self, message.report)

    def on_marks_written(self, message: MarksWritten) -> None:
        # A mark the writer could not make durable is taken back and the user told why.
        if message.staged is not None:
            self.library.marks.settle(message.staged, message.error)
        if message.error is None:
            return
        if message.staged is not None:
            self.undo_stack.forget(message.staged.field, message.staged.stories)
            current = self.story_list.current
            self._load_rows(keep=current.id if current else None)
        self._update_status()
        words = getattr(message.error, "words", None) or str(message.error)
        self._set_status(f"{words} — mark not saved")

    def on_app_focus(self) -> None:
        if self.opened:
            self._pick_up_changes()

    def look_for_changes(self) -> None:
        """Show what other processes changed in the library since the last look, if anything."""
        now = stamps(self.library.folder, None)
        if now != self._library_stamps:
            self._library_stamps = now
            try:
                self._pick_up_changes()
            except NoMatches:
                return  # the app is closing: its widgets are already gone

    def _pick_up_changes(self) -> None:
        if self.library.refresh():
            current = self.story_list.current
            self._load_rows(keep=current.id if current else None)
            collector.spare_what_lives()

    def on_fetch_progress(self, message: FetchProgress) -> None:
        self._set_status(f"Fetching feeds {message.done}/{message.total} · {message.name}")

    def on_feeds_fetched(self, message: FeedsFetched) -> None:
        for change in message.changes:
            self.undo_stack.push(change)
        if self.library.refresh():
            current = self.story_list.current
            self._load_rows(keep=current.id if current else None)
            collector.spare_what_lives()
        self._update_status()
        notify_fetched(self, message)

    def on_full_text_read(self, message: FullTextRead) -> None:
        if message.new_id is not None and self.library.refresh():
            current = self.story_list.current
            keep = current.id if current else None
            self._load_rows(keep=message.new_id if keep == message.story_id else keep)
            if self.reader.story_id == message.story_id:
                self._show(message.new_id)
        self._set_status(message.message)

    # ---- actions --------------------------------------------------------------------------

    def action_full_text(self) -> None:
        """Read the page of the story under the cursor in the background and show its text."""
        current = self.story_list.current
        if not self.opened or current is None:
            return
        if not self.library.meta(current.id).url:
            self._set_status("this story has no link to read the full text from")
            return
        self._set_status(f"Reading the full text of “{short(current.title)}”…")
        start_full_text(self, self.library.folder, current.id)

    def action_fetch_feeds(self) -> None:
        """Fetch the subscriptions in the background; progress shows in the status line."""
        if self.opened:
            self._set_status("Fetching feeds…")
            start_fetch(self, self.library.folder, self.config.rules)

    def action_open_story(self, held: bool = False) -> None:
        if not held and not self.story_list.cursor_on_screen:
            # Typed before the cursor's last move was drawn: act once it is on screen.
            self.call_after_refresh(self.action_open_story, True)
            return
        self.story_list.open_current()

    def action_toggle_read(self) -> None:
        self.read_at_end = None  # the user decides: drawing the end no longer marks it
        current = self.story_list.current
        if current is not None and not self.opened:
            self._mark_first_screen("read", current.id)
        elif current is not None:
            self._set_read(current.id, not self.library.is_read(current.id))

    def action_toggle_star(self) -> None:
        current = self.story_list.current
        if current is not None and not self.opened:
            self._mark_first_screen("starred", current.id)
            return
        if current is None:
            return
        starred = not self.library.is_starred(current.id)
        label = f"{'starred' if starred else 'unstarred'} “{short(current.title)}”"
        self.record(undo.mark_starred(self.library, [current.id], starred, label))

    def action_toggle_versions(self) -> None:
        row = self.story_list.current_row
        if row is None:
            return
        if self.grouping is not None:
            self.notify("Other versions show in place in a list not grouped (= ungroups it).")
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
        if self.library.read_only:
            self._set_status("library is read-only — split not saved")
            return
        title = short(row.story.title)
        self.undo_stack.push(undo.ungroup(self.library, row.story.id, f"split “{title}”"))
        self.notify(f"“{title}” is now shown on its own. u undoes it.", title="Split")
        self._load_rows(keep=row.story.id)

    def action_pipe_story(self) -> None:
        from newsreader.screens.pipe_picker import pipe_story  # start-up need not load it

        story_id = self._story_in_front()
        if story_id is not None:
            pipe_story(self, self.library.story(story_id), self.config.pipes, self._set_status)

    def action_add_tag(self) -> None:
        self._ask_tag(add=True)

    def action_remove_tag(self) -> None:
        self._ask_tag(add=False)

    def _ask_tag(self, add: bool) -> None:
        from newsreader.screens.tag_input import ask_tag  # start-up need not load it

        story_id = self._story_in_front()
        if story_id is not None:
            ask_tag(self, self.library, story_id, add, self._tagged)

    def _tagged(self, change: undo.Change | None) -> None:
        self.record(change)
        shown = self.reader.story_id
        if change is not None and shown in change.stories:
            self._show(shown)  # its tags line, at the place it was read to

    def action_cycle_grouping(self) -> None:
        from newsreader.grouping import next_grouping

        self.grouping = next_grouping(self.grouping)
        current = self.story_list.current
        self._load_rows(keep=current.id if current else None)

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

    def _mark_first_screen(self, mark: str, story_id: str) -> None:
        """r or s before the library is open: the saved row's mark, shown and written now."""
        if self.opening is None:
            return
        marks = self.opening.marks
        if marks.read_only:
            self._set_status("library is read-only — mark not saved")
            return
        value = not marks.value(mark, story_id)
        title = short(marks.title_of(story_id))
        if mark == "read":
            label = f"marked {'read' if value else 'unread'} “{title}”"
        else:
            label = f"{'starred' if value else 'unstarred'} “{title}”"
        change = marks.set(mark, story_id, value, label)
        self.undo_stack.push(change)
        for sid in change.stories if change is not None else ():
            self.story_list.refresh_story(sid)
        self._set_status(marks.status)

    def _focus_pane(self, pane: StoryList | Reader) -> None:
        other = self.reader if pane is self.story_list else self.story_list
        pane.remove_class("away")
        other.add_class("away")
        pane.focus()
        self.refresh_bindings()  # the footer offers what the pane in front does

    def _layout_for(self, width: int) -> None:
        narrow = width < NARROW_BELOW
        self.screen.set_class(narrow, "narrow")
        if narrow and not self.reader.has_class("away") and not self.story_list.has_class("away"):
            self.reader.add_class("away")
        # One pane at a time, the list takes the whole width; side by side, its share.
        self.story_list.styles.width = "1fr" if narrow else f"{self.config.list_width}%"
        self._set_status(self._status_line)

    def action_widen_list(self) -> None:
        self._resize_list(5)

    def action_narrow_list(self) -> None:
        self._resize_list(-5)

    def _resize_list(self, step: int) -> None:
        if self.screen.has_class("narrow"):
            self.notify("The list and the reader take turns at this width: nothing to resize.")
            return
        low, high = LIST_WIDTHS
        self.config.list_width = max(low, min(high, self.config.list_width + step))
        self._layout_for(self.size.width)
        if self.config_path is not None:
            save_config(self.config, self.config_path)

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
