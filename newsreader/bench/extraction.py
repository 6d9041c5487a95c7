"""Measure HTML article extraction against pages with reference text: token F1 and time per page.

Run `python -m newsreader.bench.extraction` from a source checkout. Each folder under
tests/fixtures/html/reference holds a saved page (`source.html`) and the text of its article body
(`expected.txt`). Scoring follows the article-extraction-benchmark: the words (`\\w+`) of the
extracted and the reference body are cut into 4-word shingles, true/false positives and false
negatives are counted per page and normalised so that long pages weigh no more than short ones,
precision and recall are averaged over the pages and F1 is taken from the two averages.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bs4 import BeautifulSoup

from newsreader.dumps.html import parse_html
from newsreader.errors import DumpError

_REFERENCE = Path("tests") / "fixtures" / "html" / "reference"
# Next to the source checkout; from the working directory when newsreader runs installed.
REFERENCE_DIR = next(
    (
        base / _REFERENCE
        for base in (Path(__file__).resolve().parents[2], Path.cwd())
        if (base / _REFERENCE).is_dir()
    ),
    _REFERENCE,
)
_CAPTURED_AT = datetime(2026, 1, 1, tzinfo=UTC)
_WORD = re.compile(r"\w+")

Extractor = Callable[[str], str]


@dataclass(frozen=True)
class Page:
    """One reference page: its name, saved HTML and expected body text."""

    name: str
    html: str
    expected: str


@dataclass(frozen=True)
class PageScore:
    """How one extractor did on one page."""

    name: str
    precision: float
    recall: float
    f1: float
    ms: float


@dataclass(frozen=True)
class Report:
    """An extractor's scores over the reference set."""

    extractor: str
    shingle: int
    pages: tuple[PageScore, ...]

    @property
    def precision(self) -> float:
        """Mean precision over the pages."""
        return statistics.fmean(page.precision for page in self.pages)

    @property
    def recall(self) -> float:
        """Mean recall over the pages."""
        return statistics.fmean(page.recall for page in self.pages)

    @property
    def f1(self) -> float:
        """F1 of the mean precision and the mean recall (the benchmark's definition)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def median_ms(self) -> float:
        """Median milliseconds per page."""
        return statistics.median(page.ms for page in self.pages)


def load_pages(folder: Path = REFERENCE_DIR) -> list[Page]:
    """The reference pages under `folder`, in name order."""
    pages = []
    for page_dir in sorted(path for path in folder.iterdir() if path.is_dir()):
        source, expected = page_dir / "source.html", page_dir / "expected.txt"
        if source.is_file() and expected.is_file():
            html = source.read_text(encoding="utf-8")
            pages.append(Page(page_dir.name, html, expected.read_text(encoding="utf-8")))
    return pages


def newsreader_body(html: str) -> str:
    """The main story's paragraphs as newsreader extracts them from `html`."""
    try:
        stories, _ = parse_html(html, "page.html", _CAPTURED_AT)
    except DumpError:
        return ""
    return "\n".join(stories[0].paragraphs)


def all_paragraphs(html: str) -> str:
    """The baseline: the text of every `<p>` on the page."""
    soup = BeautifulSoup(html, "html.parser")
    return "\n".join(p.get_text(" ") for p in soup.find_all("p"))


def trafilatura_body(html: str) -> str:
    """trafilatura's main text (only when it is installed; it is not a dependency)."""
    import trafilatura  # type: ignore[import-not-found, unused-ignore]

    text = trafilatura.extract(html, include_comments=False, include_tables=True)
    return str(text or "")


EXTRACTORS: dict[str, Extractor] = {
    "newsreader": newsreader_body,
    "all-p": all_paragraphs,
    "trafilatura": trafilatura_body,
}


def shingle_counts(text: str, size: int) -> Counter[tuple[str, ...]]:
    """The multiset of `size`-word shingles of `text` (one shingle for shorter texts)."""
    words = _WORD.findall(text)
    return Counter(tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1)))


def score(expected: str, extracted: str, size: int = 4) -> tuple[float, float, float]:
    """Precision, recall and F1 of `extracted` against `expected`, over word shingles."""
    truth, found = shingle_counts(expected, size), shingle_counts(extracted, size)
    truth.pop((), None)
    found.pop((), None)
    tp = sum((truth & found).values())
    fp = sum((found - truth).values())
    fn = sum((truth - found).values())
    precision = 1.0 if fp == fn == 0 else (tp / (tp + fp) if tp + fp else 0.0)
    recall = 1.0 if fp == fn == 0 else (tp / (tp + fn) if tp + fn else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(
    pages: Sequence[Page], extractor: str = "newsreader", size: int = 4, runs: int = 3
) -> Report:
    """Run `extractor` over `pages`; time each page as the best of `runs` runs."""
    extract = EXTRACTORS[extractor]
    scores = []
    for page in pages:
        timings, text = [], ""
        for _ in range(max(1, runs)):
            start = time.perf_counter()
            text = extract(page.html)
            timings.append((time.perf_counter() - start) * 1000)
        p, r, f = score(page.expected, text, size)
        scores.append(PageScore(page.name, p, r, f, min(timings)))
    return Report(extractor, size, tuple(scores))


def format_report(report: Report, per_page: bool = False) -> str:
    """A report as text: optionally one line a page, then the totals."""
    lines = []
    if per_page:
        for page in report.pages:
            lines.append(
                f"  {page.name:<24} P {page.precision:.3f}  R {page.recall:.3f}"
                f"  F1 {page.f1:.3f}  {page.ms:7.1f} ms"
            )
    lines.append(
        f"{report.extractor:<12} {report.shingle}-word shingles, {len(report.pages)} pages:"
        f" precision {report.precision:.3f}  recall {report.recall:.3f}  F1 {report.f1:.3f}"
        f"  median {report.median_ms:.1f} ms/page"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print body precision, recall, F1 and time per page for the chosen extractors."""
    parser = argparse.ArgumentParser(prog="python -m newsreader.bench.extraction")
    parser.add_argument("--fixtures", type=Path, default=REFERENCE_DIR)
    parser.add_argument(
        "--extractor", action="append", choices=sorted(EXTRACTORS), help="repeatable"
    )
    parser.add_argument("--pages", action="store_true", help="one line per page")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per page, best kept")
    args = parser.parse_args(argv)
    pages = load_pages(args.fixtures)
    if not pages:
        parser.error(f"no reference pages under {args.fixtures}")
    for name in args.extractor or ["newsreader", "all-p"]:
        try:
            reports = [evaluate(pages, name, size, args.runs) for size in (4, 1)]
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        print(format_report(reports[0], per_page=args.pages))
        print(format_report(reports[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
