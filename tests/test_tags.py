"""Tags: a story's own and inherited ones, tag: in queries, rules, undo, export, merge, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader import undo
from newsreader.__main__ import main
from newsreader.config import load_config
from newsreader.errors import NewsreaderError
from newsreader.export import markdown
from newsreader.library import Library, subscriptions
from newsreader.library.tags import Tags, own_tags, tag_source, tags_of
from newsreader.models import ParsedDump, ParsedStory
from newsreader.query import parse_query
from newsreader.rules import Rule, apply_rules
from newsreader.search.index import find
from newsreader.tag_values import tag_name
from tests.app_library import build_library

FEED = "https://feeds.example/tech.xml"
NOW = datetime(2026, 11, 21, tzinfo=UTC)


def search(library: Library, text: str) -> list[str]:
    return find(library, parse_query(text, NOW)).ids


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return build_library(tmp_path / "library", stories=6)


def ids(library: Library) -> list[str]:
    return [meta.id for meta in library.visible()]


def test_a_tag_is_one_folded_word(tmp_path: Path) -> None:
    assert tag_name("  Money ") == "money"
    assert tag_name("Économie") == "economie"
    assert tag_name("c++/rust-1.0") == "c++/rust-1.0"
    for bad in ("two words", "", "-lead", "a,b", '"q"'):
        with pytest.raises(NewsreaderError, match="not a tag"):
            tag_name(bad)


def test_tag_and_minus_tag_in_a_query(library: Library) -> None:
    first, second, *_ = ids(library)
    undo.tag(library, [first], "money", True, "tagged")
    undo.tag(library, [second], "money", True, "tagged")
    undo.tag(library, [second], "sport", True, "tagged")
    assert search(library, "tag:money") == sorted([first, second], key=ids(library).index)
    assert search(library, "tag:money -tag:sport") == [first]
    assert search(library, "tag:MONEY tag:sport") == [second]
    assert len(search(library, "-tag:money")) == len(ids(library)) - 2
    with pytest.raises(Exception, match="tag: needs a name"):
        parse_query("tag:", NOW)


def test_undo_takes_a_tag_back_exactly(library: Library) -> None:
    story = ids(library)[0]
    undo.tag(library, [story], "keep", True, "tagged")
    change = undo.tag(library, [story], "money", True, "tagged")
    assert own_tags(library, story) == ("keep", "money")
    assert undo.tag(library, [story], "money", True, "again") is None  # nothing changed
    stack = undo.UndoStack()
    stack.push(change)
    stack.undo(library)
    assert own_tags(library, story) == ("keep",)
    assert Library(library.folder).story(story).tags == ("keep",)  # on disk


def feed_library(folder: Path) -> Library:
    library = build_library(folder, stories=3)
    entry = ParsedStory(title="A feed entry about chips", source="Tech Feed", age="1 hour ago",
                        paragraphs=("Chips are getting smaller again this year.",))  # fmt: skip
    library.import_dumps([ParsedDump(FEED, (entry,), "2026-11-21T00:00:00Z", "f" * 16)])
    subscriptions.save(folder, [subscriptions.Subscription(url=FEED, tags=["Tech"])])
    return library


def test_a_story_inherits_its_feed_s_and_its_source_s_tags(tmp_path: Path) -> None:
    library = feed_library(tmp_path / "library")
    entry = next(m.id for m in library.visible() if m.dump == FEED)
    mint = next(m.id for m in library.visible() if m.source == "Mint")
    assert tags_of(library, entry) == ("tech",)
    assert search(library, "tag:tech") == [entry]
    tag_source(library, "mint", ["money"], True)
    assert tags_of(library, mint) == ("money",)
    assert mint in search(library, "tag:money")
    assert own_tags(library, mint) == ()  # inherited, not its own
    assert Tags(library).names() == ["money", "tech"]
    tag_source(library, "Mint", ["money"], False)
    assert search(library, "tag:money") == []


def test_a_damaged_feeds_file_costs_its_tags_not_the_story(tmp_path: Path) -> None:
    library = feed_library(tmp_path / "library")
    entry = next(m.id for m in library.visible() if m.dump == FEED)
    (library.folder / "feeds.json").write_text('{"feeds": [{"no": "url"}]}', encoding="utf-8")
    assert library.story(entry).tags == ()
    with pytest.raises(NewsreaderError, match=r"feeds\.json"):
        search(library, "tag:tech")


def test_tags_travel_with_export_json_and_markdown(library: Library, tmp_path: Path) -> None:
    story = ids(library)[0]
    undo.tag(library, [story], "money", True, "tagged")
    assert "Tags: money" in markdown([library.story(story)])
    out = tmp_path / "out.json"
    code = main(["--db", str(library.folder), "export", "--query", "tag:money",
                 "--format", "json", "-o", str(out)])  # fmt: skip
    assert code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [(s["id"], s["tags"]) for s in exported] == [(story, ["money"])]


def test_tags_travel_with_merge(tmp_path: Path) -> None:
    here = build_library(tmp_path / "here", stories=3)
    there = build_library(tmp_path / "there", stories=3)  # the same stories, another copy
    story = ids(there)[1]
    undo.tag(there, [story], "money", True, "tagged")
    assert here.merge_marks_from(there.folder) >= 1
    assert own_tags(here, story) == ("money",)
    assert search(here, "tag:money") == [story]


def test_a_rule_tags_the_new_stories_it_matches_undoably(library: Library) -> None:
    changes = apply_rules(library, [Rule("source:mint", "tag:money")], ids(library))
    mint = [m.id for m in library.visible() if m.source == "Mint"]
    assert sorted(search(library, "tag:money")) == sorted(mint)
    assert changes and changes[0].description.startswith("tagged money 2 stories")
    library.restore_marks(changes[0].field, changes[0].before)
    assert search(library, "tag:money") == []


def test_a_tag_rule_is_read_from_the_settings_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[rules]]\nquery = "source:mint"\naction = "tag:Money"\n', encoding="utf-8")
    assert load_config(path).rules == [Rule("source:mint", "tag:money")]
    path.write_text('[[rules]]\nquery = "source:mint"\naction = "tag:a b"\n', encoding="utf-8")
    with pytest.raises(NewsreaderError, match="rule 1: not a tag"):
        load_config(path)


def test_the_tag_and_untag_commands(library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(library.folder)
    story = ids(library)[0]
    assert main(["--db", db, "tag", story[:6], "Money", "world"]) == 0
    assert capsys.readouterr().out == f"{story}: money, world\n"
    assert main(["--db", db, "untag", story[:6], "world"]) == 0
    assert capsys.readouterr().out == f"{story}: money\n"
    assert main(["--db", db, "tag", "--source", "Reuters", "wire"]) == 0
    assert "wire" in capsys.readouterr().out
    fresh = Library(library.folder)
    assert own_tags(fresh, story) == ("money",)
    wired = [fresh.story(m.id).tags for m in fresh.visible() if m.source == "Reuters"]
    assert wired and all(tags == ("wire",) for tags in wired)
    assert main(["--db", db, "tag", story, "two words"]) == 2
    assert "not a tag: 'two words'" in capsys.readouterr().err
    assert main(["--db", db, "tag", story]) == 2
    assert "needs a story id and at least one tag" in capsys.readouterr().err
    assert main(["--db", db, "count", "--query", "tag:money"]) == 0
    assert capsys.readouterr().out.startswith("1 story")


def test_doctor_salvages_marks_with_tags_and_positions(library: Library) -> None:
    from newsreader.library.marks import salvage_snapshot

    story = ids(library)[0]
    undo.tag(library, [story], "money", True, "tagged")
    library.marks.set_many("position", {story: [4, 90]})
    library.marks.set_many("read", {story: True})
    library.marks.compact()
    raw = (library.folder / "marks.json").read_bytes()
    cut = raw[:-2]  # cut short just after its last document
    fields = {r["f"] for r in salvage_snapshot(cut) if r["id"] == story}
    assert {"tags", "position", "read"} <= fields
