"""End to end: the installed command subscribes, fetches on a terminal and R fetches in the app."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.feeds_helpers import FeedServer, items, rss, server
from tests.test_e2e_tmux import Terminal, listed, pytestmark, terminal

__all__ = ["pytestmark", "server", "terminal"]


def test_add_fetch_on_a_terminal_then_R_in_the_app(
    terminal: Terminal, server: FeedServer, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    url = server.put("/e2e.xml", rss("Terminal Times", items("tty", 3)))
    added = subprocess.run(
        ["newsreader", "--db", str(library), "add", url], capture_output=True, text=True
    )
    assert added.returncode == 0, added.stderr
    terminal.start("newsreader fetch")
    screen = terminal.wait_for("stories added")
    assert "1 feeds fetched, 0 unchanged, 0 failed" in screen and "3 stories added" in screen
    assert {story["source"] for story in listed(library)} == {"Terminal Times"}
    terminal.stop()
    server.put("/e2e.xml", rss("Terminal Times", items("tty", 5)))  # two more entries
    terminal.name += "-app"
    terminal.start("newsreader", width=100, height=30)
    terminal.wait_for("tty story number 0")
    terminal.keys("R")
    terminal.wait_for("tty story number 4")
    assert len(listed(library)) == 5


def test_remove_purge_with_the_installed_command_leaves_a_sound_library(
    server: FeedServer, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    one = server.put("/one.xml", rss("One", items("one", 3)))
    two = server.put("/two.xml", rss("Two", items("two", 2)))

    def newsreader(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["newsreader", "--db", str(library), *args], capture_output=True, text=True
        )

    assert newsreader("add", one, two).returncode == 0
    assert newsreader("fetch").returncode == 0
    purged = newsreader("remove", "One", "--purge")
    assert purged.returncode == 0 and "3 stories deleted" in purged.stdout
    assert {story["source"] for story in listed(library)} == {"Two"}
    doctor = newsreader("doctor")
    assert doctor.returncode == 0 and doctor.stdout.rstrip().endswith("healthy")
