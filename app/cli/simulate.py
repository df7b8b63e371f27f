"""``catalog-editor simulate``: the next bills of an account scenario, headless.

    simulate (--catalog CATALOG.json | --db PATH) --account ACCOUNT.json --from DATE
             --periods N [--format json|table] [--out FILE] [--compare-versions]
    simulate --db PATH --compare-versions --all-scenarios [--from DATE --periods N]
             [--format json|table] [--out FILE]

``--all-scenarios``: every scenario saved in the database, one summary each (the first bill
that changes under the scheduled catalog version, the totals before and after, the
difference, or the scenario's problems); each from its own start over its own saved horizon,
as the Simulator shows it, unless ``--from`` and ``--periods`` are given for all.

Argument parsing and output formatting only; the bills come from :mod:`app.engine`. Exit
status: 0 success, 2 bad input (one line on stderr naming the file and the JSON path at fault),
1 internal error. A catalog file goes through the very check of ``catalog-editor validate``
(schema, references, business rules): it refuses what ``validate`` and ``import`` refuse, in
the same words, each problem on its own line.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

import click

from app.catalog.atomic_write import open_atomically, write_text_atomically

BAD_INPUT = 2
INTERNAL_ERROR = 1


class BadInput(click.ClickException):
    """Bad input: one line on stderr, exit status 2."""

    exit_code = BAD_INPUT

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(" ".join(self.message.splitlines()), err=True)


class InternalError(click.ClickException):
    exit_code = INTERNAL_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"simulate: internal error: {' '.join(self.message.splitlines())}", err=True)


class _OneLineCommand(click.Command):
    """Usage mistakes (a missing option, a bad choice) also end with one line and status 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise BadInput(f"simulate: {exc.format_message()}") from exc


def _read_json(path: str) -> Any:
    from app.catalog.errors import ImportFailure
    from app.catalog.jobs import read_document

    try:
        return read_document(path)
    except ImportFailure as exc:
        raise BadInput(exc.message) from exc


def _problems_line(path: str, problems: Sequence[Any]) -> str:
    first = problems[0]
    where = first.path or "(document)"
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"{path}: {where}: {first.message}{more}"


def _load_catalog_document(catalog_path: str | None, db_path: str | None) -> tuple[Any, str]:
    if catalog_path is not None:
        from app.cli.common import checked_catalog, read_json

        # its warnings are `validate`'s to show; the engine reads the document as the contract
        # does (optional nulls dropped, x- keys taken out: they have no effect on billing)
        return checked_catalog(catalog_path, read_json(catalog_path)).document, catalog_path
    assert db_path is not None
    from app.catalog.database.store import load_catalog_document
    from app.catalog.errors import ImportFailure
    from app.models.database import DatabaseError

    try:
        return load_catalog_document(db_path), db_path
    except (DatabaseError, ImportFailure) as exc:  # no such database, a newer one...
        message = exc.message if isinstance(exc, ImportFailure) else str(exc)
        raise BadInput(message if message.startswith(db_path) else
                       f"{db_path}: {message}") from exc


def _parse_date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"simulate: --from: not a date (YYYY-MM-DD): {text!r}") from None


@click.command("simulate", cls=_OneLineCommand)
@click.option("--catalog", "catalog_path", type=str, default=None, metavar="CATALOG.json",
              help="The catalog document to simulate against.")


@click.option("--db", "db_path", type=str, default=None, metavar="PATH",
              help="Read the catalog from this database instead of a file.")


@click.option("--account", "account_path", type=str, default=None, metavar="ACCOUNT.json",
              help="The account scenario.")


@click.option("--from", "start_text", type=str, default=None, metavar="DATE",
              help="Simulate from the bill period that contains this date (YYYY-MM-DD).")


@click.option("--periods", type=str, default=None, metavar="N", help="How many bills.")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json",
              show_default=True, help="The bill document, or a readable table per period.")


@click.option("--out", "out", type=str, default=None, metavar="FILE",
              help="Write to FILE instead of standard output.")


