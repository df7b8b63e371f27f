"""A crash after any SQL statement of creating or migrating a database never bricks it.

Each case runs the real ``open_database`` in a forked child that dies (``os._exit``, no
clean-up, like ``kill -9``) right after its Nth SQL statement, for every N. The parent then looks
at what is on disk (the old revision, a whole intermediate revision, or the new one) and opens
it again: that must succeed, give the full schema and keep the data.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.models import backups
from app.models.database import alembic_config, head_revision, known_revisions, open_database

CRASHED, FINISHED = 7, 8


def _statements(action: Callable[[], None]) -> int:
    count = [0]

    def seen(*_args: object) -> None:
        count[0] += 1

    event.listen(Engine, "after_cursor_execute", seen)
    try:
        action()
    finally:
        event.remove(Engine, "after_cursor_execute", seen)
    return count[0]


def crash_after(n: int, action: Callable[[], None]) -> bool:
    """Run ``action`` in a child process killed right after its ``n``th SQL statement.
    True when it died there (False: it finished first)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            count = [0]

            def die(*_args: object) -> None:
                count[0] += 1
                if count[0] == n:
                    os._exit(CRASHED)

            event.listen(Engine, "after_cursor_execute", die)
            action()
        finally:
            os._exit(FINISHED)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == CRASHED


def schema_of(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE "
                            "'sqlite_%' ORDER BY type, name").fetchall()
    conn.close()
    return rows


def revision_on_disk(path: Path) -> str:
    """What a crash left: 'nothing', 'empty' (tables but no revision) or the revision."""
    if not path.exists() or path.stat().st_size == 0:
        wal = path.with_name(path.name + "-wal")
        if not wal.exists() or wal.stat().st_size == 0:
            return "nothing"
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            return "empty" if tables else "nothing"
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else "empty"
    finally:
        conn.close()


@pytest.fixture(scope="module")
def head_schema(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    path = tmp_path_factory.mktemp("head") / "head.sqlite"
    open_database(path).close()
    return schema_of(path)


def _make_revision_0001(path: Path) -> None:
    command.upgrade(alembic_config(f"sqlite:///{path}"), "0001")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO company (name, position) VALUES ('Acme', 0)")
    conn.close()


def _count(kind: str, tmp: Path) -> int:
    path = tmp / f"count-{kind}.sqlite"
    if kind == "migrate":
        _make_revision_0001(path)
    return _statements(lambda: open_database(path).close())


def _points(kind: str) -> list[int]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return list(range(1, _count(kind, Path(tmp)) + 1))


CREATE_POINTS = _points("create")
MIGRATE_POINTS = _points("migrate")


def _crash_and_reopen(path: Path, n: int, head_schema: list[tuple[str, str, str]]) -> str:
    crashed = crash_after(n, lambda: open_database(path).close())
    assert crashed, f"the child finished before statement {n}"
    left = revision_on_disk(path)
    db = open_database(path)  # bricked if this raises
    db.close()
    assert schema_of(path) == head_schema
    return left


@pytest.mark.parametrize("n", CREATE_POINTS)
def test_a_crash_while_creating_leaves_nothing_or_a_whole_revision(
        tmp_path: Path, n: int, head_schema: list[tuple[str, str, str]]) -> None:
    left = _crash_and_reopen(tmp_path / "new.sqlite", n, head_schema)
    assert left == "nothing" or left in known_revisions()  # a whole revision, never "empty"


@pytest.mark.parametrize("n", MIGRATE_POINTS)
def test_a_crash_while_migrating_leaves_the_old_or_the_new_revision(
        tmp_path: Path, n: int, head_schema: list[tuple[str, str, str]]) -> None:
    path = tmp_path / "old.sqlite"
    _make_revision_0001(path)
    left = _crash_and_reopen(path, n, head_schema)
    assert left in known_revisions()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM company").fetchall() == [("Acme",)]
    conn.close()


def test_the_crash_points_cover_both_migrations() -> None:
    assert len(CREATE_POINTS) > 90  # every CREATE TABLE/INDEX/TRIGGER of 0001 and 0002
    assert len(MIGRATE_POINTS) >= 3  # 0001 -> 0002 -> 0004


def test_a_database_an_older_version_left_between_revisions_is_repaired(
        tmp_path: Path) -> None:
    """The old bug: catalog_cache created, stamp still 0001, every open failed for good."""
    path = tmp_path / "between.sqlite"
    _make_revision_0001(path)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE catalog_cache (id INTEGER NOT NULL, built_at DATETIME NOT "
                     "NULL, document_json TEXT NOT NULL, CONSTRAINT pk_catalog_cache PRIMARY KEY "
                     "(id))")
    conn.close()
    db = open_database(path)
    assert db.backup_path is not None and db.backup_path.exists()
    db.close()
    assert revision_on_disk(path) == head_revision()
    assert len(backups.list_backups(path)) == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM company").fetchall() == [("Acme",)]
    conn.close()


def test_an_interrupted_creation_of_an_older_version_is_created_again(tmp_path: Path) -> None:
    """Half the tables and no revision (what 99 of 107 crash points used to leave)."""
    path = tmp_path / "half.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables[len(tables) // 2:] + ["alembic_version"]:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.close()
    open_database(path).close()
    assert revision_on_disk(path) == head_revision()


def test_a_foreign_file_with_data_is_still_refused_untouched(tmp_path: Path) -> None:
    from app.models.database import DatabaseError

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE company (name TEXT)")
        conn.execute("INSERT INTO company VALUES ('not ours')")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not a Catalog Editor database"):
        open_database(path)
    assert path.read_bytes() == before


def test_amounts_stored_in_exponent_form_by_an_older_version_become_plain(
        tmp_path: Path) -> None:
    path = tmp_path / "exponent.sqlite"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "0002")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO tax_rate (category, country, rate, position) "
                     "VALUES ('telecom', 'US', '1E-7', 0)")
    conn.close()
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT rate FROM tax_rate").fetchall() == [("0.0000001",)]
    conn.close()
