"""Where newsreader keeps things, and the user's settings (a small TOML file)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from newsreader.errors import NewsreaderError
from newsreader.pipes import Pipe, read_pipes
from newsreader.rules import Rule, read_rules
from newsreader.storage import write_atomic

APP_NAME = "newsreader"
LIST_WIDTHS = (30, 80)  # the narrowest and widest the story list may be, in percent
MARK_READ_ON = ("open", "end")  # when a story opened with Enter is marked read


def default_library_path() -> Path:
    """The library folder: $NEWSREADER_DB, else the user data directory."""
    env = os.environ.get("NEWSREADER_DB")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path(APP_NAME) / "library"


def config_folder() -> Path:
    """The user config directory ($NEWSREADER_CONFIG_DIR overrides it, for tests and scripts)."""
    env = os.environ.get("NEWSREADER_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_config_path(APP_NAME)


@dataclass
class Config:
    """User settings: theme, key overrides by action name, reading behaviour, a folder to watch."""

    theme: str = "newsreader-dark"
    keys: dict[str, str] = field(default_factory=dict)
    mark_group_read: bool = True
    watch: str | None = None  # dumps appearing in this folder are imported while the app runs
    fetch_interval: int = 0  # minutes between fetches of the subscriptions while the app runs
    list_width: int = 60  # percent of a wide terminal given to the story list (`<` and `>`)
    rules: list[Rule] = field(default_factory=list)  # mute rules for new stories
    pipes: list[Pipe] = field(default_factory=list)  # commands a story can be piped to (`|`)
    mark_read_on: str = "open"  # or "end": Enter marks a story read once its end was shown


def load_config(path: Path | None = None) -> Config:
    """Read the settings file; missing means defaults, broken means a NewsreaderError."""
    path = path or config_folder() / "config.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise NewsreaderError(f"{path}: cannot read settings ({error})") from error
    config = Config()
    if isinstance(data.get("theme"), str):
        config.theme = data["theme"]
    if isinstance(data.get("mark_group_read"), bool):
        config.mark_group_read = data["mark_group_read"]
    width = data.get("list_width")
    if isinstance(width, int) and not isinstance(width, bool):
        config.list_width = max(LIST_WIDTHS[0], min(LIST_WIDTHS[1], width))
    if isinstance(data.get("watch"), str) and data["watch"].strip():
        config.watch = data["watch"]
    interval = data.get("fetch_interval")
    if isinstance(interval, int) and not isinstance(interval, bool) and interval > 0:
        config.fetch_interval = interval
    config.rules = read_rules(data.get("rules"), path)
    config.pipes = read_pipes(data.get("pipes"), path)
    mark_read_on = data.get("mark_read_on", "open")
    if mark_read_on not in MARK_READ_ON:
        raise NewsreaderError(f'{path}: mark_read_on must be "open" or "end"')
    config.mark_read_on = str(mark_read_on)
    keys = data.get("keys")
    if isinstance(keys, dict):
        config.keys = {str(k): str(v) for k, v in keys.items() if isinstance(v, str)}
    return config


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def save_config(config: Config, path: Path | None = None) -> None:
    """Write the settings file (keys by action name under [keys])."""
    path = path or config_folder() / "config.toml"
    lines = [
        f"theme = {_toml_string(config.theme)}",
        f"mark_group_read = {'true' if config.mark_group_read else 'false'}",
        f"list_width = {config.list_width}",
        *([f"watch = {_toml_string(config.watch)}"] if config.watch else []),
        *([f"fetch_interval = {config.fetch_interval}"] if config.fetch_interval else []),
        *(
            [f"mark_read_on = {_toml_string(config.mark_read_on)}"]
            if config.mark_read_on != "open"
            else []
        ),
        "",
        "[keys]",
        *(f"{_toml_string(action)} = {_toml_string(key)}" for action, key in config.keys.items()),
    ]
    if config.pipes:
        lines += ["", "[pipes]"]
        for pipe in config.pipes:
            command = ("!" if pipe.interactive else "") + pipe.command
            lines.append(f"{_toml_string(pipe.name)} = {_toml_string(command)}")
    for rule in config.rules:
        lines += ["", "[[rules]]", f"query = {_toml_string(rule.query)}"]
        lines.append(f"action = {_toml_string(rule.action)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Replaced whole: writing in place on a full disk would leave an empty settings file.
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
