"""Dump files in, parsed stories out: decoding, format detection and the two parsers."""

from __future__ import annotations

import hashlib
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

from newsreader.dumps.ages import iso_utc
from newsreader.dumps.decode import decode_bytes, normalise_text
from newsreader.dumps.text import parse_text
from newsreader.errors import DumpError
from newsreader.models import ParsedDump, ParsedStory
from newsreader.sanitize import clean_line

__all__ = ["MAX_DUMP_BYTES", "internal_error", "parse_dump", "read_dump"]

MAX_DUMP_BYTES: int = 20 * 1024 * 1024
"""The largest dump newsreader reads: a saved page is far smaller, a bigger file is a mistake."""

# What may come before an HTML document's first element.
_HTML_PROLOGUE = re.compile(r"(?:\s+|<!--.*?(?:-->|$)|<![^>]*>?|<\?[^>]*>?)*", re.DOTALL)
_HTML_ELEMENT = re.compile(r"<(?:html|body|article|p|div)\b", re.IGNORECASE)


def parse_dump(data: bytes, name: str, captured_at: datetime) -> ParsedDump:
    """Decode a dump's bytes, tell HTML from aggregator text by content, and parse it."""
    if len(data) > MAX_DUMP_BYTES:
        raise DumpError(name, _too_large(len(data)))
    text = decode_bytes(data, name)
    if not text.strip():
        raise DumpError(name, "empty file")
    reader = "HTML" if _looks_like_html(text) else "text"
    try:
        if reader == "HTML":
            stories, warnings = _parse_html(text, name, captured_at)
        else:
            stories, warnings = parse_text(text, name, captured_at)
    except DumpError:
        raise
    except Exception as error:
        # A bug in a reader costs the user this one file, never the rest of the import.
        raise DumpError(name, internal_error(f"{reader} reader", error)) from error
    if not stories:
        raise DumpError(name, "no stories found")
    digest = hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
    return ParsedDump(
        name=name,
        stories=tuple(stories),
        captured_at=iso_utc(captured_at),
        digest=digest,
        warnings=tuple(clean_line(warning) for warning in warnings),
    )


def internal_error(part: str, error: BaseException) -> str:
    """The reason given for a file on which `part` failed by a bug, not by the file's fault."""
    return f"internal error in the {part} ({type(error).__name__}); please report it"


def read_dump(path: Path, captured_at: datetime | None = None) -> ParsedDump:
    """Read and parse the dump at `path`; it was captured at its modification time by default."""
    name = path.name or str(path)
    try:
        # Looked at before opening: opening a named pipe would wait for a writer.
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise DumpError(name, "is a directory, not a dump file")
        if not stat.S_ISREG(status.st_mode):
            raise DumpError(name, "not a regular file")
        if status.st_size > MAX_DUMP_BYTES:
            raise DumpError(name, _too_large(status.st_size))
        with path.open("rb") as file:
            # A file still being written may have grown since: read one byte past the limit.
            data = file.read(MAX_DUMP_BYTES + 1)
    except FileNotFoundError:
        raise DumpError(name, "no such file (moved or deleted?)") from None
    except IsADirectoryError:
        raise DumpError(name, "is a directory, not a dump file") from None
    except PermissionError:
        raise DumpError(name, "permission denied") from None
    except OSError as error:
        raise DumpError(name, f"cannot be read: {error.strerror or error}") from None
    if captured_at is None:
        captured_at = datetime.fromtimestamp(status.st_mtime, UTC)
    return parse_dump(data, name, captured_at)


def _looks_like_html(text: str) -> bool:
    """Whether `text` is an HTML document: it opens with a tag and holds a content element."""
    start = _HTML_PROLOGUE.match(text)
    rest = text[start.end() if start else 0 :]
    return rest.startswith("<") and _HTML_ELEMENT.search(rest) is not None


def _parse_html(text: str, name: str, captured_at: datetime) -> tuple[list[ParsedStory], list[str]]:
    """Hand an HTML dump to the HTML parser, imported only when one is met."""
    from newsreader.dumps.html import parse_html

    parsed: tuple[list[ParsedStory], list[str]] = parse_html(text, name, captured_at)
    return parsed


def _too_large(size: int) -> str:
    """The reason given for a dump over the size limit."""
    limit_mb = MAX_DUMP_BYTES // (1024 * 1024)
    return f"too large: {size / (1024 * 1024):.1f} MB, dumps are limited to {limit_mb} MB"
