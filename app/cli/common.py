"""Helpers shared by the ``catalog-editor`` sub-commands: failing with status 2, the --db
option, opening the database, reading JSON input safely, refusing an invalid catalog."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from app.paths import default_database

if TYPE_CHECKING:
    from app.engine.problems import Problem

BAD_INPUT = 2


def fail(message: str, lines: list[str] | None = None) -> NoReturn:
    """Print a bad-input message (and detail lines) on stderr and exit with status 2."""
    for line in lines or [message]:
        click.echo(line, err=True)
    if lines:
        click.echo(message, err=True)
    raise SystemExit(BAD_INPUT)


def db_option(func: Any) -> Any:
    return click.option(
        "--db", "db_path", type=click.Path(dir_okay=False, path_type=str), default=None,
        help=f"Catalog database file or SQLAlchemy URL [default: {default_database()}]",
    )(func)


def open_db(db_path: str | None, *, create: bool = True) -> Any:
    from app.models.database import DatabaseError, open_database

    target = db_path or str(default_database())
    try:
        return open_database(target, create=create)
    except DatabaseError as exc:
        fail(str(exc))


def read_json(path: str) -> Any:
    """Read a JSON document, refusing hostile input; exits 2 naming the file on failure."""
    from app.catalog.document.safe_json import load_json_document
    from app.catalog.errors import ImportFailure

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        fail(f"{path}: cannot read the file ({exc.strerror})")
    try:
        return load_json_document(data, source=path)
    except ImportFailure as exc:
        fail(exc.message)


def refuse_invalid_catalog(path: str, doc: object) -> list[Problem]:
    """``validate``'s verdict on the catalog document read from ``path``, for every command that
    takes a catalog file: with any error, its warnings, then each error on its own line
    (``PATH: JSON.PATH: message``) and ``PATH: N error(s)``, and exit status 2. Otherwise
    returns the warnings, for the caller to show."""
    from app.catalog.database.store import validate_document

    problems = validate_document(doc)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if errors:
        for p in warnings:
            click.echo(f"{path}: warning: {p}", err=True)
        fail(f"{path}: {len(errors)} error(s)", [f"{path}: {p}" for p in errors])
    return warnings
