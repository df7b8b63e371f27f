"""Reading the catalog database into the exchange format's catalog document.

The document is written in the canonical form described in ``docs/catalog-format.md``: optional
keys appear only when they differ from their default, money keeps its exact text.

This module is the hot path of loading a catalog snapshot, so it reads the database through
the DBAPI cursor rather than through SQLAlchemy rows: one raw query per table returning plain
tuples, unpacked positionally. The SQL is the same on SQLite and PostgreSQL (plain ``SELECT``s;
the one parameter list is written in the driver's own placeholder style, :func:`placeholder`).
The stored values already are what the document holds:

* money columns (:class:`app.models.types.Money`) store the exact decimal text, returned as is
  (on PostgreSQL too: the column is text, never a float);
* dates: SQLite stores ``YYYY-MM-DD`` text, returned as is; PostgreSQL returns ``date``
  values, written back as the same text (:attr:`_Reader.native_dates`);
* booleans store 0/1 on SQLite (``bool`` on PostgreSQL), turned into ``bool`` (``None`` kept
  for the nullable ones).

Children are grouped under their owner in one pass (dicts of lists, keyed by the owner id) and
every list keeps the order of its ``position`` column (then ``id``), as the importer wrote it.

Why this module is over 600 lines: it maps every table of the schema (about forty) back to the
document, one reader per list of the exchange format, on the hot path measured by
``benchmarks/bench_store.py``. The readers share the id-to-name look-ups (:class:`_Names`) and the
grouping helpers; splitting them by table would scatter one mapping over several files.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Connection

from app.catalog.database.versions import read_versions

Doc = dict[str, Any]
Row = tuple[Any, ...]
Lookup = dict[int | None, Any]
"""id -> name, with ``None -> None`` so optional references need no test."""

TOP_LEVEL_KEYS = (
    "currencies", "price_books", "statuses", "transitions", "services", "tax_rates",
    "rate_plans", "usage_buckets", "counting_rules", "contracts", "companies", "custom_fields",
    "promo_codes", "price_plans", "packages",
)  # fmt: skip


def _query(conn: Connection, sql: str, params: Sequence[Any] = ()) -> Sequence[Row]:
    """All rows of one statement as plain tuples, straight from the DBAPI cursor.

    The cursor belongs to ``conn``'s own DBAPI connection, so it reads within the same
    transaction as the caller.
    """
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def placeholder(conn: Connection) -> str:
    """The DBAPI driver's positional placeholder (``?`` for sqlite3, ``%s`` for psycopg)."""
    style = conn.dialect.paramstyle
    if style not in _PLACEHOLDERS:
        raise NotImplementedError(f"no positional placeholder for paramstyle {style!r}")
    return _PLACEHOLDERS[style]


def _iso(value: Any) -> Any:
    """A ``date`` from a driver that returns dates as ``YYYY-MM-DD`` text (None kept)."""
    return None if value is None else value.isoformat()


def _lookup(conn: Connection, table: str, column: str = "name") -> Lookup:
    """``{id: column}`` of a reference table, plus ``{None: None}``."""
    lookup: Lookup = {None: None}
    lookup.update(_query(conn, f"SELECT id, {column} FROM {table}"))
    return lookup


def _grouped(rows: Sequence[Row]) -> dict[int, list[Row]]:
    """Rows grouped by their first column (the owner id), keeping their order."""
    grouped: dict[int, list[Row]] = {}
    for row in rows:
        owner = row[0]
        if owner in grouped:
            grouped[owner].append(row)
        else:
            grouped[owner] = [row]
    return grouped


def _opt_bool(value: int | None) -> bool | None:
    """A nullable boolean column's value (SQLite stores 0/1)."""
    return None if value is None else bool(value)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large document.

    A 10,000-package catalog allocates over a million lists, dicts and row tuples, none of
    them in reference cycles; left on, the collector traverses the growing heap again and
    again, which costs about as much as building the document. The collector is switched back
    on afterwards only if it was on before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _put_if(target: Doc, key: str, value: Any) -> None:
    """Set ``target[key]`` unless ``value`` is None (an optional key at its default)."""
    if value is not None:
        target[key] = value


