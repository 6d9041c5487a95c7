"""Export: Markdown sections, a JSON array, files written whole."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from newsreader import export
from newsreader.errors import NewsreaderError
from newsreader.models import Story

STORY = Story(
    id="abc123",
    title="Trump and Putin\x1b[2J meet",
    source="Hindustan Times",
    age="10 hours ago",
    published="2026-11-20T02:00:00Z",
    authors=("Alexander Ward", "Alex Leary"),
    paragraphs=("First paragraph.", "Second\x07 paragraph."),
    role="main",
    main_id=None,
    dump="000_x.txt",
    url="https://example.com/a",
)


def test_markdown_has_title_byline_authors_and_paragraphs() -> None:
    text = export.markdown([STORY])
    assert text.splitlines()[:5] == [
        "## Trump and Putin meet",
        "",
        "*Hindustan Times · 10 hours ago · 2026-11-20T02:00:00Z*",
        "By Alexander Ward, Alex Leary",
        "<https://example.com/a>",
    ]
    assert "\nFirst paragraph.\n\nSecond paragraph.\n" in text


def test_markdown_never_carries_control_characters() -> None:
    text = export.markdown([STORY])
    assert not any(ord(c) < 32 and c != "\n" for c in text)


def test_markdown_separates_stories() -> None:
    text = export.markdown([STORY, STORY])
    assert text.count("## ") == 2
    assert "paragraph.\n\n## Trump" in text


def test_markdown_without_optional_parts() -> None:
    bare = Story("x", "", "", "", None, (), (), "main", None, "d")
    assert export.markdown([bare]) == "## (untitled)\n"


def test_json_array() -> None:
    data = export.json_array([{"id": "a"}, {"id": "b"}])
    assert json.loads(data) == [{"id": "a"}, {"id": "b"}]
    assert json.loads(export.json_array([])) == []


def test_write_to_a_file(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    path.write_text("old")
    export.write(b"new", path)
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temp file left


def test_write_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    export.write(b"hello\n", None)
    assert capsysbinary.readouterr().out == b"hello\n"


def test_write_where_it_cannot(tmp_path: Path) -> None:
    with pytest.raises(NewsreaderError, match="cannot be written"):
        export.write(b"x", tmp_path / "missing" / "out.md")
