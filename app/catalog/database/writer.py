"""Writing catalog documents into the database, in place.

Objects are matched by their name (or code): a matched row keeps its id, so accounts that use a
package frequency stay attached to it across an import; a row whose name has gone is deleted,
and the database's RESTRICT foreign keys refuse that while anything still uses it. The lists
inside an object (tiers, prices, discounts...) are rewritten whole. The caller runs all of this
in one transaction, so a failure leaves the database exactly as it was.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Date, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Dialect

from app.catalog.database.export import placeholder
from app.models import schema as m
from app.models.types import Money

Doc = dict[str, Any]
Row = tuple[Any, ...]


def _t(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


@dataclass
class _Ids:
    """Allocates ids for new rows and remembers name -> id per table."""

    conn: Connection
    counters: dict[str, Iterator[int]] = field(default_factory=dict)
    names: dict[str, dict[Any, int]] = field(default_factory=dict)

    def counter(self, table: Table) -> Iterator[int]:
        """The ids of ``table``'s new rows, from one past its largest id, one at a time."""
        found = self.counters.get(table.name)
        if found is None:
            current = self.conn.execute(select(func.max(table.c.id))).scalar()
            found = self.counters[table.name] = itertools.count((current or 0) + 1)
        return found

    def new(self, table: Table) -> int:
        return next(self.counter(table))

    def load(self, model: type[m.Base], col: str = "name") -> dict[Any, int]:
        table = _t(model)
        mapping = {row[1]: row[0] for row in self.conn.execute(select(table.c.id, table.c[col]))}
        self.names[table.name] = mapping
        return mapping


class _Stored(dict[Any, Any]):
    """A document's values as one kind of column stores them, each distinct text converted
    once (a catalog repeats its amounts and dates many times over). ``None`` stays ``None``;
    values that are not text are converted every time, never looked up (``1.0`` must not be
    taken for a cached ``1``: money refuses floats)."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        stored = self.convert(value)
        if type(value) is str:
            self[value] = stored
        return stored


def _money(dialect: Dialect) -> _Stored:
    """Money text as :class:`~app.models.types.Money` stores it (plain digits: ``1E-7`` is
    stored ``0.0000001``); the column's own conversion, so the rule lives in one place."""
    process = Money().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    return _Stored(process)


def _day(dialect: Dialect) -> _Stored:
    """An ISO date text as the dialect's ``DATE`` column takes it (SQLite: its own text
    form; PostgreSQL: a ``date``)."""
    process = Date().dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return _Stored(date.fromisoformat)
    return _Stored(lambda value: process(date.fromisoformat(value)))


class _Rows:
    """The new rows of one table, as tuples in the order of ``columns`` (the id first)."""

    __slots__ = ("columns", "ids", "rows", "table")

    def __init__(self, table: Table, columns: tuple[str, ...], ids: Iterator[int]) -> None:
        self.table = table
        self.columns = columns
        self.ids = ids
        self.rows: list[Row] = []

    def add(self, *values: Any) -> int:
        """Add a row of ``values`` (one per column, in order); returns its new id."""
        row_id = next(self.ids)
        self.rows.append((row_id, *values))
        return row_id

    def insert(self, conn: Connection) -> None:
        """One ``executemany`` of plain SQL: the values already are what the columns store
        (ids, integers, text, booleans, :class:`_Stored` money and dates), so no per-row work
        of SQLAlchemy's is needed. Its events still run (``exec_driver_sql``)."""
        if not self.rows:
            return
        quote = conn.dialect.identifier_preparer.quote
        names = ", ".join(quote(c) for c in ("id", *self.columns))
        marks = ", ".join([placeholder(conn)] * (len(self.columns) + 1))
        sql = f"INSERT INTO {quote(self.table.name)} ({names}) VALUES ({marks})"
        conn.exec_driver_sql(sql, self.rows)
        self.rows = []