class _Names:
    """id -> name lookups for the reference tables (each also maps None to None)."""

    def __init__(self, conn: Connection) -> None:
        """Read every lookup but the packages' (only counting rules name packages)."""
        self.currency = _lookup(conn, "currency", "code")
        self.price_book = _lookup(conn, "price_book", "code")
        self.status = _lookup(conn, "status")
        self.transition = _lookup(conn, "transition")
        self.service = _lookup(conn, "service")
        self.rate_plan = _lookup(conn, "rate_plan")
        self.usage_bucket = _lookup(conn, "usage_bucket")
        self.counting_rule = _lookup(conn, "counting_rule")
        self.contract = _lookup(conn, "contract")
        self.company = _lookup(conn, "company")
        self.custom_field = _lookup(conn, "custom_field")
        self.promo_code = _lookup(conn, "promo_code", "code")


# --- reference data -------------------------------------------------------------------------


def _rows(conn: Connection, table: str, columns: str) -> Sequence[Row]:
    """``columns`` of every row of a reference table, in list order."""
    return _query(conn, f"SELECT {columns} FROM {table} ORDER BY position, id")


def _currencies(conn: Connection) -> list[Doc]:
    """The ``currencies`` list."""
    out = []
    for code, minor_units, name in _rows(conn, "currency", "code, minor_units, name"):
        cur: Doc = {"code": code, "minor_units": minor_units}
        _put_if(cur, "name", name)
        out.append(cur)
    return out


def _price_books(conn: Connection) -> list[Doc]:
    """The ``price_books`` list."""
    countries = _grouped(_rows(conn, "price_book_country", "price_book_id, country"))
    out = []
    for book_id, code, name in _rows(conn, "price_book", "id, code, name"):
        book: Doc = {"code": code, "name": name}
        if book_id in countries:
            book["countries"] = [country for _, country in countries[book_id]]
        out.append(book)
    return out


def _statuses(conn: Connection) -> list[Doc]:
    """The ``statuses`` list."""
    out = []
    for name, cancelled in _rows(conn, "status", "name, cancelled"):
        status: Doc = {"name": name}
        if cancelled:
            status["cancelled"] = True
        out.append(status)
    return out


def _services(conn: Connection) -> list[Doc]:
    """The ``services`` list (null settings left out)."""
    out = []
    columns = "name, base_type, gl_code, tax_category, tax_inclusive, unit"
    for name, base_type, gl_code, tax_category, tax_inclusive, unit in _rows(
        conn, "service", columns
    ):
        service: Doc = {"name": name, "base_type": base_type}
        _put_if(service, "gl_code", gl_code)
        _put_if(service, "tax_category", tax_category)
        _put_if(service, "tax_inclusive", _opt_bool(tax_inclusive))
        _put_if(service, "unit", unit)
        out.append(service)
    return out


def _rate_plans(conn: Connection, names: _Names) -> list[Doc]:
    """The ``rate_plans`` list."""
    rates = _grouped(
        _rows(conn, "rate_plan_rate", "rate_plan_id, service_id, currency_id, per_unit")
    )
    return [
        {
            "name": name,
            "rates": [
                {
                    "service": names.service[service_id],
                    "currency": names.currency[currency_id],
                    "per_unit": per_unit,
                }
                for _, service_id, currency_id, per_unit in rates.get(plan_id, ())
            ],
        }
        for plan_id, name in _rows(conn, "rate_plan", "id, name")
    ]


