"""Mute rules: queries in config.toml applied to new stories at import and fetch, undoably.

[[rules]]
query = "source:example -title:review"
action = "read"   # or "hide", "star", "tag:NAME"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.counting import count
from newsreader.errors import NewsreaderError, QueryError
from newsreader.undo import Change, mark_read, mark_starred, tag

if TYPE_CHECKING:
    from newsreader.library import Library

ACTIONS = {"read": "marked read", "hide": "hidden", "star": "starred"}


@dataclass(frozen=True)
class Rule:
    """A query and what to do to the new stories it matches."""

    query: str
    action: str  # a key of ACTIONS, or "tag:NAME"

    def apply(self, library: Library, new_ids: Sequence[str]) -> list[Change]:
        """Apply the rule to the new stories it matches; the changes that take it back."""
        return apply_rules(library, [self], new_ids)


def read_rules(data: Any, path: Path) -> list[Rule]:
    """The `[[rules]]` of a settings file; a NewsreaderError naming the file and the rule."""
    from newsreader.query import parse_query

    if data is None:
        return []
    if not isinstance(data, list):
        raise NewsreaderError(f"{path}: rules must be [[rules]] tables")
    rules: list[Rule] = []
    for number, item in enumerate(data, start=1):
        where = f"{path}: rule {number}"
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            raise NewsreaderError(f'{where}: needs query = "..."')
        action = item.get("action")
        if isinstance(action, str) and action.startswith("tag:"):
            from newsreader.tag_values import tag_name

            try:
                action = "tag:" + tag_name(action[len("tag:") :])
            except NewsreaderError as error:
                raise NewsreaderError(f"{where}: {error}") from None
        elif action not in ACTIONS:
            choices = ", ".join([*ACTIONS, "tag:NAME"])
            raise NewsreaderError(f"{where}: action must be one of {choices}")
        try:
            query = parse_query(item["query"], datetime.now(UTC))
        except QueryError as error:
            raise NewsreaderError(f"{where}: {error}") from None
        if query.is_empty:
            raise NewsreaderError(f"{where}: an empty query would match every new story")
        rules.append(Rule(item["query"], str(action)))
    return rules


def apply_rules(
    library: Library, rules: Sequence[Rule], new_ids: Sequence[str], now: datetime | None = None
) -> list[Change]:
    """Apply each rule to the new stories it matches; the changes that take them back."""
    from newsreader.query import parse_query
    from newsreader.search.index import find

    if not rules or not new_ids:
        return []
    new = set(new_ids)
    changes: list[Change] = []
    for rule in rules:
        query = parse_query(rule.query, now or datetime.now(UTC))
        ids = [sid for sid in find(library, query).ids if sid in new]
        if not ids:
            continue
        done = ACTIONS.get(rule.action) or f"tagged {rule.action[len('tag:') :]}"
        said = f"{done} {count(len(ids), 'story', 'stories')} by rule {rule.query}"
        if rule.action.startswith("tag:"):
            change = tag(library, ids, rule.action[len("tag:") :], True, said)
        elif rule.action == "read":
            change = mark_read(library, ids, True, said)
        elif rule.action == "star":
            change = mark_starred(library, ids, True, said)
        else:
            before = library.marks_of("hidden", ids)
            library.restore_marks("hidden", dict.fromkeys(ids, True))
            change = Change(said, "hidden", before)
        if change is not None:
            changes.append(change)
    return changes


def summary(changes: Sequence[Change]) -> str:
    """What the rules did, in one clause ('' when nothing)."""
    return "; ".join(change.description for change in changes)