@click.option("--compare-versions", "compare", is_flag=True, default=False,
              help="Bills before and after the catalog's last scheduled version, period by "
                   "period, the differences marked.")
@click.option("--all-scenarios", "all_scenarios", is_flag=True, default=False,
              help="With --db and --compare-versions: every saved scenario, one summary each "
                   "(each over its own start and saved horizon unless --from/--periods).")
def simulate(catalog_path: str | None, db_path: str | None, account_path: str | None,
             start_text: str | None, periods: str | None, fmt: str, out: str | None,
             compare: bool = False, all_scenarios: bool = False) -> None:
    """Simulate the next N bills of an account scenario."""
    if (catalog_path is None) == (db_path is None):
        raise BadInput("simulate: give exactly one of --catalog CATALOG.json and --db PATH")
    if all_scenarios:
        _check_all_scenarios(catalog_path, account_path, start_text, periods, compare)
    else:
        for value, option in ((account_path, "--account"), (start_text, "--from"),
                              (periods, "--periods")):
            if value is None:
                raise BadInput(f"simulate: Missing option '{option}'.")
    start = _parse_date(start_text) if start_text is not None else None
    count = _parse_periods(periods) if periods is not None else None
    try:
        if all_scenarios:
            assert db_path is not None
            _compare_all(db_path, start, count, fmt, out)
        elif compare:
            assert account_path is not None and start is not None and count is not None
            _compare(catalog_path, db_path, account_path, start, count, fmt, out)
        else:
            assert account_path is not None and start is not None and count is not None
            _run(catalog_path, db_path, account_path, start, count, fmt, out)
    except click.ClickException:
        raise
    except Exception as exc:  # anything else is our fault, not the user's
        raise InternalError(f"{type(exc).__name__}: {exc}") from exc


def _parse_periods(periods: str) -> int:
    try:
        count = int(periods)
    except ValueError:
        raise BadInput(f"simulate: --periods: not a whole number: {periods!r}") from None
    if not 1 <= count <= 1200:
        raise BadInput(f"simulate: --periods: must be between 1 and 1200, got {count}")
    return count


def _check_all_scenarios(catalog_path: str | None, account_path: str | None,
                         start_text: str | None, periods: str | None, compare: bool) -> None:
    if not compare:
        raise BadInput("simulate: --all-scenarios goes with --compare-versions (the saved "
                       "scenarios before and after the scheduled catalog version)")
    if catalog_path is not None:
        raise BadInput("simulate: --all-scenarios needs --db PATH: the saved scenarios live "
                       "in the database, not in a catalog file")
    if account_path is not None:
        raise BadInput("simulate: give either --account ACCOUNT.json or --all-scenarios, "
                       "not both")
    if (start_text is None) != (periods is None):
        raise BadInput("simulate: --all-scenarios: give both --from and --periods, or "
                       "neither (each scenario's own start and saved horizon)")


def _compare_all(db_path: str, start: dt.date | None, count: int | None, fmt: str,
                 out: str | None) -> None:
    from app.catalog.database.store import open_database, snapshot_document
    from app.catalog.errors import ImportFailure
    from app.catalog.jobs import prepare_billing
    from app.catalog.versions_all import compare_all_scenarios
    from app.models.database import DatabaseError

    try:
        db = open_database(db_path, create=False)
    except DatabaseError as exc:  # no such database, a newer one...
        message = str(exc)
        raise BadInput(message if message.startswith(db_path) else
                       f"{db_path}: {message}") from exc
    try:
        try:
            catalog_doc = snapshot_document(db)
        except ImportFailure as exc:
            raise BadInput(exc.message if exc.message.startswith(db_path) else
                           f"{db_path}: {exc.message}") from exc
        billing = prepare_billing(catalog_doc, trusted=True)
        if not billing.ok:
            raise BadInput(_problems_line(db_path, billing.problems))
        results = compare_all_scenarios(db, billing, start, count)
    finally:
        db.close()
    if fmt == "json":
        text = json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False) + "\n"
    else:
        text = all_scenarios_text(results)
    if out is None:
        click.echo(text, nl=False)
    else:
        _write(out, text)