def _usage_buckets(conn: Connection, names: _Names) -> list[Doc]:
    """The ``usage_buckets`` list."""
    tiers = _grouped(_rows(conn, "usage_bucket_tier", "usage_bucket_id, threshold, flat_charge"))
    return [
        {
            "name": name,
            "service": names.service[service_id],
            "unit": unit,
            "tiers": [
                {"threshold": threshold, "flat_charge": flat_charge}
                for _, threshold, flat_charge in tiers.get(bucket_id, ())
            ],
        }
        for bucket_id, name, service_id, unit in _rows(
            conn, "usage_bucket", "id, name, service_id, unit"
        )
    ]


def _counting_rules(conn: Connection, names: _Names) -> list[Doc]:
    """The ``counting_rules`` list (items name packages or services)."""
    # only the packages the rules name: all of them cost more than an edit's save
    packages: Lookup = {None: None}
    packages.update(_query(conn, "SELECT id, name FROM package WHERE id IN "
                           "(SELECT package_id FROM counting_rule_item)"))
    items = _grouped(_rows(conn, "counting_rule_item", "counting_rule_id, package_id, service_id"))
    statuses = _grouped(_rows(conn, "counting_rule_status", "counting_rule_id, status_id"))
    return [
        {
            "name": name,
            "counts": counts,
            "items": [
                packages[package_id] if package_id is not None else names.service[service_id]
                for _, package_id, service_id in items.get(rule_id, ())
            ],
            "statuses": [names.status[status_id] for _, status_id in statuses.get(rule_id, ())],
        }
        for rule_id, name, counts in _rows(conn, "counting_rule", "id, name, counts")
    ]


def _custom_fields(conn: Connection) -> list[Doc]:
    """The ``custom_fields`` list (empty options left out)."""
    out = []
    columns = "name, entity, type, required, options_json"
    for name, entity, type_, required, options_json in _rows(conn, "custom_field", columns):
        field: Doc = {"name": name, "entity": entity, "type": type_, "required": bool(required)}
        options = json.loads(options_json) if options_json else None
        if options:
            field["options"] = options
        out.append(field)
    return out


def _promo_codes(conn: Connection, names: _Names) -> list[Doc]:
    """The ``promo_codes`` list (null discount fields left out)."""
    out = []
    columns = (
        "code, type, amount, period_months, period_days, prorate, status_id, gl_code, "
        '"start", "end"'
    )
    native_dates = conn.dialect.name != "sqlite"
    for (code, type_, amount, period_months, period_days, prorate, status_id, gl_code,
         start, end) in _rows(conn, "promo_code", columns):  # fmt: skip
        if native_dates:
            start, end = _iso(start), _iso(end)
        discount: Doc = {"type": type_, "amount": amount}
        _put_if(discount, "period_months", period_months)
        _put_if(discount, "period_days", period_days)
        _put_if(discount, "prorate", _opt_bool(prorate))
        _put_if(discount, "status", names.status[status_id])
        _put_if(discount, "gl_code", gl_code)
        _put_if(discount, "start", start)
        _put_if(discount, "end", end)
        out.append({"code": code, "discount": discount})
    return out


def _price_plans(conn: Connection, names: _Names) -> list[Doc]:
    """The ``price_plans`` list (a price's null status left out)."""
    prices = _grouped(
        _rows(conn, "price_plan_price", "price_plan_id, service_id, status_id, currency_id, amount")
    )
    out = []
    for plan_id, name in _rows(conn, "price_plan", "id, name"):
        plan_prices = []
        for _, service_id, status_id, currency_id, amount in prices.get(plan_id, ()):
            price: Doc = {"service": names.service[service_id]}
            _put_if(price, "status", names.status[status_id])
            price["currency"] = names.currency[currency_id]
            price["amount"] = amount
            plan_prices.append(price)
        out.append({"name": name, "prices": plan_prices})
    return out


