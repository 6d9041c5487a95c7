"""A saved article's metadata: title, source, authors, publication time and canonical address."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from newsreader.dumps.ages import iso_utc, published_from_age, split_source_age
from newsreader.dumps.html_tree import elements, text_of, with_attribute
from newsreader.sanitize import clean_line

_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|NewsArticle|Report|Posting", re.I)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")
_BY = re.compile(
    r"^(?:(?:written|posted|reviewed|edited|published|words|story)\s+)?"
    r"(?:by|from|von|par|por|door|di)\s*:?\s+",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b)\s*", re.I)
# A byline often goes on with a date, a role or a place after one of these.
_BYLINE_END = re.compile(r"\s+(?:[-|•·—–]|\bon\b|\bupdated\b|\bpublished\b)\s+.*$", re.I)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_MAX_NAME_WORDS = 5
# What a byline names beside people: honorifics, credentials, roles and organisations.
_HONORIFIC = re.compile(r"^(?:dr|prof|mr|mrs|ms|mx|sir)\.?\s+", re.I)
_CREDENTIAL = re.compile(r"^(?:[A-Z][A-Z.\-]{1,7}|Ph\.?\s?D\.?|M\.?D\.?|Jr\.?|Sr\.?)$")
_ROLE_WORDS = frozenset(
    [
        "former",
        "senior",
        "chief",
        "managing",
        "executive",
        "associate",
        "contributing",
        "staff",
        "editor",
        "editors",
        "writer",
        "reporter",
        "correspondent",
        "columnist",
        "consultant",
        "contributor",
        "author",
        "founder",
        "ceo",
        "director",
        "manager",
        "producer",
        "photographer",
    ]
)
_ORGANISATION_WORDS = frozenset(
    [
        "team",
        "staff",
        "desk",
        "newsroom",
        "news",
        "university",
        "college",
        "clinic",
        "inc",
        "llc",
        "ltd",
        "studio",
        "studios",
        "media",
        "group",
        "press",
        "magazine",
        "blog",
        "editorial",
        "company",
        "corporation",
        "agency",
        "institute",
        "admin",
    ]
)
_NAME_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "la",
        "le",
        "bin",
        "al",
        "el",
        "y",
        "e",
    ]
)
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "pubdate",
    "publishdate", "publish-date", "date", "dc.date.issued", "dcterms.created", "sailthru.date",
    "parsely-pub-date", "article.published",
)  # fmt: skip
_LINK = re.compile(r"https?://", re.I)
_HEADLINE = re.compile(r"\bheadline\b", re.I)
_AGE_HINT = re.compile(r"date|time|age|ago|stamp|posted|published", re.I)
_JSON_LD = re.compile(r"ld\+json", re.I)
_AUTHOR = re.compile(r"\bauthor\b")
_BYLINE_CLASS = re.compile(r"\b(?:byline|author|by-line|writer)\b", re.I)


@dataclass(frozen=True)
class Meta:
    """What a page says about its article, each part cleaned and possibly empty."""

    title: str = ""
    source: str = ""
    authors: tuple[str, ...] = ()  # as the page's metadata (JSON-LD, meta tags) names them
    page_authors: tuple[str, ...] = ()  # from byline elements, when the metadata names nobody
    published: str | None = None
    age: str = ""
    url: str | None = None


def read_meta(root: Any, captured_at: datetime) -> Meta:
    """Read an article's metadata from the page's lxml tree, before anything prunes it."""
    metas = _meta_values(root)
    ld = _json_ld_article(root)
    url = _url(root, metas, ld)
    source = _source(metas, ld, root, url)
    title = _title(root, metas, ld, source)
    published = _published(root, metas, ld)
    age = "" if published else _age(root)
    if age:
        published = published_from_age(age, captured_at)
    return Meta(
        title=title,
        source=source,
        authors=(authors := _authors(metas, ld)),
        page_authors=() if authors else tuple(_byline_elements(root)),
        published=published,
        age=age,
        url=url,
    )


def byline_names(text: str) -> list[str]:
    """The people named in a byline such as `By Ann Lee and Bo Chen - May 2, 2024`."""
    text = _PARENTHESES.sub("", clean_line(text))
    text = _BYLINE_END.sub("", _BY.sub("", text)).strip(" ,;:-–—")
    names: list[str] = []
    for part in _NAME_SPLIT.split(text):
        name = _person(_BY.sub("", part.strip(" .,;:-–—")))
        if _is_name(name) and name not in names:
            names.append(name)
    return names


def people(authors: tuple[str, ...]) -> tuple[str, ...]:
    """Only the people among `authors` (as another reader gave them), by the byline rules."""
    found: list[str] = []
    for author in authors:
        found += [name for name in byline_names(author) if name not in found]
    return tuple(found)


def _person(text: str) -> str:
    """`text` without an honorific before the name or a role after it; empty if not a person."""
    text = _HONORIFIC.sub("", text.strip())
    words = text.split()
    for index, word in enumerate(words):
        folded = word.lower().strip(".,")
        if folded in _ORGANISATION_WORDS:
            return ""
        if folded in _ROLE_WORDS:
            words = words[:index]
            break
    while len(words) > 2 and _CREDENTIAL.match(words[-1]):
        words.pop()  # "Ann Lee MD"
    return " ".join(words)


def _is_name(text: str) -> bool:
    """Whether `text` can be a person's name: a few words, no digits, addresses or links."""
    words = text.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS or len(text) > 60:
        return False
    if any(ch.isdigit() for ch in text) or "@" in text or "/" in text or "://" in text:
        return False
    if _CREDENTIAL.match(text):
        return False
    if not all(any(ch.isalpha() for ch in word) for word in words):
        return False  # "Name *", a form's label
    # Every word of a name but its particles is capitalised: "experienced gardeners" is not one.
    return all(w[0].isupper() for w in words if w.lower() not in _NAME_PARTICLES and w[0].isalpha())


