"""Errors the application layer raises to the window and the command line."""

from __future__ import annotations

from app.engine.problems import Problem

# Problem: for the views, off app.engine
__all__ = ["ConcurrentEditError", "ImportFailure", "InUseError", "Problem"]


class ImportFailure(Exception):
    """A document that cannot be imported; nothing was written.

    ``message`` is one line for a status bar or a terminal; ``problems`` lists every fault found,
    each with its JSON path.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.message = message
        self.problems = list(problems or [])
        super().__init__(message)


class InUseError(Exception):
    """An object that cannot be deleted or changed because accounts (or other objects) use it."""

    def __init__(self, message: str, users: list[str] | None = None) -> None:
        self.message = message
        self.users = list(users or [])
        super().__init__(message)


class ConcurrentEditError(Exception):
    """A save or delete refused because someone else saved the object since it was loaded
    (optimistic concurrency); nothing was written and the caller keeps its edits.

    ``message`` names the object, who changed it and when, the stored version and the one the
    caller loaded (``version`` and ``expected``; ``version`` is None when it was deleted).
    """

    def __init__(self, message: str, *, what: str, version: int | None,
                 expected: int | None, updated_by: str | None = None) -> None:
        self.message = message
        self.what = what
        self.version = version
        self.expected = expected
        self.updated_by = updated_by
        super().__init__(message)