class _Inserts:
    """Collects new rows per table and inserts them in bulk, parents first."""

    def __init__(self, conn: Connection, ids: _Ids) -> None:
        self.conn = conn
        self.ids = ids
        self.tables: dict[str, _Rows] = {}
        self.money = _money(conn.dialect)
        self.day = _day(conn.dialect)

    def table(self, model: type[m.Base], *columns: str) -> _Rows:
        """The rows of ``model``'s table, given (after the id) as ``columns``."""
        table = _t(model)
        rows = self.tables.get(table.name)
        if rows is None:
            rows = self.tables[table.name] = _Rows(table, columns, self.ids.counter(table))
        assert rows.columns == columns, (rows.columns, columns)
        return rows

    def add(self, model: type[m.Base], **values: Any) -> int:
        """One row by column name (for the few rows of the reference lists)."""
        return self.table(model, *values).add(*values.values())

    def flush(self) -> None:
        for table in m.Base.metadata.sorted_tables:
            rows = self.tables.pop(table.name, None)
            if rows is not None and rows.rows:
                rows.insert(self.conn)


_ROW_ID = "row_id"
"""The parameter naming the row an update of :func:`_update_rows` changes."""


def _update_rows(conn: Connection, table: Table, rows: list[Doc]) -> None:
    """Update rows in place, in order, with one ``executemany`` (the same columns in every
    row; each row names its own under :data:`_ROW_ID`), values through the columns' types."""
    if rows:
        conn.execute(update(table).where(table.c.id == bindparam(_ROW_ID)), rows)


def _sync_top(
    conn: Connection,
    ids: _Ids,
    model: type[m.Base],
    items: list[Doc],
    key: Callable[[Doc], Any],
    values: Callable[[Doc], Doc],
    *,
    key_cols: tuple[str, ...] = ("name",),
    renames: dict[Any, Any] | None = None,
    position_offset: int = 0,
) -> tuple[dict[Any, int], set[int]]:
    """Update or insert one row per item, matched by key; return (key -> id, ids to delete)."""
    table = _t(model)
    cols = [table.c[c] for c in key_cols]
    existing: dict[Any, int] = {}
    for found in conn.execute(select(table.c.id, *cols)):
        k = found[1] if len(cols) == 1 else tuple(found[1:])
        existing[k] = found[0]
    for old, new in (renames or {}).items():
        if old in existing and new not in existing:
            existing[new] = existing.pop(old)
    result: dict[Any, int] = {}
    new_rows: list[Doc] = []
    changed: list[Doc] = []
    for position, item in enumerate(items, start=position_offset):
        k = key(item)
        row = values(item)
        row["position"] = position
        if len(key_cols) == 1:
            row[key_cols[0]] = k
        else:
            row.update(zip(key_cols, k, strict=True))
        if k in existing:
            row_id = existing[k]
            row[_ROW_ID] = row_id
            changed.append(row)
        else:
            row_id = ids.new(table)
            row["id"] = row_id
            new_rows.append(row)
        result[k] = row_id
    _update_rows(conn, table, changed)
    if new_rows:
        conn.execute(insert(table), new_rows)
    stale = {i for k, i in existing.items() if k not in result}
    ids.names[table.name] = result
    return result, stale


def _clear_children(conn: Connection, model: type[m.Base], owner_col: str,
                    owner_ids: Iterable[int] | None) -> None:
    table = _t(model)
    if owner_ids is None:
        conn.execute(delete(table))
        return
    owner_list = list(owner_ids)
    for start in range(0, len(owner_list), 500):
        chunk = owner_list[start:start + 500]
        conn.execute(delete(table).where(table.c[owner_col].in_(chunk)))


def _delete_ids(conn: Connection, model: type[m.Base], stale: set[int]) -> None:
    if stale:
        table = _t(model)
        conn.execute(delete(table).where(table.c.id.in_(stale)))


def _lookup(ids: _Ids, table: str, key: Any) -> int | None:
    return None if key is None else ids.names[table][key]


