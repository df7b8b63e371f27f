"""``catalog-editor diff``: what changed between two catalogs, or since the last export."""

from __future__ import annotations

import json
from typing import Any

import click

from app.cli.common import db_option, fail, open_db, read_json


@click.command("diff")
@click.argument("old", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.argument("new", required=False, type=click.Path(dir_okay=False, path_type=str))
@db_option
@click.option("--since-last-export", is_flag=True,
              help="Compare the database's catalog with what was last exported from it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are changes (like git diff).")
@click.option("--versions", "versions", nargs=2, type=str, default=None, metavar="A B",
              help="Compare two versions (dates or names) of one catalog: CATALOG.json or "
                   "--db PATH.")
def diff(old: str | None, new: str | None, db_path: str | None, since_last_export: bool,
         fmt: str, exit_code: bool, versions: tuple[str, str] | None = None) -> None:
    """Object-by-object, field-by-field changes from OLD.json to NEW.json.

    With --db PATH --since-last-export: the changes made since the last export.
    """
    from app.catalog.database.store import export_catalog, last_export
    from app.catalog.document.diff import diff_catalogs

    if versions is not None:
        show_changes(_version_changes(versions, old, new, db_path), fmt, exit_code)
        return
    if since_last_export:
        if old or new:
            fail("diff: give either OLD.json NEW.json or --since-last-export, not both")
        db = open_db(db_path, create=False)
        try:
            record = last_export(db)
            current = export_catalog(db)
        finally:
            db.close()
        if record is None:
            fail(f"{db.location}: the catalog was never exported; there is nothing to compare "
                 "with")
        before = record.document
        click.echo(f"# changes since the export of {record.exported_at:%Y-%m-%d %H:%M} UTC to "
                   f"{record.path}", err=True)
    else:
        if not (old and new):
            fail("diff: give OLD.json and NEW.json, or --db PATH --since-last-export")
        before, current = read_json(old), read_json(new)
        for path, doc in ((old, before), (new, current)):
            if not isinstance(doc, dict) or doc.get("format") != "catalog":
                fail(f"{path}: not a catalog document (expected \"format\": \"catalog\")")
    show_changes(diff_catalogs(before, current), fmt, exit_code)


def _version_changes(versions: tuple[str, str], old: str | None, new: str | None,
                     db_path: str | None) -> list[Any]:
    """What version B of one catalog changes from version A."""
    from app.catalog.database.store import export_catalog
    from app.catalog.versions import diff_versions

    if new is not None or (old is None) == (db_path is None):
        fail("diff: --versions A B compares two versions of ONE catalog: give CATALOG.json "
             "or --db PATH")
    if old is not None:
        doc = read_json(old)
        where = old
        if not isinstance(doc, dict) or doc.get("format") != "catalog":
            fail(f"{old}: not a catalog document (expected \"format\": \"catalog\")")
    else:
        db = open_db(db_path, create=False)
        try:
            doc = export_catalog(db)
        finally:
            db.close()
        where = str(db.location)
    try:
        changes = diff_versions(doc, *versions)
    except KeyError as exc:
        fail(f"{where}: {exc.args[0]}")
    click.echo(f"# changes from catalog version {versions[0]} to {versions[1]}", err=True)
    return changes


def show_changes(changes: list[Any], fmt: str, exit_code: bool) -> None:
    """Print changes as text or JSON; with ``exit_code``, exit 1 when there are any."""
    from app.catalog.document.diff import changes_to_document, format_changes

    if fmt == "json":
        click.echo(json.dumps(changes_to_document(changes), indent=2, ensure_ascii=False))
    else:
        click.echo(format_changes(changes))
    if exit_code and changes:
        raise SystemExit(1)
