"""Bytes to text, the digest, format detection, and reading dump files from disk."""

from __future__ import annotations

import contextlib
import os
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest

import newsreader.dumps
from newsreader.dumps import MAX_DUMP_BYTES, parse_dump, read_dump
from newsreader.dumps.decode import decode_bytes
from newsreader.errors import DumpError
from newsreader.models import ParsedStory

ROOT = Path(__file__).parent.parent
SEED = ROOT / "seeds" / "000_e213fecfa28b599e.txt"
FIXTURES = Path(__file__).parent / "fixtures" / "text"
AT = datetime(2025, 8, 9, 12, 0, tzinfo=UTC)
BINARY = "binary data, not a text or HTML dump"


def fixture_text(name: str) -> str:
    """A text fixture as a string."""
    return (FIXTURES / name).read_text("utf-8")


def test_utf8_is_decoded_as_is() -> None:
    assert decode_bytes("Grève à Paris — 東京".encode(), "x") == "Grève à Paris — 東京"


def test_utf8_bom_is_removed() -> None:
    assert decode_bytes(b"\xef\xbb\xbflogo\n", "x") == "logo\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_a_bom(encoding: str) -> None:
    assert decode_bytes("logo\nÉté\n".encode(encoding), "x") == "logo\nÉté\n"


@pytest.mark.parametrize(("raw", "text"), [(b"a\r\nb\r\n", "a\nb\n"), (b"a\rb\r", "a\nb\n")])
def test_line_endings_become_lf(raw: bytes, text: str) -> None:
    assert decode_bytes(raw, "x") == text


@pytest.mark.parametrize(
    ("fixture", "encoding"),
    [
        ("french.txt", "cp1252"),
        ("french.txt", "latin-1"),
        ("russian.txt", "cp1251"),
        ("japanese.txt", "shift_jis"),
    ],
)
def test_other_encodings_are_detected(fixture: str, encoding: str) -> None:
    text = fixture_text(fixture)
    if encoding == "cp1252":
        text = text.replace("« Nous sommes épuisés »", "“Nous sommes épuisés” — l’œuvre, 5 €")
    if encoding == "latin-1":
        text = text.replace("—", "-")
    assert decode_bytes(text.encode(encoding), fixture) == text


@pytest.mark.parametrize(
    ("fixture", "encoding"),
    [("french.txt", "cp1252"), ("russian.txt", "cp1251"), ("japanese.txt", "shift_jis")],
)
def test_dump_in_another_encoding_parses_like_utf8(fixture: str, encoding: str) -> None:
    text = fixture_text(fixture)
    as_utf8 = parse_dump(text.encode("utf-8"), fixture, AT)
    other = parse_dump(text.encode(encoding), fixture, AT)
    assert other.stories == as_utf8.stories
    assert other.digest == as_utf8.digest


def test_empty_file_is_refused() -> None:
    with pytest.raises(DumpError, match="empty file"):
        parse_dump(b"", "empty.txt", AT)


def test_whitespace_only_file_is_empty() -> None:
    with pytest.raises(DumpError, match="empty file"):
        parse_dump(b" \r\n\t\n", "blank.txt", AT)


@pytest.mark.parametrize(
    "data",
    [
        b"logo\x00title\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        bytes(range(1, 32)) * 20,
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
    ],
)
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(DumpError) as caught:
        parse_dump(data, "image.png", AT)
    assert caught.value.reason == BINARY
    assert str(caught.value) == f"image.png: {BINARY}"


def test_a_stray_escape_sequence_is_text_not_binary() -> None:
    text = "logo\nTitle \x1b[2J\nTitle \x1b[2J\nReuters2 hours ago\nBody.\n"
    assert decode_bytes(text.encode(), "x") == text


