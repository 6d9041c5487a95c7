"""Mute rules from config.toml: applied to new stories at fetch and import, each undoable."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.config import Config, load_config, save_config
from newsreader.errors import NewsreaderError
from newsreader.feeds.fetch import fetch_feeds
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.library import subscriptions as subs
from newsreader.library.subscriptions import Subscription
from newsreader.rules import Rule
from newsreader.undo import UndoStack
from tests.conftest import CAPTURED, SEEDS
from tests.feeds_helpers import FeedServer, items, rss, run, server

__all__ = ["server"]

RULES = """
theme = "newsreader-dark"

[[rules]]
query = "source:sport -title:final"
action = "hide"

[[rules]]
query = "title:review"
action = "read"
"""


def test_rules_are_read_from_config_and_saved_back(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(RULES, encoding="utf-8")
    config = load_config(path)
    assert config.rules == [Rule("source:sport -title:final", "hide"), Rule("title:review", "read")]
    config.theme = "newsreader-light"
    save_config(config, path)
    assert load_config(path).rules == config.rules


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ('query = "x"\naction = "delete"', "rule 1: action must be one of read, hide, star"),
        ('action = "read"', "rule 1: needs query"),
        ('query = "@yesterday-ish"\naction = "read"', "rule 1: not a date"),
        ('query = ""\naction = "star"', "rule 1: an empty query would match every new story"),
    ],
)
def test_a_bad_rule_is_named_with_its_reason(tmp_path: Path, rule: str, reason: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[[rules]]\n{rule}\n", encoding="utf-8")
    with pytest.raises(NewsreaderError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}: ") and reason in str(raised.value)


def _feed(server: FeedServer, name: str, entries: list[tuple[str, str, str]]) -> str:
    return server.put(f"/{name}.xml", rss(name, entries))


def test_fetch_applies_each_rule_to_new_stories_only_and_undo_takes_it_back(
    server: FeedServer, library_path: Path
) -> None:
    sport = _feed(server, "Sport", items("early", 1))
    library = Library(library_path)
    subs.save(library_path, [Subscription(url=sport)])
    fetch_feeds(library)
    [early] = [m.id for m in library.stories]
    entries = [
        ("m1", "Match report", "<p>The home side won a dull match by a single goal.</p>"),
        ("m2", "Cup final tonight", "<p>Both teams arrive at the final unbeaten this season.</p>"),
        ("m3", "Boot review", "<p>We ran in six pairs of boots for a month of training.</p>"),
        *items("early", 1),
    ]
    server.put("/Sport.xml", rss("Sport", entries))
    library.rules = [
        Rule("source:sport -title:final", "hide"),
        Rule("title:review", "read"),
        Rule("final", "star"),
    ]
    report = fetch_feeds(library)
    titles = {m.title: m.id for m in library.stories}
    report_ids = {change.field: change.stories for change in report.rule_changes}
    assert report_ids == {
        "hidden": [titles["Match report"], titles["Boot review"]],
        "read": [titles["Boot review"]],
        "starred": [titles["Cup final tonight"]],
    }
    assert not library.is_hidden(early)  # it was there before: rules are for new stories
    visible = {m.title for m in library.visible()}
    assert visible == {"Cup final tonight", "early story number 0"}
    assert library.is_read(titles["Boot review"]) and library.is_starred(
        titles["Cup final tonight"]
    )
    assert "hidden 2 stories by rule source:sport -title:final" in report.summary()
    stack = UndoStack()
    for change in report.rule_changes:
        stack.push(change)
    while stack.undo(library) is not None:
        pass
    assert len(library.visible()) == 4
    assert library.marked("read") == [] and library.marked("starred") == []
    library.close()


def test_import_applies_the_rules_from_the_config(
    library_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = Library(library_path)
    import_paths(library, [SEEDS], CAPTURED)
    library.close()
    all_ids = {m.id for m in Library(library_path).stories}
    target = tmp_path / "again"
    folder = tmp_path / "config"
    folder.mkdir()
    save_config(Config(rules=[Rule("-zzzznothing", "star")]), folder / "config.toml")
    monkeypatch.setenv("NEWSREADER_CONFIG_DIR", str(folder))
    status, out, _ = run(capsys, target, "import", str(SEEDS))
    assert status == 0
    starred = Library(target).marked("starred")
    assert sorted(starred) == sorted(all_ids)
    assert f"mute rules: starred {len(all_ids)} stories by rule -zzzznothing" in out


def test_a_bad_rule_stops_the_import_before_it_starts(
    library_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "config.toml").write_text('[[rules]]\nquery = "x"\naction = "mute"\n')
    monkeypatch.setenv("NEWSREADER_CONFIG_DIR", str(folder))
    status, _, err = run(capsys, library_path, "import", str(SEEDS))
    assert status == 2 and "config.toml: rule 1: action must be one of" in err
    assert not (library_path / "library.json").exists()


def test_dumps_arriving_in_a_watched_folder_meet_the_rules(tmp_path: Path) -> None:
    from newsreader.watch import import_arrivals

    library_path = tmp_path / "lib"
    Library(library_path).close()
    seed = next(SEEDS.iterdir())
    report = import_arrivals(library_path, [seed], [Rule("-zzzznothing", "hide")])
    assert report.outcome is not None
    [change] = report.outcome.report.rule_changes
    assert change.field == "hidden" and len(change.stories) == report.stories_added
    assert "; hidden " in report.summary()
    assert Library(library_path).visible() == []


def _hidden_by_a_rule(server: FeedServer, library_path: Path) -> dict[str, str]:
    """A library whose three new Sport stories a `hide` rule hid: title -> id."""
    subs.save(library_path, [Subscription(url=_feed(server, "Sport", items("match", 3)))])
    library = Library(library_path)
    library.rules = [Rule("source:sport", "hide")]
    fetch_feeds(library)
    titles = {m.title: m.id for m in library.stories}
    assert all(library.is_hidden(sid) for sid in titles.values()) and not library.visible()
    library.close()
    return titles


def test_list_hidden_and_mark_unhide_show_hidden_stories_again(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = _hidden_by_a_rule(server, library_path)
    status, out, _ = run(capsys, library_path, "list", "--hidden")
    assert status == 0 and sorted(line.split()[0] for line in out.splitlines()) == sorted(
        titles.values()
    )
    assert run(capsys, library_path, "list")[1] == ""
    first = titles["match story number 0"]
    status, out, _ = run(capsys, library_path, "mark", "--unhide", first[:8])
    assert (status, out) == (0, "1 story shown again\n")
    assert [m.id for m in Library(library_path).visible()] == [first]
    assert run(capsys, library_path, "count", "--unread")[1].strip() == "1"
    status, out, _ = run(capsys, library_path, "mark", "--unhide", "--query", "match", "--yes")
    assert out == "2 stories match 'match'\n2 stories shown again\n"
    assert not any(Library(library_path).is_hidden(sid) for sid in titles.values())
    assert len(Library(library_path).visible()) == 3


def test_mark_hide_hides_and_unhide_of_a_shown_story_changes_nothing(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = _hidden_by_a_rule(server, library_path)
    first = titles["match story number 0"]
    run(capsys, library_path, "mark", "--unhide", first)
    assert run(capsys, library_path, "mark", "--unhide", first)[1] == "0 stories shown again\n"
    assert run(capsys, library_path, "mark", "--hide", first)[1] == "1 story hidden\n"
    assert Library(library_path).visible() == []
    status, _, err = run(capsys, library_path, "mark", "--unhide", "nosuchid")
    assert status == 2 and "story id 'nosuchid' matches no story" in err
