"""Theme files: every built-in one loads and the app can use it; a bad one is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.config import Config, load_config
from newsreader.library import Library
from newsreader.ui.app import NewsReader
from newsreader.ui.themes import builtin_theme_folder, load_theme, load_themes

BUILTIN = sorted(builtin_theme_folder().glob("*.toml"))


def test_the_four_kinds_of_theme_are_there() -> None:
    names = {load_theme(path).name for path in BUILTIN}
    assert {"newsreader-dark", "newsreader-light", "newsreader-high-contrast",
            "newsreader-ansi"} <= names  # fmt: skip


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.stem)
async def test_builtin_theme_runs_the_app(path: Path, seeded: Library) -> None:
    name = load_theme(path).name
    app = NewsReader(library=seeded, config=Config(theme=name))
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == name
        await pilot.press("enter", "j")


def test_bad_theme_file_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("name = 'x'\nprimary = 'not-a-colour'\n")
    (tmp_path / "garbage.toml").write_text("[[[")
    (tmp_path / "good.toml").write_text("name = 'mine'\nprimary = '#112233'\n")
    themes, problems = load_themes(tmp_path)
    assert [t.name for t in themes] == ["mine"]
    assert sorted(p.path.name for p in problems) == ["broken.toml", "garbage.toml"]


async def test_theme_choice_is_remembered(seeded: Library, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    app = NewsReader(library=seeded, config=Config(), config_path=path)
    async with app.run_test(size=(100, 30)):
        app.theme = "newsreader-light"
    assert load_config(path).theme == "newsreader-light"
