"""The catalog as segments: a commit writes only what it adds; old one-file libraries open."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from newsreader.bench.corpus import generate
from newsreader.doctor import examine
from newsreader.importer import import_paths
from newsreader.library import Library
from newsreader.library.manifest import SCHEMA_VERSION, read_manifest
from newsreader.snapshot import Snapshot

from .conftest import CAPTURED, SEEDS, one_file_layout


def catalog_files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each segment file of the catalog: (inode, mtime)."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted((folder / "catalog").glob("*.json"))
    }


def dumps_in(folder: Path, count: int, seed: int) -> Path:
    """A folder of `count` generated dumps (plus the corpus's truth file, which is rejected)."""
    out = generate(folder, count, seed=seed)
    (out / "truth.json").unlink(missing_ok=True)
    return out


def test_an_import_writes_a_new_segment_and_leaves_the_others_alone(
    seeded: Library, tmp_path: Path
) -> None:
    before = catalog_files(seeded.folder)
    assert len(before) == 1
    import_paths(seeded, [dumps_in(tmp_path / "more", 3, 1)], CAPTURED)
    after = catalog_files(seeded.folder)
    assert len(after) == 2
    assert {name: after[name] for name in before} == before  # not rewritten
    manifest = read_manifest(seeded.folder)
    assert manifest.names[0] + ".json" in before and manifest.schema == SCHEMA_VERSION


def test_a_reload_reads_only_the_new_segment(seeded: Library, tmp_path: Path) -> None:
    catalog = seeded.catalog
    [first] = catalog.manifest.names
    kept = catalog._parts[first]
    import_paths(seeded, [dumps_in(tmp_path / "more", 3, 1)], CAPTURED)
    assert catalog._parts[first] is kept and len(catalog._parts) == 2


def test_a_library_in_the_one_file_layout_opens_and_is_split_once(
    seeded: Library, tmp_path: Path
) -> None:
    ids = [s.id for s in seeded.stories]
    seeded.set_starred([ids[1]])
    old = one_file_layout(seeded.folder)
    assert Snapshot.read(seeded.folder).counts()  # read as it is, before any upgrade
    library = Library(seeded.folder)
    assert [s.id for s in library.stories] == ids
    assert library.is_starred(ids[1])
    [segment] = (seeded.folder / "catalog").glob("*.json")
    assert segment.read_bytes() == old  # the old file itself, now the first segment
    assert read_manifest(seeded.folder).names == (segment.stem,)
    stamp = (seeded.folder / "library.json").stat().st_mtime_ns
    Library(seeded.folder)
    assert (seeded.folder / "library.json").stat().st_mtime_ns == stamp  # once only
    import_paths(library, [dumps_in(tmp_path / "more", 2, 2)], CAPTURED)
    assert segment.read_bytes() == old
    assert examine(seeded.folder).healthy


def test_an_import_into_a_library_left_in_the_old_layout_splits_it_first(
    seeded: Library, tmp_path: Path
) -> None:
    ids = [s.id for s in seeded.stories]
    one_file_layout(seeded.folder)
    opened = Library(seeded.folder)
    one_file_layout(seeded.folder)  # as if written by an older newsreader meanwhile
    import_paths(opened, [dumps_in(tmp_path / "more", 2, 2)], CAPTURED)
    assert set(ids) <= {s.id for s in Library(seeded.folder).stories}
    assert len(read_manifest(seeded.folder).names) == 2


def test_small_segments_are_merged_at_the_end_of_an_import(seeded: Library, tmp_path: Path) -> None:
    for number in range(2):
        import_paths(seeded, [dumps_in(tmp_path / f"d{number}", 1, number)], CAPTURED)
    assert len(read_manifest(seeded.folder).names) == 3
    order = [s.id for s in seeded.stories]
    ranks = seeded.catalog.stories.rank.tolist()
    import_paths(seeded, [dumps_in(tmp_path / "d9", 1, 9)], CAPTURED)
    assert len(read_manifest(seeded.folder).names) == 1  # four small ones, merged
    assert len(catalog_files(seeded.folder)) == 1
    library = Library(seeded.folder)
    assert [sid for sid in (s.id for s in library.stories) if sid in set(order)] == order
    positions = [library.catalog.stories.positions[sid] for sid in order]
    new_ranks = library.catalog.stories.rank[positions].tolist()
    assert sorted(range(len(order)), key=ranks.__getitem__) == sorted(
        range(len(order)), key=new_ranks.__getitem__
    )


def test_a_commit_stopped_before_the_manifest_leaves_a_stray_that_is_tidied(
    seeded: Library, tmp_path: Path
) -> None:
    ids = [s.id for s in seeded.stories]
    other = Library(tmp_path / "other")
    import_paths(other, [dumps_in(tmp_path / "more", 2, 3)], CAPTURED)
    [written] = (other.folder / "catalog").glob("*.json")
    # A segment written by a commit that stopped before its manifest was replaced.
    (seeded.folder / "catalog" / written.name).write_bytes(written.read_bytes())
    assert len(catalog_files(seeded.folder)) == 2
    library = Library(seeded.folder)
    assert [s.id for s in library.stories] == ids
    assert any("no manifest lists" in p for p in examine(seeded.folder).problems)
    import_paths(library, [SEEDS], CAPTURED)  # an import tidies it
    assert len(catalog_files(seeded.folder)) == 1
    assert examine(seeded.folder).healthy


def test_purge_rewrites_only_the_segments_holding_the_dumps(
    seeded: Library, tmp_path: Path
) -> None:
    import_paths(seeded, [dumps_in(tmp_path / "more", 3, 4)], CAPTURED)
    before = catalog_files(seeded.folder)
    first = read_manifest(seeded.folder).names[0] + ".json"
    gone = seeded.delete_dumps(lambda name: len(name.split("_")[0]) == 6)  # generated ones
    assert gone
    after = catalog_files(seeded.folder)
    assert after[first] == before[first] and len(after) == 1
    assert len(seeded.stories) == 4
    assert examine(seeded.folder).healthy


def test_a_damaged_manifest_is_listed_again_from_the_segments(seeded: Library) -> None:
    ids = [s.id for s in seeded.stories]
    (seeded.folder / "library.json").write_bytes(b'{"_meta": ')
    report = examine(seeded.folder, repair=True)
    assert report.healthy and any("listed the 1 catalog segment" in r for r in report.repaired)
    assert [s.id for s in Library(seeded.folder).stories] == ids


def test_a_damaged_segment_is_named_and_set_aside(
    seeded: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsreader.__main__ import main

    [segment] = (seeded.folder / "catalog").glob("*.json")
    segment.write_bytes(b"{not json")
    (seeded.folder / "catalog" / f"{segment.stem}.cache").unlink()
    assert main(["--db", str(seeded.folder), "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and segment.name in err and "doctor" in err
    assert examine(seeded.folder, repair=True).healthy
    assert any(p.name.startswith(segment.name + ".damaged-") for p in segment.parent.iterdir())
    assert len(Library(seeded.folder).stories) == 0
    assert examine(seeded.folder, repair=True).healthy
    import_paths(Library(seeded.folder), [SEEDS], CAPTURED)  # tidies catalog/, but this
    assert any(p.name.startswith(segment.name + ".damaged-") for p in segment.parent.iterdir())


def test_a_lost_cache_is_made_again(seeded: Library) -> None:
    ids = [s.id for s in seeded.stories]
    for cache in (seeded.folder / "catalog").glob("*.cache"):
        cache.write_bytes(b"torn")
    assert [s.id for s in Library(seeded.folder).stories] == ids
    assert all(p.stat().st_size > 4 for p in (seeded.folder / "catalog").glob("*.cache"))


def test_segments_hold_tinydb_tables(seeded: Library) -> None:
    from tinydb import TinyDB

    [segment] = (seeded.folder / "catalog").glob("*.json")
    db = TinyDB(segment)
    try:
        [dump] = db.table("dumps").all()
        assert len(dump["stories"]) == 4
    finally:
        db.close()
    assert orjson.loads((seeded.folder / "library.json").read_bytes())["segments"]
    assert os.stat(segment).st_mode & 0o777 == 0o600


def test_doctor_merges_small_segments_an_import_left(seeded: Library, tmp_path: Path) -> None:
    from newsreader.library.manifest import read_segment, write_manifest, write_segment

    import_paths(seeded, [dumps_in(tmp_path / "more", 12, 5)], CAPTURED)
    ids = [s.id for s in Library(seeded.folder).stories]
    names = read_manifest(seeded.folder).names
    # As an import stopped after committing batch after batch: a segment for each dump.
    split = [
        write_segment(seeded.folder, [dump])[0]
        for name in names
        for dump in read_segment(seeded.folder, name)["dumps"].values()
    ]
    assert len(split) >= 4
    write_manifest(seeded.folder, split)
    for name in names:
        (seeded.folder / "catalog" / f"{name}.json").unlink()
    assert [s.id for s in Library(seeded.folder).stories] == ids
    assert any("small catalog segments" in p for p in examine(seeded.folder).problems)
    assert examine(seeded.folder, repair=True).healthy
    assert len(read_manifest(seeded.folder).names) == 1
    assert [s.id for s in Library(seeded.folder).stories] == ids


def test_an_old_library_opened_while_an_import_runs_is_read_as_it_is(seeded: Library) -> None:
    import fcntl

    ids = [s.id for s in seeded.stories]
    old = one_file_layout(seeded.folder)
    fd = os.open(seeded.folder / "import.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process's import: opening must not wait
        assert [s.id for s in Library(seeded.folder).stories] == ids
        assert (seeded.folder / "library.json").read_bytes() == old
    finally:
        os.close(fd)
    assert [s.id for s in Library(seeded.folder).stories] == ids
    assert len(read_manifest(seeded.folder).names) == 1 and (seeded.folder / "catalog").is_dir()


def _cache_of_version_3(folder: Path, name: str) -> bytes:
    """The cache of segment `name` as newsreader wrote it before version 4 (lists of strings
    in a compressed header, then the span, dump and word arrays)."""
    import zlib

    from newsreader.library.segment_columns import read_part

    part = read_part(folder, name, write_cache=False)
    info = (folder / "catalog" / f"{name}.json").stat()

    def texts(values: object) -> list[str]:
        return [value.decode() for value in values.tolist()]  # type: ignore[attr-defined]

    def spread(sparse: tuple[object, object]) -> list[str]:
        values = [""] * len(part)
        at, ids = sparse
        for number, sid in zip(at.tolist(), texts(ids), strict=True):  # type: ignore[attr-defined]
            values[number] = sid
        return values

    header = {key: texts(getattr(part, key)) for key in ("ids", "dumps", "captured", "digests")}
    header.update(times=texts(part.times), published=texts(part.published))
    header.update(matches=spread(part.matches), replaces=spread(part.replaces))
    header.update(stamp=[info.st_ino, info.st_size, info.st_mtime_ns], schema=None, copies=False)
    head = zlib.compress(orjson.dumps(header), 1)
    head += b" " * (-len(head) % 8)
    arrays = [part.arrays[key].tobytes() for key in ("start", "end", "dump", "words")]
    magic = b"newsreader catalog segment cache 3\n"
    return b"".join([magic, len(head).to_bytes(8, "little"), head, *arrays])


def test_a_cache_of_an_older_version_is_made_again(seeded: Library, tmp_path: Path) -> None:
    import_paths(seeded, [dumps_in(tmp_path / "more", 40, seed=3)], CAPTURED)
    before = [(s.id, s.title, s.dump, s.match) for s in Library(seeded.folder).stories]
    shown = Library(seeded.folder).visible_positions().tolist()
    caches = sorted((seeded.folder / "catalog").glob("*.cache"))
    for cache in caches:
        cache.write_bytes(_cache_of_version_3(seeded.folder, cache.stem))
    again = Library(seeded.folder)
    assert [(s.id, s.title, s.dump, s.match) for s in again.stories] == before
    assert again.visible_positions().tolist() == shown
    assert all(c.read_bytes().startswith(b"newsreader catalog segment cache 5\n") for c in caches)