def write_reference(conn: Connection, doc: Doc, *, renames: dict[str, dict[Any, Any]] | None = None,
                    delete_missing: bool = True) -> list[tuple[type[m.Base], set[int]]]:
    """Write every reference list of ``doc`` (all but packages); returns pending deletions."""
    renames = renames or {}
    ids = _Ids(conn)
    inserts = _Inserts(conn, ids)
    stale: list[tuple[type[m.Base], set[int]]] = []
    full = ids  # keep mypy quiet about closures below

    every: dict[str, list[int]] = {}

    def sync(model: type[m.Base], kind: str, key: Callable[[Doc], Any],
             values: Callable[[Doc], Doc], **kw: Any) -> dict[Any, int]:
        mapping, gone = _sync_top(conn, full, model, doc.get(kind, []), key, values,
                                  renames=renames.get(kind), **kw)
        stale.append((model, gone))
        # Children of kept AND of stale rows are rewritten now: a stale row's children may
        # name other stale rows, which are deleted at the end.
        every[kind] = [*mapping.values(), *gone]
        return mapping

    sync(m.Currency, "currencies", lambda c: c["code"],
         lambda c: {"minor_units": c["minor_units"], "name": c.get("name")}, key_cols=("code",))
    books = sync(m.PriceBook, "price_books", lambda b: b["code"], lambda b: {"name": b["name"]},
                 key_cols=("code",))
    _clear_children(conn, m.PriceBookCountry, "price_book_id", every["price_books"])
    for book in doc.get("price_books", []):
        for pos, country in enumerate(book.get("countries", [])):
            inserts.add(m.PriceBookCountry, price_book_id=books[book["code"]], country=country,
                        position=pos)
    statuses = sync(m.Status, "statuses", lambda s: s["name"],
                    lambda s: {"cancelled": bool(s.get("cancelled", False))})
    sync(m.Service, "services", lambda s: s["name"], lambda s: {
        "base_type": s["base_type"], "gl_code": s.get("gl_code"),
        "tax_category": s.get("tax_category"), "tax_inclusive": s.get("tax_inclusive"),
        "unit": s.get("unit")})
    services = ids.names["service"]
    currencies = ids.names["currency"]
    sync(m.Company, "companies", lambda c: c["name"], lambda c: {})
    sync(m.Contract, "contracts", lambda c: c["name"], lambda c: {
        "term_months": c["term_months"],
        "early_termination_fee": _dec(c["early_termination_fee"]),
        "gl_code": c.get("gl_code")})
    sync(m.CustomField, "custom_fields", lambda c: c["name"], lambda c: {
        "entity": c["entity"], "type": c["type"], "required": c["required"],
        "options_json": json.dumps(c["options"]) if c.get("options") else None})
    sync(m.TaxRate, "tax_rates", lambda t: (t["category"], t["country"]),
         lambda t: {"rate": _dec(t["rate"])}, key_cols=("category", "country"))
    sync(m.Transition, "transitions", lambda t: t["name"], lambda t: {
        "from_status_id": statuses[t["from"]], "to_status_id": statuses[t["to"]]})
    plans = sync(m.RatePlan, "rate_plans", lambda p: p["name"], lambda p: {})
    _clear_children(conn, m.RatePlanRate, "rate_plan_id", every["rate_plans"])
    for plan in doc.get("rate_plans", []):
        for pos, rate in enumerate(plan["rates"]):
            inserts.add(m.RatePlanRate, rate_plan_id=plans[plan["name"]],
                        service_id=services[rate["service"]],
                        currency_id=currencies[rate["currency"]],
                        per_unit=inserts.money[rate["per_unit"]], position=pos)
    buckets = sync(m.UsageBucket, "usage_buckets", lambda b: b["name"], lambda b: {
        "service_id": services[b["service"]], "unit": b["unit"]})
    _clear_children(conn, m.UsageBucketTier, "usage_bucket_id", every["usage_buckets"])
    for bucket in doc.get("usage_buckets", []):
        for pos, tier in enumerate(bucket["tiers"]):
            inserts.add(m.UsageBucketTier, usage_bucket_id=buckets[bucket["name"]],
                        threshold=inserts.money[tier["threshold"]],
                        flat_charge=inserts.money[tier["flat_charge"]], position=pos)
    sync(m.PromoCode, "promo_codes", lambda p: p["code"], lambda p: _discount_config(
        p["discount"], statuses), key_cols=("code",))
    price_plans = sync(m.PricePlan, "price_plans", lambda p: p["name"], lambda p: {})
    _clear_children(conn, m.PricePlanPrice, "price_plan_id", every["price_plans"])
    for plan in doc.get("price_plans", []):
        for pos, price in enumerate(plan["prices"]):
            inserts.add(m.PricePlanPrice, price_plan_id=price_plans[plan["name"]],
                        service_id=services[price["service"]],
                        status_id=statuses[price["status"]] if price.get("status") else None,
                        currency_id=currencies[price["currency"]],
                        amount=inserts.money[price["amount"]], position=pos)
    inserts.flush()
    return stale


