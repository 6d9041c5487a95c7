"""`newsreader add|feeds|remove`, OPML in and out, against a local HTTP server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.feeds.opml import read_opml, write_opml
from newsreader.library import subscriptions as subs
from tests.feeds_helpers import FeedServer, items, rss, run, server

__all__ = ["server"]


def test_add_a_feed_url_then_list_it(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.put("/news.xml", rss("Local News", items("local", 3)))
    status, out, _ = run(capsys, library_path, "add", url)
    assert status == 0
    assert "subscribed to Local News" in out
    [sub] = subs.load(library_path)
    assert (sub.url, sub.title) == (url, "Local News")
    status, out, _ = run(capsys, library_path, "feeds", "--json")
    row = json.loads(out)
    assert row["url"] == url and row["stories"] == 0 and row["outcome"] == "never fetched"


def test_add_a_site_page_subscribes_to_the_feed_it_announces(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = server.put("/feeds/atom.xml", rss("Site Feed", items("site", 2)))
    page = (
        b'<!doctype html><html><head><link rel="stylesheet" href="/s.css">'
        b'<link rel="alternate" type="application/atom+xml" href="feeds/atom.xml">'
        b"</head><body><p>Welcome</p></body></html>"
    )
    status, _, _ = run(capsys, library_path, "add", server.put("/", page, "text/html"))
    assert status == 0
    assert [s.url for s in subs.load(library_path)] == [feed]


def test_add_refuses_what_is_not_a_feed_and_keeps_the_rest(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = server.put("/good.xml", rss("Good", items("good", 1)))
    page = server.put("/plain.html", b"<html><body><p>no feeds</p></body></html>", "text/html")
    status, _, err = run(capsys, library_path, "add", page, server.url("/missing"), good)
    assert status == 1
    assert f"{page}: a web page that announces no feed" in err
    assert "HTTP 404" in err
    assert [s.url for s in subs.load(library_path)] == [good]
    status, out, _ = run(capsys, library_path, "add", good)
    assert "1 already" in out and len(subs.load(library_path)) == 1


def test_add_refuses_a_non_http_url(library_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, library_path, "add", "file:///etc/passwd")
    assert status == 1 and "not an HTTP URL" in err
    assert subs.load(library_path) == []


def test_remove_by_title_or_url_keeps_the_stories(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = server.put("/one.xml", rss("One", items("one", 2)))
    two = server.put("/two.xml", rss("Two", items("two", 2)))
    run(capsys, library_path, "add", one, two)
    run(capsys, library_path, "fetch")
    status, out, _ = run(capsys, library_path, "remove", "one")  # title, any case
    assert status == 0 and "its stories stay" in out
    status, _, _ = run(capsys, library_path, "remove", two)
    assert subs.load(library_path) == []
    _, out, _ = run(capsys, library_path, "list", "--json")
    assert len(out.splitlines()) == 4
    status, _, err = run(capsys, library_path, "remove", "nothing")
    assert status == 2 and "no such subscription" in err


OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="News">
    <outline text="World" title="World Desk" type="rss" xmlUrl="https://w.example.com/rss"/>
    <outline text="Tech">
      <outline text="Gadgets" type="rss" xmlUrl="https://g.example.com/atom"/>
    </outline>
  </outline>
  <outline text="Loose" type="rss" xmlUrl="https://l.example.com/feed.json"/>
  <outline text="Bad scheme" type="rss" xmlUrl="javascript:alert(1)"/>
</body></opml>
"""


