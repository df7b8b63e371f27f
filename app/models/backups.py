"""Backup copies of a catalog database that can be trusted, listed, restored and deleted.

A backup is written under a temporary hidden name in the database's folder through SQLite's
backup API (a consistent copy even while the database is in use), then checked (``PRAGMA
integrity_check`` and the row count of every table, compared with the database read in the
same snapshot), fsynced, and only then renamed to ``NAME.backup-REVISION-YYYYMMDD-HHMMSS.sqlite``.
A crash while copying leaves only the hidden temporary file, which the next backup removes.

Retention: after each new backup only the newest :data:`KEEP_BACKUPS` of a database are kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.models.fsync import fsync_file, fsync_folder

KEEP_BACKUPS = 5
"""How many backups of one database are kept; older ones are deleted after a new backup."""

_STAMP = "%Y%m%d-%H%M%S"


class BackupError(Exception):
    """A backup that could not be written, checked or restored; the message says why."""


@dataclass(frozen=True)
class Backup:
    """One backup file of a database."""

    path: Path
    revision: str
    created: dt.datetime
    size: int
    sequence: int = 1
    """Several backups taken in one second are numbered 1, 2, 3..."""


def _pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(
        re.escape(db_path.stem) + r"\.backup-(?P<revision>.+?)-(?P<stamp>\d{8}-\d{6})"
        r"(?:-(?P<n>\d+))?" + re.escape(db_path.suffix) + "$"
    )


def _parse(db_path: Path, candidate: Path) -> Backup | None:
    match = _pattern(db_path).match(candidate.name)
    if match is None or not candidate.is_file():
        return None
    created = dt.datetime.strptime(match["stamp"], _STAMP)
    return Backup(candidate, match["revision"], created, candidate.stat().st_size,
                  int(match["n"] or 1))


def list_backups(db_path: str | Path) -> list[Backup]:
    """The backups of the database at ``db_path``, newest first."""
    db_path = Path(db_path)
    folder = db_path.parent
    if not folder.is_dir():
        return []
    found = [b for p in folder.iterdir() if (b := _parse(db_path, p)) is not None]
    found.sort(key=lambda b: (b.created, b.sequence), reverse=True)
    return found


def _free_name(db_path: Path, revision: str, when: dt.datetime) -> Path:
    """A new name, numbered after every backup taken in the same second (so the newest always
    sorts last, even after older ones were deleted)."""
    when = when.replace(microsecond=0)
    taken = [b.sequence for b in list_backups(db_path) if b.created == when]
    base = f"{db_path.stem}.backup-{revision}-{when.strftime(_STAMP)}"
    n = max(taken, default=0) + 1
    target = db_path.with_name((base if n == 1 else f"{base}-{n}") + db_path.suffix)
    while target.exists():  # the same second, another revision's name
        n += 1
        target = db_path.with_name(f"{base}-{n}{db_path.suffix}")
    return target


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _integrity(conn: sqlite3.Connection) -> str:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return "ok" if rows == ["ok"] else "; ".join(rows[:5])


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _fsync(path: Path) -> None:
    fsync_file(path)
    fsync_folder(path.parent)


def _remove_partials(db_path: Path) -> None:
    prefix = f".{db_path.stem}.backup-"
    for leftover in db_path.parent.glob(f"{glob_escape(prefix)}*.partial*"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def glob_escape(text: str) -> str:
    """``text`` with the glob wildcards ``* ? [`` made literal."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _copy_checked(source: sqlite3.Connection, partial: Path) -> None:
    """Copy ``source`` into the new file ``partial`` and check the copy against the source."""
    source.execute("BEGIN")  # one snapshot for the counts and the copy
    try:
        expected = _row_counts(source)
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            problem = _integrity(dest)
            if problem != "ok":
                raise BackupError(f"{partial}: the copy failed its integrity check ({problem})")
            copied = _row_counts(dest)
            if copied != expected:
                differ = sorted(t for t in expected.keys() | copied.keys()
                                if expected.get(t) != copied.get(t))
                raise BackupError(f"the copy's row counts differ from the database's "
                                  f"(tables {', '.join(differ[:5])})")
        finally:
            dest.close()
    finally:
        source.rollback()


def create_backup(db_path: str | Path, revision: str | None, *,
                  keep: int | None = KEEP_BACKUPS) -> Backup:
    """Copy the database aside, check the copy, then give it its final name.

    Raises :class:`BackupError` (nothing is left behind) when the copy cannot be written or
    does not check out. With ``keep``, older backups beyond that many are deleted afterwards.
    """
    db_path = Path(db_path)
    _remove_partials(db_path)
    target = _free_name(db_path, revision or "empty", dt.datetime.now())
    partial = target.with_name(f".{target.name}.partial")
    try:
        try:
            source = sqlite3.connect(_read_only_uri(db_path), uri=True, timeout=5)
        except sqlite3.Error:
            source = sqlite3.connect(db_path, timeout=5)
        try:
            _copy_checked(source, partial)
        finally:
            source.close()
        _fsync(partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        _remove_partials(db_path)
        raise BackupError(f"{db_path}: the backup could not be written ({exc}); nothing was "
                          "changed") from exc
    except BaseException:
        _remove_partials(db_path)
        raise
    backup = Backup(target, revision or "empty", dt.datetime.now().replace(microsecond=0),
                    target.stat().st_size)
    if keep is not None:
        prune_backups(db_path, keep)
    return backup


def prune_backups(db_path: str | Path, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Delete all but the newest ``keep`` backups of the database; returns those deleted."""
    deleted = []
    for old in list_backups(db_path)[keep:]:
        with contextlib.suppress(OSError):
            old.path.unlink()
            deleted.append(old.path)
    return deleted


def check_backup(backup_path: str | Path) -> str:
    """The schema revision stored in a backup; raises :class:`BackupError` for a file that is
    not an intact Catalog Editor backup."""
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise BackupError(f"{backup_path}: no such backup")
    try:
        conn = sqlite3.connect(_read_only_uri(backup_path), uri=True)
        try:
            problem = _integrity(conn)
            if problem != "ok":
                raise BackupError(f"{backup_path}: the backup is damaged ({problem})")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{backup_path}: not a Catalog Editor backup ({exc})") from exc
    if row is None:
        raise BackupError(f"{backup_path}: not a Catalog Editor backup (no schema revision)")
    return str(row[0])


def _current_revision(db_path: Path) -> str | None:
    conn = sqlite3.connect(_read_only_uri(db_path), uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    finally:
        conn.close()


def _replace_file(db_path: Path, backup_path: Path) -> None:
    """Put a copy of the backup in place of a database SQLite cannot open (a damaged file)."""
    partial = db_path.with_name(f".{db_path.name}.restore.partial")
    try:
        source = sqlite3.connect(_read_only_uri(backup_path), uri=True)
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
            source.close()
        _fsync(partial)
        for sidecar in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                db_path.with_name(db_path.name + sidecar).unlink()
        os.replace(partial, db_path)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()


def restore_backup(db_path: str | Path, backup_path: str | Path) -> Backup | None:
    """Replace the database's content with a backup's, in one transaction.

    The current database is backed up first (returned; None when it could not be read, for
    example a damaged file, which is then replaced as a whole). Raises :class:`BackupError`
    when the backup is not intact or the database is busy; the database is then unchanged.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    check_backup(backup_path)
    safety: Backup | None = None
    if db_path.exists() and db_path.stat().st_size > 0:
        try:
            revision = _current_revision(db_path)
        except sqlite3.Error:
            revision = None
        else:
            safety = create_backup(db_path, f"{revision or 'empty'}-before-restore", keep=None)
    if safety is None and db_path.exists() and db_path.stat().st_size > 0:
        try:
            _replace_file(db_path, backup_path)
        except (sqlite3.Error, OSError) as exc:
            raise BackupError(f"{db_path}: the backup could not be restored ({exc})") from exc
        return None
    try:
        source = sqlite3.connect(_read_only_uri(backup_path), uri=True)
        dest = sqlite3.connect(db_path, timeout=5)
        try:
            source.backup(dest)  # one write transaction on the database: all or nothing
        finally:
            dest.close()
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{db_path}: the backup could not be restored ({exc}); the database "
                          "is unchanged") from exc
    return safety


def delete_backup(db_path: str | Path, backup_path: str | Path) -> None:
    """Delete one backup of the database (refusing any file that is not one of its backups)."""
    db_path, backup_path = Path(db_path), Path(backup_path)
    if _parse(db_path, backup_path) is None or backup_path.parent.resolve() != \
            db_path.parent.resolve():
        raise BackupError(f"{backup_path}: not a backup of {db_path}")
    try:
        backup_path.unlink()
    except OSError as exc:
        raise BackupError(f"{backup_path}: cannot delete the backup ({exc.strerror})") from exc