def all_scenarios_text(results: Sequence[Any]) -> str:
    """One row per saved scenario, ``*`` where its bills change."""
    if not results:
        return "No saved scenarios.\n"
    width = max(24, *(len(r.name) for r in results))
    rows = [f"  {'scenario':<{width}} {'first changed':<13} {'before':>12} {'after':>12} "
            f"{'difference':>12}"]
    for r in results:
        if not r.ok:
            first = r.problems[0] if r.problems else "cannot be billed"
            rows.append(f"! {r.name:<{width}} cannot be compared: {first}")
            continue
        mark = "*" if r.changes else " "
        rows.append(f"{mark} {r.name:<{width}} {r.first_changed or '—':<13} "
                    f"{r.before_total:>12} {r.after_total:>12} {_signed(r.difference):>12}")
    changed = sum(1 for r in results if r.changes)
    rows.append(f"{changed} of {len(results)} scenario(s) change under the scheduled "
                "catalog version.")
    return "\n".join(rows) + "\n"


def _run(catalog_path: str | None, db_path: str | None, account_path: str, start: dt.date,
         count: int, fmt: str, out: str | None) -> None:
    from app.catalog.jobs import bill_account, prepare_billing

    catalog_doc, source = _load_catalog_document(catalog_path, db_path)
    # A catalog file passed validate's checks just above, a database is consistent by
    # construction: each package frequency is built (and checked) when the account uses it.
    billing = prepare_billing(catalog_doc, trusted=True)
    if not billing.ok:
        raise BadInput(_problems_line(source, billing.problems))
    account_doc = _read_json(account_path)
    outcome = bill_account(billing, account_doc, start, count)
    if outcome.bill is None:
        raise BadInput(_problems_line(source if outcome.catalog_fault else account_path,
                                      outcome.problems))
    for warning in outcome.problems:
        click.echo(f"{account_path}: warning: {warning}", err=True)
    document = outcome.bill
    if fmt == "json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if out is None:
            click.echo(text, nl=False)
        else:
            _write(out, text)
        return
    if out is None:
        render_table(document, sys.stdout, width=None)
    else:
        try:
            with open_atomically(out, "w", encoding="utf-8") as handle:
                render_table(document, handle, width=160)
        except OSError as exc:
            raise BadInput(f"{out}: cannot write the file ({exc.strerror or exc})") from exc


def _compare(catalog_path: str | None, db_path: str | None, account_path: str,
             start: dt.date, count: int, fmt: str, out: str | None) -> None:
    from app.catalog.jobs import prepare_billing
    from app.catalog.versions import compare_account

    catalog_doc, source = _load_catalog_document(catalog_path, db_path)
    billing = prepare_billing(catalog_doc, trusted=True)
    if not billing.ok:
        raise BadInput(_problems_line(source, billing.problems))
    outcome = compare_account(billing, _read_json(account_path), start, count)
    if outcome.comparison is None:
        raise BadInput(_problems_line(source if outcome.catalog_fault else account_path,
                                      outcome.problems))
    doc = outcome.comparison
    text = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n" if fmt == "json"
            else comparison_text(doc))
    if out is None:
        click.echo(text, nl=False)
    else:
        _write(out, text)


