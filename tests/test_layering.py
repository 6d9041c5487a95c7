"""The core never imports Textual: it must run in scripts, the CLI and on boxes without a screen."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import newsreader

# The app side: everything here may import Textual; every other module is the core.
APP_SIDE = (
    "app", "triage", "themes", "workers", "feed_worker", "widgets", "screens", "bench", "__main__",
    "opening",
)  # fmt: skip


def core_modules() -> list[str]:
    """Every module of the package that is not on the app side, found by walking the package."""
    found = []
    for info in pkgutil.walk_packages(newsreader.__path__, prefix="newsreader."):
        first = info.name.split(".")[1]
        if first not in APP_SIDE:
            found.append(info.name)
    return sorted(found)


def test_the_core_is_found_by_walking_the_package() -> None:
    core = core_modules()
    assert {"newsreader.library", "newsreader.dumps.html", "newsreader.cli"} <= set(core)
    assert not any(name.startswith("newsreader.widgets") for name in core)


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
