"""A shared catalog on PostgreSQL: the engine, the backup before a migration, the messages.

The same models and migrations serve SQLite and PostgreSQL; what differs lives here. A URL
``postgresql://user@host/db`` uses the psycopg (3) driver. Before a migration the database is
dumped with ``pg_dump`` (custom format, restorable with ``pg_restore``) into the user data
folder's ``pg-backups``; without ``pg_dump`` the upgrade is refused with what to do, unless
``CATALOG_EDITOR_PG_BACKUP=skip`` says the administrator has taken a backup another way.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url

CONNECT_TIMEOUT_SECONDS = 5
LOCK_TIMEOUT_MS = 5000
"""How long a statement waits for another session's row lock before saying it is busy (the
same 5 s as SQLite's busy timeout)."""

BACKUP_DIR_ENV = "CATALOG_EDITOR_PG_BACKUP_DIR"
BACKUP_SKIP_ENV = "CATALOG_EDITOR_PG_BACKUP"


def is_postgres_url(target: str) -> bool:
    return target.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def engine_url(target: str) -> URL:
    """The SQLAlchemy URL of ``target``, on the psycopg driver unless another one is named."""
    url = make_url(target)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def display(target: str) -> str:
    """``target`` with its password, if any, hidden: for messages."""
    try:
        return make_url(target).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL: show it as given
        return target


def create_postgres_engine(target: str) -> Engine:
    return create_engine(
        engine_url(target), pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS,
                      "options": f"-c lock_timeout={LOCK_TIMEOUT_MS}",
                      "application_name": "catalog-editor"})


def backup_dir() -> Path:
    from app.paths import data_dir

    return Path(os.environ.get(BACKUP_DIR_ENV) or data_dir() / "pg-backups")


class BackupRefused(Exception):
    """No backup could be taken; the message says what to do. The database is untouched."""


def dump_before_migration(target: str, revision: str) -> Path | None:
    """``pg_dump`` the database into :func:`backup_dir` before a migration; returns the file
    (None when ``CATALOG_EDITOR_PG_BACKUP=skip``). Raises :class:`BackupRefused`."""
    if os.environ.get(BACKUP_SKIP_ENV, "").lower() == "skip":
        return None
    where = display(target)
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupRefused(
            f"{where}: this database needs an upgrade, and Catalog Editor backs it up with "
            "pg_dump first, but pg_dump was not found; it was left untouched. Install the "
            "PostgreSQL client programs (Debian: postgresql-client), or back the database up "
            f"yourself and open it again with {BACKUP_SKIP_ENV}=skip.")
    url = engine_url(target)
    folder = backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{url.database or 'catalog'}.backup-{revision}-{stamp}.pgdump"
    dest = folder / name
    partial = folder / f".{name}.partial"
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    try:
        done = subprocess.run(
            [pg_dump, "--format=custom", f"--file={partial}", f"--dbname={conninfo}"],
            env=env, capture_output=True, text=True, timeout=3600, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupRefused(f"{where}: pg_dump could not run ({exc}); the database was not "
                            "upgraded") from exc
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupRefused(
            f"{where}: pg_dump failed ({reason}); the database was not upgraded. Back it up "
            f"yourself and open it again with {BACKUP_SKIP_ENV}=skip, or fix pg_dump (its "
            "version must not be older than the server's).")
    os.replace(partial, dest)
    return dest


def postgres_failure_message(exc: BaseException, location: str) -> str | None:
    """One sentence for an expected PostgreSQL failure; None otherwise."""
    orig = getattr(exc, "orig", exc)
    module = type(orig).__module__
    if not module.startswith("psycopg"):
        return None
    sqlstate = getattr(orig, "sqlstate", None) or ""
    text = str(orig).strip()
    lower = text.lower()
    where = display(location)
    if "password authentication failed" in lower or sqlstate == "28P01" \
            or "no password supplied" in lower:
        return (f"{where}: the PostgreSQL server refused the user name or password. Check "
                "them (in the URL or ~/.pgpass); nothing was changed.")
    if sqlstate == "28000" or "no pg_hba.conf entry" in lower:
        return (f"{where}: the PostgreSQL server does not let this user in from here "
                "(pg_hba.conf); ask its administrator. Nothing was changed.")
    if sqlstate == "3D000" or ("database" in lower and "does not exist" in lower):
        return (f"{where}: no such database on the PostgreSQL server; create it first "
                "(createdb), then open it again.")
    if "connection refused" in lower or "could not connect" in lower \
            or "timeout expired" in lower or "could not translate host name" in lower \
            or "connection failed" in lower or "server closed the connection" in lower:
        return (f"{where}: cannot reach the PostgreSQL server (is it running, and are the host "
                "and port right?). Nothing was changed.")
    if sqlstate in ("55P03", "40001", "40P01"):
        return (f"{where}: the database is busy: another window or catalog-editor command is "
                "writing the same objects. Nothing was changed; try again when it has finished.")
    if sqlstate == "25006" or sqlstate == "42501":
        return (f"{where}: the database is read-only for this user (no write privilege, or a "
                "read-only server). Nothing was changed.")
    if sqlstate == "53100":
        return f"{where}: the PostgreSQL server's disk is full. Nothing was changed."
    return None
