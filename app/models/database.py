"""Opening a catalog database: SQLite pragmas, schema checks, migrations with a backup first.

``open_database(path)`` is the one way in. It refuses, without writing a byte, a file that is not
a Catalog Editor database or whose schema was written by a newer version; it copies the file aside
before a migration runs; and it returns a :class:`Database` whose sessions have foreign keys on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


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


@dataclass
class Database:
    """An open catalog database. Use :meth:`session` for one unit of work."""

    engine: Engine
    location: str
    backup_path: Path | None = None

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits at the end of the block and rolls back completely on error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _stored_revision(path: Path) -> tuple[str | None, bool]:
    """Read the schema revision of an SQLite file without modifying it.

    Returns ``(revision, has_tables)``. Raises :class:`DatabaseError` for a file that is not
    SQLite.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
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
        raise DatabaseError(f"{path}: not a Catalog Editor database ({exc})") from exc
    finally:
        conn.close()


def backup_file(path: Path, revision: str | None) -> Path:
    """Copy an SQLite file aside (consistently, through SQLite's backup API)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{revision or 'empty'}-{stamp}{path.suffix}")
    source = sqlite3.connect(str(path))
    try:
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    return target


def _migrate(engine: Engine, url: str) -> None:
    cfg = alembic_config(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
        if engine.dialect.name == "sqlite":
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            if broken:
                raise DatabaseError(f"migration left broken references: {broken[:5]}")


def open_database(target: str | Path, *, create: bool = True) -> Database:
    """Open (creating or migrating when needed) the catalog database at ``target``.

    ``target`` is a file path or an SQLAlchemy URL. A file from a newer version, or one that is
    not a Catalog Editor database, raises :class:`DatabaseError` and is not modified.
    """
    target_str = str(target)
    backup: Path | None = None
    if _is_url(target_str):
        url = target_str
        engine = create_engine(url)
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        _check_revision(current, target_str)
        if current != head_revision():
            _migrate(engine, url)
        return Database(engine, target_str)

    path = Path(target_str).expanduser()
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise DatabaseError(f"{path}: no such database")
    if exists:
        if path.is_dir():
            raise DatabaseError(f"{path}: is a folder, not a database file")
        current, has_tables = _stored_revision(path)
        if current is None and has_tables:
            raise DatabaseError(
                f"{path}: this SQLite file is not a Catalog Editor database (it has no schema "
                "revision); it was left untouched"
            )
        _check_revision(current, str(path))
        if current is not None and current != head_revision():
            backup = backup_file(path, current)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        current = None
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    event.listen(engine, "connect", _sqlite_pragmas)
    if current != head_revision():
        _migrate(engine, url)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return Database(engine, str(path), backup)


def _check_revision(current: str | None, where: str) -> None:
    if current is not None and current not in known_revisions():
        raise NewerDatabaseError(
            f"{where}: this database was written by a newer version of Catalog Editor (schema "
            f"revision {current}; this version knows up to {head_revision()}). It was left "
            "untouched: open it with a newer Catalog Editor."
        )
