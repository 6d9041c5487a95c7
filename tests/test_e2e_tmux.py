"""End to end: the installed `newsreader` command in a real terminal, driven through tmux."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(shutil.which("newsreader") is None, reason="newsreader is not installed"),
]


class Terminal:
    """A tmux session running one command; read the screen, type keys."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env

    def start(self, command: str, width: int = 80, height: int = 24) -> None:
        # COLUMNS and LINES as the session's: inherited from the test's own process, they
        # would give the app another size than its terminal's.
        sized = {**self.env, "COLUMNS": str(width), "LINES": str(height)}
        exports = " ".join(f"{k}={v}" for k, v in sized.items())
        argv = ["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
                f"env {exports} {command}; sleep 30"]  # fmt: skip
        # Right after `stop` ended the last session, the tmux server may still be exiting:
        # a new session then fails ("server exited unexpectedly") and is simply asked again.
        for _ in range(20):
            if subprocess.run(argv, capture_output=True).returncode == 0:
                return
            time.sleep(0.1)
        subprocess.run(argv, check=True)

    def screen(self, escapes: bool = False) -> str:
        flags = ["-p", "-e"] if escapes else ["-p"]
        result = subprocess.run(
            ["tmux", "capture-pane", *flags, "-t", self.name], capture_output=True, text=True
        )
        return result.stdout

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def burst(self, *keys: str) -> None:
        """Send `keys` in one go, as a paste or a laggy SSH link delivers them."""
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def stop(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = {
        "NEWSREADER_DB": str(tmp_path / "library"),
        "NEWSREADER_CONFIG_DIR": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "PATH": os.environ["PATH"],
    }
    term = Terminal(f"newsreader-test-{os.getpid()}-{time.monotonic_ns()}", env)
    yield term
    term.stop()


def listed(library: Path) -> list[dict[str, object]]:
    out = subprocess.run(
        ["newsreader", "--db", str(library), "list", "--json"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [json.loads(line) for line in out.splitlines()]


def test_first_run_opens_on_the_seeds_and_marks_reach_disk(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.start("newsreader")
    screen = terminal.wait_for("How Trump and Putin")
    assert "3 unread" in screen
    terminal.keys("Enter")
    screen = terminal.wait_for("WASHINGTON")
    assert "2 unread" in screen
    terminal.keys("Escape", "j", "s")
    terminal.wait_for("1 starred")
    terminal.keys("q")
    stories = listed(tmp_path / "library")
    main = next(s for s in stories if s["role"] == "main")
    assert main["read"] is True
    assert [s["starred"] for s in stories].count(True) == 1


def test_markup_in_a_dump_stays_text(terminal: Terminal, tmp_path: Path) -> None:
    seed = next((Path(__file__).parent.parent / "seeds").glob("*.txt"))
    hostile = seed.read_text(encoding="utf-8").replace(
        "It remains a long shot.", "It remains [bold]a long[/bold] shot [@click=app.quit]x[/]."
    )
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hostile.txt").write_text(hostile, encoding="utf-8")
    subprocess.run(
        ["newsreader", "--db", str(tmp_path / "library"), "import", str(tmp_path / "in")],
        check=True, capture_output=True,
    )  # fmt: skip
    terminal.start("newsreader", width=120, height=40)
    terminal.wait_for("How Trump and Putin")
    terminal.keys("Enter")
    screen = terminal.wait_for("[@click=app.quit]")
    assert "[bold]a long[/bold]" in screen


def test_slash_searches_as_you_type_and_m_marks_the_matches_read(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.start("newsreader")
    terminal.wait_for("How Trump and Putin")
    terminal.keys("/", "latin")
    screen = terminal.wait_for("matching “latin” (1 of 3)")
    assert "How Trump and Putin" not in screen
    terminal.keys("Enter", "M")
    terminal.wait_for("Mark 1 unread story matching “latin” read?")
    terminal.keys("y")
    terminal.wait_for("2 unread")
    terminal.keys("Escape")
    terminal.wait_for("All stories (3)")
    terminal.keys("q")
    read = {s["title"]: s["read"] for s in listed(tmp_path / "library") if s["role"] == "related"}
    assert [title for title, is_read in read.items() if is_read] == [
        next(title for title in read if "Latin" in str(title))
    ]


def test_u_undoes_marks_in_the_real_command(terminal: Terminal, tmp_path: Path) -> None:
    terminal.start("newsreader")
    terminal.wait_for("How Trump and Putin")
    terminal.keys("Enter")
    terminal.wait_for("2 unread")
    terminal.keys("Escape", "j", "s")
    terminal.wait_for("1 starred")
    terminal.keys("u")
    terminal.wait_for("0 starred")
    terminal.keys("u")
    terminal.wait_for("3 unread")
    terminal.keys("q")
    stories = listed(tmp_path / "library")
    assert not any(s["read"] or s["starred"] for s in stories)


def test_a_second_start_paints_the_saved_first_screen_and_keys_act_on_it(
    terminal: Terminal, tmp_path: Path
) -> None:
    from newsreader import first_screen

    library, settings = tmp_path / "library", tmp_path / "config" / "config.toml"
    terminal.start("newsreader")
    terminal.wait_for("How Trump and Putin")
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while first_screen.read(library, settings) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    saved = first_screen.read(library, settings)
    assert saved is not None and saved.rows[0].title.startswith("How Trump and Putin")
    terminal.stop()
    terminal.start("newsreader")
    terminal.wait_for("How Trump and Putin")
    terminal.keys("j", "s")
    terminal.wait_for("1 starred")
    terminal.keys("q")
    assert [s["id"] for s in listed(library) if s["starred"]] == [saved.rows[1].id]
    terminal.stop()
    terminal.start("newsreader")  # saved on exit: the star is in the first screen
    assert "1 starred" in terminal.wait_for("How Trump and Putin")


def test_a_start_after_a_mark_made_elsewhere_paints_it_and_keys_act_on_it(
    terminal: Terminal, tmp_path: Path
) -> None:
    from newsreader import first_screen

    library, settings = tmp_path / "library", tmp_path / "config" / "config.toml"
    terminal.start("newsreader")
    terminal.wait_for("How Trump and Putin")
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while first_screen.read(library, settings, exact=True) is None:
        assert time.monotonic() < deadline, "no first screen saved"
        time.sleep(0.05)
    saved = first_screen.read(library, settings, exact=True)
    assert saved is not None and saved.unread == 3
    terminal.stop()
    first = saved.rows[0].id
    subprocess.run(["newsreader", "--db", str(library), "mark", first, "--read"], check=True)
    corrected = first_screen.read(library, settings)  # what the next start paints at once
    assert corrected is not None and corrected.rows[0].read and corrected.unread == 2
    terminal.start("newsreader")
    terminal.wait_for("2 unread")
    terminal.keys("s")
    terminal.wait_for("1 starred")
    terminal.keys("q")
    stories = {s["id"]: s for s in listed(library)}
    assert stories[first]["read"] is True and stories[first]["starred"] is True


def test_a_burst_of_space_never_marks_a_story_whose_end_was_not_drawn(
    terminal: Terminal, tmp_path: Path
) -> None:
    from tests.app_library import build_library

    build_library(tmp_path / "library", stories=12, paragraphs=30).close()
    terminal.start("newsreader")
    terminal.wait_for("Story 00")
    terminal.burst(*["Space"] * 14)
    time.sleep(2)
    screen = terminal.wait_for("12 unread")
    assert "Story 00" in screen  # still on the first story: the burst stopped there
    terminal.keys("q")
    assert not any(s["read"] for s in listed(tmp_path / "library"))


def test_enter_goes_into_the_story_side_by_side_and_the_focus_shows(
    terminal: Terminal, tmp_path: Path
) -> None:
    from tests.app_library import build_library

    build_library(tmp_path / "library", stories=12, paragraphs=30).close()
    terminal.start("newsreader", width=120, height=34)
    list_focused = terminal.wait_for("w0x0")  # the first story previewed
    assert "┃" not in list_focused  # the reader's edge is light while the list has the keys
    terminal.keys("Enter")
    reader_focused = terminal.wait_for("┃")
    assert "w0x0 " in reader_focused
    terminal.keys(*["j"] * 8)
    time.sleep(0.5)
    scrolled = terminal.screen()
    assert "w0x0 " not in scrolled  # j scrolled the story, not the list
    terminal.keys("Escape")
    deadline = time.monotonic() + 10
    while "┃" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "┃" not in terminal.screen()
    terminal.keys("j")
    terminal.wait_for("w1x0")  # back in the list: j moves to the next story


def test_a_mark_made_from_the_command_line_shows_in_the_running_app(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.start("newsreader")
    terminal.wait_for("3 unread")
    first = listed(tmp_path / "library")[0]["id"]
    subprocess.run(
        ["newsreader", "--db", str(tmp_path / "library"), "mark", str(first), "--read"],
        check=True, capture_output=True,
    )  # fmt: skip
    terminal.wait_for("2 unread", timeout=5)  # no key pressed: the app noticed by itself


def test_no_color_sends_no_colour_codes(terminal: Terminal) -> None:
    import re

    terminal.env["NO_COLOR"] = "1"
    terminal.start("newsreader")
    terminal.wait_for("How Trump and Putin")
    terminal.keys("Enter")
    terminal.wait_for("WASHINGTON")
    screen = terminal.screen(escapes=True)
    parameters = [p for sgr in re.findall(r"\x1b\[([0-9;]*)m", screen) for p in sgr.split(";")]
    assert "7" in parameters  # the cursor row, reversed
    # 39 and 49 say "the terminal's own colours": no colour of ours.
    colours = [p for p in parameters if p and (30 <= int(p) <= 48 or 90 <= int(p) <= 107)]
    assert [p for p in colours if p != "39"] == []
