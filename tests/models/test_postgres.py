"""PostgreSQL as a shared catalog: migrations from empty, `alembic check`, the backup before a
migration, and messages a person can act on when the server is down or refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from backends import database_url, pg_server_url
from sqlalchemy import create_engine, text

from app.models import postgres
from app.models.database import (
    DatabaseError,
    alembic_config,
    head_revision,
    open_database,
)
from app.models.schema import Base


def test_an_empty_database_migrates_to_head_and_matches_the_models(pg_databases: Any) -> None:
    url = pg_databases.empty()
    db = open_database(url)
    db.close()
    engine = create_engine(postgres.engine_url(url))
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        diffs = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diffs == []  # `alembic check` on PostgreSQL


def test_an_older_database_is_dumped_with_pg_dump_before_it_is_migrated(
        pg_databases: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if postgres.shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    monkeypatch.setenv(postgres.BACKUP_DIR_ENV, str(tmp_path / "dumps"))
    url = pg_databases.empty()
    engine = create_engine(postgres.engine_url(url))
    with engine.connect() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
        conn.execute(text("INSERT INTO currency (code, minor_units, position) "
                          "VALUES ('USD', 2, 0)"))
        conn.commit()
    engine.dispose()
    db = open_database(url)
    try:
        assert db.backup_path is not None and db.backup_path.parent == tmp_path / "dumps"
        assert db.backup_path.name.startswith(f"{url.rsplit('/', 1)[1]}.backup-0005-")
        assert db.backup_path.read_bytes().startswith(b"PGDMP")  # pg_restore's format
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT code, version FROM currency")).one() == ("USD", 1)
    finally:
        db.close()


def test_without_pg_dump_an_upgrade_is_refused_with_what_to_do(
        pg_databases: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    url = pg_databases.empty()
    engine = create_engine(postgres.engine_url(url))
    with engine.connect() as conn:
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
        conn.commit()
    engine.dispose()
    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)
    with pytest.raises(DatabaseError, match="pg_dump was not found.*left untouched.*"
                       "CATALOG_EDITOR_PG_BACKUP=skip"):
        open_database(url)
    monkeypatch.setenv(postgres.BACKUP_SKIP_ENV, "skip")
    db = open_database(url)
    assert db.backup_path is None
    db.close()


def test_a_server_that_is_not_running_is_a_clear_message() -> None:
    server = pg_server_url()
    down = database_url(server, "nothing").replace(":55432/", ":1/")
    if ":1/" not in down:
        down = "postgresql://postgres@127.0.0.1:1/nothing"
    with pytest.raises(DatabaseError, match="cannot reach the PostgreSQL server"):
        open_database(down)


def test_a_missing_database_is_a_clear_message() -> None:
    url = database_url(pg_server_url(), "no_such_catalog_database")
    with pytest.raises(DatabaseError, match="no such database on the PostgreSQL server"):
        open_database(url)


def test_a_refused_password_is_a_clear_message() -> None:
    class Refused(Exception):
        sqlstate = "28P01"

    Refused.__module__ = "psycopg"
    message = postgres.postgres_failure_message(
        Refused('FATAL:  password authentication failed for user "alice"'),
        "postgresql://alice:secret@db.example/catalog")
    assert message is not None and "refused the user name or password" in message
    assert "secret" not in message
