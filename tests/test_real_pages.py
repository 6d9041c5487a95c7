"""Real article pages through the real `newsreader import`: none stops it, all read well.

The 20-page sample in tests/fixtures/wcxb always runs; the whole 300-page set runs too when it is
next to the checkout (../shared/eval/wcxb-articles) or named by $NEWSREADER_EXTRACTION_SET.
The figures of what the library stored must be at least trafilatura's (the best library
measured, docs/extraction.md) on the same pages.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from newsreader.bench.extraction import Page, Result, default_set, load_set, row, run
from newsreader.bench.extraction_candidates import Extracted, trafilatura_page
from newsreader.dumps.html_body import extract_body
from newsreader.library import Library

SAMPLE = Path(__file__).parent / "fixtures" / "wcxb"
_REJECTED = re.compile(r"^newsreader: rejected (\S+): (.+)$", re.MULTILINE)
# The headline repeated at the top of the body is dropped on purpose (it is shown as the title);
# on the whole set that loses one must-have snippet of 1,369 (page 0224), trafilatura keeps it.
_ALLOWED = {"snippet_recall": 0.002}
_KEY_ERROR_PAGES = ("0097", "0138", "0339", "0350")  # raised KeyError in _climb


def _sets() -> list[Path]:
    full = default_set()
    return [SAMPLE, full] if full.is_dir() else [SAMPLE]


@pytest.fixture(scope="module", params=_sets(), ids=lambda path: path.name)
def imported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[Page], subprocess.CompletedProcess[str], Path]:
    """The set's pages written out as .html files and imported by the installed command."""
    pages = load_set(request.param)
    folder = tmp_path_factory.mktemp("pages")
    for page in pages:  # the saved bytes, in the page's own charset
        saved = request.param / f"{page.name}.html.gz"
        (folder / f"{page.name}.html").write_bytes(gzip.decompress(saved.read_bytes()))
    db = folder.parent / f"{folder.name}-library"
    newsreader = Path(sys.executable).with_name("newsreader")
    result = subprocess.run(
        [str(newsreader), "--db", str(db), "import", str(folder)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    return pages, result, db


def test_every_page_is_read_or_rejected_with_a_reason(
    imported: tuple[list[Page], subprocess.CompletedProcess[str], Path],
) -> None:
    pages, result, db = imported
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1)
    rejected = {Path(name).stem: reason for name, reason in _REJECTED.findall(result.stderr)}
    assert all(reason.strip() for reason in rejected.values())
    assert "internal error" not in result.stderr
    library = Library(db)
    try:
        read = {Path(library.story(meta.id).dump).stem for meta in library.stories}
    finally:
        library.close()
    assert read | set(rejected) == {page.name for page in pages}
    # Every page of the set holds an article: none may be rejected.
    assert rejected == {}


def test_what_the_library_holds_reads_as_well_as_trafilatura(
    imported: tuple[list[Page], subprocess.CompletedProcess[str], Path],
) -> None:
    pages, _, db = imported
    library = Library(db)
    try:
        stored = {}
        for meta in library.stories:
            story = library.story(meta.id)
            stored[Path(story.dump).stem] = Extracted(
                story.title,
                story.authors,
                story.published,
                "\n".join(story.paragraphs),
                url=story.url,
            )
    finally:
        library.close()
    ours = row("newsreader", [Result(p, stored.get(p.name, Extracted()), 0.0) for p in pages])
    theirs = row("trafilatura", run(pages, trafilatura_page))
    figures = (
        "f1",
        "bow_f1",
        "snippet_recall",
        "snippet_precision",
        "title",
        "author",
        "date",
        "url",
    )
    below = {
        name: (round(getattr(ours, name), 3), round(getattr(theirs, name), 3))
        for name in figures
        if getattr(ours, name) < getattr(theirs, name) - _ALLOWED.get(name, 0.0005)
    }
    assert below == {}


@pytest.mark.parametrize("page_id", _KEY_ERROR_PAGES)
def test_pages_that_made_the_fallback_reader_raise_no_longer_do(page_id: str) -> None:
    html = gzip.decompress((SAMPLE / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
    body = extract_body(BeautifulSoup(html, "html.parser"))  # raised KeyError before
    assert body is None or all(paragraph.strip() for paragraph in body.paragraphs)
