"""The aggregator's text layout: a main story, its related stories and the page around them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from newsreader.dumps.ages import published_from_age, split_source_age, time_line_age
from newsreader.errors import DumpError
from newsreader.models import ParsedStory, Role
from newsreader.sanitize import clean_line, is_clean

NOT_A_DUMP = (
    "not a newsreader dump: no 'logo' line, nor a title given twice followed by a source and age"
    " line such as 'Reuters2 hours ago', nor HTML"
)

# Site furniture between the main story and the related ones: never story text.
_FURNITURE = re.compile(
    r"^(?:orange background|try our ai features|explore what .{1,80} can do for you:?"
    r"|comments|no comments yet\W*|related articles)$",
    re.IGNORECASE,
)
# The app-download footer: the end of the page.
_FOOTER = re.compile(
    r"^(?:download the app|get started now: download the app|ready to dive into .*\bapp\b.*"
    r"|(?:app-store|play-store)+)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[•·▪‣*-]\s*(?P<source>.+)$")
# A lone last line at the end of a cut dump is taken for the next story's title only if it
# could be one; a sentence left whole stays in the body it ends.
_MAX_TITLE_CHARS = 300


# Syndication lines: credits and feed notices, not the story's own text. Each must end the
# paragraph, so that one can be split off the end of a body the aggregator glued into one line.
# Credited names: capitalised words, with initials and lower-case particles ("Ana de la Cruz").
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
_NAME = rf"{_NAME_WORD}(?:[ ](?:{_NAME_WORD}|de|da|del|di|van|von|der|la|le|al)){{0,5}}"
_NAMES = rf"{_NAME}(?:(?:,|[ ]and|,[ ]and)[ ]{_NAME}){{0,9}}"
_NOTE = re.compile(
    rf"""(?:^|(?<=[.!?'"”’)\]])\s+)(?P<note>
    (?:--\s*)?With[ ](?:additional[ ])?assistance[ ]from[ ]{_NAMES}\.
    | This[ ](?:article|story|report)[ ](?:was|has[ ]been|is)[ ](?:auto-?)?generated[ ]from
      [ ](?:an?[ ])?(?:automated|syndicated)[ ][^.!?]{{0,40}}feed[^.!?]{{0,120}}\.
    | \((?:This[ ](?:story|article|report)[ ](?:has[ ]not[ ]been[ ]edited|is[ ]auto-generated
      |was[ ]auto-generated)|Only[ ]the[ ]headline)[^()]{{0,300}}\)\.?
    | \((?:Reporting|Writing|Additional[ ]reporting|Editing|Compiled)[ ]by[ ][^()]{{1,300}}\)\.?
    )$""",
    re.VERBOSE,
)
# Every note not in brackets holds one of these.
_NOTE_WORDS = ("assistance from", "generated from")
_BYLINE = re.compile(r"^Write to (?P<names>.+?)\.?$")
_NAME_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_EMAIL_TAIL = re.compile(r"\s+at\s+\S+@\S+$")
_MAX_NAME_WORDS = 6

# Captions. A paragraph amid the body is taken for a photo caption only when it is short, holds
# no quotation and a capitalised word, and either lacks final punctuation or is a single
# verbless sentence naming at least two capitalised things ("Putin and Witkoff, in Moscow this
# week."). The verb test is a word list and suffixes, English only: in doubt a line stays in
# the body, since a caption left among the paragraphs costs less than a paragraph hidden as one.
_MAX_CAPTION_WORDS = 25
_MAX_CAPTION_CHARS = 200
_FINAL_PUNCTUATION = tuple(".!?:;'\"”’)]…।॥。！？」』）")
_QUOTE = re.compile(r"(?:^|\s)['\"“‘«]|['\"”’»](?:\s|$|[.,;:!?])")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+\S")
_VERB_WORDS = """
    am is are was were be been being has have had do does did will would can could may might must
    shall should said say says told tell met meet made make got get went go came come took take
    gave give saw see left won lost led ran sat stood held spoke wrote put let set hit cut think
    know want need believe remain seem
"""
_NOT_VERB_WORDS = "this his its as us thus plus across perhaps news during morning evening"
_VERBS = frozenset(_VERB_WORDS.split())
_NOT_VERBS = frozenset(_NOT_VERB_WORDS.split())


@dataclass
class _Body:
    """A story's body lines sorted into what they are."""

    paragraphs: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Header:
    """The head of a related story: where its body starts, or that the dump ends inside it."""

    title: str
    source: str = ""
    age: str = ""
    body_start: int = 0
    cut: bool = False


def parse_text(text: str, name: str, captured_at: datetime) -> tuple[list[ParsedStory], list[str]]:
    """Parse an aggregator text dump into its stories (main first) and warnings."""
    lines = _lines(text)
    warnings: list[str] = []
    if not any(_FOOTER.match(line) for line in lines):
        warnings.append("dump ends before the page footer: it may be cut off")
        # A cut dump that does not end with a line break ends with part of a line.
        if lines and not text.rstrip(" \t").endswith(("\n", "\r")):
            warnings.append(f"last line {_short(lines.pop())} cut off: dropped")
    head = _main_head(lines)
    if head is None:
        if lines and _is_logo(lines[0]):
            return [], [*warnings, "no story after the 'logo' line"]
        raise DumpError(name, NOT_A_DUMP)
    title, source, age, k = head
    start = k
    while k < len(lines) and not _ends_main_body(lines, k):
        k += 1
    main = _story(title, source, age, lines[start:k], "main", captured_at)
    related = _related_stories(lines, k, captured_at, warnings)
    return [main, *related], warnings


def _related_stories(
    lines: list[str], k: int, captured_at: datetime, warnings: list[str]
) -> list[ParsedStory]:
    """The related stories from line `k` to the page footer; what is lost goes to `warnings`."""
    stories: list[ParsedStory] = []
    skipped = 0
    while k < len(lines) and not _FOOTER.match(lines[k]):
        head = _related_header(lines, k)
        if head is None:
            skipped += 0 if _FURNITURE.match(lines[k]) else 1
            k += 1
            continue
        end = head.body_start
        while end < len(lines) and not _ends_related_body(lines, end, head.body_start):
            end += 1
        if head.cut or (end == head.body_start == len(lines)):
            warnings.append(f"related story {_short(head.title)} cut off before its body: dropped")
            break
        body = lines[head.body_start : end]
        stories.append(_story(head.title, head.source, head.age, body, "related", captured_at))
        k = end
    if skipped:
        warnings.append(f"skipped {skipped} unrecognised line(s) between the stories")
    return stories


def _lines(text: str) -> list[str]:
    """The dump's non-blank lines, cleaned, trimmed and with whitespace runs folded."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if is_clean(text):  # one look at the whole text rather than one per line
        return [folded for line in text.split("\n") if (folded := " ".join(line.split()))]
    return [line for line in map(clean_line, text.split("\n")) if line]


def _is_logo(line: str) -> bool:
    """Whether `line` is the page's `logo` line, the first line of every aggregator text dump."""
    return line.casefold() == "logo"


def _main_head(lines: list[str]) -> tuple[str, str, str, int] | None:
    """Title, source, age and body start of the main story, or None if the layout is not there."""
    has_logo = bool(lines) and _is_logo(lines[0])
    i = 1 if has_logo else 0
    head = list(islice(lines, i, i + 3))
    if len(head) < 2:
        return None
    title = head[0]
    twice = head[1] == title
    if not (twice or has_logo):
        return None
    at = 2 if twice else 1
    if len(head) <= at:
        return None
    glued = split_source_age(head[at])
    if glued is None:
        return None
    return title, glued[0], glued[1], i + at + 1


def _ends_main_body(lines: list[str], k: int) -> bool:
    """Whether the main story's body ends before line `k`."""
    if _FURNITURE.match(lines[k]) or _FOOTER.match(lines[k]):
        return True
    header = _related_header(lines, k)
    return header is not None and not header.cut


def _ends_related_body(lines: list[str], k: int, body_start: int) -> bool:
    """Whether a related story's body, begun at `body_start`, ends before line `k`."""
    if _FURNITURE.match(lines[k]) or _FOOTER.match(lines[k]):
        return True
    # Its first line is body whatever it looks like: a story is never wholly header.
    return k > body_start and _related_header(lines, k) is not None


def _related_header(lines: list[str], k: int) -> _Header | None:
    """The related story starting at line `k` (title twice, source, `time…` line), if any."""
    n = len(lines)
    title = lines[k]
    if _FURNITURE.match(title) or _FOOTER.match(title) or _BULLET.match(title):
        return None
    if k + 1 == n:
        could_be_title = len(title) <= _MAX_TITLE_CHARS and not title.endswith(".")
        return _Header(title, cut=True) if could_be_title else None
    if lines[k + 1] != title:
        return None
    j = k + 2
    source, age = "", ""
    if j < n and time_line_age(lines[j]) is None and not _BULLET.match(lines[j]):
        glued = split_source_age(lines[j])
        source, age = glued if glued and glued[0] else (lines[j], "")
        j += 1
    if not age:
        if j == n:
            return _Header(title, cut=True)
        age = time_line_age(lines[j]) or ""
        if not age:
            return None
        j += 1
    if j < n and (bullet := _BULLET.match(lines[j])):
        source = source or bullet["source"]
        j += 1
    if j < n and lines[j] == title:
        j += 1
    return _Header(title, source, age, j)


def _story(
    title: str, source: str, age: str, body: list[str], role: Role, captured_at: datetime
) -> ParsedStory:
    """Build one story from its head and body lines, with bylines, notes and captions set apart."""
    parts = _split_body(body)
    return ParsedStory(
        title=clean_line(title),
        source=clean_line(source),
        age=clean_line(age),
        published=published_from_age(age, captured_at) if age else None,
        authors=tuple(map(clean_line, parts.authors)),
        paragraphs=tuple(map(clean_line, parts.paragraphs)),
        role=role,
        captions=tuple(map(clean_line, parts.captions)),
        notes=tuple(map(clean_line, parts.notes)),
    )


def _split_body(lines: list[str]) -> _Body:
    """Sort body lines into paragraphs, bylines (as authors), syndication notes and captions."""
    body = _Body()
    for line in lines:
        names = _byline_names(line)
        if names is not None:
            body.authors.extend(names)
            continue
        paragraph, notes = _split_notes(line)
        body.notes.extend(notes)
        if paragraph:
            body.paragraphs.append(paragraph)
    if len(body.paragraphs) >= 3:
        first, *middle, last = body.paragraphs
        body.paragraphs = [first]
        for paragraph in middle:
            (body.captions if _is_caption(paragraph) else body.paragraphs).append(paragraph)
        body.paragraphs.append(last)
    return body


def _byline_names(line: str) -> list[str] | None:
    """The names in a `Write to NAME at EMAIL, NAME and NAME` line, or None if it is not one."""
    match = _BYLINE.match(line)
    if match is None:
        return None
    names = []
    for part in _NAME_SEPARATOR.split(match["names"]):
        name = _EMAIL_TAIL.sub("", part).strip()
        if not name:
            continue
        if len(name.split()) > _MAX_NAME_WORDS or name[0].islower() or "@" in name:
            return None
        names.append(name)
    return names or None


def _split_notes(paragraph: str) -> tuple[str, list[str]]:
    """Split syndication notes off the end of `paragraph`; return what is left and the notes."""
    notes: list[str] = []
    if "(" not in paragraph and not any(w in paragraph for w in _NOTE_WORDS):
        return paragraph, notes  # the search below is slow, and most paragraphs have no note
    while (match := _NOTE.search(paragraph)) is not None:
        notes.insert(0, match["note"])
        paragraph = paragraph[: match.start()].rstrip()
    return paragraph, notes


def _is_caption(paragraph: str) -> bool:
    """Whether a paragraph amid a body reads as a photo caption (see the rule above)."""
    words = paragraph.split()
    if len(words) > _MAX_CAPTION_WORDS or len(paragraph) > _MAX_CAPTION_CHARS:
        return False
    capitals = sum(word[0].isupper() for word in words)
    # Scripts without capitals (and without spaces) give too little to judge by.
    if _QUOTE.search(paragraph) or capitals == 0:
        return False
    if not paragraph.endswith(_FINAL_PUNCTUATION):
        return True
    if not paragraph.endswith(".") or _SENTENCE_BREAK.search(paragraph) or capitals < 2:
        return False
    return not any(_is_verb_like(word) for word in words if word[0].islower())


def _is_verb_like(word: str) -> bool:
    """Whether a lower-case word may be a verb (a guess that errs towards yes)."""
    word = word.strip(".,;:!?()[]").lower()
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if word in _NOT_VERBS:
        return False
    return word in _VERBS or word.endswith(("ed", "ing", "s", "n't", "n’t"))


def _short(title: str, limit: int = 80) -> str:
    """`title` quoted for a warning, shortened to `limit` characters."""
    return repr(title if len(title) <= limit else title[: limit - 1] + "…")
