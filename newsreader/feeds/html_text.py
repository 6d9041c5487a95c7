"""Feed HTML (entry content, titles) as plain paragraphs: tags dropped, text cleaned."""

from __future__ import annotations

from html.parser import HTMLParser

from newsreader.sanitize import clean_line

# Elements whose start or end closes the paragraph being gathered.
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "hr",
        "dd",
        "dt",
        "dl",
        "aside",
        "main",
        "nav",
        "address",
    ]
)
# Elements whose text is never shown.
_HIDDEN = frozenset(
    ["script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math", "head"]
)


class _Paragraphs(HTMLParser):
    """Collect the text of an HTML fragment, one string per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._parts.append(data)

    def flush(self) -> None:
        """End the paragraph being gathered, if it holds any text."""
        text = clean_line("".join(self._parts))
        if text:
            self.paragraphs.append(text)
        self._parts = []


def html_paragraphs(html: str) -> list[str]:
    """The paragraphs of an HTML fragment as clean plain text (no tags, scripts or escapes)."""
    if "<" not in html and "&" not in html:
        return [line for line in (clean_line(part) for part in html.split("\n\n")) if line]
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.paragraphs


def plain_line(text: str) -> str:
    """Text that may hold HTML (a feed title) as one clean line of plain text."""
    if "<" not in text and "&" not in text:
        return clean_line(text)
    return " ".join(html_paragraphs(text))
