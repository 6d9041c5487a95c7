"""The reader under Pilot: its lines and drawing after a resize, a theme switch, a long story."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style

from newsreader.config import Config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.widgets.reader import BODY, MEASURE, TITLE, Reader


def make_app(library: Library) -> NewsReader:
    return NewsReader(library=library, config=Config())


def drawn(reader: Reader) -> list[str]:
    return [reader.render_line(y).text for y in range(reader.size.height)]


def style_of(reader: Reader, kind: str) -> Style:
    return reader.rich_style + reader.get_component_rich_style(kind, partial=True)


def check_drawn_as_wrapped(reader: Reader) -> None:
    width = reader.scrollable_content_region.width
    measure = min(MEASURE, width)
    assert max(cell_len(text) for _, text in reader.lines) <= measure
    top = reader.scroll_offset.y
    for y in range(reader.size.height):
        strip = reader.render_line(y)
        assert strip.cell_length == width
        if top + y < len(reader.lines):
            assert strip.text.rstrip() == reader.lines[top + y][1]


async def test_the_reader_wraps_and_draws_again_after_a_resize(seeded: Library) -> None:
    # Half the width to the list: at 200 columns the reader is wider than the measure.
    app = NewsReader(library=seeded, config=Config(list_width=50))
    async with app.run_test(size=(200, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        reader = app.reader
        assert reader.scrollable_content_region.width > MEASURE
        check_drawn_as_wrapped(reader)
        wide = list(reader.lines)
        await pilot.resize_terminal(120, 30)  # side by side still, the reader narrower
        await pilot.pause()
        assert reader.scrollable_content_region.width < MEASURE
        assert reader.lines != wide
        check_drawn_as_wrapped(reader)
        await pilot.resize_terminal(200, 30)
        await pilot.pause()
        assert reader.lines == wide
        check_drawn_as_wrapped(reader)
        width = reader.scrollable_content_region.width
        await pilot.resize_terminal(181, 30)  # narrower, but still wider than the measure
        await pilot.pause()
        assert MEASURE <= reader.scrollable_content_region.width < width
        assert reader.lines == wide
        check_drawn_as_wrapped(reader)


async def test_the_reader_draws_in_the_new_theme_after_a_switch(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        reader = app.reader
        title_y = next(y for y, (kind, _) in enumerate(reader.lines) if kind == TITLE)
        before = next(iter(reader.render_line(title_y))).style
        assert before == style_of(reader, TITLE)
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "newsreader-light"
        after = next(iter(reader.render_line(title_y))).style
        assert after == style_of(reader, TITLE)
        assert after != before
        padded = reader.render_line(title_y)  # the title is followed by blank cells
        assert list(padded)[-1].style == reader.rich_style


async def test_a_long_story_is_wrapped_whole_and_drawn_to_its_end(seeded: Library) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        reader = app.reader
        story = seeded.story(app.story_list.rows[0].story.id)
        assert len(reader.lines) > 3 * reader.size.height  # longer than a few screens
        body = [text for kind, text in reader.lines if kind == BODY]
        words = " ".join(body).split()
        captions = [f"[photo] {caption}" for caption in story.captions]
        assert words == " ".join([*story.paragraphs, *captions, *story.notes]).split()
        reader.scroll_end(animate=False)
        await pilot.pause()
        check_drawn_as_wrapped(reader)
        assert reader.lines[-2][1] in drawn(reader)[-2]
