"""Writing catalog documents into the database, in place.

Objects are matched by their name (or code): a matched row keeps its id, so accounts that use a
package frequency stay attached to it across an import; a row whose name has gone is deleted,
and the database's RESTRICT foreign keys refuse that while anything still uses it. The lists
inside an object (tiers, prices, discounts...) are rewritten whole. The caller runs all of this
in one transaction, so a failure leaves the database exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from app.models import schema as m

Doc = dict[str, Any]


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
    next_ids: dict[str, int] = field(default_factory=dict)
    names: dict[str, dict[Any, int]] = field(default_factory=dict)

    def new(self, table: Table) -> int:
        if table.name not in self.next_ids:
            current = self.conn.execute(select(func.max(table.c.id))).scalar()
            self.next_ids[table.name] = (current or 0) + 1
        value = self.next_ids[table.name]
        self.next_ids[table.name] = value + 1
        return value

    def load(self, model: type[m.Base], col: str = "name") -> dict[Any, int]:
        table = _t(model)
        mapping = {row[1]: row[0] for row in self.conn.execute(select(table.c.id, table.c[col]))}
        self.names[table.name] = mapping
        return mapping


class _Inserts:
    """Collects child rows per table and inserts them in bulk, parents first."""

    def __init__(self, conn: Connection, ids: _Ids) -> None:
        self.conn = conn
        self.ids = ids
        self.rows: dict[str, list[Doc]] = {}
        self.tables: dict[str, Table] = {}

    def add(self, model: type[m.Base], **values: Any) -> int:
        table = _t(model)
        row_id = self.ids.new(table)
        values["id"] = row_id
        self.tables[table.name] = table
        self.rows.setdefault(table.name, []).append(values)
        return row_id

    def flush(self) -> None:
        for name in [t.name for t in m.Base.metadata.sorted_tables]:
            rows = self.rows.pop(name, None)
            if rows:
                self.conn.execute(insert(self.tables[name]), rows)


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
            conn.execute(update(table).where(table.c.id == row_id).values(**row))
        else:
            row_id = ids.new(table)
            row["id"] = row_id
            new_rows.append(row)
        result[k] = row_id
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
                        per_unit=_dec(rate["per_unit"]), position=pos)
    buckets = sync(m.UsageBucket, "usage_buckets", lambda b: b["name"], lambda b: {
        "service_id": services[b["service"]], "unit": b["unit"]})
    _clear_children(conn, m.UsageBucketTier, "usage_bucket_id", every["usage_buckets"])
    for bucket in doc.get("usage_buckets", []):
        for pos, tier in enumerate(bucket["tiers"]):
            inserts.add(m.UsageBucketTier, usage_bucket_id=buckets[bucket["name"]],
                        threshold=_dec(tier["threshold"]), flat_charge=_dec(tier["flat_charge"]),
                        position=pos)
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
                        amount=_dec(price["amount"]), position=pos)
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
    statuses = ids.load(m.Status)
    status_of = statuses.__getitem__
    currencies = ids.load(m.Currency, "code")
    books = ids.load(m.PriceBook, "code")
    companies = ids.load(m.Company)
    contracts = ids.load(m.Contract)
    rate_plans = ids.load(m.RatePlan)
    rules = ids.load(m.CountingRule)
    fields = ids.load(m.CustomField)
    promos = ids.load(m.PromoCode, "code")
    buckets = ids.load(m.UsageBucket)
    pkg_table = _t(m.Package)
    freq_table = _t(m.PackageFrequency)

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

    # Frequencies, matched by name within the packages written.
    freq_query = select(freq_table.c.id, freq_table.c.name, freq_table.c.package_id)
    if only:
        freq_query = freq_query.where(freq_table.c.package_id.in_(list(pkg_ids.values())))
    freq_rows = list(conn.execute(freq_query))
    existing_freqs = {r.name: r.id for r in freq_rows}
    for old, new in (frequency_renames or {}).items():
        if old in existing_freqs:
            existing_freqs[new] = existing_freqs.pop(old)
    kept: set[int] = set()
    written_ids: list[int] = []  # the id of each frequency, in document order
    inserts = _Inserts(conn, ids)
    new_freqs: list[Doc] = []
    for p in packages:
        pid = pkg_ids[p["name"]]
        for pos, service in enumerate(p["services"]):
            inserts.add(m.PackageService, package_id=pid, service_id=services[service],
                        position=pos)
        for fpos, f in enumerate(p["frequencies"]):
            bill = f["bill_frequency"]
            values = {
                "package_id": pid, "name": f["name"], "sku": f.get("sku"), "active": f["active"],
                "bill_frequency": "months" if isinstance(bill, dict) else bill,
                "bill_months": bill["months"] if isinstance(bill, dict) else None,
                "contract_id": opt(contracts, f.get("contract")),
                "rate_plan_id": opt(rate_plans, f.get("rate_plan")),
                "tiering": f["tiering"], "counting_rule_id": opt(rules, f.get("counting_rule")),
                "position": fpos,
            }
            if f["name"] in existing_freqs:
                fid = existing_freqs[f["name"]]
                conn.execute(update(freq_table).where(freq_table.c.id == fid).values(**values))
            else:
                fid = ids.new(freq_table)
                values["id"] = fid
                new_freqs.append(values)
            kept.add(fid)
            written_ids.append(fid)
    if new_freqs:
        conn.execute(insert(freq_table), new_freqs)
    stale_freqs = {i for i in existing_freqs.values() if i not in kept}
    written = sorted(kept) if only else None
    if not only:
        # The charge subtree cascades from frequency_charges; clear it leaves first, in bulk.
        for model in (m.RecurringAmount, m.RecurringTier, m.RecurringBucketTier, m.Discount,
                      m.RecurringPrice, m.TransitionCharge, m.OneTimeTier, m.OneTimeCharge):
            conn.execute(delete(_t(model)))
    _clear_children(conn, m.FrequencyCurrency, "frequency_id", written)
    _clear_children(conn, m.FrequencyCustomValue, "frequency_id", written)
    _clear_children(conn, m.FrequencyCharges, "frequency_id", written)

    frequency_ids = iter(written_ids)
    for p in packages:
        for f in p["frequencies"]:
            fid = next(frequency_ids)
            for pos, code in enumerate(f["currencies"]):
                inserts.add(m.FrequencyCurrency, frequency_id=fid, currency_id=currencies[code],
                            position=pos)
            for pos, (name, value) in enumerate((f.get("custom_fields") or {}).items()):
                inserts.add(m.FrequencyCustomValue, frequency_id=fid,
                            custom_field_id=fields[name], value_json=json.dumps(value),
                            position=pos)
            cpos = 0
            for book, by_currency in f["price_books"].items():
                if not by_currency:
                    inserts.add(m.FrequencyCharges, frequency_id=fid, price_book_id=books[book],
                                currency_id=None, position=cpos)
                    cpos += 1
                for code, charges in by_currency.items():
                    cid = inserts.add(m.FrequencyCharges, frequency_id=fid,
                                      price_book_id=books[book], currency_id=currencies[code],
                                      position=cpos)
                    cpos += 1
                    _charges(inserts, cid, charges, services, status_of, rate_plans, promos,
                             buckets, ids)
    inserts.flush()
    return stale_packages, stale_freqs


def _charges(inserts: _Inserts, cid: int, charges: Doc, services: dict[Any, int],
             status_of: Callable[[str], int], rate_plans: dict[Any, int],
             promos: dict[Any, int], buckets: dict[Any, int], ids: _Ids) -> None:
    def opt(mapping: dict[Any, int], key: Any) -> int | None:
        return None if key is None else mapping[key]

    transitions = ids.names.get("transition") or ids.load(m.Transition)
    for pos, r in enumerate(charges.get("recurring", [])):
        settings = r.get("settings") or {}
        bucket = r.get("usage_bucket")
        rid = inserts.add(
            m.RecurringPrice, charges_id=cid, service_id=services[r["service"]],
            gl_code=settings.get("gl_code"), tax_category=settings.get("tax_category"),
            rate_plan_id=opt(rate_plans, settings.get("rate_plan")),
            tax_inclusive=settings.get("tax_inclusive"),
            usage_bucket_id=buckets[bucket["bucket"]] if bucket else None,
            bucket_unit=bucket.get("unit") if bucket else None,
            bucket_tiers_overridden=bool(bucket and bucket.get("tiers") is not None),
            position=pos)
        for apos, (status, amount) in enumerate((r.get("amounts") or {}).items()):
            inserts.add(m.RecurringAmount, recurring_price_id=rid, status_id=status_of(status),
                        amount=_dec(amount), position=apos)
        for spos, (status, tiers) in enumerate((r.get("tiers") or {}).items()):
            for tpos, tier in enumerate(tiers):
                inserts.add(m.RecurringTier, recurring_price_id=rid, status_id=status_of(status),
                            status_position=spos, end_units=tier["end"],
                            amount=_dec(tier["amount"]), position=tpos)
        if bucket and bucket.get("tiers") is not None:
            for bpos, tier in enumerate(bucket["tiers"]):
                inserts.add(m.RecurringBucketTier, recurring_price_id=rid,
                            threshold=_dec(tier["threshold"]),
                            flat_charge=_dec(tier["flat_charge"]), position=bpos)
        for dpos, d in enumerate(r.get("discounts") or []):
            inserts.add(
                m.Discount, recurring_price_id=rid, kind=d["kind"], name=d["name"],
                promo_code_id=opt(promos, d.get("promo_code")), gl_code=d.get("gl_code"),
                active=d["active"], start=_date(d["start"]), end=_date(d.get("end")),
                prorate=bool(d.get("prorate", False)),
                status_id=status_of(d["status"]) if d.get("status") else None,
                type=d["type"], amount=_dec(d["amount"]), period_months=d.get("period_months"),
                period_days=d.get("period_days"), position=dpos)
    for pos, t in enumerate(charges.get("transitions", [])):
        penalty = t.get("penalty")
        inserts.add(
            m.TransitionCharge, charges_id=cid, service_id=services[t["service"]],
            transition_id=transitions[t["transition"]],
            charge_service_id=services[t["charge_service"]], amount=_dec(t["amount"]),
            penalty_amount=_dec(penalty["amount"]) if penalty else None,
            penalty_threshold_months=penalty.get("threshold_months") if penalty else None,
            penalty_threshold_days=penalty.get("threshold_days") if penalty else None,
            position=pos)
    for pos, o in enumerate(charges.get("one_time", [])):
        settings = o.get("settings") or {}
        tiers = o.get("tiers")
        oid = inserts.add(
            m.OneTimeCharge, charges_id=cid, service_id=services[o["service"]],
            amount=_dec(o.get("amount")), tiered=tiers is not None,
            gl_code=settings.get("gl_code"), tax_category=settings.get("tax_category"),
            rate_plan_id=opt(rate_plans, settings.get("rate_plan")),
            tax_inclusive=settings.get("tax_inclusive"), position=pos)
        for tpos, tier in enumerate(tiers or []):
            inserts.add(m.OneTimeTier, one_time_charge_id=oid, end_units=tier["end"],
                        amount=_dec(tier["amount"]), position=tpos)


def delete_stale(conn: Connection, stale: list[tuple[type[m.Base], set[int]]]) -> None:
    """Delete rows whose names left the document, most dependent first."""
    order = {t.name: i for i, t in enumerate(m.Base.metadata.sorted_tables)}
    for model, ids in sorted(stale, key=lambda s: -order[_t(s[0]).name]):
        _delete_ids(conn, model, ids)
