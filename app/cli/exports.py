"""``catalog-editor exports``: the export history of a catalog database.

    exports list  [--db PATH]                       # number, time, file, format, sizes
    exports show  [--db PATH] N [--out FILE]        # the document export N wrote
    exports diff  [--db PATH] A B [--format text|json] [--exit-code]
    exports prune [--db PATH] (--keep N | --before YYYY-MM-DD)
"""

from __future__ import annotations

import datetime as dt
import json

import click

from app.cli.common import db_option, fail, open_db, write_output
from app.cli.diff import show_changes


def human_size(size: int) -> str:
    """Bytes as a short figure with a binary unit (``98.1 MiB``)."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


@click.group("exports")
def exports() -> None:
    """The export history: list, show, compare and prune the catalogs exported."""


@exports.command("list")
@db_option
def list_cmd(db_path: str | None) -> None:
    """Every export, oldest first: number, time (UTC), format, size, stored, file."""
    from app.catalog.database.history import list_exports

    db = open_db(db_path, create=False)
    try:
        entries = list_exports(db)
    finally:
        db.close()
    if not entries:
        click.echo(f"{db.location}: the catalog was never exported")
        return
    click.echo(f"{'#':>4}  {'exported (UTC)':<16}  {'format':<12}  {'size':>10}  "
               f"{'stored':>10}  file")
    for e in entries:
        click.echo(f"{e.number:>4}  {e.exported_at:%Y-%m-%d %H:%M}  {e.format:<12}  "
                   f"{human_size(e.size):>10}  {human_size(e.stored):>10}  {e.path}")
    total = sum(e.stored for e in entries)
    click.echo(f"{len(entries)} export(s), {human_size(total)} stored in all")


def _document(db_path: str | None, number: int) -> tuple[object, dict[str, object]]:
    from app.catalog.database.history import export_document

    db = open_db(db_path, create=False)
    try:
        return db.location, export_document(db, number).document
    except KeyError:
        fail(f"{db.location}: there is no export number {number} (see: catalog-editor "
             "exports list)")
    finally:
        db.close()


@exports.command("show")
@db_option
@click.argument("number", type=int)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=str), default="-",
              help="Output file [default: standard output]")
def show_cmd(db_path: str | None, number: int, out: str) -> None:
    """Write the catalog document that export NUMBER wrote (as JSON)."""
    _location, doc = _document(db_path, number)
    data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_output(out, data)


@exports.command("diff")
@db_option
@click.argument("old", type=int)
@click.argument("new", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are changes (like git diff).")
def diff_cmd(db_path: str | None, old: int, new: int, fmt: str, exit_code: bool) -> None:
    """Object-by-object, field-by-field changes from export OLD to export NEW."""
    from app.catalog.database.history import documents_to_compare
    from app.catalog.document.diff import diff_catalogs

    db = open_db(db_path, create=False)
    try:
        before, after = documents_to_compare(db, old, new)
    except KeyError as exc:
        fail(f"{db.location}: there is no export number {exc.args[0]} (see: catalog-editor "
             "exports list)")
    finally:
        db.close()
    show_changes(diff_catalogs(before, after), fmt, exit_code)


def _date(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    except ValueError:
        fail(f"exports prune: --before {value!r} is not a date (YYYY-MM-DD)")


@exports.command("prune")
@db_option
@click.option("--keep", type=click.IntRange(min=0), default=None,
              help="Keep only the last N exports.")
@click.option("--before", "before", default=None, metavar="YYYY-MM-DD",
              help="Forget the exports made before this day (UTC).")
def prune_cmd(db_path: str | None, keep: int | None, before: str | None) -> None:
    """Forget old exports (and the stored parts no other export uses)."""
    from app.catalog.database.history import prune_exports

    if keep is None and before is None:
        fail("exports prune: give --keep N or --before YYYY-MM-DD")
    moment = _date(before)
    db = open_db(db_path, create=False)
    try:
        removed = prune_exports(db, keep=keep, before=moment)
    finally:
        db.close()
    click.echo(f"{db.location}: forgot {removed} export(s)")