def test_the_same_dump_saved_differently_has_one_digest() -> None:
    text = SEED.read_text("utf-8")
    variants = [
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.replace("\n", "\r\n").encode("utf-8"),
        "\n".join(line + "   " for line in text.split("\n")).encode("utf-8") + b"\n\n",
        text.encode("utf-16"),
    ]
    digests = {parse_dump(data, "seed.txt", AT).digest for data in variants}
    assert len(digests) == 1


def test_a_different_dump_has_another_digest() -> None:
    text = SEED.read_text("utf-8")
    one = parse_dump(text.encode(), "a.txt", AT)
    other = parse_dump(text.replace("It remains", "It stays").encode(), "a.txt", AT)
    assert one.digest != other.digest
    assert len(one.digest) == 64


def test_dump_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(newsreader.dumps, "MAX_DUMP_BYTES", 100)
    with pytest.raises(DumpError, match="too large"):
        parse_dump(SEED.read_bytes(), "big.txt", AT)


def test_captured_at_is_iso_utc() -> None:
    assert parse_dump(SEED.read_bytes(), "s.txt", AT).captured_at == "2025-08-09T12:00:00Z"


def _fake_html_parser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stand in for the HTML parser; return the list of texts it is handed."""
    seen: list[str] = []

    def parse_html(
        text: str, name: str, captured_at: datetime
    ) -> tuple[list[ParsedStory], list[str]]:
        seen.append(text)
        return [ParsedStory(title="From HTML", source="Site")], []

    module = types.ModuleType("newsreader.dumps.html")
    module.parse_html = parse_html  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "newsreader.dumps.html", module)
    return seen


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><html><body><p>Hi</p></body></html>",
        "\ufeff  <!-- saved page --><html lang='en'><p>Hi</p></html>",
        "<?xml version='1.0'?>\n<!doctype html>\n<div>Hi</div>",
        "<article><h1>T</h1><p>Body</p></article>",
    ],
)
def test_html_goes_to_the_html_parser(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    seen = _fake_html_parser(monkeypatch)
    parsed = parse_dump(text.encode(), "page.html", AT)
    assert [story.title for story in parsed.stories] == ["From HTML"]
    assert len(seen) == 1


@pytest.mark.parametrize(
    "text",
    [
        SEED.read_text("utf-8"),
        "logo\nUse <p> for paragraphs\nUse <p> for paragraphs\nMDN2 days ago\nBody.\n",
        "Price < 5 and <b>bold</b>\n",
    ],
)
def test_text_is_not_taken_for_html(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    seen = _fake_html_parser(monkeypatch)
    with contextlib.suppress(DumpError):
        parse_dump(text.encode(), "dump.txt", AT)
    assert seen == []


def test_read_dump_names_the_file_and_uses_its_mtime(tmp_path: Path) -> None:
    path = tmp_path / "saved page.txt"
    path.write_bytes(SEED.read_bytes())
    moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
    os.utime(path, (moment, moment))
    parsed = read_dump(path)
    assert parsed.name == "saved page.txt"
    assert parsed.captured_at == "2025-01-02T03:04:05Z"
    assert parsed.stories[0].published == "2025-01-01T17:04:05Z"


def test_read_dump_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DumpError, match="no such file"):
        read_dump(tmp_path / "gone.txt")


def test_read_dump_of_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DumpError, match="is a directory"):
        read_dump(tmp_path)


def test_read_dump_of_a_named_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(DumpError, match="not a regular file"):
        read_dump(pipe)


def test_read_dump_without_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_bytes(SEED.read_bytes())

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    # The tests may run as root, whom file modes do not stop.
    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(DumpError, match="permission denied"):
        read_dump(path)


def test_read_dump_refuses_a_large_file_before_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(MAX_DUMP_BYTES + 1)

    def no_reading(self: Path, *args: object, **kwargs: object) -> None:
        raise AssertionError("read a file already known to be too large")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(DumpError, match=r"too large: 20\.0 MB, dumps are limited to 20 MB"):
        read_dump(path)
