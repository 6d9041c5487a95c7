"""What the keys do to the story in front beyond marking it: split it from its group, tag it,
pipe it, copy it, open its page, read its full text; and the export of the stories listed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

from newsreader import undo
from newsreader.config import Config
from newsreader.counting import short, stories
from newsreader.errors import NewsreaderError
from newsreader.sanitize import is_web_link
from newsreader.ui.feed_worker import start_full_text
from newsreader.ui.listing import Listing
from newsreader.ui.marking import Marking
from newsreader.ui.panes import Panes

if TYPE_CHECKING:  # the library (and numpy) is imported once the first screen is painted
    from newsreader.library import Library


class StoryActions:
    """The story in front — the reader's when it has the keys, else the cursor's — and what
    the user does with it."""

    library: Library  # set by the app once the library is open

    def __init__(
        self, app: App[Any], config: Config, panes: Panes, listing: Listing, marking: Marking
    ) -> None:
        self.app = app
        self.config = config
        self.panes = panes
        self.listing = listing
        self.marking = marking

    def split_version(self) -> None:
        """Show the story under the cursor on its own, out of its group of versions."""
        row = self.panes.story_list.current_row
        if row is None:
            return
        if row.version_of is None and not row.hidden_versions:
            self.app.notify("This story is not grouped with any other.")
            return
        if self.library.read_only:
            self.panes.set_status("library is read-only — split not saved")
            return
        title = short(row.story.title)
        self.marking.undo_stack.push(undo.ungroup(self.library, row.story.id, f"split “{title}”"))
        self.app.notify(f"“{title}” is now shown on its own. u undoes it.", title="Split")
        self.listing.load(keep=row.story.id)

    def pipe(self) -> None:
        """Ask which of the configured commands to pipe the story to, and run it."""
        from newsreader.ui.screens.pipe_picker import pipe_story  # start-up need not load it

        story_id = self.panes.story_in_front()
        if story_id is not None:
            pipe_story(
                self.app, self.library.story(story_id), self.config.pipes, self.panes.set_status
            )

    def ask_tag(self, add: bool) -> None:
        """Ask for a tag to add to the story (or, not `add`, to remove from it)."""
        from newsreader.ui.screens.tag_input import ask_tag  # start-up need not load it

        story_id = self.panes.story_in_front()
        if story_id is not None:
            ask_tag(self.app, self.library, story_id, add, self._tagged)

    def _tagged(self, change: undo.Change | None) -> None:
        self.marking.record(change)
        shown = self.panes.reader.story_id
        if change is not None and shown in change.stories:
            self.panes.show(shown)  # its tags line, at the place it was read to

    def open_original(self) -> None:
        """Open the story's page in the browser, or copy its link where there is none."""
        from newsreader import browser

        story_id = self.panes.story_in_front()
        if story_id is None:
            return
        url = self.library.meta(story_id).url
        if url is None or not is_web_link(url):
            self.app.notify("This story has no link to its page.")
        elif browser.has_local_browser():
            browser.open_in_browser(url)
            self.app.notify(f"Opening {url}", markup=False)
        else:
            # Over SSH or with no display: the link goes to the user's own clipboard (OSC 52).
            self.app.copy_to_clipboard(url)
            self.app.notify(
                f"No browser here: copied the link to the clipboard. {url}", markup=False
            )

    def copy(self) -> None:
        """Copy the story's title, byline and text to the clipboard."""
        story_id = self.panes.story_in_front()
        if story_id is None:
            return
        story = self.library.story(story_id)
        byline = " · ".join(p for p in (story.source, story.age, ", ".join(story.authors)) if p)
        self.app.copy_to_clipboard("\n\n".join((story.title, byline, *story.paragraphs)) + "\n")
        self.app.notify(f"Copied “{short(story.title)}” to the clipboard.")

    def export_listed(self) -> None:
        """Write the stories listed now to a Markdown file in the current folder."""
        from newsreader import export

        rows = self.panes.story_list.rows
        ids = [row.story.id for row in rows if row.version_of is None and row.header is None]
        if not ids:
            self.app.notify("Nothing is listed to export.")
            return
        path = Path.cwd() / f"newsreader-export-{datetime.now():%Y%m%d-%H%M%S}.md"
        try:
            text = export.markdown(self.library.story(story_id) for story_id in ids)
            export.write(text.encode("utf-8"), path)
        except NewsreaderError as error:
            self.app.notify(str(error), title="Export failed", severity="error")
            return
        self.app.notify(f"Exported {stories(len(ids))} to {path}", title="Export")

    def read_full_text(self) -> None:
        """Read the page of the story under the cursor in the background and show its text."""
        current = self.panes.story_list.current
        if current is None:
            return
        if not self.library.meta(current.id).url:
            self.panes.set_status("this story has no link to read the full text from")
            return
        self.panes.set_status(f"Reading the full text of “{short(current.title)}”…")
        start_full_text(self.app, self.library.folder, current.id)

    def full_text_read(self, story_id: str, new_id: str | None, message: str) -> None:
        """The page of `story_id` was read: its text is now story `new_id` (None: not kept)."""
        if new_id is not None:
            if self.library.refresh():
                current = self.panes.story_list.current
                keep = current.id if current else None
                self.listing.load(keep=new_id if keep == story_id else keep)
            # Also when the look for other processes' changes read the new text in first.
            if self.panes.reader.story_id == story_id:
                self.panes.show(new_id)
        self.panes.set_status(message)
