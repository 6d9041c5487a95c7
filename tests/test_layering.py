"""The core never imports Textual: it must run in scripts, the CLI and on boxes without a screen."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "newsreader.models",
    "newsreader.sanitize",
    "newsreader.storage",
    "newsreader.dumps",
    "newsreader.dumps.text",
    "newsreader.dumps.html",
    "newsreader.library",
    "newsreader.dedup",
    "newsreader.importer",
    "newsreader.config",
    "newsreader.cli",
    "newsreader.actions",
    "newsreader.stats",
    "newsreader.watch",
    "newsreader.undo",
    "newsreader.filters",
    "newsreader.query",
    "newsreader.search",
    "newsreader.search.index",
    "newsreader.difference",
    "newsreader.export",
    "newsreader.doctor",
    "newsreader.first_screen",
    "newsreader.rows",
    "newsreader.startup",
    "newsreader.collector",
    "newsreader.bands",
    "newsreader.library.batch",
    "newsreader.feeds.parse",
    "newsreader.feeds.subscriptions",
    "newsreader.feeds.opml",
    "newsreader.feeds.http_get",
    "newsreader.feeds.fetch",
    "newsreader.feeds.commands",
    "newsreader.feeds.arguments",
]


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
