"""Piping a story to a command: the [pipes] settings, the Markdown handed over, the app's `|`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsreader.config import Config, load_config, save_config
from newsreader.errors import NewsreaderError
from newsreader.library import Library
from newsreader.models import ParsedDump, ParsedStory
from newsreader.pipes import HOW_TO_ADD, Pipe, read_pipes, run_in_background, story_markdown
from newsreader.ui.app import NewsReader
from newsreader.ui.screens.pipe_picker import PipePicker
from newsreader.ui.widgets.status import StatusLine
from tests.app_library import build_library

SIZE = (120, 30)


def write_config(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_pipes_are_read_in_each_form(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[pipes]\nsave = "cat > out.md"\nless = "!less -R"\n'
        'edit = { command = "vim -", interactive = true }\n',
    )
    assert load_config(path).pipes == [
        Pipe("save", "cat > out.md"),
        Pipe("less", "less -R", interactive=True),
        Pipe("edit", "vim -", interactive=True),
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('pipes = "less"', "must be a [pipes] table"),
        ('[pipes]\nless = ""', "pipe 'less' needs a command"),
        ('[pipes]\nless = "!"', "needs a command after the !"),
        ("[pipes]\nless = 3", "pipe 'less' needs a command"),
        ('[pipes]\nless = { command = "less", interactive = "yes" }', "true or false"),
    ],
)
def test_a_bad_pipe_is_named_with_its_file(tmp_path: Path, text: str, words: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(NewsreaderError) as raised:
        load_config(path)
    assert str(path) in str(raised.value) and words in str(raised.value)


def test_pipes_survive_the_settings_being_saved_again(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    pipes = [Pipe("save", 'cat > "out.md"'), Pipe("less", "less -R", interactive=True)]
    save_config(Config(pipes=pipes, theme="newsreader-light"), path)
    assert load_config(path).pipes == pipes


def test_no_pipes_table_means_none() -> None:
    assert read_pipes(None, Path("config.toml")) == []


def hostile_library(folder: Path) -> Library:
    library = Library(folder)
    story = ParsedStory(
        title="Hostile \x1b]0;owned\x07title",
        source="Mint",
        age="1 hour ago",
        paragraphs=("Clear the screen \x1b[2J now.", "Second paragraph."),
        url="https://news.example/a",
    )
    library.import_dumps([ParsedDump("h.txt", (story,), "2026-11-21T00:00:00Z", "h" * 16)])
    return library


def test_the_markdown_piped_is_the_show_command_s_and_holds_no_escape_codes(
    tmp_path: Path,
) -> None:
    library = hostile_library(tmp_path / "library")
    story = library.story(library.stories[0].id)
    text = story_markdown(story)
    assert "\x1b" not in text and "\x07" not in text
    assert text.startswith("## Hostile title")
    assert "<https://news.example/a>" in text and "Second paragraph." in text
    shown = subprocess.run(
        [sys.executable, "-m", "newsreader", "--db", str(tmp_path / "library"), "show",
         story.id[:8], "--format", "markdown"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert shown == text


def test_a_command_s_first_line_or_its_error_is_what_it_said() -> None:
    assert run_in_background(Pipe("up", "tr a-z A-Z"), "\n\nhello\nthere").line == "up: HELLO"
    assert run_in_background(Pipe("quiet", "cat > /dev/null"), "x").line == "quiet: done"
    failed = run_in_background(Pipe("bad", "echo nope >&2; exit 3"), "x")
    assert not failed.ok and failed.line == "bad failed: nope"
    silent = run_in_background(Pipe("bad", "exit 4"), "x")
    assert silent.line == "bad failed: exit status 4"
    escapes = run_in_background(Pipe("esc", "printf '\\033[2Jhi'"), "x")
    assert escapes.line == "esc: hi"


def status(app: NewsReader) -> str:
    return app.query_one(StatusLine).line


async def wait_for_pipes(app: NewsReader) -> None:
    await app.workers.wait_for_complete()


async def test_bar_pipes_the_story_under_the_cursor_and_shows_its_first_line(
    tmp_path: Path,
) -> None:
    library = build_library(tmp_path / "library", stories=5)
    out = tmp_path / "piped.md"
    pipes = [Pipe("save", f"tee {out} | head -1")]
    app = NewsReader(library=library, config=Config(pipes=pipes))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "vertical_line")
        await wait_for_pipes(app)
        await pilot.pause()
        assert status(app) == "save: ## Story 01 about rain"
        assert app.story_list.cursor == 1  # the list stays where it was
    current = library.story(library.stories[1].id)
    assert out.read_text(encoding="utf-8") == story_markdown(current)


async def test_a_failing_pipe_says_why_in_the_status_line(tmp_path: Path) -> None:
    library = build_library(tmp_path / "library", stories=3)
    app = NewsReader(library=library, config=Config(pipes=[Pipe("bad", "false")]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("vertical_line")
        await wait_for_pipes(app)
        await pilot.pause()
        assert status(app) == "bad failed: exit status 1"


async def test_with_no_pipes_bar_says_how_to_add_one(tmp_path: Path) -> None:
    library = build_library(tmp_path / "library", stories=3)
    app = NewsReader(library=library, config=Config())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("vertical_line")
        await pilot.pause()
        assert status(app) == HOW_TO_ADD
        assert "[pipes]" in HOW_TO_ADD


async def test_several_pipes_are_picked_from_and_esc_pipes_nothing(tmp_path: Path) -> None:
    library = build_library(tmp_path / "library", stories=3)
    first, second = tmp_path / "first.md", tmp_path / "second.md"
    pipes = [Pipe("first", f"cat > {first}"), Pipe("second", f"cat > {second}")]
    app = NewsReader(library=library, config=Config(pipes=pipes))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("vertical_line")
        await pilot.pause()
        assert isinstance(app.screen, PipePicker)
        await pilot.press("plus", "vertical_line", "equals_sign")  # no dialog over the picker
        await pilot.pause()
        assert isinstance(app.screen, PipePicker) and len(app.screen_stack) == 2
        assert app.listing.grouping is None
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PipePicker)
        await pilot.press("vertical_line")
        await pilot.pause()
        await pilot.press("j", "enter")
        await wait_for_pipes(app)
        await pilot.pause()
        assert not isinstance(app.screen, PipePicker)
        assert status(app) == "second: done"
    assert second.is_file() and not first.exists()
    assert second.read_text(encoding="utf-8").startswith("## Story 00 about sun")


async def test_the_reader_s_story_is_piped_when_the_reader_has_the_keys(tmp_path: Path) -> None:
    library = build_library(tmp_path / "library", stories=3)
    out = tmp_path / "piped.md"
    app = NewsReader(library=library, config=Config(pipes=[Pipe("save", f"cat > {out}")]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        assert app.focused is app.reader
        await pilot.press("vertical_line")
        await wait_for_pipes(app)
        await pilot.pause()
    assert out.read_text(encoding="utf-8").startswith("## Story 01")


async def test_an_interactive_pipe_where_the_terminal_cannot_be_handed_over_says_so(
    tmp_path: Path,
) -> None:
    library = build_library(tmp_path / "library", stories=3)
    out = tmp_path / "never.md"
    pipes = [Pipe("less", f"cat > {out}", interactive=True)]
    app = NewsReader(library=library, config=Config(pipes=pipes))
    async with app.run_test(size=SIZE) as pilot:  # headless: no terminal to hand over
        await pilot.press("vertical_line")
        await pilot.pause()
        assert status(app) == "less: this terminal cannot be handed over to a command"
    assert not out.exists()
