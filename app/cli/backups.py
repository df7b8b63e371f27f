"""``catalog-editor backups``: list, restore and delete the backup copies of a database."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.common import db_option, fail
from app.models import backups
from app.paths import default_database


def _db(db_path: str | None) -> Path:
    if db_path and "://" in db_path:
        fail(f"{db_path}: backups are kept for SQLite files only; use your database server's "
             "own backup tools (for PostgreSQL: pg_dump)")
    return Path(db_path or default_database()).expanduser()


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    size = n / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@click.group("backups")
def backups_group() -> None:
    """The backup copies of a database (taken before every upgrade and restore).

    The newest five are kept; older ones are deleted when a new one is taken.
    """


@backups_group.command("list")
@db_option
def list_cmd(db_path: str | None) -> None:
    """The backups of the database, newest first."""
    db = _db(db_path)
    found = backups.list_backups(db)
    if not found:
        click.echo(f"{db}: no backups")
        return
    for b in found:
        click.echo(f"{b.path}\t{b.created:%Y-%m-%d %H:%M:%S}\trevision {b.revision}\t"
                   f"{_size(b.size)}")


@backups_group.command("restore")
@db_option
@click.argument("backup", type=click.Path(dir_okay=False, path_type=str))
def restore_cmd(db_path: str | None, backup: str) -> None:
    """Replace the database's content with BACKUP (the current content is backed up first)."""
    db = _db(db_path)
    try:
        safety = backups.restore_backup(db, backup)
    except backups.BackupError as exc:
        fail(str(exc))
    if safety is not None:
        click.echo(f"backed up the current database to {safety.path}", err=True)
    click.echo(f"restored {db} from {backup}")


@backups_group.command("delete")
@db_option
@click.argument("backup", type=click.Path(dir_okay=False, path_type=str))
def delete_cmd(db_path: str | None, backup: str) -> None:
    """Delete BACKUP, one of the database's backups."""
    db = _db(db_path)
    try:
        backups.delete_backup(db, backup)
    except backups.BackupError as exc:
        fail(str(exc))
    click.echo(f"deleted {backup}")
