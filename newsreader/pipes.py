"""Pipes: a story as Markdown handed to a shell command from config.toml's `[pipes]`.

[pipes]
wallabag = "wallabag add"               # runs in the background; its first line of output shows
summary = "llm -s 'summarise'"
less = "!less -R"                       # `!`: interactive, the app steps aside while it runs
edit = { command = "vim -", interactive = true }
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsreader.errors import NewsreaderError
from newsreader.models import Story
from newsreader.sanitize import clean_line

TIMEOUT_SECONDS = 300  # a command in the background that takes longer is stopped
HOW_TO_ADD = 'No pipes configured: add one to config.toml, e.g. [pipes] less = "!less"'


@dataclass(frozen=True)
class Pipe:
    """A named shell command that reads a story on its standard input."""

    name: str
    command: str
    interactive: bool = False  # takes the terminal (a pager, an editor): the app suspends


@dataclass(frozen=True)
class Outcome:
    """What a command run in the background said: its first line, or why it failed."""

    ok: bool
    line: str


def read_pipes(data: Any, path: Path) -> list[Pipe]:
    """The `[pipes]` table of a settings file; a NewsreaderError naming the file and the pipe."""
    if data is None:
        return []
    if not isinstance(data, dict):
        raise NewsreaderError(f'{path}: pipes must be a [pipes] table of name = "command"')
    pipes = []
    for name, value in data.items():
        interactive = False
        if isinstance(value, dict):
            command = value.get("command")
            interactive = value.get("interactive", False)
            if not isinstance(interactive, bool):
                raise NewsreaderError(f"{path}: pipe {name!r}: interactive must be true or false")
        else:
            command = value
        if not isinstance(command, str) or not command.strip():
            raise NewsreaderError(f'{path}: pipe {name!r} needs a command, e.g. {name} = "less"')
        command = command.strip()
        if command.startswith("!"):
            interactive, command = True, command[1:].strip()
            if not command:
                raise NewsreaderError(f"{path}: pipe {name!r} needs a command after the !")
        pipes.append(Pipe(str(name), command, interactive))
    return pipes


def story_markdown(story: Story) -> str:
    """The story as a pipe gets it: `newsreader show ID --format markdown`, cleaned text."""
    from newsreader.export import markdown

    return markdown([story])


def run_in_background(pipe: Pipe, text: str) -> Outcome:
    """Run a pipe with `text` on its input, away from the terminal; its first line or error."""
    try:
        # A session of its own: a command that wants the terminal cannot take it from the app.
        done = subprocess.run(
            pipe.command,
            shell=True,
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        return Outcome(False, f"{pipe.name}: stopped after {TIMEOUT_SECONDS} s")
    except OSError as error:
        return Outcome(False, f"{pipe.name}: cannot run ({error.strerror or error})")
    said = first_line(done.stdout)
    if done.returncode != 0:
        why = first_line(done.stderr) or said or f"exit status {done.returncode}"
        return Outcome(False, f"{pipe.name} failed: {why}")
    return Outcome(True, f"{pipe.name}: {said}" if said else f"{pipe.name}: done")


def run_in_terminal(pipe: Pipe, text: str) -> Outcome:
    """Run an interactive pipe on the terminal (the caller has stepped aside) until it ends."""
    try:
        done = subprocess.run(pipe.command, shell=True, input=text.encode("utf-8"))
    except OSError as error:
        return Outcome(False, f"{pipe.name}: cannot run ({error.strerror or error})")
    if done.returncode != 0:
        return Outcome(False, f"{pipe.name} failed: exit status {done.returncode}")
    return Outcome(True, f"{pipe.name}: done")


def first_line(output: bytes) -> str:
    """The first non-blank line of a command's output, as safe plain text."""
    for line in output.decode("utf-8", errors="replace").splitlines():
        cleaned = clean_line(line)
        if cleaned:
            return cleaned
    return ""
