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
from app.cli.errors import CatalogGroup, bounded

__all__ = ["BAD_INPUT", "cli", "fail", "main"]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]},
             cls=CatalogGroup)
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
    # The checks of the Checks tab, each fault once, in one pass; refused as simulate refuses.
    lint = refuse_invalid_catalog(catalog, doc, lint=warnings)
    for line in bounded([f"{catalog}: warning: {p}" for p in lint]):
        click.echo(line, err=True)
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
    names: dict[str, str] | None = None
    if fmt == "killbill-xml":
        from app.catalog.killbill.importer import killbill_import

        try:
            data = Path(catalog).read_bytes()
            doc, report, names = killbill_import(data)
        except OSError as exc:
            fail(f"{catalog}: cannot read the file ({exc.strerror})")
        except ImportFailure as exc:
            fail(f"{catalog}: {exc.message}")
    else:
        doc = read_json(catalog)
    db = open_db(db_path, write=True)
    try:
        import_catalog(db, doc, source=catalog)
        if names is not None:
            from app.catalog.database.publishing import record_killbill_import

            record_killbill_import(db, data, names)
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
@click.option("--catalog-name", default=None, help="Kill Bill: catalog name [default: the last "
              "one published from this database, else CatalogEditor]")
@click.option("--effective-date", default=None,
              help="Kill Bill: effective date of this version [default: now]")
@click.option("--strict", is_flag=True, help="Kill Bill: write nothing and exit 2 when Kill "
              "Bill would refuse a frequency or bill differently from the simulator.")
@click.option("--details", type=int, default=20, show_default=True,
              help="Kill Bill: entries shown per group of the report.")
@click.option("--versions", "versions", is_flag=True, help="Kill Bill: a versioned catalog, "
              "one file OUT-DATE.xml per catalog version (docs/versions.md).")
def export_cmd(db_path: str | None, out: str, fmt: str, catalog_name: str | None,
               effective_date: str | None, strict: bool, details: int,
               versions: bool = False) -> None:
    """Write the database's catalog as JSON (or Kill Bill catalog XML)."""
    from app.catalog.jobs import export_data, write_export
    from app.models.failures import file_failure_message

    if fmt == "killbill-xml":
        from app.cli.killbill import publish_killbill

        publish_killbill(db_path, out, catalog_name, effective_date, strict, details,
                         versions=versions)
        return
    if catalog_name or effective_date or strict or versions:
        fail("--catalog-name, --effective-date, --strict and --versions are for --format "
             "killbill-xml")
    db = open_db(db_path, create=False)
    try:
        export = export_data(db, fmt)
        if out == "-":
            sys.stdout.buffer.write(export.data)
            sys.stdout.flush()
        try:
            _changes, export = write_export(db, out, fmt, export=export)
        except OSError as exc:
            fail(file_failure_message(exc, out) + "; an existing file is unchanged")
        if export.notice:
            click.echo(export.notice, err=True)
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
    try:
        from app.cli.backups import backups_group
    except ImportError:  # pragma: no cover
        pass
    else:
        cli.add_command(backups_group)
    from app.cli.exports import exports

    cli.add_command(exports)
    from app.cli.killbill import check

    cli.add_command(check)
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
