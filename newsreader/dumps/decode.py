"""Turn a dump's bytes into text: byte-order marks, UTF-8, other encodings, line endings."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import CharsetMatch, from_bytes

from newsreader.errors import DumpError

BINARY_REASON = "binary data, not a text or HTML dump"

# UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Controls that no text file holds in bulk; a stray escape sequence in a story is still text
# (it is cleaned later), so only a high share of them marks the data as binary.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffd]")
_MAX_CONTROL_SHARE = 0.05
# charset-normalizer scores Western European text the same in cp1252 and in cp1250, cp1257, …
# (which then turn "è" into "č"). Among encodings it cannot tell apart, take the one most used.
_PREFERRED = ("cp1252", "cp1251", "shift_jis", "cp932", "euc_jp", "gb18030", "euc_kr", "big5")
_TIE = 0.01


def decode_bytes(data: bytes, name: str) -> str:
    """Decode a dump's bytes to text with LF line endings and no byte-order mark."""
    if not data:
        raise DumpError(name, "empty file")
    text = _decode(data, name)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise DumpError(name, BINARY_REASON)
    return text


def normalise_text(text: str) -> str:
    """The form of a dump's text that its digest is taken of: no trailing spaces or lines."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")


def _decode(data: bytes, name: str) -> str:
    """Decode by byte-order mark, else as UTF-8, else in the encoding charset-normalizer finds."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise DumpError(name, BINARY_REASON) from None
    if b"\x00" in data:
        raise DumpError(name, BINARY_REASON)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise DumpError(name, BINARY_REASON)
    tied = [
        match
        for match in matches
        if abs(match.chaos - best.chaos) <= _TIE and abs(match.coherence - best.coherence) <= _TIE
    ]
    return str(min(tied, key=_preference))


def _preference(match: CharsetMatch) -> int:
    """Rank of a match's encoding among the widely used ones; lower is more used."""
    for rank, encoding in enumerate(_PREFERRED):
        if encoding == match.encoding or encoding in match.could_be_from_charset:
            return rank
    return len(_PREFERRED)
