"""The command line with queries: list --query, mark --query, export."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from newsreader.__main__ import main

from .conftest import SEEDS

TRUMP_TITLES = 3  # visible stories of the seed dump that say "Trump"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    folder = str(tmp_path / "library")
    assert (
        run(capsys, "--db", folder, "import", "--captured-at", "2026-11-20T12:00:00Z", str(SEEDS))[
            0
        ]
        == 0
    )
    return folder


def listed(capsys: pytest.CaptureFixture[str], db: str, *flags: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "--db", db, "list", "--json", *flags)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_list_query(capsys: pytest.CaptureFixture[str], db: str) -> None:
    found = listed(capsys, db, "--query", '"vladimir putin"')
    assert [s["source"] for s in found] == ["Hindustan Times"]
    assert len(listed(capsys, db, "--query", "trump")) == TRUMP_TITLES


def test_list_query_as_text(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "--db", db, "list", "--query", "source:mint")
    assert code == 0
    assert len(out.splitlines()) == 1 and "Mint" in out


def test_list_query_keeps_hidden_duplicates_out_unless_all(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    assert len(listed(capsys, db, "--query", "source:mint")) == 1
    assert len(listed(capsys, db, "--query", "source:mint", "--all")) == 2


def test_list_query_with_other_flags(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert listed(capsys, db, "--query", "trump", "--starred") == []


def test_a_bad_query_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, "--db", db, "list", "--query", '"unclosed')
    assert code == 2 and out == ""
    assert err == "newsreader: unclosed quote in '\"unclosed'\n"


def test_mark_query_with_yes(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "--db", db, "mark", "--query", "putin", "--read", "--yes")
    assert code == 0
    assert out.splitlines() == ["1 story matches 'putin'", "1 story marked read"]
    assert [s["read"] for s in listed(capsys, db, "--query", "putin")] == [True]
    assert len(listed(capsys, db, "--query", "unread")) == 2


def test_mark_query_without_a_terminal_needs_yes(
    capsys: pytest.CaptureFixture[str], db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, _, err = run(capsys, "--db", db, "mark", "--query", "trump", "--star")
    assert code == 2 and "--yes" in err
    assert listed(capsys, db, "--query", "starred") == []


@pytest.mark.parametrize(("answer", "starred"), [("y\n", TRUMP_TITLES), ("n\n", 0), ("", 0)])
def test_mark_query_asks_on_a_terminal(
    capsys: pytest.CaptureFixture[str],
    db: str,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    starred: int,
) -> None:
    terminal = io.StringIO(answer)
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", terminal)
    code, out, _ = run(capsys, "--db", db, "mark", "--query", "trump", "--star")
    assert code == 0
    assert "Mark them star? [y/N]" in out
    assert len(listed(capsys, db, "--query", "starred")) == starred


def test_mark_takes_ids_or_a_query(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert run(capsys, "--db", db, "mark", "--read")[0] == 2
    some_id = str(listed(capsys, db)[0]["id"])
    code, _, err = run(capsys, "--db", db, "mark", some_id, "--query", "x", "--read")
    assert code == 2 and "one of the two" in err


def test_mark_query_matching_nothing(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, _ = run(capsys, "--db", db, "mark", "--query", "xyzzy", "--read")
    assert code == 0 and out == "0 stories match 'xyzzy'\n"


def test_export_starred_markdown(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "mark", "--query", "putin", "--star", "--yes")
    code, out, _ = run(capsys, "--db", db, "export", "--starred")
    assert code == 0
    assert out.startswith("## How Trump and Putin Reached a New Make-or-Break Moment on Ukraine\n")
    assert "*Hindustan Times · 10 hours ago · 2026-11-20T02:00:00Z*" in out
    assert "By Alexander Ward, Alex Leary, Matthew Luxmoore" in out


def test_export_json_is_the_list_json_objects(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    code, _, err = run(
        capsys, "--db", db, "export", "--query", "trump", "--format", "json", "-o", str(target)
    )
    assert code == 0 and f"{TRUMP_TITLES} stories written" in err
    assert json.loads(target.read_text()) == listed(capsys, db, "--query", "trump")


def test_export_read(capsys: pytest.CaptureFixture[str], db: str) -> None:
    run(capsys, "--db", db, "mark", "--query", "source:mint", "--read", "--yes")
    code, out, _ = run(capsys, "--db", db, "export", "--read", "--format", "json")
    assert code == 0
    assert [s["source"] for s in json.loads(out)] == ["Mint"]


def test_export_needs_a_choice(capsys: pytest.CaptureFixture[str], db: str) -> None:
    with pytest.raises(SystemExit):
        main(["--db", db, "export"])
    capsys.readouterr()
    assert run(capsys, "--db", db, "export", "--query", "@2026-13-01")[0] == 2


def test_mark_query_says_when_other_versions_were_marked_too(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "--db", db, "mark", "--query", "source:mint", "--read", "--yes")
    assert code == 0
    # One Mint story is listed; its other version (also from Mint) is read with it.
    assert out.splitlines() == [
        "1 story matches 'source:mint'",
        "2 stories marked read, including 1 other version",
    ]


def test_counts_of_one_are_singular(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    target = tmp_path / "out.md"
    code, _, err = run(capsys, "--db", db, "export", "--query", "putin", "-o", str(target))
    assert code == 0 and err == f"1 story written to {target}\n"
