"""Opening databases: creation, pragmas, migrations with backups, refusing newer or foreign files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from app.models.database import (
    DatabaseError,
    NewerDatabaseError,
    alembic_config,
    head_revision,
    open_database,
)
from app.models.schema import Base


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_has_wal_and_foreign_keys(db_path: Path) -> None:
    db = open_database(db_path)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert rev == head_revision()
    db.close()


def test_migrations_match_the_models(db_path: Path) -> None:
    """`alembic check`: upgrading from empty gives exactly the schema the models declare."""
    open_database(db_path).close()
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        diffs = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diffs == []


def test_database_from_first_migration_opens_in_current_version(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    cfg = alembic_config(f"sqlite:///{path}")
    command.upgrade(cfg, "0001")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO currency (code, minor_units, position) VALUES ('USD', 2, 0)")
    db = open_database(path)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT code FROM currency")).scalar() == "USD"
    db.close()


def test_future_revision_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    conn.close()
    before = _digest(path)
    with pytest.raises(NewerDatabaseError, match="newer version of Catalog Editor"):
        open_database(path)
    assert _digest(path) == before
    assert not list(tmp_path.glob("future.backup-*"))


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseError, match="not a Catalog Editor database"):
        open_database(path)
    assert _digest(path) == before


def test_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseError, match="garbage.sqlite"):
        open_database(path)


def test_migration_takes_a_backup_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cat.sqlite"
    open_database(path).close()
    # Pretend the file is one revision behind a newer head by faking the known head.
    import app.models.database as database

    real_head = database.head_revision()
    monkeypatch.setattr(database, "head_revision", lambda: "0002_pretend")
    monkeypatch.setattr(database, "known_revisions", lambda: {real_head, "0002_pretend"})
    monkeypatch.setattr(database, "_migrate", lambda engine, url: None)
    db = open_database(path)
    assert db.backup_path is not None and db.backup_path.exists()
    with sqlite3.connect(db.backup_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == real_head
    db.close()


def test_missing_database_without_create(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no such database"):
        open_database(tmp_path / "absent.sqlite", create=False)


def test_schema_refuses_negative_prices_and_tiers_out_of_order(db_path: Path) -> None:
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError, match="not_negative"):
        conn.execute("INSERT INTO contract (name, term_months, early_termination_fee, position) "
                     "VALUES ('c', 12, '-1.00', 0)")
    conn.executescript(
        """
        INSERT INTO currency (id, code, minor_units, position) VALUES (1, 'USD', 2, 0);
        INSERT INTO price_book (id, code, name, position) VALUES (1, 'standard', 'Standard', 0);
        INSERT INTO status (id, name, cancelled, position) VALUES (1, 'Active', 0, 0);
        INSERT INTO service (id, name, base_type, position) VALUES (1, 'Net', 'recurring', 0);
        INSERT INTO package (id, name, enabled, rollup_services, position) VALUES (1, 'P', 1, 0, 0);
        INSERT INTO package_frequency (id, package_id, name, active, bill_frequency, tiering, position)
            VALUES (1, 1, 'P M', 0, 'monthly', 'bracket', 0);
        INSERT INTO frequency_charges (id, frequency_id, price_book_id, currency_id, position)
            VALUES (1, 1, 1, 1, 0);
        INSERT INTO recurring_price (id, charges_id, service_id, bucket_tiers_overridden, position)
            VALUES (1, 1, 1, 0, 0);
        INSERT INTO recurring_tier (recurring_price_id, status_id, status_position, end_units, amount, position)
            VALUES (1, 1, 0, 9, '100', 0);
        """
    )
    with pytest.raises(sqlite3.IntegrityError, match="tier ends must strictly increase"):
        conn.execute("INSERT INTO recurring_tier (recurring_price_id, status_id, status_position, "
                     "end_units, amount, position) VALUES (1, 1, 0, 5, '90', 1)")
    conn.close()


def test_frequency_in_use_cannot_be_deleted(db_path: Path) -> None:
    db = open_database(db_path)
    with db.engine.begin() as conn:
        for stmt in (
            "INSERT INTO currency (id, code, minor_units, position) VALUES (1, 'USD', 2, 0)",
            "INSERT INTO price_book (id, code, name, position) VALUES (1, 'standard', 'S', 0)",
            "INSERT INTO package (id, name, enabled, rollup_services, position) VALUES (1, 'P', 1, 0, 0)",
            "INSERT INTO package_frequency (id, package_id, name, active, bill_frequency, tiering, "
            "position) VALUES (1, 1, 'P M', 1, 'monthly', 'none', 0)",
            "INSERT INTO account (id, name, country, currency_id, price_book_id, bill_day, position) "
            "VALUES (1, 'Jane', 'US', 1, 1, 1, 0)",
            "INSERT INTO account_package (account_id, frequency_id, start, position) "
            "VALUES (1, 1, '2026-01-01', 0)",
        ):
            conn.exec_driver_sql(stmt)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM package_frequency WHERE id = 1")
    db.close()


def test_first_revision_database_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    """A real migration (0001 -> head): a backup copy is taken first, data survives."""
    path = tmp_path / "v1.sqlite"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "0001")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO company (name, position) VALUES ('Acme', 0)")
    conn.close()
    db = open_database(path)
    assert db.backup_path is not None
    with sqlite3.connect(db.backup_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    conn.close()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM company")).scalar() == "Acme"
        assert conn.execute(text("SELECT count(*) FROM catalog_cache")).scalar() == 0
    db.close()