def _reference(conn: Connection, names: _Names) -> Doc:
    """The reference part of the document, with an empty ``packages`` list."""
    return {
        "format": "catalog",
        "version": 1,
        "currencies": _currencies(conn),
        "price_books": _price_books(conn),
        "statuses": _statuses(conn),
        "transitions": [
            {"name": name, "from": names.status[from_id], "to": names.status[to_id]}
            for name, from_id, to_id in _rows(
                conn, "transition", "name, from_status_id, to_status_id"
            )
        ],
        "services": _services(conn),
        "tax_rates": [
            {"category": category, "country": country, "rate": rate}
            for category, country, rate in _rows(conn, "tax_rate", "category, country, rate")
        ],
        "rate_plans": _rate_plans(conn, names),
        "usage_buckets": _usage_buckets(conn, names),
        "counting_rules": _counting_rules(conn, names),
        "contracts": [
            {"name": name, "term_months": term_months, "early_termination_fee": fee,
             **({} if gl_code is None else {"gl_code": gl_code})}
            for name, term_months, fee, gl_code in _rows(
                conn, "contract", "name, term_months, early_termination_fee, gl_code"
            )
        ],
        "companies": [{"name": name} for (name,) in _rows(conn, "company", "name")],
        "custom_fields": _custom_fields(conn),
        "promo_codes": _promo_codes(conn, names),
        "price_plans": _price_plans(conn, names),
        "packages": [],
    }


def reference_document(conn: Connection) -> Doc:
    """Everything of the catalog but the packages (``packages`` is an empty list)."""
    return _reference(conn, _Names(conn))


# --- packages -------------------------------------------------------------------------------

# Which rows of each package table belong to a set of packages: the owner column, and the query
# of the owner ids (given the package ids as ``{packages}``, a parenthesised list of the
# driver's placeholders), one level down the ownership chain at a time.
_FREQUENCY_IDS = "SELECT id FROM package_frequency WHERE package_id IN {packages}"
_CHARGES_IDS = f"SELECT id FROM frequency_charges WHERE frequency_id IN ({_FREQUENCY_IDS})"
_RECURRING_IDS = f"SELECT id FROM recurring_price WHERE charges_id IN ({_CHARGES_IDS})"
_ONE_TIME_IDS = f"SELECT id FROM one_time_charge WHERE charges_id IN ({_CHARGES_IDS})"
_OWNERS = {
    "package": ("id", "{packages}"),
    "package_service": ("package_id", "{packages}"),
    "package_frequency": ("package_id", "{packages}"),
    "frequency_currency": ("frequency_id", f"({_FREQUENCY_IDS})"),
    "frequency_custom_value": ("frequency_id", f"({_FREQUENCY_IDS})"),
    "frequency_charges": ("frequency_id", f"({_FREQUENCY_IDS})"),
    "recurring_price": ("charges_id", f"({_CHARGES_IDS})"),
    "transition_charge": ("charges_id", f"({_CHARGES_IDS})"),
    "one_time_charge": ("charges_id", f"({_CHARGES_IDS})"),
    "recurring_amount": ("recurring_price_id", f"({_RECURRING_IDS})"),
    "recurring_tier": ("recurring_price_id", f"({_RECURRING_IDS})"),
    "recurring_bucket_tier": ("recurring_price_id", f"({_RECURRING_IDS})"),
    "discount": ("recurring_price_id", f"({_RECURRING_IDS})"),
    "one_time_tier": ("one_time_charge_id", f"({_ONE_TIME_IDS})"),
}


class _Reader:
    """Reads the package tables: every row, or only the rows of a set of packages."""

    def __init__(self, conn: Connection, package_ids: set[int] | None) -> None:
        """``package_ids`` None reads every package."""
        self.conn = conn
        self.params: tuple[int, ...] = () if package_ids is None else tuple(package_ids)
        self.restricted = package_ids is not None
        self.placeholder = placeholder(conn)
        self.native_dates = conn.dialect.name != "sqlite"
        """Whether the driver returns ``date`` values (PostgreSQL) rather than text."""

    def rows(self, table: str, columns: str, order: str = "position, id") -> Sequence[Row]:
        """``columns`` of ``table`` in list order (``order``), restricted to the packages."""
        where = ""
        if self.restricted:
            owner, owner_ids = _OWNERS[table]
            packages = "(" + ",".join([self.placeholder] * len(self.params)) + ")"
            where = f" WHERE {owner} IN {owner_ids.format(packages=packages)}"
        sql = f"SELECT {columns} FROM {table}{where} ORDER BY {order}"
        return _query(self.conn, sql, self.params)


def _recurring_rows(reader: _Reader, names: _Names) -> dict[int, list[Doc]]:
    """The recurring rows of every charges id (with amounts, tiers, bucket and discounts)."""
    status = names.status
    amounts: dict[int, Doc] = {}
    for rec_id, status_id, amount in reader.rows(
        "recurring_amount", "recurring_price_id, status_id, amount"
    ):
        if rec_id in amounts:
            amounts[rec_id][status[status_id]] = amount
        else:
            amounts[rec_id] = {status[status_id]: amount}

    tiers: dict[int, dict[str, list[Doc]]] = {}
    for rec_id, status_id, end, amount in reader.rows(
        "recurring_tier", "recurring_price_id, status_id, end_units, amount",
        order="status_position, position, id",
    ):  # fmt: skip
        by_status = tiers.get(rec_id)
        if by_status is None:
            by_status = tiers[rec_id] = {}
        name = status[status_id]
        if name in by_status:
            by_status[name].append({"end": end, "amount": amount})
        else:
            by_status[name] = [{"end": end, "amount": amount}]

    bucket_tiers = _grouped(
        reader.rows("recurring_bucket_tier", "recurring_price_id, threshold, flat_charge")
    )
    discounts = _discounts(reader, names)

    service, rate_plan, usage_bucket = names.service, names.rate_plan, names.usage_bucket
    by_charges: dict[int, list[Doc]] = {}
    for (rec_id, charges_id, service_id, gl_code, tax_category, rate_plan_id, tax_inclusive,
         bucket_id, bucket_unit, tiers_overridden) in reader.rows(
        "recurring_price",
        "id, charges_id, service_id, gl_code, tax_category, rate_plan_id, tax_inclusive, "
        "usage_bucket_id, bucket_unit, bucket_tiers_overridden",
    ):  # fmt: skip
        bucket: Doc | None = None
        if bucket_id is not None:
            bucket = {
                "bucket": usage_bucket[bucket_id],
                "unit": bucket_unit,
                "tiers": [
                    {"threshold": threshold, "flat_charge": flat_charge}
                    for _, threshold, flat_charge in bucket_tiers.get(rec_id, ())
                ] if tiers_overridden else None,
            }  # fmt: skip
        row = {
            "service": service[service_id],
            "amounts": amounts.get(rec_id) or {},
            "tiers": tiers.get(rec_id) or {},
            "settings": {
                "gl_code": gl_code,
                "tax_category": tax_category,
                "rate_plan": rate_plan[rate_plan_id],
                "tax_inclusive": _opt_bool(tax_inclusive),
            },
            "usage_bucket": bucket,
            "discounts": discounts.get(rec_id) or [],
        }
        if charges_id in by_charges:
            by_charges[charges_id].append(row)
        else:
            by_charges[charges_id] = [row]
    return by_charges


def _discounts(reader: _Reader, names: _Names) -> dict[int, list[Doc]]:
    """The discounts of every recurring row id."""
    status, promo_code = names.status, names.promo_code
    native_dates = reader.native_dates
    by_row: dict[int, list[Doc]] = {}
    for (rec_id, kind, name, promo_code_id, gl_code, active, start, end, prorate, status_id,
         type_, amount, period_months, period_days) in reader.rows(
        "discount",
        'recurring_price_id, kind, name, promo_code_id, gl_code, active, "start", "end", '
        "prorate, status_id, type, amount, period_months, period_days",
    ):  # fmt: skip
        if native_dates:
            start, end = _iso(start), _iso(end)
        discount: Doc = {"kind": kind, "name": name}
        if kind == "promo_code":
            discount["promo_code"] = promo_code[promo_code_id]
        discount["gl_code"] = gl_code
        discount["active"] = bool(active)
        discount["start"] = start
        discount["end"] = end
        discount["prorate"] = bool(prorate)
        discount["status"] = status[status_id]
        discount["type"] = type_
        discount["amount"] = amount
        discount["period_months"] = period_months
        if period_days is not None:
            discount["period_days"] = period_days
        if rec_id in by_row:
            by_row[rec_id].append(discount)
        else:
            by_row[rec_id] = [discount]
    return by_row


