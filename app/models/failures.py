"""What went wrong with a database, in words a person can act on.

The window and the command line both turn the errors they expect (a database locked by another
program, a read-only file, a full disk, a damaged file, a folder that does not exist) into one
sentence with :func:`database_failure_message`; anything else is a real internal error and is
left to propagate.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from app.models.sqlite_safety import JournalLost, journal_lost_message

SQLITE_HEADER = b"SQLite format 3\x00"


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    if isinstance(exc, DBAPIError) and isinstance(exc.orig, sqlite3.Error):
        return exc.orig
    if isinstance(exc, sqlite3.Error):
        return exc
    return None


def sqlite_kind(exc: BaseException) -> str | None:
    """``"busy"``, ``"read-only"``, ``"full"``, ``"damaged"``, ``"cannot-open"``, ``"io"``,
    ``"journal-lost"`` (see :mod:`app.models.sqlite_safety`) or None for an error that is not
    one of these."""
    error = _sqlite_error(exc)
    if error is None:
        return None
    if isinstance(error, JournalLost):
        return "journal-lost"
    name = str(getattr(error, "sqlite_errorname", "") or "")
    text = str(error).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return "busy"
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return "read-only"
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return "full"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text \
            or "not a database" in text:
        return "damaged"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return "cannot-open"
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return "io"
    return None


def _disk_nearly_full(location: str) -> bool:
    """SQLite reports some writes on a full disk (the WAL index) as a plain I/O error."""
    folder = Path(location).parent
    try:
        return shutil.disk_usage(folder).free < 64 * 1024
    except OSError:
        return False


def backups_hint(location: str) -> str:
    return f"the backups are listed by: catalog-editor backups list --db '{location}'"


def database_failure_message(exc: BaseException, location: str) -> str | None:
    """One sentence for an expected database failure at ``location``; None otherwise.
    Nothing was changed in every case named here: the failed transaction was rolled back."""
    from app.models.postgres import postgres_failure_message

    on_postgres = postgres_failure_message(exc, location)
    if on_postgres is not None:
        return on_postgres
    kind = sqlite_kind(exc)
    if kind == "journal-lost":
        return journal_lost_message(location)
    if kind == "busy":
        return (f"{location}: the database is busy: another window or catalog-editor command is "
                "writing to it. Nothing was changed; try again when it has finished.")
    if kind == "read-only":
        return (f"{location}: the database is read-only (the file or its folder cannot be "
                "written). Nothing was changed.")
    if kind == "damaged":
        return (f"{location}: the database file is damaged ({_sqlite_error(exc)}); it was left "
                f"as it is. Restore a backup: {backups_hint(location)}")
    if kind == "cannot-open":
        return (f"{location}: the database cannot be opened (does its folder exist, and may it "
                "be read?).")
    if kind == "io" and _disk_nearly_full(location):
        kind = "full"
    if kind == "full":
        return (f"{location}: the disk is full. Nothing was changed; free some space and try "
                "again.")
    if kind == "io":
        return (f"{location}: the disk reported an error ({_sqlite_error(exc)}). Nothing was "
                "changed.")
    return None


def file_failure_message(exc: OSError, path: str) -> str:
    """A file that could not be read or written, with the reason the system gave."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "the file or its folder is read-only"
    elif exc.errno == errno.ENOENT:
        reason = "the folder does not exist"
    return f"{path}: cannot write the file ({reason})"
