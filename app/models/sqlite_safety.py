"""What keeps saves on an SQLite file safe when other code and other processes open it.

SQLite coordinates processes with POSIX advisory locks, and POSIX drops *every* lock a process
holds on a file as soon as *any* descriptor of that file is closed in that process (SQLite's
"How To Corrupt" page, section 2.2). A file dialog that peeks into ``cat.sqlite-wal`` to guess
its type is enough: another process then believes it is the last user of the database,
checkpoints and deletes the WAL, and the window goes on committing into a deleted file.

Three things here, installed on the engine of every catalog file by :func:`install`:

- the engine has no pool (``NullPool``, chosen by the opener): a connection lives for one unit
  of work, so between two units the process holds no descriptor and no lock to lose;
- a **guard** at every commit: when the WAL (or its index) this process has open was deleted
  (Linux: a ``(deleted)`` link in ``/proc/self/fd``), the commit is refused with
  :class:`JournalLost` instead of writing into a file nobody will read;
- a **catalog revision**: every transaction that changed rows bumps SQLite's ``user_version``
  (a counter in the database header, written in the same transaction; no table, no migration),
  so a window can see that another process wrote (:func:`changed_elsewhere`). SQLite's own
  ``PRAGMA data_version`` only compares within one connection, which a pool-less engine does
  not keep; and the header's change counter is not updated by commits in WAL mode.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import OperationalError

COUNTS_AS_CHANGE = "counts_as_change"
"""Execution option: ``False`` for a write that does not change the catalog (the cached copy of
the document), so the revision stays and open windows do not reload for it."""

_CHANGES_AT_BEGIN = "catalog_editor_changes_at_begin"
_REVISION_MASK = 0x7FFFFFFF  # user_version is a signed 32-bit number


class JournalLost(sqlite3.OperationalError):
    """The WAL this process was writing to was deleted by another process: nothing saved."""


class CatalogRevision:
    """The revision of one database file as this process last knew it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.known: int | None = None
        self.external = False  # a commit of ours found another process's write before it
        self.signature: tuple[object, ...] | None = None

    def committed(self, before: int, after: int) -> None:
        with self.lock:
            if self.known is not None and before != self.known:
                self.external = True
            self.known = after

    def stat(self) -> tuple[object, ...]:
        """What the file system says about the database and its WAL (no file is opened)."""
        out: list[object] = []
        for name in (self.path, self.path + "-wal"):
            try:
                st = os.stat(name)
            except OSError:
                out.append(None)
            else:
                out.append((st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(out)


_revisions: weakref.WeakKeyDictionary[Engine, CatalogRevision] = weakref.WeakKeyDictionary()


def journal_lost(path: str) -> bool:
    """Whether this process holds a descriptor of the deleted WAL or WAL index of ``path``
    (an absolute, resolved path). Always False where ``/proc/self/fd`` does not exist."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return False
    lost = {f"{path}-wal (deleted)", f"{path}-shm (deleted)"}
    for name in names:
        try:
            if os.readlink(f"/proc/self/fd/{name}") in lost:
                return True
        except OSError:
            continue
    return False


def journal_lost_message(location: str) -> str:
    return (f"{location}: nothing was saved: another program removed the database's journal "
            "(the -wal file) while this change was being written. The database itself is "
            "intact; try again.")


def _raw(conn: Connection) -> Any:
    return conn.connection.driver_connection


def install(engine: Engine, path: str) -> CatalogRevision:
    """Put the commit guard and the revision counter on the engine of the file ``path``."""
    resolved = os.path.realpath(path)
    revision = CatalogRevision(resolved)
    _revisions[engine] = revision

    @event.listens_for(engine, "begin")
    def remember_changes(conn: Connection) -> None:
        conn.info[_CHANGES_AT_BEGIN] = _raw(conn).total_changes

    @event.listens_for(engine, "commit")
    def guard_and_count(conn: Connection) -> None:
        raw = _raw(conn)
        if journal_lost(resolved):
            raise OperationalError("COMMIT", None, JournalLost(journal_lost_message(path)))
        if raw.total_changes == conn.info.get(_CHANGES_AT_BEGIN, raw.total_changes):
            return  # only read
        if not conn.get_execution_options().get(COUNTS_AS_CHANGE, True):
            return
        (before,) = raw.execute("PRAGMA user_version").fetchone()
        after = (before + 1) & _REVISION_MASK
        raw.execute(f"PRAGMA user_version = {after}")
        revision.committed(before, after)

    return revision


def remember_revision(engine: Engine) -> None:
    """Take the database's revision now as the one this process has seen."""
    revision = _revisions.get(engine)
    if revision is None:
        return
    with revision.lock:
        revision.known = _read(engine)
        revision.signature = revision.stat()


def _read(engine: Engine) -> int:
    with engine.connect() as conn:
        value = revision_in(conn)
        conn.rollback()
    return value


def revision_in(conn: Connection) -> int:
    """The catalog revision as the transaction of ``conn`` sees it."""
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)


def changed_elsewhere(engine: Engine) -> bool:
    """Whether another process changed the catalog since this process last looked (or wrote).

    Cheap when nothing happened: the database and its WAL are only ``stat``-ed; the revision
    is read (one short connection) only when either file changed."""
    revision = _revisions.get(engine)
    if revision is None:
        return False
    with revision.lock:
        external, revision.external = revision.external, False
        if not external and revision.stat() == revision.signature:
            return False
        current = _read(engine)
        revision.signature = revision.stat()  # after our own connection came and went
        changed = external or current != revision.known
        revision.known = current
        return changed