def _transition_charges(reader: _Reader, names: _Names) -> dict[int, list[Doc]]:
    """The transition charges of every charges id."""
    service, transition = names.service, names.transition
    by_charges: dict[int, list[Doc]] = {}
    for (charges_id, service_id, transition_id, charge_service_id, amount, penalty_amount,
         threshold_months, threshold_days) in reader.rows(
        "transition_charge",
        "charges_id, service_id, transition_id, charge_service_id, amount, penalty_amount, "
        "penalty_threshold_months, penalty_threshold_days",
    ):  # fmt: skip
        penalty: Doc | None = None
        if penalty_amount is not None:
            penalty = {"amount": penalty_amount}
            _put_if(penalty, "threshold_months", threshold_months)
            _put_if(penalty, "threshold_days", threshold_days)
        charge = {
            "service": service[service_id],
            "transition": transition[transition_id],
            "charge_service": service[charge_service_id],
            "amount": amount,
            "penalty": penalty,
        }
        if charges_id in by_charges:
            by_charges[charges_id].append(charge)
        else:
            by_charges[charges_id] = [charge]
    return by_charges


def _one_time_charges(reader: _Reader, names: _Names) -> dict[int, list[Doc]]:
    """The one-time rows of every charges id (null settings left out)."""
    tiers = _grouped(reader.rows("one_time_tier", "one_time_charge_id, end_units, amount"))
    service, rate_plan = names.service, names.rate_plan
    by_charges: dict[int, list[Doc]] = {}
    for (one_time_id, charges_id, service_id, amount, tiered, gl_code, tax_category,
         rate_plan_id, tax_inclusive) in reader.rows(
        "one_time_charge",
        "id, charges_id, service_id, amount, tiered, gl_code, tax_category, rate_plan_id, "
        "tax_inclusive",
    ):  # fmt: skip
        settings: Doc = {}
        _put_if(settings, "gl_code", gl_code)
        _put_if(settings, "tax_category", tax_category)
        _put_if(settings, "rate_plan", rate_plan[rate_plan_id])
        _put_if(settings, "tax_inclusive", _opt_bool(tax_inclusive))
        charge = {
            "service": service[service_id],
            "amount": amount,
            "tiers": [
                {"end": end, "amount": tier_amount}
                for _, end, tier_amount in tiers.get(one_time_id, ())
            ] if tiered else None,
            "settings": settings,
        }  # fmt: skip
        if charges_id in by_charges:
            by_charges[charges_id].append(charge)
        else:
            by_charges[charges_id] = [charge]
    return by_charges


def _price_books_by_frequency(reader: _Reader, names: _Names) -> dict[int, Doc]:
    """Every frequency's ``price_books``: ``{book: {currency: {recurring, transitions,
    one_time}}}``, a book priced in no currency yet staying an empty object."""
    recurring = _recurring_rows(reader, names)
    transitions = _transition_charges(reader, names)
    one_time = _one_time_charges(reader, names)
    price_book, currency = names.price_book, names.currency
    by_frequency: dict[int, Doc] = {}
    for charges_id, frequency_id, book_id, currency_id in reader.rows(
        "frequency_charges", "id, frequency_id, price_book_id, currency_id"
    ):
        books = by_frequency.get(frequency_id)
        if books is None:
            books = by_frequency[frequency_id] = {}
        book = books.setdefault(price_book[book_id], {})
        if currency_id is not None:
            book[currency[currency_id]] = {
                "recurring": recurring.get(charges_id) or [],
                "transitions": transitions.get(charges_id) or [],
                "one_time": one_time.get(charges_id) or [],
            }
    return by_frequency


