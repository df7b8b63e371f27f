"""Errors the application layer raises to the window and the command line."""

from __future__ import annotations

from app.engine.problems import Problem

__all__ = ["ImportFailure", "InUseError", "Problem"]  # Problem: for the views, off app.engine


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
