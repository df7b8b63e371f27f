"""Expected failures of any ``catalog-editor`` command as one line and exit status 2.

:class:`CatalogGroup` is the command group's class: a database that is busy, read-only, damaged
or on a full disk, and a file that cannot be written, end the command with one line naming the
database or file and what to do, never a traceback. Anything else is an internal error (exit 1).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import click
from sqlalchemy.exc import DBAPIError

from app.cli.common import fail
from app.models.failures import database_failure_message, file_failure_message

MAX_PROBLEM_LINES = 50
"""Problem lines printed before the rest are summarised as ``... and N more``."""


def current_database() -> str:
    """The database the running command opened (for messages), or ``the database``."""
    ctx = click.get_current_context(silent=True)
    location = ctx.find_root().meta.get("catalog_editor.db") if ctx is not None else None
    return str(location or "the database")


def remember_database(location: str) -> None:
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().meta["catalog_editor.db"] = location


def bounded(lines: list[str], limit: int = MAX_PROBLEM_LINES) -> list[str]:
    """At most ``limit`` lines, then one ``... and N more`` line."""
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"... and {len(lines) - limit} more"]


class CatalogGroup(click.Group):
    """A click group turning expected database and file failures into a one-line message."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (DBAPIError, sqlite3.Error) as exc:
            message = database_failure_message(exc, current_database())
            if message is None:
                raise
            fail(message)
        except OSError as exc:
            fail(file_failure_message(exc, str(exc.filename or "a file")))