def _frequencies(reader: _Reader, names: _Names) -> dict[int, list[Doc]]:
    """The frequencies of every package id."""
    currencies = _grouped(reader.rows("frequency_currency", "frequency_id, currency_id"))
    custom = _grouped(
        reader.rows("frequency_custom_value", "frequency_id, custom_field_id, value_json")
    )
    price_books = _price_books_by_frequency(reader, names)
    currency, custom_field = names.currency, names.custom_field
    contract, rate_plan, counting_rule = names.contract, names.rate_plan, names.counting_rule
    by_package: dict[int, list[Doc]] = {}
    for (frequency_id, package_id, name, sku, active, bill_frequency, bill_months,
         contract_id, rate_plan_id, tiering, counting_rule_id) in reader.rows(
        "package_frequency",
        "id, package_id, name, sku, active, bill_frequency, bill_months, contract_id, "
        "rate_plan_id, tiering, counting_rule_id",
    ):  # fmt: skip
        frequency = {
            "name": name,
            "sku": sku,
            "active": bool(active),
            "bill_frequency": (
                {"months": bill_months} if bill_frequency == "months" else bill_frequency
            ),
            "contract": contract[contract_id],
            "rate_plan": rate_plan[rate_plan_id],
            "tiering": tiering,
            "counting_rule": counting_rule[counting_rule_id],
            "currencies": [currency[c] for _, c in currencies.get(frequency_id, ())],
            "custom_fields": {
                custom_field[field_id]: json.loads(value)
                for _, field_id, value in custom.get(frequency_id, ())
            },
            "price_books": price_books.get(frequency_id) or {},
        }
        if package_id in by_package:
            by_package[package_id].append(frequency)
        else:
            by_package[package_id] = [frequency]
    return by_package


def _packages(conn: Connection, names: _Names, package_ids: set[int] | None) -> list[Doc]:
    """The ``packages`` list (all packages, or only ``package_ids``)."""
    if package_ids is not None and not package_ids:
        return []
    reader = _Reader(conn, package_ids)
    services = _grouped(reader.rows("package_service", "package_id, service_id"))
    frequencies = _frequencies(reader, names)
    service, company = names.service, names.company
    out = []
    for (package_id, name, enabled, company_id, rollup_services,
         activation_service_id) in reader.rows(
        "package",
        "id, name, enabled, company_id, rollup_services, billing_activation_service_id",
    ):  # fmt: skip
        out.append(
            {
                "name": name,
                "enabled": bool(enabled),
                "company": company[company_id],
                "rollup_services": bool(rollup_services),
                "billing_activation_service": service[activation_service_id],
                "services": [service[s] for _, s in services.get(package_id, ())],
                "frequencies": frequencies.get(package_id) or [],
            }
        )
    return out


def packages_document(conn: Connection, package_ids: set[int] | None = None) -> list[Doc]:
    """The ``packages`` list of the catalog document (all packages, or only ``package_ids``)."""
    with _gc_paused():
        return _packages(conn, _Names(conn), package_ids)


def document_bytes(doc: Doc) -> bytes:
    """The catalog file's bytes: UTF-8 JSON indented by two spaces, a newline at the end; the
    same bytes as ``json.dumps(doc, indent=2, ensure_ascii=False)`` writes (the document holds
    no floats), written by orjson in a tenth of the time, the newline by orjson too (adding it
    after would copy the whole text once more: 0.5 s at 30,000 frequencies)."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def catalog_document(conn: Connection) -> Doc:
    """The whole catalog as the exchange format's document."""
    names = _Names(conn)
    doc = _reference(conn, names)
    with _gc_paused():
        doc["packages"] = _packages(conn, names, None)
    versions = read_versions(conn)
    if versions is not None:
        doc["versions"] = versions
    return doc
