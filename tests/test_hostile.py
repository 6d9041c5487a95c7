"""Hostile text in a dump — markup, escape codes, controls, bidi tricks — is never acted on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Footer

from newsreader.__main__ import main
from newsreader.config import Config
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.widgets.reader import BODY, TITLE, Reader
from newsreader.ui.widgets.story_list import StoryList

from .conftest import CAPTURED, ROOT

MARKUP = "[bold]loud[/bold] [@click=app.quit]click me[/]"
ESCAPES = "\x1b[2J\x1b[H\x1b]52;c;aGFja2Vk\x07\x1b]0;new title\x1b\\\x1bP1$r\x1b\\\x9b31m\x07"
BIDI = "\u202egnp.exe\u202c \u200bzero\u200dwidth\ufeff \u2066iso\u2069\u200f"
CONTROLS = "\x01\x08\x0b\x0c\x0e\x1f\x7f\x85\x9c"
LONG_WORD = "x" * 600
# What must never reach the screen: ESC and the other C0/C1 controls (tab and newline aside),
# bidi embeddings, overrides and isolates, zero-width characters and the BOM.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def hostile_text() -> str:
    """A dump in the aggregator's layout with hostile text in titles, sources and bodies."""
    title = f"Ministers {MARKUP} {ESCAPES} {BIDI} {CONTROLS} meet"
    related = f"Related {MARKUP} {ESCAPES} story"
    paragraphs = [
        f"First paragraph with {MARKUP} and {ESCAPES} and {BIDI}{CONTROLS} end.",
        f"A very long word {LONG_WORD} follows.",
        " ".join(["a long line"] * 300),
    ]
    return (
        f"logo\n{title}\n\n{title}\n\nWire {MARKUP}\x1b[31m{BIDI}3 hours ago\n"
        + "\n".join(paragraphs)
        + "\nWrite to Ann Smith at ann.smith@example.com\nOrange background\n\nComments\n\n"
        "No comments yet...\n\nRelated Articles\n\n"
        f"{related}\n{related}\n\nMint\n\ntime14 hours ago\n\n  • Mint\n\n{related}\n\n"
        f"The related story says {MARKUP} {ESCAPES} in a paragraph long enough to read.\n\n"
        "DOWNLOAD THE APP\n"
    )


def hostile_html() -> str:
    """An HTML dump whose character references spell escape codes and controls."""
    return (
        "<!doctype html><html><head><title>Page &#27;[2J [@click=app.quit]t[/]</title></head>"
        "<body><article><h1>Headline &#x1b;]52;c;aGk=&#7; &#x202e;evil&#x202c; "
        "[@click=app.quit]quit[/]</h1>"
        "<p>Body text &#27;[2J&#x9b;31m with [bold]markup[/bold] and &#8203;zero width, "
        "long enough to be kept as the article's paragraph of running text.</p>"
        "<p>Second paragraph &#x1b;[H of the article, with enough words to count as text.</p>"
        "</article></body></html>"
    )


@pytest.fixture
def hostile(tmp_path: Path) -> Library:
    """A library holding the hostile dumps."""
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "hostile.txt").write_text(hostile_text(), encoding="utf-8")
    if (ROOT / "newsreader" / "dumps" / "html.py").exists():
        (folder / "hostile.html").write_text(hostile_html(), encoding="utf-8")
    library = Library(tmp_path / "library")
    outcome = import_paths(library, [folder], CAPTURED)
    assert not outcome.rejected, outcome.rejected
    return library


def all_text(library: Library) -> list[str]:
    """Every string of every story as stored."""
    texts = []
    for meta in library.stories:
        story = library.story(meta.id)
        texts += [story.title, story.source, story.age, *story.authors, *story.paragraphs]
        texts += [*story.captions, *story.notes]
    return texts


def test_import_removes_escapes_and_invisibles_but_keeps_markup_as_text(
    hostile: Library,
) -> None:
    texts = all_text(hostile)
    assert not [t for t in texts if FORBIDDEN.search(t)]
    main = next(s for s in hostile.stories if s.title.startswith("Ministers"))
    assert main.title.startswith(f"Ministers {MARKUP}")
    assert "new title" not in main.title and "aGFja2Vk" not in main.title  # OSC params gone too
    assert main.source.startswith(f"Wire {MARKUP}")
    assert any(LONG_WORD in t for t in texts)


