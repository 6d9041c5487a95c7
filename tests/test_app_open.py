"""`o` opens the story's page: a local browser when there is one, else its link copied."""

from __future__ import annotations

import stat
import time
import webbrowser
from pathlib import Path

import pytest

from newsreader.browser import has_local_browser
from newsreader.library import Library
from tests.app_library import build_library, make_app

WIDE = (120, 34)
URL = "https://news.example/story-00?a=1&b=2"


@pytest.fixture
def linked(library_path: Path) -> Library:
    """Stories with the addresses of their pages."""
    return build_library(library_path, stories=3, urls=True)


def test_a_browser_is_local_only_with_a_display_and_no_ssh() -> None:
    assert has_local_browser({"DISPLAY": ":0"}, "linux")
    assert has_local_browser({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not has_local_browser({}, "linux")
    assert not has_local_browser({"DISPLAY": "localhost:10.0", "SSH_CONNECTION": "x"}, "linux")
    assert has_local_browser({}, "darwin")
    assert not has_local_browser({"SSH_TTY": "/dev/pts/1"}, "darwin")


async def test_o_without_a_browser_copies_the_link_and_says_so(
    linked: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    app = make_app(linked)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")
        assert app.clipboard == URL
        assert any("copied the link" in str(n.message) for n in app._notifications)


async def test_o_with_a_display_opens_the_page_in_the_browser(
    linked: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opened = tmp_path / "opened.txt"
    fake = tmp_path / "browser"
    fake.write_text(f'#!/bin/sh\nprintf %s "$1" > {opened}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    for name in ("SSH_CONNECTION", "SSH_TTY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("BROWSER", str(fake))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # read $BROWSER afresh
    monkeypatch.setattr(webbrowser, "_browsers", {})
    app = make_app(linked)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")
        deadline = time.monotonic() + 5
        while not opened.exists() and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert opened.read_text() == URL
        assert app.clipboard != URL


async def test_the_reader_shows_the_link_as_a_hyperlink(linked: Library) -> None:
    app = make_app(linked)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        drawn = [app.reader.render_line(y) for y in range(app.reader.size.height)]
        linked_segments = [s for strip in drawn for s in strip if s.style and s.style.link]
        assert linked_segments
        assert {s.style.link for s in linked_segments if s.style} == {URL}
        assert URL in "".join(s.text for s in linked_segments)
        assert "\x1b]8;" in drawn[3].render(app.console)  # OSC 8 in what the terminal gets


async def test_o_on_a_story_without_a_link_says_so(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("o")
        assert any("no link" in str(n.message) for n in app._notifications)
