"""Make untrusted text safe to store and show: no escape sequences, no invisible tricks."""

from __future__ import annotations

import re
import unicodedata

# ANSI/VT escape sequences (CSI, OSC, DCS, …) are removed whole, so that their parameters do not
# linger as visible garbage once the ESC byte itself is gone.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI … final byte
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)? # OSC … BEL or ST
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?     # DCS, SOS, PM, APC … ST
    | \x1b[@-Z\\-_]                     # other two-byte escapes
    | \x9b[0-?]*[ -/]*[@-~]            # 8-bit CSI
    """,
    re.VERBOSE,
)
# C0 and C1 controls but tab and newline; DEL; bidi embeddings, overrides and isolates;
# zero-width characters and the BOM.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


def clean_text(text: str) -> str:
    """Remove escape sequences, control, bidi and zero-width characters from `text`."""
    # Every escape sequence starts with ESC or CSI, which _INVISIBLE matches: most lines have
    # neither, and one search is cheaper than two substitutions.
    if _INVISIBLE.search(text):
        text = _ESCAPE_SEQUENCE.sub("", text)
        text = _INVISIBLE.sub("", text)
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def is_clean(text: str) -> bool:
    """Whether `clean_text` would leave `text` as it is (then so would it every part of it)."""
    if _INVISIBLE.search(text):
        return False
    return text.isascii() or unicodedata.is_normalized("NFC", text)


def clean_line(text: str) -> str:
    """Clean `text` and fold all whitespace runs (newlines included) into single spaces."""
    return " ".join(clean_text(text).split())


def is_web_link(url: str | None) -> bool:
    """Whether `url` is an http(s) address: the only links kept, opened or followed."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))