def _meta_values(root: Any) -> dict[str, list[str]]:
    """Every `<meta>` content by lower-cased name, property or itemprop, in page order."""
    values: dict[str, list[str]] = {}
    for tag in elements(root, "meta"):
        content = tag.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            key = tag.get(attribute)
            if isinstance(key, str) and key.strip():
                values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def _first(metas: dict[str, list[str]], *keys: str) -> str:
    """The first non-empty meta value among `keys`, cleaned."""
    for key in keys:
        for value in metas.get(key, []):
            if cleaned := clean_line(value):
                return cleaned
    return ""


def _json_ld_article(root: Any) -> dict[str, object]:
    """The page's JSON-LD article object (NewsArticle, BlogPosting, …), or an empty dict."""
    fallback: dict[str, object] = {}
    for script in with_attribute(root, "type", _JSON_LD, "script"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for item in _json_ld_items(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                return item
            if not fallback and "headline" in item:
                fallback = item
    return fallback


def _json_ld_items(data: object) -> Iterator[dict[str, object]]:
    """The objects of a JSON-LD document: top-level ones, lists and `@graph` members."""
    pending = [data]
    while pending:
        item = pending.pop(0)
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                pending.extend(graph)


def _ld_names(value: object) -> list[str]:
    """Names in a JSON-LD author or publisher value: a string, an object or a list of them."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and (cleaned := clean_line(name)):
            names.append(cleaned)
    return names


def _ld_text(ld: dict[str, object], key: str) -> str:
    """A JSON-LD string property, cleaned; empty if missing or not a string."""
    value = ld.get(key)
    return clean_line(value) if isinstance(value, str) else ""


def _url(root: Any, metas: dict[str, list[str]], ld: dict[str, object]) -> str | None:
    """The page's canonical address: link rel=canonical, og:url or the JSON-LD url."""
    candidates: list[str] = []
    for link in elements(root, "link"):
        href = link.get("href")
        if href is not None and "canonical" in (link.get("rel") or "").lower().split():
            candidates.append(href)
    candidates += [*metas.get("og:url", []), _ld_text(ld, "url")]
    for candidate in candidates:
        cleaned = clean_line(candidate)
        if re.match(r"https?://[^\s/]+", cleaned):
            return cleaned
    return None


def _source(metas: dict[str, list[str]], ld: dict[str, object], root: Any, url: str | None) -> str:
    """Who published the page: og:site_name, the JSON-LD publisher, or the site's name."""
    candidates = [*metas.get("og:site_name", []), *metas.get("application-name", [])]
    candidates += _ld_names(ld.get("publisher"))
    candidates += metas.get("article:publisher", []) + metas.get("publisher", [])
    for candidate in candidates:
        if not _LINK.match(candidate) and (cleaned := clean_line(candidate)):
            return cleaned
    page_title = _page_title(root)
    if " | " in page_title:
        return page_title.rpartition(" | ")[2]
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else ""


def _title(root: Any, metas: dict[str, list[str]], ld: dict[str, object], source: str) -> str:
    """The headline: og:title, JSON-LD or a marked headline, else the h1 or the page title."""
    title = _first(metas, "og:title") or _ld_text(ld, "headline") or _marked_headline(root)
    if not title:
        page_title = _without_site(_page_title(root), source)
        h1 = h1_text(root)
        # A page's first h1 may be the site's name; it is the headline if the page title has it.
        fits = bool(h1) and _squash(h1) in _squash(page_title)
        title = h1 if fits or not page_title else page_title
    title = title or _first(metas, "twitter:title")
    return _without_site(title, source)


def _page_title(root: Any) -> str:
    """The text of the page's `<title>`, cleaned; empty if it has none."""
    for title in elements(root, "title"):
        return clean_line("".join(title.itertext()))
    return ""


def _marked_headline(root: Any) -> str:
    """The text of an element marked itemprop=headline (other than a meta tag's content)."""
    for tag in with_attribute(root, "itemprop", _HEADLINE):
        return clean_line(str(tag.get("content") or text_of(tag)))
    return ""


def h1_text(root: Any) -> str:
    """The text of the page's first non-empty h1."""
    for h1 in elements(root, "h1"):
        if text := clean_line(text_of(h1)):
            return text
    return ""


def _without_site(title: str, source: str) -> str:
    """`title` without a trailing ` | Site` part naming the site."""
    for separator in _TITLE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if not found or len(head.split()) < 2:
            continue
        names_site = _squash(tail) == _squash(source) or _squash(source) in _squash(tail)
        if (source and names_site) or (separator == " | " and len(tail.split()) <= 4):
            return _without_site(head, source)
    return title


def _squash(text: str) -> str:
    """Lower-case letters and digits only, for loose comparison of names."""
    return re.sub(r"\W+", "", text.lower())


def _authors(metas: dict[str, list[str]], ld: dict[str, object]) -> tuple[str, ...]:
    """The article's authors as its metadata names them: JSON-LD, then meta author tags."""
    names = [n for raw in _ld_names(ld.get("author")) for n in byline_names(raw)]
    if not names:
        for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
            for value in metas.get(key, []):
                if not _LINK.match(value):
                    names += [n for n in byline_names(value) if n not in names]
            if names:
                break
    return tuple(names)


def _byline_elements(root: Any) -> list[str]:
    """Author names from the page: itemprop=author, rel=author links, then byline elements."""
    names: list[str] = []
    for tag in with_attribute(root, "itemprop", _AUTHOR):
        name_tag = next(
            (e for e in elements(tag) if e is not tag and e.get("itemprop") == "name"), None
        )
        if name_tag is not None:
            text = name_tag.get("content") or text_of(name_tag)
        else:
            text = text_of(tag)
        names += [n for n in byline_names(str(text)) if n not in names]
    if not names:
        for link in with_attribute(root, "rel", _AUTHOR, "a"):
            names += [n for n in byline_names(text_of(link)) if n not in names]
    if not names:
        for tag in islice(with_attribute(root, "class", _BYLINE_CLASS), 5):
            names += [n for n in byline_names(text_of(tag)) if n not in names]
            if names:
                break
    return names


def _published(root: Any, metas: dict[str, list[str]], ld: dict[str, object]) -> str | None:
    """When the article was published, as ISO 8601 UTC, from meta tags, JSON-LD or `<time>`."""
    values = [value for key in _PUBLISHED_META[:3] for value in metas.get(key, [])]
    values.append(_ld_text(ld, "datePublished"))
    for tag in with_attribute(root, "itemprop"):
        if tag.get("itemprop") == "datePublished":
            values.append(str(tag.get("datetime") or tag.get("content") or ""))
    values += [value for key in _PUBLISHED_META[3:] for value in metas.get(key, [])]
    times = [t for t in elements(root, "time") if t.get("datetime") is not None]
    values += [str(t.get("datetime")) for t in times if t.get("pubdate") is not None]
    values += [str(t.get("datetime")) for t in times]
    for value in values:
        if published := _iso(value):
            return published
    return None


def _iso(value: str) -> str | None:
    """`value` (ISO 8601 or RFC 2822, with or without a zone) as UTC, or None if unreadable."""
    value = value.strip()
    if not value:
        return None
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return iso_utc(moment)
    except (OverflowError, ValueError):
        return None


def _age(root: Any) -> str:
    """A relative age ("3 hours ago") printed near the top of the page, if there is one."""
    candidates = [*elements(root, "time"), *islice(with_attribute(root, "class", _AGE_HINT), 20)]
    for tag in candidates:
        text = clean_line(text_of(tag))
        if len(text) > 60:
            continue
        glued = split_source_age(text)
        if glued is not None:
            return glued[1]
    return ""
