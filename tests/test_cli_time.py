"""Ages on the command line are worked out when asked for; undated stories say so."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.__main__ import main

from .conftest import SEED

UNDATED_PAGE = (
    "<!DOCTYPE html><html><head><title>Harbour wall to be rebuilt</title></head><body><article>"
    "<h1>Harbour wall to be rebuilt</h1>"
    + "".join(
        f"<p>The council voted on the {n} item of the evening to rebuild the old harbour wall, "
        "which storms have breached twice this winter, and fishermen welcomed the decision "
        "after years of asking for repairs to the crumbling stone.</p>"
        for n in ("first", "second", "third")
    )
    + "</article></body></html>"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def listed(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, object]]:
    code, out, err = run(capsys, "--db", str(db), "list", "--json")
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_list_ages_are_those_of_now_not_of_the_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "library"
    twenty_minutes_ago = datetime.now(UTC) - timedelta(minutes=20)
    run(capsys, "--db", str(db), "import", "--captured-at", iso(twenty_minutes_ago), str(SEED))
    story = next(s for s in listed(capsys, db) if s["age"] == "3 minutes ago")
    assert story["age_now"] == "23 minutes ago"  # 3 minutes old when saved, 20 minutes ago
    assert story["captured_at"] == iso(twenty_minutes_ago)
    _, text, _ = run(capsys, "--db", str(db), "list")
    line = next(line for line in text.splitlines() if line.startswith(str(story["id"])))
    assert "  23 minutes ago  " in line
    _, shown, _ = run(capsys, "--db", str(db), "show", str(story["id"]))
    assert shown.splitlines()[2].startswith(f"{story['source']} · 23 minutes ago · ")


def test_undated_story_sorts_by_capture_time_and_says_undated(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "library"
    page = tmp_path / "harbour.html"
    page.write_text(UNDATED_PAGE)
    # The seed's stories were published 10 hours and 3 minutes before 12:00.
    run(capsys, "--db", str(db), "import", "--captured-at", "2026-11-20T12:00:00Z", str(SEED))
    run(capsys, "--db", str(db), "import", "--captured-at", "2026-11-20T05:00:00Z", str(page))
    stories = listed(capsys, db)
    assert [s["published"] for s in stories] == [
        "2026-11-20T11:57:00Z",
        "2026-11-20T11:57:00Z",
        None,  # saved at 05:00: after the story published at 02:00, before the others
        "2026-11-20T02:00:00Z",
    ]
    assert stories[2]["age_now"] == "undated"
    assert stories[2]["captured_at"] == "2026-11-20T05:00:00Z"
    _, text, _ = run(capsys, "--db", str(db), "list")
    assert "undated" in text.splitlines()[2]
    _, shown, _ = run(capsys, "--db", str(db), "show", str(stories[2]["id"]))
    assert shown.splitlines()[2].endswith("undated")
