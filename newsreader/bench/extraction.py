"""Measure HTML article extraction on real pages: body, snippets, metadata and time, side by side.

`python -m newsreader.bench.extraction [FOLDER]` reads the WCXB article pages (`NNNN.html.gz`
with `NNNN.json`; by default `../shared/eval/wcxb-articles` next to the checkout, or
`$NEWSREADER_EXTRACTION_SET`), runs every extractor once per page in one run, and prints one
table for all pages, one for the odd ids (the half rules may be tuned on) and one for the even
ids (held out). Combinations are built from the single extractors' results; their time is the
sum of their parts'. `--fixtures DIR` scores the body alone on a folder of `source.html` /
`expected.txt` pairs (tests/fixtures/html/reference).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from newsreader.bench import extraction_scores as scores
from newsreader.bench.extraction_candidates import SINGLE, Extracted, combined, vote
from newsreader.dumps.decode import decode_bytes
from newsreader.dumps.html_meta import people

_CHECKOUT = Path(__file__).resolve().parents[2]
_SET_PARTS = ("shared", "eval", "wcxb-articles")
REFERENCE_DIR = _CHECKOUT / "tests" / "fixtures" / "html" / "reference"


def default_set() -> Path:
    """Where the WCXB pages are: the environment's choice, else ../shared/eval next to us."""
    chosen = os.environ.get("NEWSREADER_EXTRACTION_SET")
    if chosen:
        return Path(chosen)
    for base in (_CHECKOUT.parent, _CHECKOUT.parent.parent, Path.cwd().parent):
        if base.joinpath(*_SET_PARTS).is_dir():
            return base.joinpath(*_SET_PARTS)
    return _CHECKOUT.parent.joinpath(*_SET_PARTS)


@dataclass(frozen=True)
class Page:
    """One page with its reference: body, snippets that must and must not be in it, metadata."""

    name: str
    html: str
    expected: str
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None


def load_set(folder: Path, limit: int | None = None) -> list[Page]:
    """The WCXB pages under `folder`, in id order."""
    pages = []
    for reference in sorted(folder.glob("*.json"))[:limit]:
        source = reference.with_name(reference.stem + ".html.gz")
        if not source.is_file():
            continue
        data = json.loads(reference.read_text(encoding="utf-8"))
        html = decode_bytes(gzip.decompress(source.read_bytes()), source.name)
        pages.append(
            Page(
                reference.stem,
                html,
                data.get("body") or "",
                tuple(data.get("with") or ()),
                tuple(data.get("without") or ()),
                data.get("title"),
                data.get("author"),
                data.get("published"),
                data.get("url"),
            )
        )
    return pages


def load_pages(folder: Path = REFERENCE_DIR) -> list[Page]:
    """The `source.html` / `expected.txt` pairs under `folder` (body reference only)."""
    pages = []
    for page_dir in sorted(path for path in folder.iterdir() if path.is_dir()):
        source, expected = page_dir / "source.html", page_dir / "expected.txt"
        if source.is_file() and expected.is_file():
            html = source.read_text(encoding="utf-8")
            pages.append(Page(page_dir.name, html, expected.read_text(encoding="utf-8")))
    return pages


@dataclass(frozen=True)
class Result:
    """One extractor's reading of one page and how long it took."""

    page: Page
    extracted: Extracted
    ms: float


@dataclass(frozen=True)
class Row:
    """One line of the table: an extractor's figures over a set of pages."""

    name: str
    pages: int
    f1: float
    precision: float
    recall: float
    bow_f1: float
    snippet_recall: float
    snippet_precision: float
    title: float
    author: float
    date: float
    url: float
    median_ms: float
    errors: int
    empty: int


def run(pages: Sequence[Page], extract: Callable[[str], Extracted], runs: int = 1) -> list[Result]:
    """`extract` over `pages`, each timed as the best of `runs` runs."""
    results = []
    for page in pages:
        timings, extracted = [], Extracted()
        for _ in range(max(1, runs)):
            start = time.process_time()
            extracted = extract(page.html)
            timings.append((time.process_time() - start) * 1000)
        results.append(Result(page, extracted, min(timings)))
    return results