def comparison_text(doc: dict[str, Any]) -> str:
    """Before/after as plain text: one row per period, ``*`` where it differs, then the
    lines that differ."""
    before = doc["before_version"] or "(one version)"
    after = doc["after_version"] or "(one version)"
    rows = [f"Before: catalog version {before}; after: catalog version {after} "
            f"({doc['currency']})",
            f"  {'period':<24} {'before':>12} {'after':>12} {'difference':>12}"]
    for p in doc["periods"]:
        mark = "*" if p["differs"] else " "
        rows.append(f"{mark} {p['start'] + '..' + p['end']:<24} {p['before']:>12} "
                    f"{p['after']:>12} {_signed(p['difference']):>12}")
        for note in p.get("notes") or ():
            rows.append(f"    same: {note}")
        for d in p["lines"]:
            what = f"{d['service'] or d['kind']} ({d['kind']})"
            rows.append(f"    {what:<34} {d['before']:>10} -> {d['after']:>10} "
                        f"{_signed(d['difference']):>10}: {d['explanation']}")
    rows.append(f"  {'total':<24} {doc['before_total']:>12} {doc['after_total']:>12} "
                f"{_signed(doc['difference']):>12}")
    return "\n".join(rows) + "\n"


def _signed(text: str) -> str:
    return text if text.startswith("-") or Decimal(text) == 0 else f"+{text}"


def _write(path: str, text: str) -> None:
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise BadInput(f"{path}: cannot write the file ({exc.strerror or exc})") from exc


def _money(text: str, minor_units: int, locale: str) -> str:
    """A bill amount for people: grouped by the locale, exactly as many decimals as it has."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * minor_units if minor_units else "")
    return str(format_decimal(Decimal(text), format=pattern, locale=locale,
                              decimal_quantization=False))


def _locale() -> str:
    from babel import default_locale

    return default_locale("LC_NUMERIC") or "en_US"


def render_table(document: dict[str, Any], file: IO[str], width: int | None) -> None:
    """The bill as one readable table per period (rich): the lines grouped by package, each with
    its explanation, then subtotal, tax and total."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=file, width=width, highlight=False)
    if width is None and not console.is_terminal:
        console.width = 140
    currency = document["currency"]
    minor = _minor_units(document)
    try:
        locale = _locale()
        _money("0", minor, locale)
    except Exception:  # an unknown locale in the environment: fall back to plain English
        locale = "en_US"
    for note in document.get("notes", []):
        console.print(f"note: {note}", markup=False)
    for period in document["periods"]:
        table = Table(title=f"Bill {period['start']} .. {period['end']} ({currency})",
                      expand=True)
        table.add_column("Service", no_wrap=True, max_width=28)
        table.add_column("Kind", no_wrap=True)
        table.add_column("Qty", justify="right", no_wrap=True)
        table.add_column("Unit price", justify="right", no_wrap=True)
        table.add_column("Amount", justify="right", no_wrap=True)
        table.add_column("Explanation", ratio=1, min_width=30, overflow="fold")
        group: object = object()
        for line in period["lines"]:
            heading = "Taxes" if line["kind"] == "tax" else line["package"]
            if heading != group:
                group = heading
                table.add_row(Text(str(heading or ""), style="bold"), "", "", "", "", "")
            amount = _money(line["amount"], minor, locale)
            if line["kind"] == "tax" and line.get("tax_inclusive"):
                amount = f"({amount})"
            name = line.get("description") or line["service"] or ""
            table.add_row(Text(f"  {name}"), line["kind"], line["quantity"],
                          _money(line["unit_price"], minor, locale), amount,
                          Text(line["explanation"]))
        table.add_section()
        table.add_row("Subtotal", "", "", "", _money(period["subtotal"], minor, locale), "")
        table.add_row("Tax", "", "", "", _money(period["tax"], minor, locale), "")
        if Decimal(period.get("tax_included", "0")):
            table.add_row("Tax included", "", "", "",
                          f"({_money(period['tax_included'], minor, locale)})",
                          "already inside the tax-inclusive amounts")
        table.add_row("[bold]Total[/bold]", "", "", "",
                      f"[bold]{_money(period['total'], minor, locale)}[/bold]", "")
        console.print(table)
    console.print(f"Total of {len(document['periods'])} bill(s): "
                  f"{_money(document['total'], minor, locale)} {currency}", markup=False)


def _minor_units(document: dict[str, Any]) -> int:
    total = document["total"]
    return len(total.split(".")[1]) if "." in total else 0
