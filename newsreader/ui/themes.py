"""Themes from TOML files: the built-in ones in themes/, the user's in the config directory."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from textual.theme import Theme


@dataclass(frozen=True)
class ThemeProblem:
    """A theme file that could not be loaded, and why."""

    path: Path
    reason: str


def builtin_theme_folder() -> Path:
    """The themes/ shipped with newsreader: in the package when installed, else the checkout."""
    packaged = resources.files("newsreader") / "themes"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "themes"


def load_theme(path: Path) -> Theme:
    """Read one theme file; ValueError with the reason when it is not a valid theme."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(str(error)) from error
    if not isinstance(data.get("name"), str) or not isinstance(data.get("primary"), str):
        raise ValueError("a theme needs at least `name` and `primary`")
    variables = data.pop("variables", {})
    if not isinstance(variables, dict):
        raise ValueError("[variables] must be a table")
    try:
        theme = Theme(**data, variables={str(k): str(v) for k, v in variables.items()})
        theme.to_color_system()  # colours are parsed here: a bad one fails now, not at render
    except Exception as error:  # Theme raises several kinds of error for bad colours
        raise ValueError(f"not a valid theme: {error}") from error
    return theme


def load_themes(*folders: Path) -> tuple[list[Theme], list[ThemeProblem]]:
    """Every theme in `folders` (later folders override earlier ones by name) and any problems."""
    themes: dict[str, Theme] = {}
    problems: list[ThemeProblem] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme(path)
            except ValueError as error:
                problems.append(ThemeProblem(path, str(error)))
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems
