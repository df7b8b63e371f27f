"""The ``catalog-editor`` command: the window, or headless import, export, validate, simulate.

Argument parsing and output formatting only; the work is done by the application layer
(:mod:`app.catalog.database.store`) and the engine. Exit status: 0 success, 2 bad input (one
line per problem, naming the file and the JSON path), 1 internal error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from app import __version__
from app.cli.common import BAD_INPUT, db_option, fail, open_db, read_json, refuse_invalid_catalog

__all__ = ["BAD_INPUT", "cli", "fail", "main"]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="catalog-editor")
@db_option
@click.option("--demo", is_flag=True, help="Load the demo catalog into an empty database.")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, demo: bool) -> None:
    """Catalog Editor: edit a subscription billing product catalog and simulate bills.

    With no command, opens the window.
    """
    if ctx.invoked_subcommand is None:
        from app.views.app import run

        raise SystemExit(run(db_path=db_path, load_demo=demo))


@cli.command("validate")
@click.argument("catalog", type=click.Path(dir_okay=False, path_type=str))
@click.option("--warnings/--no-warnings", default=True, help="Also list catalog smells (lint).")
def validate_cmd(catalog: str, warnings: bool) -> None:
    """Check CATALOG.json: schema, references and business rules."""
    doc = read_json(catalog)
    lint = refuse_invalid_catalog(catalog, doc)
    if warnings and isinstance(doc, dict):
        try:
            from app.catalog.document.lint import lint_catalog
        except ImportError:  # pragma: no cover
            pass
        else:
            lint += [p for p in lint_catalog(doc) if p not in lint]
    for p in lint:
        click.echo(f"{catalog}: warning: {p}", err=True)
    click.echo(f"{catalog}: valid ({len(lint)} warning(s))")


@cli.command("import")
@db_option
@click.argument("catalog", type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["json", "killbill-xml"]), default="json",
              show_default=True)
def import_cmd(db_path: str | None, catalog: str, fmt: str) -> None:
    """Replace the database's catalog with CATALOG (all or nothing)."""
    from app.catalog.database.store import import_catalog
    from app.catalog.errors import ImportFailure, InUseError

    report: list[Any] = []
    if fmt == "killbill-xml":
        from app.catalog.killbill import killbill_to_catalog

        try:
            doc, report = killbill_to_catalog(Path(catalog).read_bytes())
        except OSError as exc:
            fail(f"{catalog}: cannot read the file ({exc.strerror})")
        except ImportFailure as exc:
            fail(f"{catalog}: {exc.message}")
    else:
        doc = read_json(catalog)
    db = open_db(db_path)
    try:
        import_catalog(db, doc, source=catalog)
    except ImportFailure as exc:
        fail(exc.message, [f"{catalog}: {p}" for p in exc.problems] or None)
    except InUseError as exc:
        fail(f"{catalog}: {exc.message}")
    finally:
        db.close()
    for note in report:
        click.echo(f"{catalog}: not mapped: {note.path}: {note.message}", err=True)
    click.echo(f"imported {catalog} into {db.location}")


@cli.command("export")
@db_option
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=str), default="-",
              help="Output file [default: standard output]")
@click.option("--format", "fmt", type=click.Choice(["json", "killbill-xml"]), default="json",
              show_default=True)
def export_cmd(db_path: str | None, out: str, fmt: str) -> None:
    """Write the database's catalog as JSON (or Kill Bill catalog XML)."""
    from app.catalog.database.export import document_bytes
    from app.catalog.database.store import export_catalog, record_export

    db = open_db(db_path, create=False)
    try:
        doc = export_catalog(db)
        if fmt == "killbill-xml":
            from app.catalog.killbill import catalog_to_killbill

            data, report = catalog_to_killbill(doc)
            for note in report:
                click.echo(f"not mapped: {note.path}: {note.message}", err=True)
        else:
            data = document_bytes(doc)
        if out == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            Path(out).write_bytes(data)
        record_export(db, out, fmt, doc)
    finally:
        db.close()


def _register_optional_commands() -> None:
    """Commands whose modules live beside this one (simulate, diff)."""
    try:
        from app.cli.simulate import simulate
    except ImportError:  # pragma: no cover - present in every release
        pass
    else:
        cli.add_command(simulate)
    try:
        from app.cli.diff import diff
    except ImportError:  # pragma: no cover
        pass
    else:
        cli.add_command(diff)
    from app.cli.book import simulate_book

    cli.add_command(simulate_book)


_register_optional_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``catalog-editor`` script and of ``python -m app``."""
    try:
        cli.main(args=argv, prog_name="catalog-editor", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