def row(name: str, results: Sequence[Result]) -> Row:
    """The figures of one extractor's results."""
    counts = [scores.shingle_page(r.page.expected, r.extracted.body) for r in results]
    p, r, f1 = scores.shingle_prf(counts)
    snippet = [
        scores.snippets(x.extracted.body, x.page.must, x.page.must_not)
        for x in results
        if x.page.must or x.page.must_not
    ]

    def share(test: Callable[[Result], bool]) -> float:
        return statistics.fmean(test(x) for x in results) if results else 0.0

    return Row(
        name=name,
        pages=len(results),
        f1=f1,
        precision=p,
        recall=r,
        bow_f1=statistics.fmean(
            scores.bag_of_words_f1(x.page.expected, x.extracted.body) for x in results
        )
        if results
        else 0.0,
        snippet_recall=statistics.fmean(s[0] for s in snippet) if snippet else 0.0,
        snippet_precision=statistics.fmean(s[1] for s in snippet) if snippet else 0.0,
        title=share(lambda x: scores.same_title(x.page.title or "", x.extracted.title)),
        author=share(lambda x: scores.same_authors(x.page.author, x.extracted.authors)),
        date=share(lambda x: scores.same_date(x.page.published, x.extracted.published)),
        url=share(lambda x: scores.same_url(x.page.url, x.extracted.url)),
        median_ms=statistics.median(x.ms for x in results) if results else 0.0,
        errors=sum(1 for x in results if x.extracted.error and not x.extracted.body),
        empty=sum(1 for x in results if not x.extracted.body.strip()),
    )


def combinations(single: dict[str, list[Result]]) -> dict[str, list[Result]]:
    """Combined candidates built page by page from the single extractors' results."""
    if "trafilatura" not in single or "own reader" not in single:
        return {}
    traf, own = single["trafilatura"], single["own reader"]

    def merge(make: Callable[[Extracted, Extracted], Extracted]) -> list[Result]:
        return [
            Result(t.page, make(t.extracted, o.extracted), t.ms + o.ms)
            for t, o in zip(traf, own, strict=True)
        ]

    def as_people(t: Extracted, _: Extracted) -> Extracted:
        return replace(t, authors=people(t.authors))

    return {
        "trafilatura, authors as people": merge(as_people),
        "own body + trafilatura meta": merge(lambda t, o: combined(o, t)),
        "trafilatura body + own meta": merge(lambda t, o: combined(t, o)),
        "vote: trafilatura ∩ own body": merge(vote),
    }


def format_table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table."""
    head = (
        "| extractor | pages | body F1 (P / R) | bag-of-words F1 | snippets R / P "
        "| title | author | date | URL | median ms | no body |"
    )
    lines = [head, "|" + "---|" * 11]
    for x in rows:
        lines.append(
            f"| {x.name} | {x.pages} | {x.f1:.3f} ({x.precision:.3f} / {x.recall:.3f}) "
            f"| {x.bow_f1:.3f} | {x.snippet_recall:.3f} / {x.snippet_precision:.3f} "
            f"| {x.title:.3f} | {x.author:.3f} | {x.date:.3f} | {x.url:.3f} | {x.median_ms:.0f} "
            f"| {x.empty} ({x.errors} errors) |"
        )
    return "\n".join(lines)


def tables(results: dict[str, list[Result]]) -> str:
    """All pages, the odd ids (tuning half) and the even ids (held out), one table each."""
    out = []
    halves: tuple[tuple[str, Callable[[Page], bool]], ...] = (
        ("all pages", lambda page: True),
        ("odd ids (tuning half)", lambda page: _odd(page)),
        ("even ids (held out)", lambda page: not _odd(page)),
    )
    for title, keep in halves:
        rows = [row(name, [x for x in found if keep(x.page)]) for name, found in results.items()]
        out.append(f"### {title}\n\n{format_table(rows)}\n")
    return "\n".join(out)


def _odd(page: Page) -> bool:
    return page.name.isdigit() and int(page.name) % 2 == 1


def main(argv: Sequence[str] | None = None) -> int:
    """Print the side-by-side tables for the chosen extractors over the chosen pages."""
    parser = argparse.ArgumentParser(prog="python -m newsreader.bench.extraction")
    parser.add_argument("folder", nargs="?", type=Path, help="the WCXB pages")
    parser.add_argument("--fixtures", type=Path, help="a folder of source.html/expected.txt")
    parser.add_argument("--extractor", action="append", choices=sorted(SINGLE), help="repeatable")
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--runs", type=int, default=1, help="timed runs per page, best kept")
    parser.add_argument("--pages", action="store_true", help="one line per page and extractor")
    args = parser.parse_args(argv)
    if args.fixtures:
        pages = load_pages(args.fixtures)
    else:
        folder = args.folder or default_set()
        if not folder.is_dir():
            parser.error(f"{folder}: no such folder (give the WCXB pages' folder)")
        pages = load_set(folder, args.limit)
    if not pages:
        parser.error("no pages with a reference found")
    results: dict[str, list[Result]] = {}
    for name in args.extractor or list(SINGLE):
        try:
            results[name] = run(pages, SINGLE[name], args.runs)
        except ImportError:
            print(f"{name}: not installed, skipped")
    results.update(combinations(results))
    if args.pages:
        for name, found in results.items():
            for x in found:
                counts = scores.shingle_page(x.page.expected, x.extracted.body)
                _, _, f1 = scores.shingle_prf([counts])
                print(
                    f"{name:<36} {x.page.name:<10} F1 {f1:.3f} {x.ms:6.0f} ms {x.extracted.error}"
                )
    print(f"{len(pages)} pages\n")
    print(tables(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