def test_opml_import_keeps_folders_as_tags_and_round_trips(
    tmp_path: Path, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "subs.opml"
    path.write_text(OPML)
    status, out, _ = run(capsys, library_path, "import", str(path))
    assert status == 0 and "3 feeds subscribed" in out
    found = {s.url: s for s in subs.load(library_path)}
    assert found["https://w.example.com/rss"].tags == ["News"]
    assert found["https://w.example.com/rss"].name == "World Desk"
    assert found["https://g.example.com/atom"].tags == ["News", "Tech"]
    assert found["https://l.example.com/feed.json"].tags == []
    exported = tmp_path / "out.opml"
    status, _, _ = run(capsys, library_path, "export", "--opml", "-o", str(exported))
    assert status == 0
    again = read_opml(exported)
    assert {s.url for s in again} == set(found)
    assert {s.url: s.name for s in again}["https://w.example.com/rss"] == "World Desk"
    other = tmp_path / "other"
    run(capsys, other, "add", "--opml", str(exported))
    assert {s.url for s in subs.load(other)} == set(found)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("<opml><body>", "not valid OPML"),
        ("<html><body/></html>", "not an OPML file"),
        (
            '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><opml><body/></opml>',
            "entity declarations",
        ),
    ],
)
def test_bad_opml_is_rejected_with_a_reason(
    tmp_path: Path,
    library_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    reason: str,
) -> None:
    path = tmp_path / "bad.opml"
    path.write_text(content)
    status, _, err = run(capsys, library_path, "import", str(path))
    assert status == 1 and str(path) in err and reason in err
    assert subs.load(library_path) == []


def test_write_opml_escapes_titles() -> None:
    text = write_opml([subs.Subscription(url="https://x.example/?a=1&b=2", name='A "q" <b>')])
    assert 'xmlUrl="https://x.example/?a=1&amp;b=2"' in text
    assert "&lt;b&gt;" in text


def test_a_damaged_subscriptions_file_is_named(library_path: Path) -> None:
    from newsreader.errors import DamagedLibrary

    library_path.mkdir()
    (library_path / "feeds.json").write_text('{"feeds": [{"title": "no url"}]}')
    with pytest.raises(DamagedLibrary, match=r"feeds\.json"):
        subs.load(library_path)


def test_remove_purge_deletes_the_feeds_stories_and_leaves_a_sound_library(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsreader.doctor import examine
    from newsreader.library import Library
    from newsreader.query import parse_query
    from newsreader.search.index import find

    one = server.put("/one.xml", rss("One", items("one", 3)))
    two = server.put("/two.xml", rss("Two", items("two", 2)))
    run(capsys, library_path, "add", one, two)
    run(capsys, library_path, "fetch")
    library = Library(library_path)
    ones = [m.id for m in library.stories if m.dump == one]
    twos = [m.id for m in library.stories if m.dump == two]
    library.set_read([ones[0], twos[0]])
    library.set_starred([ones[1]])
    library.close()
    status, out, _ = run(capsys, library_path, "remove", "One", "--purge")
    assert status == 0 and "3 stories deleted" in out
    library = Library(library_path)
    assert [m.id for m in library.stories] == twos
    assert library.marked("read") == [twos[0]] and library.marked("starred") == []
    assert all(library.marks.get(sid, "read") is None for sid in ones)
    assert find(library, parse_query("desk", datetime.now(UTC))).ids == twos
    kept = [library.story(sid) for sid in twos]  # their bodies shared segments with the gone
    assert [s.title for s in kept] == ["two story number 0", "two story number 1"]
    assert all("two desk reports" in s.paragraphs[0] for s in kept)
    segments = {library.meta(sid).segment for sid in twos}
    left = b"".join((library_path / "bodies" / f"{n}.json").read_bytes() for n in segments)
    assert b"one desk reports" not in left
    library.close()
    report = examine(library_path)
    assert report.healthy, report.problems
    _, out, _ = run(capsys, library_path, "list", "--json")
    assert len(out.splitlines()) == 2


def test_remove_purge_of_a_feed_never_fetched_deletes_nothing(
    server: FeedServer, library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.put("/one.xml", rss("One", items("one", 1)))
    run(capsys, library_path, "add", url)
    status, out, _ = run(capsys, library_path, "remove", url, "--purge")
    assert status == 0 and "0 stories deleted" in out
    assert subs.load(library_path) == []
