"""Deleting dumps (a feed's stories, say) from a library: catalog, bodies, marks, search index.

The commit point is one atomic rewrite of the catalog's manifest, listing the segments that
held the dumps written again without them; what follows only tidies: body segments are
rewritten without the deleted bodies (or deleted when nothing else uses them), the search
index drops them, and their marks are cleared. A crash after the commit leaves bodies or index
entries that no story lists: invisible, and tidied by the next delete, import or `newsreader
doctor --repair`. The duplicate index keeps their sketches, which no lookup returns once their
stories are gone (imports keep only matches the catalog lists).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import orjson

from newsreader.library.catalog import Catalog
from newsreader.library.marks import FIELDS, MarkState
from newsreader.storage import locked, read_json, write_atomic


def delete_dumps(
    folder: Path, catalog: Catalog, marks: MarkState, wanted: Callable[[str], bool]
) -> list[str]:
    """Delete every dump whose file name `wanted` accepts; return its stories' ids."""
    from newsreader.library.search_index.segments import tidy

    with locked(folder / "import.lock"):
        catalog.settle()
        # Only the segments holding such dumps are read; a body segment is written by one
        # commit, so the stories using it are all in one catalog segment.
        held = catalog.dumps(catalog.segments_holding(wanted))
        gone = [(name, key, doc) for name, key, doc in held if wanted(str(doc.get("file", "")))]
        if not gone:
            return []
        stories = [s for _name, _key, doc in gone for s in doc.get("stories", ())]
        ids = {str(s["id"]) for s in stories}
        segments = {str(s["segment"]) for s in stories if s.get("segment")}
        keys: dict[str, set[str]] = {}
        for name, key, _doc in gone:
            keys.setdefault(name, set()).add(key)
        kept = [doc for name, key, doc in held if key not in keys.get(name, ())]
        catalog.remove_dumps(keys)  # the commit point
        _drop_bodies(catalog.bodies_folder, segments, ids, _segments_used(kept))
        tidy(folder, set(catalog.by_id))
    for field in FIELDS:
        marks.set_many(field, {sid: None for sid, v in marks.items(field) if sid in ids and v})
    return sorted(ids)


def _segments_used(dumps: Collection[dict[str, Any]]) -> set[str]:
    """The body segments the remaining dumps' stories are in."""
    return {str(s.get("segment")) for doc in dumps for s in doc.get("stories", ())}


def _drop_bodies(bodies: Path, segments: set[str], ids: set[str], used: set[str]) -> None:
    """Delete the segments no story uses; rewrite the others without the bodies of `ids`."""
    for name in segments:
        path = bodies / f"{name}.json"
        if name not in used:
            path.unlink(missing_ok=True)
            continue
        data = read_json(path)
        if not isinstance(data, dict) or not isinstance(data.get("bodies"), dict):
            continue  # damaged: doctor's to report, not ours to make worse
        kept = {k: b for k, b in data["bodies"].items() if b.get("id") not in ids}
        write_atomic(path, orjson.dumps({**data, "bodies": kept}))
