"""An article's body in a saved page: the best-scoring container's paragraphs, minus boilerplate."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement

from newsreader.sanitize import clean_line

# Code, media and page machinery: never text, whatever the page.
# fmt: off
NON_TEXT_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "source", "head", "link", "meta", "dialog"
})
# fmt: on
# Never text a reader of the article wants: removed before anything is scored.
_DROP_TAGS = NON_TEXT_TAGS | {"form", "button", "input", "select", "textarea", "label", "nav"}
# Class and id hints, as in Readability: a container named like this is article or boilerplate.
_POSITIVE = re.compile(r"article|content|story|body|post|entry|main|text|blog|column", re.I)
_NEGATIVE = re.compile(
    r"comment|share|social|related|promo|\bads?\b|\bad-|-ad\b|advert|newsletter|subscri|cookie"
    r"|consent|gdpr|footer|nav|sidebar|most-?read|popular|trending|menu|breadcrumb|banner"
    r"|sponsor|outbrain|taboola|recommend|signup|sign-up|login|paywall|masthead|toolbar"
    r"|skip-link|pagination|pager|popup|modal|widget|tags|bio\b|byline|signature|meta",
    re.I,
)
# Removed outright unless a positive hint says otherwise: these are never the article.
_UNLIKELY = re.compile(
    r"comment|share|social|related|promo|\bads?\b|\bad-|-ad\b|advert|newsletter|subscri|cookie"
    r"|consent|gdpr|footer|sidebar|most-?read|popular|trending|menu|breadcrumb|sponsor"
    r"|outbrain|taboola|recommend|signup|login|paywall|popup|modal|skip-link|pagination",
    re.I,
)
_KEEP_ALWAYS = frozenset({"html", "body", "article", "main"})
# Elements that start and end a block of text, as a browser lays them out.
# fmt: off
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr",
    "td", "th", "ul"
})
# fmt: on
_SCORED = frozenset({"p", "pre", "td"})
_LEAF_SCORED = frozenset({"div", "section", "article"})
_TAG_BASE = {
    "div": 5, "article": 5, "section": 3, "main": 3, "pre": 3, "td": 3, "blockquote": 3,
    "address": -3, "ol": -3, "ul": -3, "dl": -3, "dd": -3, "dt": -3, "li": -3,
    "h1": -5, "h2": -5, "h3": -5, "h4": -5, "h5": -5, "h6": -5, "th": -5,
}  # fmt: skip
_CONDITIONAL = frozenset({"div", "section", "ul", "ol", "table", "aside", "header", "footer"})
_CAPTION_CLASS = re.compile(r"caption", re.I)
_COMMAS = re.compile(r"[,،、，]")
_FURNITURE_TEXT = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored|share(?: this(?: story| article)?)?|tweet"
    r"|email|print|read more|continue reading|sign up|subscribe(?: now)?|follow us|comments?"
    r"|\d+ comments?|related(?: articles| stories| content)?|more stories|most (?:read|popular)"
    r"|skip to (?:main )?content|back to top|image|photo|loading\W*)$",
    re.I,
)
_MIN_SCORED_CHARS = 25
_ANCESTOR_LEVELS = 5


@dataclass
class Body:
    """The text of an article's body: paragraphs in reading order and photo captions apart."""

    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)


@dataclass
class _Stats:
    """Text measures of one element's whole subtree."""

    chars: int = 0
    link_chars: int = 0
    commas: int = 0
    has_block: bool = False

    @property
    def link_density(self) -> float:
        """The share of the element's text that sits inside links."""
        return self.link_chars / self.chars if self.chars else 0.0


def extract_body(soup: BeautifulSoup) -> Body | None:
    """Find the article's body in `soup` (which is pruned in place); None if there is none."""
    _prune(soup)
    root = soup.body or soup
    stats = _measure(root)
    roots = _article_roots(root, stats)
    if not roots:
        return None
    body = Body()
    for element in roots:
        _collect(element, stats, body)
    return body if body.paragraphs else None


def hints(tag: Tag) -> str:
    """The element's class names and id, as one string to match hint patterns against."""
    classes = tag.get("class")
    names = classes if isinstance(classes, list) else [str(classes or "")]
    return " ".join([*names, str(tag.get("id") or "")])


