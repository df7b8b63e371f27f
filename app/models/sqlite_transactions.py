"""Real transactions on SQLite, DDL included.

Python's ``sqlite3`` driver (pysqlite) decides on its own when to open a transaction: it issues
``BEGIN`` only before ``INSERT``/``UPDATE``/``DELETE``, so a ``CREATE TABLE`` commits by itself and
a migration cannot be undone half-way. SQLAlchemy documents the cure ("Serializable isolation /
Savepoints / Transactional DDL" in its SQLite dialect chapter): switch the driver's own handling
off and emit ``BEGIN`` when SQLAlchemy begins a transaction. With it, every migration step and its
revision stamp commit together or not at all.

A connection whose execution options carry ``sqlite_begin="IMMEDIATE"`` takes the write lock at
``BEGIN``: a second writer then waits (the busy timeout) instead of failing half-way through a
transaction that had only read so far. See :func:`writing`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Connection, Engine, event

BEGIN_MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")


def _driver_transactions_off(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None


def _begin(conn: Connection) -> None:
    mode = str(conn.get_execution_options().get("sqlite_begin", "DEFERRED")).upper()
    if mode not in BEGIN_MODES:
        raise ValueError(f"sqlite_begin must be one of {BEGIN_MODES}, not {mode!r}")
    conn.exec_driver_sql(f"BEGIN {mode}")


def use_sqlite_transactions(engine: Engine) -> None:
    """Make ``engine`` (an SQLite engine) open real transactions, DDL included."""
    event.listen(engine, "connect", _driver_transactions_off)
    event.listen(engine, "begin", _begin)


def writing(engine: Engine) -> Any:
    """``engine`` for a unit of work that writes: ``with writing(db.engine).begin() as conn``
    takes SQLite's write lock at once (``BEGIN IMMEDIATE``), so it waits for another writer
    instead of failing in the middle; on other databases it is ``engine`` unchanged."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(sqlite_begin="IMMEDIATE")
