"""Opening a catalog database: SQLite pragmas, schema checks, migrations with a backup first.

``open_database(path)`` is the one way in. It refuses, without writing a byte, a file that is not
a Catalog Editor database or whose schema was written by a newer version; it copies the file aside
before a migration runs; and it returns a :class:`Database` whose sessions have foreign keys on.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from app.models import backups, postgres, sqlite_safety
from app.models.failures import SQLITE_HEADER, backups_hint, database_failure_message
from app.models.sqlite_transactions import use_sqlite_transactions

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

BUSY_TIMEOUT_SECONDS = 5.0
"""How long a connection waits for another program's write lock before saying it is busy."""


class DatabaseError(Exception):
    """A database that cannot be opened; the message says which file and why."""


class NewerDatabaseError(DatabaseError):
    """The file was written by a newer Catalog Editor; it is left untouched."""


def alembic_config(url: str) -> Config:
    """The alembic configuration, built in code so the installed application can migrate."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def _is_url(target: str) -> bool:
    return "://" in target


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


@dataclass
class Database:
    """An open catalog database. Use :meth:`session` for one unit of work."""

    engine: Engine
    location: str
    backup_path: Path | None = None
    read_only: bool = False
    read_only_reason: str | None = None
    owner: Any = None
    """What :meth:`close` releases besides the engine (the window's owner lock), if any."""

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits at the end of the block and rolls back completely on error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
        if self.owner is not None:
            self.owner.release()
            self.owner = None


def _read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """A ``file:`` URI (``?``, ``#``, ``%`` and non-ASCII percent-encoded) opening read-only."""
    return f"{path.resolve().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _damaged(path: Path, exc: Exception) -> DatabaseError:
    newest = backups.list_backups(path)
    where = f" The newest backup is {newest[0].path}." if newest else ""
    return DatabaseError(
        f"{path}: the database file is damaged ({exc}); it was left untouched.{where} "
        f"Restore a backup: {backups_hint(str(path))}"
    )


def _stored_revision(path: Path) -> tuple[str | None, bool]:
    """Read the schema revision of an SQLite file without modifying it.

    Returns ``(revision, has_tables)``. Raises :class:`DatabaseError` for a file that is not
    SQLite, or is SQLite but damaged.
    """
    immutable = not os.access(path.parent, os.W_OK) and not _has_wal(path)
    try:
        conn = sqlite3.connect(_read_only_uri(path, immutable=immutable), uri=True,
                               timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path}: cannot open the file ({exc})") from exc
    try:
        tables = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "alembic_version" not in tables:
            return None, bool(tables)
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return (row[0] if row else None), True
    except sqlite3.DatabaseError as exc:
        if _looks_like_sqlite(path):
            message = database_failure_message(exc, str(path))
            if message is not None and "damaged" not in message:
                raise DatabaseError(message) from exc
            raise _damaged(path, exc) from exc
        raise DatabaseError(f"{path}: not a Catalog Editor database ({exc})") from exc
    finally:
        conn.close()


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _catalog_tables() -> set[str]:
    from app.models.schema import Base

    return set(Base.metadata.tables) | {"alembic_version"}


TABLES_ADDED_BY = {"0002": ("catalog_cache",)}
"""Tables each revision creates: an older version (non-transactional DDL) could crash after
creating them but before stamping the revision; such leftovers are dropped before migrating."""


def _interrupted_creation(path: Path) -> bool:
    """A file holding only our tables, all empty, and no revision: a creation that crashed."""
    conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        if not tables <= _catalog_tables():
            return False
        return all(conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() is None
                   for t in tables)
    finally:
        conn.close()


def _repair(engine: Engine, current: str | None) -> None:
    """Undo what an interrupted migration of an older version left behind, in one transaction:
    every table of an interrupted creation (they are all empty), or the tables of the next
    revision that were created but never stamped."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    if current is None:
        leftovers = sorted(_catalog_tables())
    else:
        upcoming = [rev.revision for rev in script.iterate_revisions("heads", current)
                    if rev.revision != current]
        leftovers = [t for rev in upcoming for t in TABLES_ADDED_BY.get(rev, ())]
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        with conn.begin():
            existing = {r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            for table in leftovers:
                if table in existing:
                    conn.exec_driver_sql(f'DROP TABLE "{table}"')
        raw.execute("PRAGMA foreign_keys = ON")


def _read_only_reason(path: Path) -> str | None:
    """Why the database at ``path`` can only be read (None when it can be written)."""
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "its folder is read-only"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    return None


def backup_file(path: Path, revision: str | None) -> Path:
    """Copy an SQLite file aside: written under a temporary name, checked, then renamed (see
    :mod:`app.models.backups`, which also applies the retention rule)."""
    try:
        return backups.create_backup(path, revision).path
    except backups.BackupError as exc:
        raise DatabaseError(f"{exc}; the database was not upgraded") from exc


def _migrate(engine: Engine, url: str) -> None:
    """Upgrade to the head revision: each migration and its revision stamp in one transaction
    (see env.py and :mod:`app.models.sqlite_transactions`), so a crash leaves the old revision
    or the new one, never a mix."""
    cfg = alembic_config(url)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection if engine.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")  # outside a transaction, or it is ignored
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
        if raw is not None:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            conn.rollback()
            raw.execute("PRAGMA foreign_keys = ON")
            if broken:
                raise DatabaseError(f"migration left broken references: {broken[:5]}")


def sqlite_url(path: Path, *, read_only: bool = False, immutable: bool = False) -> URL:
    """The SQLAlchemy URL of an SQLite file: built, never formatted, so ``?``, ``#``, ``%`` and
    spaces in folder and file names are just characters of the path."""
    if read_only:
        return URL.create("sqlite", database=_read_only_uri(path, immutable=immutable),
                          query={"uri": "true"})
    return URL.create("sqlite", database=str(path))


def open_database(target: str | Path, *, create: bool = True,
                  read_only_reason: str | None = None) -> Database:
    """Open (creating or migrating when needed) the catalog database at ``target``.

    ``target`` is a file path or an SQLAlchemy URL. A file from a newer version, or one that is
    not a Catalog Editor database, raises :class:`DatabaseError` and is not modified. So does
    every expected failure (busy, damaged, full disk, missing folder), with a message saying
    what to do. A file that cannot be written opens read-only (``read_only_reason`` says why);
    so does a file given a ``read_only_reason`` (another window has it open).

    An SQLite file gets an engine without a pool: each unit of work opens its own connection
    and closes it, so nothing the process does between two units (a file dialog reading the
    database's files, a copy) can drop SQLite's locks; see :mod:`app.models.sqlite_safety`.
    """
    target_str = str(target)
    if _is_url(target_str):
        try:
            return _open_url(target_str)
        except DBAPIError as exc:
            message = database_failure_message(exc, target_str)
            if message is None:
                raise
            raise DatabaseError(message) from exc
    path = Path(target_str).expanduser()
    try:
        return _open_file(path, create, read_only_reason)
    except (sqlite3.Error, DBAPIError) as exc:
        message = database_failure_message(exc, str(path))
        if message is None:
            raise
        raise DatabaseError(message) from exc


def _open_url(target: str) -> Database:
    """A database server (PostgreSQL): the same models and migrations; a ``pg_dump`` backup
    (see :mod:`app.models.postgres`) before a migration of a database that holds a catalog."""
    if postgres.is_postgres_url(target):
        engine = postgres.create_postgres_engine(target)
    else:
        engine = create_engine(target)
    backup: Path | None = None
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            has_tables = bool(inspect(conn).get_table_names())
        where = postgres.display(target)
        if current is None and has_tables:
            raise DatabaseError(f"{where}: this database holds tables but is not a Catalog "
                                "Editor database (it has no schema revision); it was left "
                                "untouched")
        _check_revision(current, where)
        if current != head_revision():
            if current is not None and engine.dialect.name == "postgresql":
                try:
                    backup = postgres.dump_before_migration(target, current)
                except postgres.BackupRefused as exc:
                    raise DatabaseError(str(exc)) from exc
            _migrate(engine, engine.url.render_as_string(hide_password=False))
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, target, backup)


def _sqlite_engine(url: URL, path: Path) -> Engine:
    """An engine over the SQLite file ``path``: no pool, real transactions, the commit guard
    and the catalog revision (:mod:`app.models.sqlite_safety`)."""
    engine = create_engine(url, poolclass=NullPool,
                           connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
    use_sqlite_transactions(engine)
    sqlite_safety.install(engine, str(path))
    return engine


def _open_file(path: Path, create: bool, forced_reason: str | None = None) -> Database:
    backup: Path | None = None
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        if not path.parent.is_dir():
            raise DatabaseError(f"{path}: no such database (the folder {path.parent} does not "
                                "exist)")
        raise DatabaseError(f"{path}: no such database")
    reason = (_read_only_reason(path) if exists else None) or (forced_reason if exists
                                                                 else None)
    if exists:
        current, has_tables = _stored_revision(path)
        if current is None and has_tables and (reason is not None
                                               or not _interrupted_creation(path)):
            raise DatabaseError(
                f"{path}: this SQLite file is not a Catalog Editor database (it has no schema "
                "revision); it was left untouched"
            )
        _check_revision(current, str(path))
        needs_upgrade = current != head_revision()
        if reason is not None:
            if needs_upgrade:
                raise DatabaseError(
                    f"{path}: this database needs an upgrade to schema revision "
                    f"{head_revision()}, but {reason}; it was left untouched. Copy it to a "
                    "folder you can write to, or make it writable.")
            immutable = reason.startswith("its folder") and not _has_wal(path)
            engine = _sqlite_engine(sqlite_url(path, read_only=True, immutable=immutable), path)
            event.listen(engine, "connect", _sqlite_read_only_pragmas)
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            sqlite_safety.remember_revision(engine)
            return Database(engine, str(path), None, read_only=True, read_only_reason=reason)
        if needs_upgrade:
            backup = backup_file(path, current or "empty")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"{path}: cannot create the folder {path.parent} "
                                f"({exc.strerror})") from exc
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise DatabaseError(f"{path}: cannot create the database: its folder is read-only")
        current = None
    url = sqlite_url(path)
    engine = _sqlite_engine(url, path)
    event.listen(engine, "connect", _sqlite_pragmas)
    if exists and current != head_revision():
        _repair(engine, current)
    if current != head_revision():
        _migrate(engine, url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    sqlite_safety.remember_revision(engine)
    return Database(engine, str(path), backup)


def _check_revision(current: str | None, where: str) -> None:
    if current is not None and current not in known_revisions():
        raise NewerDatabaseError(
            f"{where}: this database was written by a newer version of Catalog Editor (schema "
            f"revision {current}; this version knows up to {head_revision()}). It was left "
            "untouched: open it with a newer Catalog Editor."
        )
