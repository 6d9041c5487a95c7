"""Names of the files in a library folder that code outside the library package writes.

A module of its own, outside `newsreader.library`, so that naming a file does not import the
library (the first screen is read before the library opens).
"""

from __future__ import annotations

FIRST_SCREEN_FILE = "first-screen.json"
