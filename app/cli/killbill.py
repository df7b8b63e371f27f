"""Kill Bill publishing on the command line: ``export --format killbill-xml`` (with
``--catalog-name``, ``--effective-date``, ``--strict``) and ``check --target killbill``.

The report is grouped by severity and frequency and summarised at scale
(:mod:`app.catalog.killbill.check`); exit status 2 when Kill Bill would refuse a frequency or
bill a subscriber differently from the simulator (``check``, and ``export --strict``, which
then writes nothing).
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import click

from app.cli.common import BAD_INPUT, db_option, fail, open_db


def parse_effective_date(text: str | None) -> dt.datetime | None:
    """``2026-03-01`` or an ISO date-time (taken as UTC without an offset)."""
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        fail(f"--effective-date {text!r}: not a date (write it as 2026-03-01 or "
             "2026-03-01T00:00:00+00:00)")  # fmt: skip
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def publish_killbill(db_path: str | None, out: str, catalog_name: str | None,
                     effective_date: str | None, strict: bool, details: int, *,
                     versions: bool = False) -> None:  # fmt: skip
    """``export --format killbill-xml``: write the file and its report; remember the names."""
    from app.catalog.database.publishing import prepare_killbill_export, record_publication
    from app.catalog.killbill.check import check_publication

    when = parse_effective_date(effective_date)
    db = open_db(db_path, create=False)
    try:
        doc, done = prepare_killbill_export(db, catalog_name=catalog_name, effective_date=when)
        if versions:
            if not doc.get("versions") or out == "-":
                fail("--versions: " + ("the catalog has one version" if out != "-" else
                                       "give --out FILE (one file is written per version)"))
            _publish_versions(db, doc, out, catalog_name or _catalog_name(done.data))
            return
        if doc.get("versions"):
            click.echo(f"note: the catalog has {len(doc['versions'])} versions; this file "
                       "holds its own prices (the first); --versions writes one file per "
                       "version", err=True)
        check = check_publication(doc, done, shadow=strict)
        for line in check.lines(details):
            click.echo(line, err=True)
        if strict and not check.ok:
            click.echo("not written: Kill Bill would refuse or bill differently (--strict)",
                       err=True)  # fmt: skip
            raise SystemExit(BAD_INPUT)
        if out == "-":
            sys.stdout.buffer.write(done.data)
            sys.stdout.flush()
        else:
            from app.catalog.jobs import file_failure_message, write_file_atomically

            try:
                write_file_atomically(out, done.data)
            except OSError as exc:
                fail(file_failure_message(exc, out) + "; an existing file is unchanged")
        if db.read_only:
            click.echo(f"{db.location}: read-only, so this publication is not recorded (the "
                       "next export cannot keep its names)", err=True)
            return
        name = catalog_name or _catalog_name(done.data)
        record_publication(db, out, doc, done, name)
    finally:
        db.close()


def version_path(out: str, day: dt.date) -> str:
    """``catalog.xml`` -> ``catalog-2027-01-01.xml``: the file of one version."""
    from pathlib import Path

    path = Path(out)
    return str(path.with_name(f"{path.stem}-{day.isoformat()}{path.suffix or '.xml'}"))


def _publish_versions(db: Any, doc: dict[str, Any], out: str, name: str) -> None:
    """A catalog with versions: one Kill Bill file per version (docs/versions.md)."""
    from app.catalog.database.publishing import killbill_names, last_publication, record_publication
    from app.catalog.jobs import file_failure_message, write_file_atomically
    from app.catalog.killbill.versions import export_killbill_versions

    last = last_publication(db)
    exports = export_killbill_versions(doc, catalog_name=name,
                                       names=killbill_names(db),
                                       previous=last.xml if last is not None else None)
    for version in exports:
        path = version_path(out, version.effective_date)
        try:
            write_file_atomically(path, version.export.data)
        except OSError as exc:
            fail(file_failure_message(exc, path) + "; an existing file is unchanged")
        moved = (f", existing subscriptions move on {', '.join(version.moved_plans)}"
                 if version.moved_plans else "")
        click.echo(f"{path}: catalog version {version.name}, effectiveDate "
                   f"{version.effective_date}{moved}", err=True)
    if getattr(db, "read_only", False):
        return
    for version in exports:
        record_publication(db, version_path(out, version.effective_date), doc,
                           version.export, name)


def _catalog_name(data: bytes) -> str:
    import defusedxml.ElementTree as DET

    return DET.fromstring(data).findtext("catalogName") or ""


@click.command("check")
@db_option
@click.option("--target", type=click.Choice(["killbill"]), required=True,
              help="What the catalog is checked for publishing to.")
@click.option("--catalog-name", default=None, help="Kill Bill catalog name [default: the last "
              "one published from this database, else CatalogEditor]")
@click.option("--effective-date", default=None, help="Effective date of the version.")
@click.option("--details", type=int, default=20, show_default=True,
              help="Entries shown per group of the report.")
def check(db_path: str | None, target: str, catalog_name: str | None,
          effective_date: str | None, details: int) -> None:  # fmt: skip
    """Would Kill Bill refuse the catalog, or bill differently from the simulator? Exit 2 if so."""
    from app.catalog.database.publishing import prepare_killbill_export
    from app.catalog.killbill.check import check_publication

    when = parse_effective_date(effective_date)
    db = open_db(db_path, create=False)
    try:
        doc, done = prepare_killbill_export(db, catalog_name=catalog_name, effective_date=when)
    finally:
        db.close()
    result = check_publication(doc, done)
    for line in result.lines(details):
        click.echo(line)
    if not result.ok:
        raise SystemExit(BAD_INPUT)
