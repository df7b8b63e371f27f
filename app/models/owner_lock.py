"""The owner lock of a catalog file: one window edits it, any other opens it read-only.

The lock is ``NAME.lock`` beside the database (``cat.sqlite`` -> ``cat.sqlite.lock``), taken
with :mod:`filelock` (``flock`` on Unix, ``LockFileEx`` on Windows). Unlike SQLite's POSIX locks,
an ``flock`` belongs to the one open file it was taken on: nothing else the process opens and
closes can drop it, and the system drops it when the process ends, however it ends (no stale
lock after a crash). While held, the file says who holds it (process, user, host, since when),
so a second window can name the first.

The command line does not take it: ``export``, ``simulate --db`` and even ``import`` work while a
window is open; the window notices their writes (:mod:`app.models.sqlite_safety`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import filelock


@dataclass(frozen=True)
class Holder:
    """Who holds the owner lock of a database (each part may be unknown)."""

    pid: int | None = None
    user: str | None = None
    host: str | None = None
    since: str | None = None

    def describe(self) -> str:
        """``"another Catalog Editor window (process 123, ann on pc-7, since 09:14) has it
        open"``; without the details when the lock file could not be read."""
        parts = []
        if self.pid is not None:
            parts.append(f"process {self.pid}")
        who = " on ".join(p for p in (self.user, self.host) if p)
        if who:
            parts.append(who)
        if self.since:
            parts.append(f"since {self.since}")
        details = f" ({', '.join(parts)})" if parts else ""
        return f"another Catalog Editor window{details} has it open"


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def login_name() -> str | None:
    """The user's login name; None without one (a container without a passwd entry)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _me() -> bytes:
    user = login_name()
    since = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return json.dumps({"pid": os.getpid(), "user": user, "host": socket.gethostname(),
                       "since": since}).encode("utf-8")


def _write_holder(fd: int) -> None:
    """Say who holds the lock, in the lock file (best effort: the lock is what counts)."""
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, _me())
    except OSError:
        pass


class OwnerLock:
    """The owner lock of the catalog file ``database`` (see the module docstring)."""

    def __init__(self, database: Path) -> None:
        self.path = lock_path(database)
        self._lock = filelock.FileLock(self.path, timeout=0, thread_local=False,
                                       on_acquired=_write_holder)

    def acquire(self) -> Holder | None:
        """Take the lock: None when taken, else who holds it. ``OSError`` when the lock file
        cannot be made (a read-only folder: the database then opens read-only anyway)."""
        try:
            self._lock.acquire()
        except filelock.Timeout:
            return self.holder()
        return None

    def holder(self) -> Holder:
        try:
            data = json.loads(self.path.read_bytes() or b"{}")
        except (OSError, ValueError):
            return Holder()
        if not isinstance(data, dict):
            return Holder()
        pid = data.get("pid")

        def text(key: str) -> str | None:
            value = data.get(key)
            return str(value) if value else None

        return Holder(pid if isinstance(pid, int) else None, text("user"), text("host"),
                      text("since"))

    @property
    def held(self) -> bool:
        return bool(self._lock.is_locked)

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
