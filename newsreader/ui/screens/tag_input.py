"""Ask for a tag to add to a story or remove from it, completing the tags in use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from newsreader import undo
from newsreader.counting import short
from newsreader.errors import NewsreaderError

if TYPE_CHECKING:
    from newsreader.library import Library
    from newsreader.undo import Change


class TagInput(ModalScreen[str | None]):
    """One line for a tag name: → takes the completion, Enter answers, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, choices: Sequence[str], initial: str = "") -> None:
        super().__init__()
        self.question = question
        self.choices = list(choices)
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-input"):
            yield Static(Text(self.question), id="tag-input-question")
            yield Input(
                self.initial,
                placeholder=", ".join(self.choices[:6]) or "a tag, e.g. money",
                suggester=SuggestFromList(self.choices, case_sensitive=False),
                id="tag-input-name",
            )
            yield Static("", id="tag-input-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from newsreader.tag_values import tag_name

        if not event.value.strip():
            self.dismiss(None)
            return
        try:
            name = tag_name(event.value)
        except NewsreaderError as error:
            self.query_one("#tag-input-error", Static).update(Text(str(error)))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        """Close, changing nothing."""
        self.dismiss(None)


def ask_tag(
    app: App[Any], library: Library, story_id: str, add: bool, done: Callable[[Change | None], None]
) -> None:
    """Ask for a tag to add to the story (or remove from it), then hand `done` the change."""
    from newsreader.library.tags import Tags, own_tags, tags_of

    title = short(library.meta(story_id).title)
    if library.read_only:
        app.notify("The library is read-only: tags cannot be saved.", severity="warning")
        return
    if add:
        choices = Tags(library).names()
        question = f"Tag “{title}” with (→ completes):"
    else:
        choices = list(own_tags(library, story_id))
        if not choices:
            inherited = tags_of(library, story_id)
            note = f" ({', '.join(inherited)} come from its feed or source)" if inherited else ""
            app.notify(f"“{title}” has no tags of its own{note}.")
            return
        question = f"Remove from “{title}” the tag (→ completes):"
    initial = choices[0] if not add and len(choices) == 1 else ""

    def answered(name: str | None) -> None:
        if name is None:
            return
        if not add and name not in choices:
            app.notify(f"“{title}” has no tag {name}.")
            return
        verb = "tagged" if add else "untagged"
        done(undo.tag(library, [story_id], name, add, f"{verb} “{title}” {name}"))

    app.push_screen(TagInput(question, choices, initial), answered)
