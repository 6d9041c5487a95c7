"""HTML dumps: the aggregator page, article metadata and body, boilerplate, hostile input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.bench.extraction import SINGLE, load_pages, row, run
from newsreader.bench.extraction_scores import shingle_page, shingle_prf
from newsreader.dumps.html import parse_html
from newsreader.dumps.html_meta import byline_names
from newsreader.dumps.text import parse_text
from newsreader.errors import DumpError
from newsreader.models import ParsedStory

FIXTURES = Path(__file__).parent / "fixtures" / "html"
SEED = Path(__file__).parent.parent / "seeds" / "000_e213fecfa28b599e.txt"
CAPTURED = datetime(2025, 8, 8, 12, 0, tzinfo=UTC)

# Measured 0.969 (`python -m newsreader.bench.extraction --fixtures tests/fixtures/html/reference`)
# with trafilatura's body; the hand-written reader scored 0.992 on these, the pages it was tuned on.
REFERENCE_F1_FLOOR = 0.96

PARAGRAPH = (
    "The council voted on Tuesday to rebuild the old harbour wall, which storms breached twice "
    "last winter, and to pay for it from the flood fund rather than from new local taxes."
)
SECOND = (
    "Engineers said the work would take two years, cost about 14 million, and keep the ferry "
    "running throughout, although the quay will close for a fortnight in the spring."
)
THIRD = (
    "Residents who had campaigned for the repair welcomed the decision, but some asked why it "
    "had taken so long, and whether the new wall would be high enough for the next storm."
)


def page(body: str, head: str = "") -> str:
    """A small HTML document around `body`."""
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def article(extra: str = "", head: str = "") -> str:
    """A page whose article holds three real paragraphs plus `extra` inside it."""
    return page(
        f"<article><h1>Harbour wall to be rebuilt</h1><p>{PARAGRAPH}</p><p>{SECOND}</p>"
        f"{extra}<p>{THIRD}</p></article>",
        head,
    )


def parse_one(html: str) -> ParsedStory:
    """The single story of an article page."""
    stories, warnings = parse_html(html, "page.html", CAPTURED)
    assert len(stories) == 1
    assert warnings == []
    return stories[0]


# The aggregator page


def test_aggregator_page_has_the_text_dumps_structure() -> None:
    html = (FIXTURES / "aggregator.html").read_text(encoding="utf-8")
    stories, _ = parse_html(html, "aggregator.html", CAPTURED)
    expected, _ = parse_text(SEED.read_text(encoding="utf-8"), SEED.name, CAPTURED)
    assert [s.role for s in stories] == [s.role for s in expected] == ["main"] + ["related"] * 3
    for got, want in zip(stories, expected, strict=True):
        assert (got.title, got.source, got.age, got.published) == (
            want.title,
            want.source,
            want.age,
            want.published,
        )
    main = stories[0]
    assert main.paragraphs == expected[0].paragraphs
    assert main.authors == ("Alexander Ward", "Alex Leary", "Matthew Luxmoore")
    assert main.captions == (
        "Russian President Vladimir Putin and Steve Witkoff, President Trump's envoy, "
        "in Moscow this week.",
    )
    assert main.published == "2025-08-08T02:00:00Z"


def test_aggregator_related_stories_keep_their_bodies_and_notes() -> None:
    html = (FIXTURES / "aggregator.html").read_text(encoding="utf-8")
    stories, _ = parse_html(html, "aggregator.html", CAPTURED)
    mint = stories[2]
    assert mint.source == "Mint"
    assert mint.paragraphs[0].startswith("The US under President Donald Trump is crafting")
    assert "With assistance from Scott Squires." in mint.notes
    assert not any("Try Our AI Features" in p for s in stories for p in s.paragraphs)
    assert not any("Download" in p for s in stories for p in s.paragraphs)


def test_article_with_a_logo_and_related_list_is_not_taken_for_the_aggregator() -> None:
    html = page(
        '<header><img src="l.png" alt="logo"></header>'
        "<article><h1>Harbour wall to be rebuilt</h1><p>By Jane Doe</p>"
        f"<p>{PARAGRAPH}</p><p>{SECOND}</p></article>"
        '<aside><h2>Related Articles</h2><ul><li><a href="/a">Storm closes quay</a>'
        "</li></ul></aside>"
    )
    story = parse_one(html)
    assert story.role == "main"
    assert story.title == "Harbour wall to be rebuilt"
    assert story.paragraphs == (PARAGRAPH, SECOND)


# Metadata


def test_open_graph_gives_title_source_and_url() -> None:
    head = (
        "<title>Harbour wall to be rebuilt | Coast News</title>"
        '<meta property="og:title" content="Harbour wall to be rebuilt">'
        '<meta property="og:site_name" content="Coast News">'
        '<meta property="og:url" content="https://news.example/harbour">'
    )
    story = parse_one(article(head=head))
    assert (story.title, story.source, story.url) == (
        "Harbour wall to be rebuilt",
        "Coast News",
        "https://news.example/harbour",
    )


def test_canonical_link_wins_over_og_url() -> None:
    head = (
        '<link rel="canonical" href="https://news.example/harbour-wall">'
        '<meta property="og:url" content="https://news.example/harbour?utm=x">'
    )
    assert parse_one(article(head=head)).url == "https://news.example/harbour-wall"


def test_title_element_loses_its_site_suffix() -> None:
    html = page(
        f"<article><p>{PARAGRAPH}</p><p>{SECOND}</p></article>",
        "<title>Harbour wall to be rebuilt | Coast News</title>",
    )
    story = parse_one(html)
    assert story.title == "Harbour wall to be rebuilt"
    assert story.source == "Coast News"


def test_site_name_in_the_first_h1_is_not_the_headline() -> None:
    html = page(
        "<header><h1>Coast News</h1></header><article><h2>Harbour wall to be rebuilt</h2>"
        f"<p>{PARAGRAPH}</p><p>{SECOND}</p></article>",
        "<title>Harbour wall to be rebuilt | Coast News</title>",
    )
    story = parse_one(html)
    assert story.title == "Harbour wall to be rebuilt"
    assert story.paragraphs == (PARAGRAPH, SECOND)


def test_site_name_that_is_a_link_gives_way_to_the_application_name() -> None:
    head = (
        '<meta property="og:site_name" content="http://www.coast.example">'
        '<meta name="application-name" content="Coast News">'
    )
    assert parse_one(article(head=head)).source == "Coast News"


def test_json_ld_gives_headline_authors_publisher_and_date() -> None:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Example"},
            {
                "@type": "NewsArticle",
                "headline": "Harbour wall to be rebuilt",
                "author": [{"@type": "Person", "name": "Ann Lee"}, {"name": "Bo Chen"}],
                "publisher": {"@type": "Organization", "name": "Coast News"},
                "datePublished": "2024-05-02T09:30:00+02:00",
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    story = parse_one(article(head=head))
    assert story.title == "Harbour wall to be rebuilt"
    assert story.authors == ("Ann Lee", "Bo Chen")
    assert story.source == "Coast News"
    assert story.published == "2024-05-02T07:30:00Z"


def test_broken_json_ld_is_ignored() -> None:
    head = '<script type="application/ld+json">{"headline": </script>'
    assert parse_one(article(head=head)).title == "Harbour wall to be rebuilt"


def test_meta_author_and_published_time() -> None:
    head = (
        '<meta name="author" content="Ann Lee">'
        '<meta property="article:published_time" content="2024-05-02T09:30:00Z">'
    )
    story = parse_one(article(head=head))
    assert story.authors == ("Ann Lee",)
    assert story.published == "2024-05-02T09:30:00Z"


def test_meta_author_that_is_a_link_is_not_a_name() -> None:
    head = '<meta property="article:author" content="https://facebook.com/someone">'
    assert parse_one(article(head=head)).authors == ()


def test_time_element_gives_the_publication_time() -> None:
    html = article('<p class="meta"><time datetime="2024-05-02T09:30:00-04:00">May 2</time></p>')
    assert parse_one(html).published == "2024-05-02T13:30:00Z"


def test_byline_element_gives_authors_and_is_not_a_paragraph() -> None:
    html = page(
        '<article><h1>Harbour wall to be rebuilt</h1><p class="byline">By Ann Lee and Bo Chen'
        f"</p><p>{PARAGRAPH}</p><p>{SECOND}</p></article>"
    )
    story = parse_one(html)
    assert story.authors == ("Ann Lee", "Bo Chen")
    assert story.paragraphs == (PARAGRAPH, SECOND)


def test_byline_text_leaves_out_comments_and_scripts() -> None:
    html = article(
        '<span itemprop="author">By <!-- the desk -->Ann Lee<script>var ad = "Bo Chen";</script>'
        "</span>"
    )
    assert parse_one(html).authors == ("Ann Lee",)


@pytest.mark.parametrize("html", [f"<p>{PARAGRAPH}</p>", f"<div><p>{PARAGRAPH}</p></div>"])
def test_a_bare_fragment_of_html_is_still_read(html: str) -> None:
    # trafilatura refuses a tree this small that does not say it is HTML; our reader reads it.
    assert parse_one(html).paragraphs == (PARAGRAPH,)


def test_rel_author_link_names_the_author() -> None:
    html = article('<p>Reporting by <a rel="author" href="/staff/ann">Ann Lee</a>.</p>')
    assert parse_one(html).authors == ("Ann Lee",)


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Ann Lee and Bo Chen", ["Ann Lee", "Bo Chen"]),
        ("by: Ann Lee, Bo Chen & Cy Dee", ["Ann Lee", "Bo Chen", "Cy Dee"]),
        ("Dan Goodin - Apr 16, 2015 8:02 pm UTC", ["Dan Goodin"]),
        ("Bradley M. Kuhn (http://ebb.org/bkuhn/)", ["Bradley M. Kuhn"]),
        ("Updated 2 hours ago", []),
    ],
)
def test_byline_names(byline: str, names: list[str]) -> None:
    assert byline_names(byline) == names


def test_age_text_dates_a_page_without_a_timestamp() -> None:
    html = article('<p class="timestamp">3 hours ago</p>')
    story = parse_one(html)
    assert story.age == "3 hours ago"
    assert story.published == "2025-08-08T09:00:00Z"


def test_no_date_means_no_published_time() -> None:
    assert parse_one(article()).published is None


# Body: boilerplate out, structure kept


def test_boilerplate_is_removed() -> None:
    html = page(
        '<div class="cookie-banner">We use cookies to improve your experience. Accept all?</div>'
        '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        "<script>var tracking = 'secret';</script><style>p { color: red }</style>"
        "<main><article><h1>Harbour wall to be rebuilt</h1>"
        '<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>'
        f"<p>{PARAGRAPH}</p>"
        '<div class="ad-slot">Advertisement</div>'
        f"<p>{SECOND}</p>"
        '<div class="newsletter-signup"><p>Sign up for our morning briefing, delivered free '
        "to your inbox every day of the week.</p></div>"
        f"<p>{THIRD}</p>"
        '<section class="comments"><h2>Comments</h2><p>Great article, thanks for writing it, '
        "I learned a lot about the harbour and its history.</p></section>"
        "</article>"
        '<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Storm closes '
        'quay</a></li><li><a href="/b">Ferry timetable changes</a></li></ul></aside>'
        '<div class="most-read"><h2>Most read</h2><ol><li><a href="/c">Celebrity news item'
        "</a></li></ol></div></main>"
        "<footer><p>© 2024 Coast News. All rights reserved. Contact us.</p></footer>"
    )
    story = parse_one(html)
    assert story.paragraphs == (PARAGRAPH, SECOND, THIRD)


def test_lists_and_subheadings_stay_in_order() -> None:
    html = article(
        "<h2>What happens next</h2><ul><li>Survey the wall in June</li>"
        "<li>Close the quay for a fortnight</li></ul><h3>Costs</h3>"
    )
    story = parse_one(html)
    assert story.paragraphs == (
        PARAGRAPH,
        SECOND,
        "What happens next",
        "• Survey the wall in June",
        "• Close the quay for a fortnight",
        "Costs",
        THIRD,
    )


def test_captions_go_to_captions_not_paragraphs() -> None:
    html = article(
        '<figure><img src="wall.jpg" alt=""><figcaption>The breached wall in January.'
        "</figcaption></figure>"
    )
    story = parse_one(html)
    assert story.captions == ("The breached wall in January.",)
    assert story.paragraphs == (PARAGRAPH, SECOND, THIRD)


def test_headline_is_not_repeated_in_the_body() -> None:
    head = '<meta property="og:title" content="Harbour wall to be rebuilt">'
    assert parse_one(article(head=head)).paragraphs[0] == PARAGRAPH


def test_text_in_divs_and_line_breaks_is_read() -> None:
    html = page(f'<div id="story-text">{PARAGRAPH}<br><br>{SECOND}</div>')
    assert parse_one(html).paragraphs == (PARAGRAPH, SECOND)


# Pages with nothing to read


@pytest.mark.parametrize(
    "html",
    [
        "<html></html>",
        "<html><body></body></html>",
        page('<nav><a href="/">Home</a></nav><footer>© 2024</footer>'),
        page("<script>document.write('hello world, this is not an article at all')</script>"),
    ],
)
def test_page_without_an_article_is_a_dump_error(html: str) -> None:
    with pytest.raises(DumpError) as caught:
        parse_html(html, "empty.html", CAPTURED)
    assert caught.value.reason == "HTML page with no article"
    assert caught.value.name == "empty.html"


def test_deeply_nested_page_never_raises_recursion_error() -> None:
    depth = 5000
    html = page("<div>" * depth + f"<p>{PARAGRAPH}</p><p>{SECOND}</p>" + "</div>" * depth)
    try:
        stories, _ = parse_html(html, "deep.html", CAPTURED)
    except DumpError:
        return
    assert stories[0].paragraphs == (PARAGRAPH, SECOND)


def test_deep_unclosed_inline_markup_is_read() -> None:
    html = page("<span><b><i>" * 3000 + PARAGRAPH)
    assert parse_one(html).paragraphs == (PARAGRAPH,)


# Hostile text


def test_markup_like_text_is_kept_literal_and_escapes_are_stripped() -> None:
    head = '<meta property="og:title" content="[bold]Harbour[/bold] \x1b[2Jwall">'
    html = article(
        head=head, extra=f"<p>[red]Alarm[/red] \x1b[2J\x1b]0;pwned\x07{PARAGRAPH}\u202e</p>"
    )
    story = parse_one(html)
    assert story.title == "[bold]Harbour[/bold] wall"
    assert f"[red]Alarm[/red] {PARAGRAPH}" in story.paragraphs
    every = [story.title, story.source, *story.paragraphs, *story.authors, *story.captions]
    assert not any(ch in text for text in every for ch in "\x1b\x07\u202e")


def test_entities_are_decoded_once() -> None:
    html = article(extra="<p>Fish &amp; chips cost &pound;5 &lt;b&gt;today&lt;/b&gt;.</p>")
    assert "Fish & chips cost £5 <b>today</b>." in parse_one(html).paragraphs


# Quality guard on real pages


def test_reference_pages_keep_their_f1() -> None:
    pages = load_pages(FIXTURES / "reference")
    assert len(pages) >= 10
    results = run(pages, SINGLE["newsreader"])
    report = row("newsreader", results)
    low = [
        (x.page.name, round(shingle_prf([shingle_page(x.page.expected, x.extracted.body)])[2], 3))
        for x in results
    ]
    assert report.f1 >= REFERENCE_F1_FLOOR, low


def test_a_page_with_too_many_elements_is_refused_before_parsing() -> None:
    from newsreader.dumps.html import MAX_ELEMENTS

    page = "<html><body>" + "<div><p>x</p></div>" * (MAX_ELEMENTS // 2 + 1) + "</body></html>"
    with pytest.raises(DumpError, match="too complex"):
        parse_html(page, "huge.html", datetime(2026, 11, 20, tzinfo=UTC))
