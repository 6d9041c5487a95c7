"""A saved page parsed once by lxml, and the few ways the readers search it.

beautifulsoup4 cost ~30 ms a page on top of trafilatura's own lxml parse; one lxml tree, shared
by the metadata, the aggregator check and trafilatura, costs a few (docs/extraction.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from lxml.html import (  # type: ignore[import-untyped, unused-ignore]
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)

from newsreader.sanitize import clean_text

# trafilatura's parser settings. Its class lookup is lxml.html's, which picks a form element's
# class in Python for every element touched (~5 ms a page); one class for all is looked up in C.
_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
# Text inside these is code or style, never words a reader sees.
_NOT_TEXT = frozenset({"script", "style", "template"})


@dataclass(frozen=True)
class Parsed:
    """A page's lxml tree, and whether trafilatura's `load_html` would take it for a document."""

    root: Any
    document: bool


def parse_tree(html: str) -> Parsed | None:
    """`html` as an lxml tree (as trafilatura's `load_html` makes it), None if lxml reads none."""
    from trafilatura.utils import (  # type: ignore[import-not-found, unused-ignore]
        is_dubious_html,
        repair_faulty_html,
    )

    # Control characters are cleaned first: lxml drops the text around one it cannot hold.
    text = clean_text(html)
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    tree = None
    try:
        tree = fromstring(text, parser=_PARSER)
    except ValueError:  # a string that declares its encoding: lxml wants bytes then
        pass
    except etree.LxmlError:
        return None
    if tree is None or len(tree) < 1:
        try:
            tree = fromstring(text.encode("utf-8", "surrogatepass"), parser=_PARSER)
        except (ValueError, etree.LxmlError):
            return None
    if not isinstance(tree, HtmlElement):
        return None
    # trafilatura refuses a tree of under two elements that does not say it is HTML; our own
    # reader may still read it, as it did before the tree was shared.
    return Parsed(tree, not (is_dubious_html(beginning) and len(tree) < 2))


def elements(root: Any, tag: str | None = None) -> Iterator[Any]:
    """Every element under `root` (itself included), of `tag` if given, in document order."""
    for element in root.iter(tag) if tag else root.iter():
        if isinstance(element.tag, str):
            yield element


def with_attribute(
    root: Any, name: str, pattern: re.Pattern[str] | None = None, tag: str | None = None
) -> Iterator[Any]:
    """The elements (of `tag`) with attribute `name`, its value matching `pattern` if given."""
    # XPath finds the elements holding the attribute in C; a walk in Python costs ~10× more.
    for element in root.xpath(f"descendant-or-self::{tag or '*'}[@{name}]"):
        if pattern is None or pattern.search(element.get(name)):
            yield element


def text_of(element: Any) -> str:
    """The element's text, its pieces joined by spaces, code and comments left out."""
    parts: list[str] = []
    _collect(element, parts)
    return " ".join(parts)


def _collect(element: Any, parts: list[str]) -> None:
    if isinstance(element.tag, str) and element.tag not in _NOT_TEXT and element.text:
        parts.append(element.text)
    for child in element:
        _collect(child, parts)
        if child.tail:
            parts.append(child.tail)


def hidden(element: Any) -> bool:
    """Whether the page hides `element` from its readers."""
    if element.get("hidden") is not None or (element.get("aria-hidden") or "").lower() == "true":
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style
