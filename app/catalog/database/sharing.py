"""One catalog file, several processes: the window's owner lock and other processes' writes.

- :func:`open_for_window` opens a database for a window. The first window on a file takes its
  owner lock (:mod:`app.models.owner_lock`) and edits; a second window opens it read-only, its
  ``read_only_reason`` naming the window that has it (process, user, host, since when). The
  command line takes no lock: its reads and writes go on while a window is open.
- :func:`changed_elsewhere` tells a window that another process (a command, another window)
  changed the catalog since it last looked, as a :class:`Changes` naming everything, so the
  views refresh through the usual ``catalogChanged`` path. Cheap enough for a timer: it only
  looks at the files' sizes and times until one of them changes.
"""

from __future__ import annotations

from pathlib import Path

from app.catalog.changes import ACCOUNTS, EXPORTS, Changes
from app.catalog.database import export as exporter
from app.catalog.database.documents import documents
from app.models import sqlite_safety
from app.models.database import Database, open_database
from app.models.owner_lock import OwnerLock, lock_path

CHANGED_ELSEWHERE = Changes(kinds=frozenset(exporter.TOP_LEVEL_KEYS) | {ACCOUNTS, EXPORTS})
"""What a change made by another process is taken to have changed: anything."""


def open_for_window(target: str | Path, *, current: Database | None = None) -> Database:
    """Open the database at ``target`` for a window (see the module docstring); raises
    ``DatabaseError`` as :func:`open_database` does. A URL opens as it is (no owner lock).
    When ``current`` (the window's database now) holds the owner lock of that same file (it
    is opened again, after restoring a backup), the new one takes the lock over."""
    text = str(target)
    if "://" in text:
        return open_database(text)
    path = Path(text).expanduser()
    held = current.owner if current is not None else None
    if isinstance(held, OwnerLock) and _same(held.path, lock_path(path)):
        db = open_database(path)
        if not db.read_only:
            db.owner, current.owner = held, None  # type: ignore[union-attr]
        return db
    if not path.parent.is_dir():  # a new folder: the opener makes it (or says why not)
        db = open_database(path)
        _take_lock(db, OwnerLock(path))
        return db
    lock = OwnerLock(path)
    try:
        holder = lock.acquire()
    except OSError:  # no lock file in a read-only folder: the database opens read-only
        return open_database(path)
    if holder is not None:
        return open_database(path, create=False, read_only_reason=holder.describe())
    try:
        db = open_database(path)
    except BaseException:
        lock.release()
        raise
    if db.read_only:
        lock.release()
    else:
        db.owner = lock
    return db


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _take_lock(db: Database, lock: OwnerLock) -> None:
    try:
        if not db.read_only and lock.acquire() is None:
            db.owner = lock
    except OSError:
        pass


def changed_elsewhere(db: Database) -> Changes | None:
    """:data:`CHANGED_ELSEWHERE` when another process changed the database since this process
    last looked or wrote, else None. The in-memory catalog document is dropped then, so the
    next snapshot reads the database again."""
    if not sqlite_safety.changed_elsewhere(db.engine):
        return None
    documents.drop(db)
    return CHANGED_ELSEWHERE


def forget_document(db: Database) -> None:
    """Drop the in-memory catalog document: the next snapshot reads the database again."""
    documents.drop(db)


def release_owner(db: Database) -> None:
    """Give up the owner lock (the window closes; its database may stay open for a moment)."""
    if db.owner is not None:
        db.owner.release()
        db.owner = None
