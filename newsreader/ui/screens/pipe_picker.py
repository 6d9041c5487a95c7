"""Pipe a story to a command: the picker of configured pipes, and running the one picked."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.models import Story
from newsreader.pipes import HOW_TO_ADD, Pipe, run_in_background, run_in_terminal, story_markdown

Say = Callable[[str], None]  # shows a line in the app's status line


class PipePicker(ModalScreen[Pipe | None]):
    """Choose one of several pipes: j/k or arrows, Enter runs it, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def __init__(self, pipes: Sequence[Pipe], title: str) -> None:
        super().__init__()
        self.pipes = list(pipes)
        self.story_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="pipe-picker"):
            yield Static(Text(f"Pipe “{self.story_title}” to:"), id="pipe-picker-title")
            yield OptionList(
                *(
                    Option(Text(f"{p.name}  ·  {'!' if p.interactive else ''}{p.command}"))
                    for p in self.pipes
                ),
                id="pipe-picker-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.pipes[event.option_index])

    def action_move(self, step: int) -> None:
        """Move the highlight by `step` options."""
        options = self.query_one(OptionList)
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.pipes) - 1, current + step))

    def action_cancel(self) -> None:
        """Close the picker, piping nothing."""
        self.dismiss(None)


def pipe_story(app: App[Any], story: Story, pipes: Sequence[Pipe], say: Say) -> None:
    """Pipe `story` to the one pipe configured, or to the one picked from several."""
    if not pipes:
        say(HOW_TO_ADD)
        return
    if len(pipes) == 1:
        run_pipe(app, story, pipes[0], say)
        return

    def picked(pipe: Pipe | None) -> None:
        if pipe is not None:
            run_pipe(app, story, pipe, say)

    app.push_screen(PipePicker(pipes, _short(story.title)), picked)


def run_pipe(app: App[Any], story: Story, pipe: Pipe, say: Say) -> None:
    """Run `pipe` on the story: on the terminal with the app suspended, or in the background."""
    text = story_markdown(story)
    if pipe.interactive:
        try:
            with app.suspend():
                outcome = run_in_terminal(pipe, text)
        except SuspendNotSupported:
            say(f"{pipe.name}: this terminal cannot be handed over to a command")
            return
        app.refresh(repaint=True)
        say(outcome.line)
        return
    say(f"{pipe.name}: running…")

    def work() -> None:
        outcome = run_in_background(pipe, text)
        with contextlib.suppress(RuntimeError):  # the app closed while the command ran
            app.call_from_thread(say, outcome.line)

    app.run_worker(work, name=f"pipe {pipe.name}", group="pipes", thread=True)


def _short(title: str, width: int = 40) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"