def write_counting_rules(conn: Connection, doc: Doc, renames: dict[Any, Any] | None = None,
                         *, with_items: bool = True) -> set[int]:
    """Counting rules name packages and frequencies name counting rules: write the rules first
    without their items, then the packages, then the rules again with their items."""
    ids = _Ids(conn)
    statuses = ids.load(m.Status)
    services = ids.load(m.Service)
    packages = ids.load(m.Package)
    rules, stale = _sync_top(conn, ids, m.CountingRule, doc.get("counting_rules", []),
                             lambda r: r["name"], lambda r: {"counts": r["counts"]},
                             renames=renames)
    owners = [*rules.values(), *stale]
    _clear_children(conn, m.CountingRuleItem, "counting_rule_id", owners)
    _clear_children(conn, m.CountingRuleStatus, "counting_rule_id", owners)
    if not with_items:
        return stale
    inserts = _Inserts(conn, ids)
    for rule in doc.get("counting_rules", []):
        rid = rules[rule["name"]]
        for pos, item in enumerate(rule["items"]):
            if rule["counts"] == "packages":
                inserts.add(m.CountingRuleItem, counting_rule_id=rid, package_id=packages[item],
                            service_id=None, position=pos)
            else:
                inserts.add(m.CountingRuleItem, counting_rule_id=rid, package_id=None,
                            service_id=services[item], position=pos)
        for pos, status in enumerate(rule["statuses"]):
            inserts.add(m.CountingRuleStatus, counting_rule_id=rid, status_id=statuses[status],
                        position=pos)
    inserts.flush()
    return stale


def _discount_config(d: Doc, statuses: dict[Any, int]) -> Doc:
    return {
        "type": d["type"], "amount": _dec(d["amount"]),
        "period_months": d.get("period_months"), "period_days": d.get("period_days"),
        "prorate": d.get("prorate"),
        "status_id": statuses[d["status"]] if d.get("status") else None,
        "gl_code": d.get("gl_code"), "start": _date(d.get("start")), "end": _date(d.get("end")),
    }


