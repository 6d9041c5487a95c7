"""Opening a story's page: in a local browser when there is one, never a text browser in the
terminal the app is drawing on. No Textual here."""

from __future__ import annotations

import os
import sys
import threading
import webbrowser
from collections.abc import Mapping


def has_local_browser(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """Whether a graphical browser can open on the user's own screen (not over SSH)."""
    env = os.environ if env is None else env
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return False  # a browser would open on the remote machine, or in this terminal
    if platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def open_in_browser(url: str) -> None:
    """Hand `url` to the local browser, in the background: a browser may take seconds."""
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
