"""The saved first screen: painted at start only while true, then swapped for the same rows."""

from __future__ import annotations

import errno
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from rich.segment import Segment
from textual.pilot import Pilot

import newsreader.ui.app
from newsreader import first_screen
from newsreader.config import Config
from newsreader.doctor import examine
from newsreader.errors import DamagedLibrary
from newsreader.first_screen import first_screen_of
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.opening import Unopened
from tests.app_library import build_library
from tests.faults import InjectedFsync, injected

__all__ = ["injected"]

SIZE = (120, 30)


class Waiting(NewsReader):
    """The app with its library opened by the first key only, not right after the first frame."""

    CSS_PATH = str(Path(newsreader.ui.app.__file__).parent / "newsreader.tcss")

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        if getattr(callback, "__name__", "") == "open_library":
            return True
        return super().call_after_refresh(callback, *args, **kwargs)


def config_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


def saved(library: Library, tmp_path: Path) -> first_screen.FirstScreen:
    """Save the library's first screen as the app does, and read it back."""
    path = config_path(tmp_path)
    before = first_screen.stamps(library.folder, path)
    first_screen.write(library.folder, first_screen_of(library), before)
    found = first_screen.read(library.folder, path)
    assert found is not None
    return found


def screen_lines(app: NewsReader) -> list[list[Segment]]:
    """The list's rows as drawn, styles and all."""
    return [list(app.story_list.render_line(y)) for y in range(app.story_list.size.height)]


def status(app: NewsReader) -> str:
    return str(app.query_one("#status").render())


async def until_open(app: NewsReader, pilot: Pilot[None]) -> None:
    """Wait until the library, opened on its thread, is in and the keys held for it handled."""
    for _ in range(1000):
        if app.opened and app.opening is None:
            break
        await pilot.pause(0.01)
    assert app.opened and app.opening is None
    await pilot.pause()


async def opened(app: NewsReader, pilot: Pilot[None]) -> None:
    """Open the library behind the first screen, as the app does after its first frame."""
    app.open_library()
    await until_open(app, pilot)


