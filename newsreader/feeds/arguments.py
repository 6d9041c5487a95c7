"""The feed commands' arguments, kept light: the app's start-up builds the parser too."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def add_parsers(commands: Any) -> None:
    """Declare the feed commands on the CLI's subparsers."""
    adding = commands.add_parser("add", help="subscribe to feeds (or a site's announced feed)")
    adding.add_argument("urls", nargs="*", metavar="URL")
    adding.add_argument("--opml", type=Path, metavar="FILE", help="every feed an OPML file lists")
    adding.add_argument("--tag", action="append", default=[], metavar="TAG", help="tag new feeds")
    adding.add_argument(
        "--full-text",
        action="store_true",
        help="read each new entry's linked page for its whole text (for summary-only feeds)",
    )
    listing = commands.add_parser("feeds", help="list subscriptions and how their fetches went")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    removing = commands.add_parser("remove", help="unsubscribe (its stories stay unless --purge)")
    removing.add_argument("feed", metavar="URL|TITLE")
    removing.add_argument(
        "--purge", action="store_true", help="delete its stories from the library too"
    )
    fetching = commands.add_parser("fetch", help="fetch subscriptions and import their stories")
    fetching.add_argument("urls", nargs="*", metavar="URL|TITLE", help="default: every feed due")
