"""The app's looks: the themes registered, NO_COLOR honoured, the theme chosen cycled and saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.filter import Monochrome, NoColor

from newsreader.config import Config, config_folder, save_config
from newsreader.errors import in_words
from newsreader.ui.themes import builtin_theme_folder, load_themes
from newsreader.ui.widgets.colourless import Colourless

# The built-in themes in the order `t` goes through them; the user's own come after.
THEME_ORDER = ("newsreader-dark", "newsreader-light", "newsreader-high-contrast", "newsreader-ansi")


class Looks:
    """The themes the app can take, the one it shows, and the colours it sends at all."""

    def __init__(self, app: App[Any], config: Config, config_path: Path | None) -> None:
        """Register the themes with `app`, and send no colour at all under NO_COLOR."""
        self.app = app
        self.config = config
        self.config_path = config_path
        themes, self.problems = load_themes(builtin_theme_folder(), config_folder() / "themes")
        for theme in themes:
            app.register_theme(theme)
        if app.no_color:
            # Textual's NO_COLOR filters still send greys (256-colour codes): send none.
            app._filters = [f for f in app._filters if not isinstance(f, (Monochrome, NoColor))]
            app._filters.append(Colourless())
        self.own_themes = [theme.name for theme in themes]
        # The theme the app starts with: the one configured, if it is there.
        self.first = config.theme if config.theme in app.available_themes else "newsreader-dark"

    def tell_problems(self) -> None:
        """Name each theme file that could not be loaded, and why."""
        for problem in self.problems:
            self.app.notify(f"{problem.path.name}: {problem.reason}", title="Theme not loaded")

    def chosen(self, theme: str) -> None:
        """The app took `theme`: save it as the one to start with."""
        if self.app.no_color:
            return  # with no colour shown, a theme chosen would be one never seen
        if self.config.theme != theme:
            self.config.theme = theme
            if self.config_path is not None:
                try:
                    save_config(self.config, self.config_path)
                except OSError as error:
                    self.app.notify(
                        f"{error.filename}: {in_words(error, library=False)}",
                        title="Theme not saved",
                        severity="error",
                        markup=False,
                    )

    def cycle(self) -> None:
        """Show the next theme: the built-in ones in order, then the user's."""
        app = self.app
        if app.no_color:
            app.notify("NO_COLOR is set: newsreader shows no colours, so no theme to choose.")
            return
        names = [n for n in THEME_ORDER if n in app.available_themes]
        names += [n for n in self.own_themes if n not in names]
        if not names:
            return
        position = names.index(app.theme) if app.theme in names else -1
        app.theme = names[(position + 1) % len(names)]
        app.notify(f"Theme: {app.theme}")
