"""End to end: the installed command on a disk that fills up while the app runs (tmux)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import SEED
from tests.faults import fill, small_disk
from tests.test_e2e_tmux import Terminal, listed, pytestmark, terminal

__all__ = ["pytestmark", "terminal"]


def test_disk_full_in_the_running_app_says_so_and_the_app_goes_on(
    terminal: Terminal, tmp_path: Path
) -> None:
    with small_disk(tmp_path / "disk", "700k") as disk:
        library = disk / "library"
        subprocess.run(
            ["newsreader", "--db", str(library), "import", str(SEED)],
            check=True, capture_output=True,
        )  # fmt: skip
        terminal.start(f"newsreader --db {library}", width=110, height=24)
        terminal.wait_for("3 unread")
        filler = fill(disk)
        terminal.keys("s")
        screen = terminal.wait_for("disk full — mark not saved")
        assert "Traceback" not in screen
        terminal.keys("j", "k")  # still running: keys go on working (below)
        filler.unlink()
        terminal.keys("s")
        terminal.wait_for("1 starred")
        terminal.keys("q")
        stories = listed(library)
        assert [s["starred"] for s in stories].count(True) == 1