def is_hidden(tag: Tag) -> bool:
    """Whether the page hides `tag` from its readers."""
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _prune(soup: BeautifulSoup) -> None:
    """Remove what is never article text: code, forms, hidden parts and unlikely containers."""
    doomed: list[Tag] = []
    for tag in soup.find_all(True):
        if tag.name in _KEEP_ALWAYS or tag.name == "a":
            continue
        if tag.name in _DROP_TAGS or is_hidden(tag):
            doomed.append(tag)
            continue
        names = hints(tag)
        if names.strip() and _UNLIKELY.search(names) and not _POSITIVE.search(names):
            doomed.append(tag)
    for tag in doomed:
        if tag.parent is not None:  # not already gone with an ancestor
            tag.extract()


def _measure(root: Tag) -> dict[int, _Stats]:
    """Text length, link text, commas and block children of every element, bottom-up."""
    stats: dict[int, _Stats] = {}
    stack: list[tuple[Tag, bool]] = [(root, False)]
    while stack:
        tag, done = stack.pop()
        if not done:
            stack.append((tag, True))
            stack.extend((child, False) for child in tag.contents if isinstance(child, Tag))
            continue
        own = _Stats()
        for child in tag.contents:
            if isinstance(child, Tag):
                sub = stats[id(child)]
                own.chars += sub.chars
                own.link_chars += sub.chars if child.name == "a" else sub.link_chars
                own.commas += sub.commas
                own.has_block = own.has_block or child.name in BLOCK_TAGS
            elif isinstance(child, NavigableString) and _is_text(child):
                text = " ".join(child.split())
                own.chars += len(text)
                own.commas += len(_COMMAS.findall(text))
        stats[id(tag)] = own
    return stats


def _article_roots(root: Tag, stats: dict[int, _Stats]) -> list[Tag]:
    """The elements that hold the article, in page order: the best candidate and its kin."""
    scores = _score(root, stats)
    if not scores:
        return [root] if stats[id(root)].chars >= _MIN_SCORED_CHARS * 4 else []
    elements = {id(tag): tag for tag in root.find_all(True)}
    elements[id(root)] = root
    final = {key: score * (1 - stats[key].link_density) for key, score in scores.items()}
    ranked = sorted(final, key=final.__getitem__, reverse=True)
    top = elements[ranked[0]]
    top = _shared_ancestor(top, [elements[key] for key in ranked[1:5]], final)
    # A shared ancestor may hold no paragraph of its own: it scores as its best candidate.
    final.setdefault(id(top), final[ranked[0]])
    top = _climb(top, final)
    return _with_siblings(top, final, stats)


