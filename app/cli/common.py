"""Helpers shared by the ``catalog-editor`` sub-commands: failing with status 2, the --db
option, opening the database, reading JSON input safely, refusing an invalid catalog."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from app.paths import default_database

if TYPE_CHECKING:
    from app.engine.problems import Problem

BAD_INPUT = 2


def fail(message: str, lines: list[str] | None = None) -> NoReturn:
    """Print a bad-input message (and detail lines, at most 50 then "... and N more") on stderr
    and exit with status 2."""
    from app.cli.errors import bounded

    for line in bounded(lines or [message]):
        click.echo(line, err=True)
    if lines:
        click.echo(message, err=True)
    raise SystemExit(BAD_INPUT)


def _inherited_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A sub-command's ``--db``, or else the one given before the command
    (``catalog-editor --db PATH import ...``): without this the earlier one was silently
    dropped and the command worked on the default database instead."""
    parent = ctx.parent
    while parent is not None:
        outer = parent.params.get("db_path")
        if outer is not None:
            if value is not None and value != outer:
                raise click.BadParameter(
                    f"given twice with different databases ({outer} before the command, "
                    f"{value} after it); give it once", ctx=ctx, param_hint="--db")
            return str(outer)
        parent = parent.parent
    return value


def db_option(func: Any) -> Any:
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=False, path_type=str), default=None,
        callback=_inherited_db,
        help=f"Catalog database file or SQLAlchemy URL [default: {default_database()}]",
    )(func)


def open_db(db_path: str | None, *, create: bool = True, write: bool = False) -> Any:
    """Open the database (exit 2 with one line when it cannot be, or, with ``write``, when it
    can only be read), saying on stderr when it was upgraded (and where the backup is) or
    opened read-only."""
    from app.cli.errors import remember_database
    from app.models.database import DatabaseError, open_database

    target = db_path or str(default_database())
    remember_database(target)
    try:
        db = open_database(target, create=create)
    except DatabaseError as exc:
        fail(str(exc))
    if write and db.read_only:
        db.close()
        fail(f"{db.location}: the database is read-only ({db.read_only_reason}); nothing was "
             "changed")
    if db.backup_path is not None:
        click.echo(f"{db.location}: upgraded; the previous version is backed up in "
                   f"{db.backup_path}", err=True)
    if db.read_only:
        click.echo(f"{db.location}: opened read-only ({db.read_only_reason})", err=True)
    return db


def read_json(path: str) -> Any:
    """Read a JSON document with the application's reader; exits 2 naming the file on failure."""
    from app.catalog.errors import ImportFailure
    from app.catalog.jobs import read_document

    try:
        return read_document(path)
    except ImportFailure as exc:
        fail(exc.message)


def refuse_invalid_catalog(path: str, doc: object, *, lint: bool = False) -> list[Problem]:
    """``validate``'s verdict on the catalog document read from ``path``, for every command that
    takes a catalog file: with any error, its warnings, then each error on its own line
    (``PATH: JSON.PATH: message``) and ``PATH: N error(s)``, and exit status 2. Otherwise
    returns the warnings, for the caller to show."""
    warnings: list[Problem] = checked_catalog(path, doc, lint=lint).problems
    return warnings


def checked_catalog(path: str, doc: object, *, lint: bool = False) -> Any:
    """:func:`refuse_invalid_catalog`, returning the checked catalog (``store.CheckedCatalog``:
    the document as the contract reads it, and its warnings as ``problems``)."""
    from dataclasses import replace

    from app.catalog.database.store import check_catalog

    checked = check_catalog(doc, lint=lint)
    errors = [p for p in checked.problems if p.severity == "error"]
    if errors and not lint:  # refused: list what validate lists (lint only costs then)
        checked = check_catalog(doc, lint=True)
        errors = [p for p in checked.problems if p.severity == "error"]
    warnings = [p for p in checked.problems if p.severity != "error"]
    if errors:
        from app.cli.errors import bounded

        for line in bounded([f"{path}: warning: {p}" for p in warnings]):
            click.echo(line, err=True)
        fail(f"{path}: {len(errors)} error(s)", [f"{path}: {p}" for p in errors])
    return replace(checked, problems=warnings)


def write_output(out: str, data: bytes) -> None:
    """Write ``data`` to the file ``out``, or to standard output when ``out`` is ``-``."""
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        from app.catalog.jobs import write_file_atomically

        write_file_atomically(out, data)
