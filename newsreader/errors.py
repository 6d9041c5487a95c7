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


# What an OSError from the disk means to a user, in words, by errno name.
_WORDS = {
    "ENOSPC": "disk full",
    "EDQUOT": "disk quota exceeded",
    "EROFS": "library is read-only",
    "EACCES": "permission denied",
    "EPERM": "permission denied",
    "EIO": "input/output error (the disk failed)",
}


def in_words(error: OSError, library: bool = True) -> str:
    """What an OSError means to a user: "disk full", "library is read-only", …

    With `library=False` (a file of the user's, an export say) EROFS is "read-only file system".
    """
    import errno

    name = errno.errorcode.get(error.errno or 0, "")
    if name == "EROFS" and not library:
        return "read-only file system"
    return _WORDS.get(name) or (error.strerror or str(error)).lower()


class WriteFailed(LibraryError):
    """A library file could not be written; nothing that was stored before is lost."""

    def __init__(self, path: object, error: OSError, what: str = "") -> None:
        self.path = str(getattr(error, "filename", None) or path)
        self.words = in_words(error)
        self.what = what
        tail = f" — {what}" if what else ""
        super().__init__(f"{self.path}: {self.words}{tail}")


class ReadOnlyLibrary(LibraryError):
    """The library is on a read-only disk or belongs to someone else: it can only be read."""

    def __init__(self, folder: object, what: str = "") -> None:
        self.path = str(folder)
        self.words = "library is read-only"
        self.what = what
        tail = f" — {what}" if what else ""
        super().__init__(f"{folder}: {self.words}{tail}")


class LockHeld(LibraryError):
    """Another process holds a lock this command needs, and it was told not to wait."""
