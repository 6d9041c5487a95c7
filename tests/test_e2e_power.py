"""End to end for power users: pipes, reading position and tags through the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_e2e_tmux import Terminal, pytestmark  # noqa: F401


def listed(library: Path, *flags: str) -> list[dict[str, object]]:
    out = subprocess.run(
        ["newsreader", "--db", str(library), "list", "--json", *flags],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = {
        "NEWSREADER_DB": str(tmp_path / "library"),
        "NEWSREADER_CONFIG_DIR": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "PATH": os.environ["PATH"],
    }
    term = Terminal(f"newsreader-power-{os.getpid()}-{time.monotonic_ns()}", env)
    yield term
    term.stop()


def write_config(tmp_path: Path, text: str) -> None:
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text(text, encoding="utf-8")


def test_bar_pipes_a_story_to_a_pager_and_back_then_to_a_command(
    terminal: Terminal, tmp_path: Path
) -> None:
    out = tmp_path / "piped.md"
    write_config(tmp_path, f'[pipes]\nview = "!less"\nsave = "tee {out} | head -1"\n')
    terminal.start("newsreader", width=120)
    terminal.wait_for("How Trump and Putin")
    terminal.keys("|")
    terminal.wait_for("Pipe “")
    terminal.keys("Enter")  # the first: the pager, with the app suspended
    screen = terminal.wait_for("## How Trump and Putin")
    assert "All stories" not in screen  # the pager has the whole terminal
    terminal.keys("q")
    screen = terminal.wait_for("view: done")
    assert "How Trump and Putin" in screen  # back where it was
    terminal.keys("|")
    terminal.wait_for("Pipe “")
    terminal.keys("j", "Enter")
    terminal.wait_for("save: ## How Trump and Putin")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("## How Trump and Putin") and "\x1b" not in text


def test_a_story_reopens_where_it_was_left_after_a_restart(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.start("newsreader")
    terminal.wait_for("How Trump and Putin")
    terminal.keys("Enter")
    top = terminal.wait_for("WASHINGTON").splitlines()[1:6]
    terminal.keys(*["j"] * 8)
    time.sleep(0.5)
    left_at = terminal.screen().splitlines()[1:-1]
    assert left_at[:5] != top  # scrolled
    terminal.keys("q")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "Quit" in terminal.screen():
        time.sleep(0.1)  # the app has ended: the place is on disk
    terminal.stop()
    terminal.start("newsreader")
    terminal.wait_for("How Trump and Putin")
    terminal.keys("Enter")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and terminal.screen().splitlines()[1:-1] != left_at:
        time.sleep(0.1)
    assert terminal.screen().splitlines()[1:-1] == left_at


def test_plus_tags_a_story_and_equals_groups_the_list_by_tag(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.start("newsreader", width=120)
    terminal.wait_for("How Trump and Putin")
    terminal.keys("+")
    terminal.wait_for("Tag “")
    terminal.keys("Money", "Enter")
    terminal.wait_for("Tags: money")
    terminal.keys("=")
    terminal.wait_for("by source")
    terminal.keys("=")
    screen = terminal.wait_for("money  ·  1 unread of 1")
    assert "untagged  ·  2 unread of 2" in screen
    terminal.keys("q")
    tagged = listed(tmp_path / "library", "--query", "tag:money")
    assert [s["tags"] for s in tagged] == [["money"]]
    assert str(tagged[0]["title"]).startswith("How Trump and Putin")