def test_html_character_references_do_not_smuggle_escapes(hostile: Library) -> None:
    if not (ROOT / "newsreader" / "dumps" / "html.py").exists():
        pytest.skip("no HTML dumps in this newsreader")
    html = [s for s in hostile.stories if s.dump == "hostile.html"]
    assert html
    texts = [t for s in html for t in (s.title, *hostile.story(s.id).paragraphs)]
    assert not [t for t in texts if FORBIDDEN.search(t)]
    assert any("[@click=app.quit]" in t for t in texts)


def test_show_and_list_print_no_escape_codes(
    hostile: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(hostile.folder)
    for meta in hostile.stories:
        assert main(["--db", db, "show", meta.id]) == 0
        out = capsys.readouterr().out
        assert not FORBIDDEN.search(out.replace("\n", ""))
        assert "[@click=app.quit]" in out
        assert LONG_WORD not in out  # cut to the reading width
    assert main(["--db", db, "list", "--all"]) == 0
    assert not FORBIDDEN.search(capsys.readouterr().out.replace("\n", ""))


@pytest.mark.parametrize("command", [["list", "--json", "--all"], ["show"]])
def test_the_real_command_writes_no_esc_byte(hostile: Library, command: list[str]) -> None:
    if command == ["show"]:
        command = ["show", hostile.stories[0].id]
    result = subprocess.run(
        [sys.executable, "-m", "newsreader", "--db", str(hostile.folder), *command],
        capture_output=True,
        cwd=ROOT,
        check=True,
    )
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    assert b"\xc2\x9b" not in result.stdout  # C1 CSI in UTF-8
    if command[0] == "list":
        stories = [json.loads(line) for line in result.stdout.splitlines()]
        assert any("[@click=app.quit]" in s["title"] for s in stories)


async def click_along(pilot: Pilot[None], widget: Widget, lines: list[str], y: int) -> None:
    """Click the markup's text on line `y` of `widget`: were it a link, one click would quit."""
    start = lines[y].index("[bold]")
    for x in range(start, min(start + len(MARKUP), widget.size.width), 3):
        await pilot.click(widget, offset=(x, y))
        assert pilot.app.is_running


async def test_app_shows_hostile_text_literally_and_keeps_its_layout(hostile: Library) -> None:
    app = NewsReader(hostile, Config())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        story_list = app.query_one(StoryList)
        rows = [story_list.render_line(y).text for y in range(story_list.size.height)]
        assert any("[@click=app.quit]" in row for row in rows)
        assert not [row for row in rows if FORBIDDEN.search(row)]
        hostile_row = next(y for y, row in enumerate(rows) if "Ministers" in row)
        await click_along(pilot, story_list, rows, hostile_row)  # no link to follow
        app.story_list.cursor = hostile_row
        await pilot.press("enter")
        await pilot.pause()
        reader = app.query_one(Reader)
        title = " ".join(text for kind, text in reader.lines if kind == TITLE)
        body = "".join(text for kind, text in reader.lines if kind == BODY)
        assert title.startswith(f"Ministers {MARKUP}")
        assert "[@click=app.quit]" in body
        assert not FORBIDDEN.search(title + body)
        drawn = [reader.render_line(y).text for y in range(reader.size.height)]
        line = next(y for y, text in enumerate(drawn) if "[@click" in text)
        await click_along(pilot, reader, drawn, line)  # nor in the reader
        # The 600-letter word and the long line wrap inside the reader: nothing is pushed
        # sideways or off screen, and the footer stays on the last line.
        assert reader.region.right <= 80
        assert reader.virtual_size.width <= reader.scrollable_content_region.width
        assert all(
            cell_len(text) <= reader.scrollable_content_region.width for _, text in reader.lines
        )
        assert sum(1 for kind, _ in reader.lines if kind == BODY) > 600 // 80
        assert app.query_one(Footer).region.y == 23
        reader.scroll_end(animate=False)
        await pilot.pause()
        assert app.is_running and app.screen.size == (80, 24)