def _score(root: Tag, stats: dict[int, _Stats]) -> dict[int, float]:
    """Readability's content scores: each paragraph's worth shared out among its ancestors."""
    scores: dict[int, float] = {}
    for tag in root.find_all(True):
        measure = stats[id(tag)]
        scored = tag.name in _SCORED or (tag.name in _LEAF_SCORED and not measure.has_block)
        if not scored or measure.chars < _MIN_SCORED_CHARS:
            continue
        worth = 1 + measure.commas + min(measure.chars // 100, 3)
        ancestor = tag.parent
        for level in range(_ANCESTOR_LEVELS):
            if ancestor is None or not isinstance(ancestor, Tag) or ancestor.name == "[document]":
                break
            key = id(ancestor)
            if key not in scores:
                scores[key] = _TAG_BASE.get(ancestor.name, 0) + _class_weight(ancestor)
            scores[key] += worth / (1 if level == 0 else 2 if level == 1 else level * 3)
            if ancestor is root:
                break
            ancestor = ancestor.parent
    return scores


def _class_weight(tag: Tag) -> int:
    """Readability's class weight: +25 for an article-like name, -25 for a boilerplate one."""
    names = hints(tag)
    if not names.strip():
        return 0
    return (25 if _POSITIVE.search(names) else 0) - (25 if _NEGATIVE.search(names) else 0)


def _shared_ancestor(top: Tag, others: list[Tag], final: dict[int, float]) -> Tag:
    """If three of the next-best candidates sit under one ancestor of `top`, take that one."""
    best = final[id(top)]
    close = [tag for tag in others if final[id(tag)] >= 0.75 * best]
    if len(close) < 3:
        return top
    ancestor = top.parent
    while isinstance(ancestor, Tag) and ancestor.name not in ("body", "[document]"):
        inside = sum(1 for tag in close if ancestor in tag.parents)
        if inside >= 3:
            return ancestor
        ancestor = ancestor.parent
    return top


def _climb(top: Tag, final: dict[int, float]) -> Tag:
    """Go up from `top` while the scores rise: more of the article lies beside it."""
    last = final[id(top)]
    threshold = last / 3
    parent = top.parent
    while isinstance(parent, Tag) and parent.name not in ("body", "[document]"):
        if id(parent) in final:
            score = final[id(parent)]
            if score < threshold:
                break
            if score > last:
                return parent
            last = score
        parent = parent.parent
    return top


def _with_siblings(top: Tag, final: dict[int, float], stats: dict[int, _Stats]) -> list[Tag]:
    """`top` with those of its siblings that score well or read as article paragraphs."""
    parent = top.parent
    if not isinstance(parent, Tag):
        return [top]
    best = final[id(top)]
    threshold = max(10.0, best * 0.2)
    top_classes = hints(top)
    roots: list[Tag] = []
    for sibling in parent.contents:
        if not isinstance(sibling, Tag):
            continue
        if sibling is top:
            roots.append(sibling)
            continue
        if _class_weight(sibling) < 0:
            continue
        bonus = best * 0.2 if top_classes.strip() and hints(sibling) == top_classes else 0.0
        if final.get(id(sibling), -1e9) + bonus >= threshold or _reads_as_text(sibling, stats):
            roots.append(sibling)
    return roots


def _reads_as_text(tag: Tag, stats: dict[int, _Stats]) -> bool:
    """Readability's test for a sibling paragraph: long with few links, or a short sentence."""
    if tag.name != "p":
        return False
    measure = stats[id(tag)]
    if measure.chars > 80:
        return measure.link_density < 0.25
    text = tag.get_text()
    return measure.chars > 0 and measure.link_chars == 0 and bool(re.search(r"\.( |$)", text))


def _collect(root: Tag, stats: dict[int, _Stats], body: Body) -> None:
    """Append the blocks of `root` to `body` in reading order, leaving out boilerplate."""
    parts: list[str] = []
    link_chars = 0
    links_open = 0
    kinds: list[str] = ["paragraph"]

    def flush() -> None:
        nonlocal link_chars
        text = clean_line("".join(parts))
        density = link_chars / len(text) if text else 0.0
        parts.clear()
        link_chars = 0
        kind = kinds[-1]
        if not text or kind == "drop":
            return
        if kind == "caption":
            body.captions.append(text)
        elif density <= 0.5 and not _FURNITURE_TEXT.match(text):
            body.paragraphs.append(f"• {text}" if kind == "bullet" else text)

    stack: list[tuple[PageElement, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            assert isinstance(node, Tag)
            if node.name == "a":
                links_open -= 1
                continue
            flush()
            kinds.pop()
            continue
        if isinstance(node, NavigableString):
            if _is_text(node):
                parts.append(str(node))
                if links_open:
                    link_chars += len(" ".join(node.split()))
            continue
        if not isinstance(node, Tag):
            continue
        if node.name == "br":
            parts.append(" ")
            continue
        if node.name in BLOCK_TAGS:
            if node is not root and _is_boilerplate(node, stats):
                continue
            flush()
            kinds.append(_kind(node, kinds[-1]))
            stack.append((node, True))
        elif node.name == "a":
            links_open += 1
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    flush()


def _kind(tag: Tag, outer: str) -> str:
    """How a block's text is kept: as a paragraph, a bullet, a heading, a caption or not at all."""
    if outer == "caption" or tag.name == "figcaption" or _CAPTION_CLASS.search(hints(tag)):
        return "caption"
    if outer == "drop" or tag.name == "figure" or tag.name == "h1":
        return "drop"
    if tag.name == "li" or outer == "bullet":
        return "bullet"
    return "paragraph"


def _is_boilerplate(tag: Tag, stats: dict[int, _Stats]) -> bool:
    """Whether a block inside the article is furniture: asides, link lists, negative names."""
    if tag.name in ("aside", "footer", "nav"):
        return True
    weight = _class_weight(tag)
    if weight < 0:
        return True
    if tag.name not in _CONDITIONAL:
        return False
    measure = stats.get(id(tag))
    if measure is None or measure.chars == 0:
        return False
    if tag.name in ("ul", "ol"):
        return measure.link_density > 0.5
    return measure.link_density > (0.5 if weight >= 25 else 0.33)


def _is_text(node: PageElement) -> bool:
    """Whether `node` is page text, not a comment, doctype or other markup declaration."""
    return type(node) is NavigableString