def write_packages(conn: Connection, packages: list[Doc], *, only: bool = False,
                   renames: dict[str, str] | None = None,
                   frequency_renames: dict[str, str] | None = None,
                   position_offset: int = 0) -> tuple[set[int], set[int]]:
    """Write packages with their frequencies.

    With ``only`` the given packages are written and no other package is touched (saving one
    package from the editor); otherwise ``packages`` is the whole list. Returns the ids of
    packages and frequencies to delete (the caller deletes them last).
    """
    ids = _Ids(conn)
    services = ids.load(m.Service)
    companies = ids.load(m.Company)
    pkg_table = _t(m.Package)

    def opt(mapping: dict[Any, int], key: Any) -> int | None:
        return None if key is None else mapping[key]

    def pkg_values(p: Doc) -> Doc:
        return {"enabled": p["enabled"], "company_id": opt(companies, p["company"]),
                "rollup_services": p["rollup_services"],
                "billing_activation_service_id": opt(services, p["billing_activation_service"])}

    if only:
        existing = {
            r.name: r.id for r in conn.execute(
                select(pkg_table.c.id, pkg_table.c.name).where(
                    pkg_table.c.name.in_([(renames or {}).get(p["name"], p["name"])
                                          for p in packages]
                                         + list((renames or {}).keys()))))
        }
        pkg_ids: dict[Any, int] = {}
        new_rows = []
        next_position = (conn.execute(select(func.max(pkg_table.c.position))).scalar() or 0) + 1
        inverse = {new: old for old, new in (renames or {}).items()}
        for p in packages:
            values = pkg_values(p)
            values["name"] = p["name"]
            old_name = inverse.get(p["name"], p["name"])
            if old_name in existing:
                pkg_ids[p["name"]] = existing[old_name]
                conn.execute(update(pkg_table).where(pkg_table.c.id == existing[old_name])
                             .values(**values))
            else:
                values["id"] = ids.new(pkg_table)
                values["position"] = next_position
                next_position += 1
                new_rows.append(values)
                pkg_ids[p["name"]] = values["id"]
        if new_rows:
            conn.execute(insert(pkg_table), new_rows)
        stale_packages: set[int] = set()
    else:
        pkg_ids, stale_packages = _sync_top(conn, ids, m.Package, packages, lambda p: p["name"],
                                            pkg_values, renames=renames,
                                            position_offset=position_offset)
    owner_ids = list(pkg_ids.values()) if only else None
    _clear_children(conn, m.PackageService, "package_id", owner_ids)
    inserts = _Inserts(conn, ids)
    package_services = inserts.table(m.PackageService, "package_id", "service_id", "position")
    for p in packages:
        pid = pkg_ids[p["name"]]
        for pos, service in enumerate(p["services"]):
            package_services.add(pid, services[service], pos)
    written_ids, stale_freqs = _write_frequencies(conn, ids, inserts, packages, pkg_ids,
                                                  only=only, renames=frequency_renames)
    written = sorted(set(written_ids)) if only else None
    if not only:
        # The charge subtree cascades from frequency_charges; clear it leaves first, in bulk.
        for model in (m.RecurringAmount, m.RecurringTier, m.RecurringBucketTier, m.Discount,
                      m.RecurringPrice, m.TransitionCharge, m.OneTimeTier, m.OneTimeCharge):
            conn.execute(delete(_t(model)))
    _clear_children(conn, m.FrequencyCurrency, "frequency_id", written)
    _clear_children(conn, m.FrequencyCustomValue, "frequency_id", written)
    _clear_children(conn, m.FrequencyCharges, "frequency_id", written)
    _frequency_children(ids, inserts, packages, written_ids)
    inserts.flush()
    return stale_packages, stale_freqs


def _write_frequencies(conn: Connection, ids: _Ids, inserts: _Inserts, packages: list[Doc],
                       pkg_ids: dict[Any, int], *, only: bool,
                       renames: dict[str, str] | None) -> tuple[list[int], set[int]]:
    """Update or insert the packages' frequencies, matched by name (among the frequencies of
    ``pkg_ids`` with ``only``, else all); returns the id of each frequency in document order,
    and the ids of the frequencies to delete."""
    freq_table = _t(m.PackageFrequency)
    contracts = ids.load(m.Contract)
    rate_plans = ids.load(m.RatePlan)
    rules = ids.load(m.CountingRule)
    freq_query = select(freq_table.c.id, freq_table.c.name)
    if only:
        freq_query = freq_query.where(freq_table.c.package_id.in_(list(pkg_ids.values())))
    existing = {r.name: r.id for r in conn.execute(freq_query)}
    for old, new in (renames or {}).items():
        if old in existing:
            existing[new] = existing.pop(old)
    columns = ("package_id", "name", "sku", "active", "bill_frequency", "bill_months",
               "contract_id", "rate_plan_id", "tiering", "counting_rule_id", "position")
    frequencies = inserts.table(m.PackageFrequency, *columns)
    written: list[int] = []  # the id of each frequency, in document order
    changed: list[Doc] = []
    for p in packages:
        pid = pkg_ids[p["name"]]
        for fpos, f in enumerate(p["frequencies"]):
            bill = f["bill_frequency"]
            contract, rate_plan, rule = f.get("contract"), f.get("rate_plan"), f.get(
                "counting_rule")
            values = (
                pid, f["name"], f.get("sku"), f["active"],
                "months" if isinstance(bill, dict) else bill,
                bill["months"] if isinstance(bill, dict) else None,
                None if contract is None else contracts[contract],
                None if rate_plan is None else rate_plans[rate_plan],
                f["tiering"], None if rule is None else rules[rule], fpos,
            )  # fmt: skip
            fid = existing.get(f["name"])
            if fid is None:
                written.append(frequencies.add(*values))
            else:
                changed.append({_ROW_ID: fid, **dict(zip(columns, values, strict=True))})
                written.append(fid)
    _update_rows(conn, freq_table, changed)
    # before their children: the frequency_charges rows name them
    frequencies.insert(conn)
    kept = set(written)
    return written, {i for i in existing.values() if i not in kept}