async def test_the_app_saves_its_first_screen_and_it_matches_what_it_shows(
    seeded: Library, tmp_path: Path
) -> None:
    path = config_path(tmp_path)
    app = NewsReader(seeded, Config(), path, save_first_screen=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        found = first_screen.read(seeded.folder, path)
        assert found is not None
        shown = [
            (r.story.id, r.story.title, r.story.source, r.story.age, r.depth, r.hidden_versions)
            for r in app.story_list.rows
        ]
        kept = [(r.id, r.title, r.source, r.age, r.depth, r.hidden_versions) for r in found.rows]
        assert kept == shown
        assert found.status == status(app)
    assert (seeded.folder / first_screen.FILE_NAME).stat().st_mode & 0o777 == 0o600


async def test_a_true_first_screen_is_painted_before_the_library_opens_then_the_same_rows(
    tmp_path: Path,
) -> None:
    library = build_library(tmp_path / "lib")
    library.set_read([library.visible()[1].id])
    library.set_starred([library.visible()[2].id])
    found = saved(library, tmp_path)
    app = Waiting(Unopened(library.folder, found), Config(), config_path(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.opened
        before, before_status = screen_lines(app), status(app)
        assert "Story 00" in "".join(s.text for s in before[0])
        await opened(app, pilot)
        assert screen_lines(app) == before
        assert status(app) == before_status == "All stories (40)  ·  39 unread  ·  1 starred"
        assert app.reader.story_id == library.visible()[0].id  # the reader follows the load


async def test_related_stories_and_folded_versions_are_painted_as_the_real_list_draws_them(
    seeded: Library, tmp_path: Path
) -> None:
    found = saved(seeded, tmp_path)
    assert [r.depth for r in found.rows] == [0, 1, 1] and sum(r.hidden_versions for r in found.rows)
    app = Waiting(Unopened(seeded.folder, found), Config(), config_path(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = screen_lines(app)
        await opened(app, pilot)
        assert screen_lines(app) == before


async def test_the_library_opens_right_after_the_first_frame(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib")
    found = saved(library, tmp_path)
    app = NewsReader(Unopened(library.folder, found), Config(), config_path(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await until_open(app, pilot)
        assert app.story_list.current is not None
        assert app.story_list.current.id == library.visible()[0].id


async def test_keys_typed_before_the_library_opens_act_on_the_story_shown(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib")
    found = saved(library, tmp_path)
    second, third = found.rows[1].id, found.rows[2].id
    app = Waiting(Unopened(library.folder, found), Config(), config_path(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        assert not app.opened
        await pilot.press("j", "r", "j", "s")
        assert not app.opened  # moves and marks need no library: made on the rows shown
        assert status(app) == "All stories (40)  ·  39 unread  ·  1 starred"
        assert app.opening is not None
        app.opening.marks.close()  # written on a thread of their own: wait for them
        on_disk = Library(library.folder)
        assert on_disk.is_read(second) and on_disk.is_starred(third)
        assert not on_disk.is_read(found.rows[0].id)
        await opened(app, pilot)
        assert app.library.is_read(second) and app.library.is_starred(third)
        assert app.story_list.current is not None and app.story_list.current.id == third
        assert status(app) == "All stories (40)  ·  39 unread  ·  1 starred"
    again = Library(library.folder)
    assert again.is_read(second)
    assert again.is_starred(third)
    assert not again.is_read(found.rows[0].id)


async def test_a_key_that_needs_the_library_waits_and_the_keys_after_it_wait_in_order(
    tmp_path: Path,
) -> None:
    library = build_library(tmp_path / "lib")
    found = saved(library, tmp_path)
    first, second = found.rows[0].id, found.rows[1].id
    app = Waiting(Unopened(library.folder, found), Config(), config_path(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "u", "j", "s")  # undo needs the library: it and what follows wait
        assert app.opening is not None and len(app.opening.held) == 3
        assert app.opening.marks.is_starred(first) and not app.opening.marks.is_starred(second)
        assert app.story_list.current is not None and app.story_list.current.id == first
        await opened(app, pilot)
        assert not app.library.is_starred(first)  # u took back the star made before it
        assert app.library.is_starred(second)
        assert app.story_list.current is not None and app.story_list.current.id == second
    again = Library(library.folder)
    assert not again.is_starred(first) and again.is_starred(second)


async def test_the_real_rows_keep_the_cursor_and_the_scroll_of_the_saved_ones(
    tmp_path: Path,
) -> None:
    library = build_library(tmp_path / "lib", stories=120)
    found = saved(library, tmp_path)
    app = Waiting(Unopened(library.folder, found), Config(), config_path(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("pagedown", "pagedown", "pagedown", "k", "k")
        await pilot.pause()
        cursor, top = app.story_list.cursor, app.story_list.scroll_offset.y
        assert cursor > 50 and top > 0
        await opened(app, pilot)
        assert (app.story_list.cursor, app.story_list.scroll_offset.y) == (cursor, top)
        assert app.reader.story_id == found.rows[cursor].id  # the reader follows the cursor


async def test_a_first_screen_mark_the_disk_refused_is_taken_back_once_the_library_opens(
    tmp_path: Path, injected: InjectedFsync
) -> None:
    library = build_library(tmp_path / "lib")
    found = saved(library, tmp_path)
    first = found.rows[0].id
    app = Waiting(Unopened(library.folder, found), Config(), config_path(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        injected.fail(errno.EIO)
        await pilot.press("s")
        assert app.opening is not None and app.opening.marks.is_starred(first)  # shown at once
        app.opening.marks.close()
        injected.heal()
        await opened(app, pilot)
        assert not app.library.is_starred(first)
        assert status(app) == "input/output error (the disk failed) — mark not saved"
        assert len(app.marking.undo_stack) == 0
    assert not Library(library.folder).is_starred(first)


async def test_marks_made_elsewhere_since_the_first_screen_was_saved_are_painted_at_once(
    tmp_path: Path,
) -> None:
    library = build_library(tmp_path / "lib")
    found = saved(library, tmp_path)
    library.set_read([found.rows[1].id])  # as `newsreader mark` in another process would
    library.set_starred([found.rows[2].id])
    corrected = first_screen.read(library.folder, config_path(tmp_path))
    assert (
        corrected is not None
        and first_screen.read(library.folder, config_path(tmp_path), exact=True) is None
    )
    app = Waiting(Unopened(library.folder, corrected), Config(), config_path(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert status(app) == "All stories (40)  ·  39 unread  ·  1 starred"
        before = screen_lines(app)
        await opened(app, pilot)
        assert screen_lines(app) == before
        assert status(app) == "All stories (40)  ·  39 unread  ·  1 starred"


def test_a_first_screen_goes_stale_when_any_file_it_depends_on_changes(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib")
    path = config_path(tmp_path)
    saved(library, tmp_path)
    library.set_read([library.visible()[0].id])  # marks.log: true again with the marks since
    assert first_screen.read(library.folder, path, exact=True) is None
    corrected = first_screen.read(library.folder, path)
    assert corrected is not None and corrected.rows[0].read
    saved(library, tmp_path)
    library.marks.compact()  # marks.json
    assert first_screen.read(library.folder, path) is None
    saved(library, tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('theme = "newsreader-light"\n')  # the settings
    assert first_screen.read(library.folder, path) is None
    saved(library, tmp_path)
    data = (library.folder / "library.json").read_bytes()
    (library.folder / "library.json").write_bytes(data)  # an import's commit, as far as it shows
    assert first_screen.read(library.folder, path) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: b"\xff\xfe not json",
        lambda data: orjson.dumps([1, 2, 3]),
        lambda data: data.replace(b'"version":"', b'"version":"0.0.0-'),
        lambda data: data.replace(b'"format":3', b'"format":99'),
        lambda data: data.replace(b'"title":"', b'"title":7,"x":"'),
        lambda data: data.replace(b'"unread":', b'"unread":-'),
        lambda data: data.replace(b'"latest":', b'"latest":"x","y":'),
        lambda data: data.replace(b'"versions":{', b'"versions":{"nowhere":[],'),
        lambda data: data.replace(b",false,false]", b',"no",false]', 1),
        lambda data: data.replace(b",0,0,", b',"0",0,', 1),
        lambda data: data.replace(b'"Story 00', b'"\\u001b[2JStory 00'),
        lambda data: data.replace(b'"config":null', b'"config":"x"'),
        lambda data: data.replace(b'"stamps":{', b'"stamps":{"other":null,'),
    ],
)
def test_a_damaged_first_screen_is_ignored(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    library = build_library(tmp_path / "lib", stories=3)
    saved(library, tmp_path)
    path = library.folder / first_screen.FILE_NAME
    sound = path.read_bytes()
    assert damage(sound) != sound
    path.write_bytes(damage(sound))
    assert first_screen.read(library.folder, config_path(tmp_path)) is None


async def test_a_stale_first_screen_is_replaced_after_the_app_starts(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib")
    path = config_path(tmp_path)
    saved(library, tmp_path)
    first = library.visible()[0].id
    library.set_read([first])
    assert first_screen.read(library.folder, path, exact=True) is None
    app = NewsReader(library, Config(), path, save_first_screen=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        found = first_screen.read(library.folder, path, exact=True)
        assert found is not None
        assert found.rows[0].id == first and found.rows[0].read
        await pilot.press("s")  # a change made while the app runs: true again once saved
        assert first_screen.read(library.folder, path, exact=True) is None
        app.remember_first_screen()  # as run_app does on exit
        found = first_screen.read(library.folder, path, exact=True)
        assert found is not None and found.rows[0].starred


async def test_a_library_found_damaged_after_the_first_screen_ends_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = build_library(tmp_path / "lib")
    found = saved(library, tmp_path)

    def damaged(self: Library, folder: Path) -> None:
        raise DamagedLibrary(folder / "library.json", "damaged JSON")

    monkeypatch.setattr(Library, "__init__", damaged)
    app = NewsReader(Unopened(library.folder, found), Config(), config_path(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert isinstance(app.library_error, DamagedLibrary)
    assert app.return_code == 2


def test_the_first_screen_is_painted_without_numpy() -> None:
    code = (
        "import sys\n"
        "import newsreader.__main__, newsreader.ui.app, newsreader.first_screen\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'numpy'"
        " or m == 'newsreader.library')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_doctor_knows_the_first_screen_file_damaged_or_not(tmp_path: Path) -> None:
    library = build_library(tmp_path / "lib", stories=3)
    saved(library, tmp_path)
    for content in (None, b"\x00 damaged"):
        if content is not None:
            (library.folder / first_screen.FILE_NAME).write_bytes(content)
        report = examine(library.folder)
        assert report.healthy
        assert not any(first_screen.FILE_NAME in fact for fact in report.facts)


def test_an_import_saves_the_first_screen_the_next_start_paints(tmp_path: Path) -> None:
    from newsreader.__main__ import main
    from newsreader.startup import seed_folder

    seeds = seed_folder()
    assert seeds is not None
    folder = tmp_path / "lib"
    assert main(["--db", str(folder), "import", str(seeds)]) == 0
    found = first_screen.read(folder, config_path(tmp_path))
    assert found is not None  # still true: the next start paints it at once
    library = Library(folder)
    try:
        assert found == first_screen_of(library)
        assert found.rows[0].title.startswith("How Trump and Putin")
    finally:
        library.close()
    # A mark made since is read from the end of marks.log: that start paints at once too.
    assert main(["--db", str(folder), "mark", found.rows[0].id, "--read"]) == 0
    assert first_screen.read(folder, config_path(tmp_path), exact=True) is None
    corrected = first_screen.read(folder, config_path(tmp_path))
    assert corrected is not None and corrected.rows[0].read
    assert corrected.unread is not None and found.unread is not None
    assert corrected.unread == found.unread - 1
