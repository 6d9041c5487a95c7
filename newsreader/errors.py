"""The project's own error types: everything a user can cause ends in one of these."""


class NewsreaderError(Exception):
    """Base of every error newsreader reports to the user instead of a traceback."""


class DumpError(NewsreaderError):
    """A dump file could not be read; the message names the file and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class LibraryError(NewsreaderError):
    """The library on disk is damaged, locked or of an unknown version."""


class UnknownStory(NewsreaderError):
    """No story in the library has the given id."""


class DamagedLibrary(LibraryError):
    """A library file cannot be used as it is; `newsreader doctor` reports and repairs it."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason} — run `newsreader doctor`")
        self.path = str(path)
        self.reason = reason


class QueryError(NewsreaderError):
    """A search query could not be parsed; the message says what is wrong and where."""