def _frequency_children(ids: _Ids, inserts: _Inserts, packages: list[Doc],
                        written_ids: list[int]) -> None:
    """The currencies, custom values and charges of every frequency (``written_ids``: their
    ids in document order), added to ``inserts``."""
    currencies = ids.load(m.Currency, "code")
    books = ids.load(m.PriceBook, "code")
    fields = ids.load(m.CustomField)
    charges = _Charges(ids, inserts)
    frequency_currencies = inserts.table(m.FrequencyCurrency, "frequency_id", "currency_id",
                                         "position")
    custom_values = inserts.table(m.FrequencyCustomValue, "frequency_id", "custom_field_id",
                                  "value_json", "position")
    frequency_charges = inserts.table(m.FrequencyCharges, "frequency_id", "price_book_id",
                                      "currency_id", "position")
    frequency_ids = iter(written_ids)
    for p in packages:
        for f in p["frequencies"]:
            fid = next(frequency_ids)
            for pos, code in enumerate(f["currencies"]):
                frequency_currencies.add(fid, currencies[code], pos)
            for pos, (name, value) in enumerate((f.get("custom_fields") or {}).items()):
                custom_values.add(fid, fields[name], json.dumps(value), pos)
            cpos = 0
            for book, by_currency in f["price_books"].items():
                book_id = books[book]
                if not by_currency:
                    frequency_charges.add(fid, book_id, None, cpos)
                    cpos += 1
                for code, priced in by_currency.items():
                    cid = frequency_charges.add(fid, book_id, currencies[code], cpos)
                    cpos += 1
                    charges.add(cid, priced)


