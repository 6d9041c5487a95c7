"""Every user command, declared once: it drives the key bindings, the help and the palette."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserAction:
    """One thing a user can do: its action name, default keys and a short description."""

    name: str  # the App action it runs (`action_<name>`), also the id users rebind it by
    keys: str  # Textual key names, comma separated
    description: str
    footer: bool = False  # shown in the footer as well as in help and the palette
    key_display: str | None = None
    label: str | None = None  # a shorter description for the footer, which has 80 columns
    priority: bool = False  # checked before the focused widget's own keys (Tab)


ACTIONS: tuple[UserAction, ...] = (
    UserAction("cursor_down", "j,down", "Next story"),
    UserAction("cursor_up", "k,up", "Previous story"),
    UserAction("first", "g,home", "First story"),
    UserAction("last", "G,end", "Last story"),
    UserAction("page_down", "pagedown", "Page down"),
    UserAction("page_up", "pageup", "Page up"),
    UserAction("next_unread", "n", "Next unread story"),
    UserAction("previous_unread", "p", "Previous unread story"),
    UserAction("open_story", "enter", "Open story", footer=True, label="Open"),
    UserAction("read_on", "space", "Page the story; at its end, open the next unread"),
    UserAction("switch_pane", "tab", "Switch between list and reader", priority=True),
    UserAction("toggle_read", "r", "Toggle read", footer=True, label="Read"),
    UserAction("toggle_star", "s", "Toggle star", footer=True, label="Star"),
    UserAction("undo", "u,ctrl+z", "Undo", footer=True),
    # Checked first, as Tab is: words typed right after it (a burst) go into the bar.
    UserAction("search", "slash", "Search", footer=True, priority=True),
    UserAction("show_all", "1", "Show all stories"),
    UserAction("show_unread", "2", "Show unread stories"),
    UserAction("show_starred", "3", "Show starred stories"),
    UserAction("mark_matching_read", "M", "Mark every story listed read"),
    UserAction("copy_story", "y", "Copy the story to the clipboard"),
    UserAction("open_original", "o", "Open the story's page in the browser (or copy its link)"),
    UserAction("pipe_story", "vertical_line", "Pipe the story to a command", key_display="|"),
    UserAction("add_tag", "plus", "Add a tag to the story", key_display="+"),
    UserAction("remove_tag", "minus", "Remove a tag from the story", key_display="-"),
    UserAction("cycle_grouping", "equals_sign", "Group by source, by tag, or not", key_display="="),
    UserAction("export_listed", "e", "Export the listed stories as Markdown"),
    UserAction("widen_list", "greater_than_sign", "Widen the list", key_display=">"),
    UserAction("narrow_list", "less_than_sign", "Narrow the list", key_display="<"),
    UserAction("cycle_theme", "t", "Next theme"),
    UserAction("toggle_versions", "v", "Show or hide other versions"),
    UserAction("split_version", "x", "Split story from its group"),
    UserAction("stats", "i", "Library statistics"),
    UserAction("fetch_feeds", "R", "Fetch subscriptions"),
    UserAction("full_text", "F", "Read the full text from the story's page"),
    UserAction("back", "escape", "Back", footer=True, key_display="esc"),
    UserAction("help", "question_mark", "Help", footer=True, key_display="?"),
    UserAction("quit", "q", "Quit", footer=True),
)


def action_named(name: str) -> UserAction:
    """The action called `name`; KeyError when there is none."""
    for action in ACTIONS:
        if action.name == name:
            return action
    raise KeyError(name)