class _Charges:
    """The rows of one currency's charges (``recurring``, ``transitions``, ``one_time``) and
    everything under them."""

    def __init__(self, ids: _Ids, inserts: _Inserts) -> None:
        self.services = ids.load(m.Service)
        self.rate_plans = ids.load(m.RatePlan)
        self.statuses = ids.load(m.Status)
        self.promos = ids.load(m.PromoCode, "code")
        self.buckets = ids.load(m.UsageBucket)
        self.transitions = ids.load(m.Transition)
        self.money = inserts.money
        self.day = inserts.day
        table = inserts.table
        self.recurring = table(
            m.RecurringPrice, "charges_id", "service_id", "gl_code", "tax_category",
            "rate_plan_id", "tax_inclusive", "usage_bucket_id", "bucket_unit",
            "bucket_tiers_overridden", "position")
        self.amounts = table(m.RecurringAmount, "recurring_price_id", "status_id", "amount",
                             "position")
        self.tiers = table(m.RecurringTier, "recurring_price_id", "status_id",
                           "status_position", "end_units", "amount", "position")
        self.bucket_tiers = table(m.RecurringBucketTier, "recurring_price_id", "threshold",
                                  "flat_charge", "position")
        self.discounts = table(
            m.Discount, "recurring_price_id", "kind", "name", "promo_code_id", "gl_code",
            "active", "start", "end", "prorate", "status_id", "type", "amount", "period_months",
            "period_days", "position")
        self.transition_charges = table(
            m.TransitionCharge, "charges_id", "service_id", "transition_id",
            "charge_service_id", "amount", "penalty_amount", "penalty_threshold_months",
            "penalty_threshold_days", "position")
        self.one_time = table(
            m.OneTimeCharge, "charges_id", "service_id", "amount", "tiered", "gl_code",
            "tax_category", "rate_plan_id", "tax_inclusive", "position")
        self.one_time_tiers = table(m.OneTimeTier, "one_time_charge_id", "end_units", "amount",
                                    "position")

    def add(self, cid: int, charges: Doc) -> None:
        services, statuses, money = self.services, self.statuses, self.money
        rate_plans = self.rate_plans
        for pos, r in enumerate(charges.get("recurring", [])):
            settings = r.get("settings") or {}
            bucket = r.get("usage_bucket")
            rate_plan = settings.get("rate_plan")
            overridden = bool(bucket and bucket.get("tiers") is not None)
            rid = self.recurring.add(
                cid, services[r["service"]], settings.get("gl_code"),
                settings.get("tax_category"),
                None if rate_plan is None else rate_plans[rate_plan],
                settings.get("tax_inclusive"),
                self.buckets[bucket["bucket"]] if bucket else None,
                bucket.get("unit") if bucket else None, overridden, pos)
            for apos, (status, amount) in enumerate((r.get("amounts") or {}).items()):
                self.amounts.add(rid, statuses[status], money[amount], apos)
            for spos, (status, tiers) in enumerate((r.get("tiers") or {}).items()):
                sid = statuses[status]
                for tpos, tier in enumerate(tiers):
                    self.tiers.add(rid, sid, spos, tier["end"], money[tier["amount"]], tpos)
            if overridden:
                assert bucket is not None
                for bpos, tier in enumerate(bucket["tiers"]):
                    self.bucket_tiers.add(rid, money[tier["threshold"]],
                                          money[tier["flat_charge"]], bpos)
            for dpos, d in enumerate(r.get("discounts") or []):
                self._discount(rid, d, dpos)
        for pos, t in enumerate(charges.get("transitions", [])):
            penalty = t.get("penalty")
            self.transition_charges.add(
                cid, services[t["service"]], self.transitions[t["transition"]],
                services[t["charge_service"]], money[t["amount"]],
                money[penalty["amount"]] if penalty else None,
                penalty.get("threshold_months") if penalty else None,
                penalty.get("threshold_days") if penalty else None, pos)
        for pos, o in enumerate(charges.get("one_time", [])):
            settings = o.get("settings") or {}
            tiers = o.get("tiers")
            rate_plan = settings.get("rate_plan")
            oid = self.one_time.add(
                cid, services[o["service"]], money[o.get("amount")], tiers is not None,
                settings.get("gl_code"), settings.get("tax_category"),
                None if rate_plan is None else rate_plans[rate_plan],
                settings.get("tax_inclusive"), pos)
            for tpos, tier in enumerate(tiers or []):
                self.one_time_tiers.add(oid, tier["end"], money[tier["amount"]], tpos)

    def _discount(self, rid: int, d: Doc, pos: int) -> None:
        promo, status = d.get("promo_code"), d.get("status")
        self.discounts.add(
            rid, d["kind"], d["name"], None if promo is None else self.promos[promo],
            d.get("gl_code"), d["active"], self.day[d["start"]], self.day[d.get("end")],
            bool(d.get("prorate", False)), self.statuses[status] if status else None,
            d["type"], self.money[d["amount"]], d.get("period_months"), d.get("period_days"),
            pos)


def delete_stale(conn: Connection, stale: list[tuple[type[m.Base], set[int]]]) -> None:
    """Delete rows whose names left the document, most dependent first."""
    order = {t.name: i for i, t in enumerate(m.Base.metadata.sorted_tables)}
    for model, ids in sorted(stale, key=lambda s: -order[_t(s[0]).name]):
        _delete_ids(conn, model, ids)
