"""Saved simulator scenarios: account documents kept in the database.

An account scenario crosses the boundary as the exchange format's account document (see
``app/schemas/account.schema.json``). In the database it is an :class:`~app.models.schema.Account`
row with its promo codes, account-packages, account-services, status timelines and usage
records; every reference to the catalog (currency, price book, price plan, promo code, package
frequency, service, status) is resolved by name to the row's id, so renaming a catalog object
keeps the scenario attached to it.

Every function that writes runs in one transaction: it completes or leaves the database as it
was. Unknown names raise :class:`ImportFailure` whose problems name the JSON path at fault.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import Connection, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.catalog.changes import Changes, accounts_changed
from app.catalog.errors import ImportFailure
from app.engine.problems import Problem, format_path
from app.models import schema as m
from app.models.database import Database
from app.package_data import schema

Doc = dict[str, Any]


def _t(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


@cache
def _fast_validator() -> Any:
    """The account schema compiled (jsonschema-rs): a valid document skips jsonschema."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema("account"), formats={"date": _is_date},
                                       validate_formats=True)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@cache
def _validator() -> Draft202012Validator:
    """The pure-Python validator, run only to explain a document the compiled check refused."""
    return Draft202012Validator(schema("account"))


def schema_problems(doc: object) -> list[Problem]:
    """Problems of ``doc`` against the account JSON Schema, each at its JSON path."""
    try:
        if _fast_validator().is_valid(doc):
            return []
    except (ValueError, OverflowError):  # a value Rust cannot hold (a huge integer)
        pass
    problems = []
    for error in sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.path))):
        path = format_path(error.absolute_path)
        message = error.message
        if error.validator == "required" and isinstance(error.validator_value, list):
            instance = error.instance if isinstance(error.instance, dict) else {}
            missing = [k for k in error.validator_value if k not in instance]
            if missing:
                path = format_path([*error.absolute_path, missing[0]])
                message = "required"
        problems.append(Problem(path, message))
    return problems


# --- reading ----------------------------------------------------------------------------------


def list_accounts(db: Database) -> list[str]:
    """Names of the saved scenarios, alphabetically (case-insensitive)."""
    acc = _t(m.Account)
    with db.engine.connect() as conn:
        names = list(conn.execute(select(acc.c.name)).scalars())
    return sorted(names, key=lambda n: (n.casefold(), n))


def _names(conn: Connection, model: type[m.Base], col: str = "name") -> dict[int, str]:
    table = _t(model)
    return {int(row[0]): str(row[1]) for row in conn.execute(select(table.c.id, table.c[col]))}


def _ids(conn: Connection, model: type[m.Base], col: str = "name") -> dict[str, int]:
    return {name: row_id for row_id, name in _names(conn, model, col).items()}


def _account_id(conn: Connection, name: str) -> int | None:
    acc = _t(m.Account)
    value = conn.execute(select(acc.c.id).where(acc.c.name == name)).scalar()
    return None if value is None else int(value)


def _ordered(conn: Connection, model: type[m.Base], where: Any) -> list[Any]:
    table = _t(model)
    return list(conn.execute(select(table).where(where).order_by(table.c.position, table.c.id)))


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def load_account(db: Database, name: str) -> Doc:
    """The saved scenario ``name`` as an account document. KeyError when there is none."""
    with db.engine.connect() as conn:
        account_id = _account_id(conn, name)
        if account_id is None:
            raise KeyError(name)
        return _account_document(conn, account_id)


def _account_document(conn: Connection, account_id: int) -> Doc:
    acc = _t(m.Account)
    row = conn.execute(select(acc).where(acc.c.id == account_id)).one()
    currencies = _names(conn, m.Currency, "code")
    books = _names(conn, m.PriceBook, "code")
    plans = _names(conn, m.PricePlan)
    promos = _names(conn, m.PromoCode, "code")
    services = _names(conn, m.Service)
    statuses = _names(conn, m.Status)

    promo_rows = _ordered(conn, m.AccountPromoCode, _t(m.AccountPromoCode).c.account_id
                          == account_id)
    package_rows = _ordered(conn, m.AccountPackage, _t(m.AccountPackage).c.account_id
                            == account_id)
    fr = _t(m.PackageFrequency)
    frequencies = {  # only those the account uses: a large catalog has tens of thousands
        int(r[0]): str(r[1]) for r in conn.execute(
            select(fr.c.id, fr.c.name).where(fr.c.id.in_({p.frequency_id for p in package_rows})))
    }
    package_ids = [p.id for p in package_rows]
    svc_table = _t(m.AccountService)
    service_rows = _ordered(conn, m.AccountService, svc_table.c.account_package_id.in_(package_ids))
    by_package: dict[int, list[Any]] = defaultdict(list)
    for s in service_rows:
        by_package[s.account_package_id].append(s)
    st_table = _t(m.AccountServiceStatus)
    status_rows = _ordered(conn, m.AccountServiceStatus,
                           st_table.c.account_service_id.in_([s.id for s in service_rows]))
    by_service: dict[int, list[Any]] = defaultdict(list)
    for st in status_rows:
        by_service[st.account_service_id].append(st)
    usage_rows = _ordered(conn, m.UsageRecord, _t(m.UsageRecord).c.account_id == account_id)

    return {
        "format": "account",
        "version": 1,
        "account": {
            "name": row.name,
            "country": row.country,
            "currency": currencies[row.currency_id],
            "price_book": books[row.price_book_id],
            "bill_day": row.bill_day,
            "price_plan": None if row.price_plan_id is None else plans[row.price_plan_id],
            "promo_codes": [promos[p.promo_code_id] for p in promo_rows],
        },
        **({} if row.periods is None else {"simulation": {"periods": row.periods}}),
        "packages": [
            {
                "frequency": frequencies[p.frequency_id],
                "start": _iso(p.start),
                "cancelled": _iso(p.cancelled),
                "services": [
                    {
                        "id": s.ref,
                        "service": services[s.service_id],
                        "quantity": s.quantity,
                        "price": None if s.price is None else str(s.price),
                        "statuses": [
                            {"status": statuses[st.status_id], "from": _iso(st.from_date)}
                            for st in by_service[s.id]
                        ],
                    }
                    for s in by_package[p.id]
                ],
            }
            for p in package_rows
        ],
        "usage": [
            {
                "service_id": u.service_ref,
                "quantity": str(u.quantity),
                "unit": u.unit,
                "date": _iso(u.date),
            }
            for u in usage_rows
        ],
    }


# --- writing ----------------------------------------------------------------------------------


class _Resolver:
    """Name -> id lookups that record a problem (at a JSON path) for every unknown name."""

    def __init__(self, conn: Connection) -> None:
        self.currency = _ids(conn, m.Currency, "code")
        self.price_book = _ids(conn, m.PriceBook, "code")
        self.price_plan = _ids(conn, m.PricePlan)
        self.promo_code = _ids(conn, m.PromoCode, "code")
        self.frequency = _ids(conn, m.PackageFrequency)
        self.service = _ids(conn, m.Service)
        self.status = _ids(conn, m.Status)
        self.problems: list[Problem] = []

    def get(self, table: dict[str, int], name: str, path: str, what: str) -> int:
        if name in table:
            return table[name]
        self.problems.append(Problem(path, f"unknown {what} '{name}'"))
        return -1


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _check_dates(doc: Doc) -> list[Problem]:
    """Dates the schema's pattern lets through but the calendar does not (2026-02-30)."""
    problems = []
    spots: list[tuple[str, Any]] = []
    for i, pkg in enumerate(doc["packages"]):
        spots += [(f"packages[{i}].start", pkg["start"]),
                  (f"packages[{i}].cancelled", pkg.get("cancelled"))]
        for j, svc in enumerate(pkg["services"]):
            spots += [(f"packages[{i}].services[{j}].statuses[{k}].from", st["from"])
                      for k, st in enumerate(svc["statuses"])]
    spots += [(f"usage[{k}].date", u["date"]) for k, u in enumerate(doc.get("usage", []))]
    for path, value in spots:
        if value is None:
            continue
        try:
            _date(value)
        except ValueError:
            problems.append(Problem(path, f"'{value}' is not a date"))
    bad = {p.path for p in problems}
    for i, pkg in enumerate(doc["packages"]):
        cancelled = pkg.get("cancelled")
        if not cancelled or {f"packages[{i}].start", f"packages[{i}].cancelled"} & bad:
            continue
        if _date(cancelled) < _date(pkg["start"]):
            problems.append(Problem(f"packages[{i}].cancelled",
                                    f"cancelled on {cancelled}, before the start {pkg['start']}"))
    return problems


def _check_ids(doc: Doc) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, pkg in enumerate(doc["packages"]):
        for j, svc in enumerate(pkg["services"]):
            if svc["id"] in seen:
                problems.append(Problem(f"packages[{i}].services[{j}].id",
                                        f"service id '{svc['id']}' is used twice"))
            seen.add(svc["id"])
    codes = doc["account"].get("promo_codes", [])
    for k, code in enumerate(codes):
        if code in codes[:k]:
            problems.append(Problem(f"account.promo_codes[{k}]",
                                    f"promo code '{code}' given twice"))
    return problems


def save_account(db: Database, doc: Doc, original_name: str | None = None) -> Changes:
    """Create (``original_name`` None) or replace in place the scenario ``original_name``;
    returns what changed (the scenario, which may now use other package frequencies).

    One transaction. Raises :class:`ImportFailure` listing every problem (schema, unknown
    names, duplicate ids, dates) with its JSON path; nothing is written then.
    """
    problems = schema_problems(doc)
    if problems:
        raise ImportFailure(f"account scenario: {problems[0]}", problems)
    problems = _check_dates(doc) + _check_ids(doc)
    name = doc["account"]["name"]
    try:
        with db.engine.begin() as conn:
            target = _account_id(conn, original_name) if original_name is not None else None
            if original_name is not None and target is None:
                raise ImportFailure(f"no saved scenario named '{original_name}'")
            clash = _account_id(conn, name)
            if clash is not None and clash != target:
                problems.append(Problem("account.name",
                                        f"a scenario named '{name}' already exists"))
            resolver = _Resolver(conn)
            rows = _rows(doc, resolver)
            problems += resolver.problems
            if problems:
                raise ImportFailure(f"account scenario '{name}': {problems[0]}", problems)
            _write(conn, target, rows)
    except IntegrityError as exc:
        raise ImportFailure(f"account scenario '{name}': refused by the database "
                            f"({exc.orig})") from exc
    return accounts_changed(*{name, original_name} - {None})


def horizon(doc: Doc) -> int | None:
    """The number of periods the scenario is billed over in the simulator (``simulation.
    periods``), or None when it does not say."""
    simulation = doc.get("simulation")
    periods = simulation.get("periods") if isinstance(simulation, dict) else None
    return periods if isinstance(periods, int) and not isinstance(periods, bool) else None


def _rows(doc: Doc, r: _Resolver) -> Doc:
    """The rows to write, with names resolved (``-1`` where a name is unknown)."""
    account = doc["account"]
    out: Doc = {
        "account": {
            "name": account["name"],
            "country": account["country"],
            "currency_id": r.get(r.currency, account["currency"], "account.currency",
                                 "currency"),
            "price_book_id": r.get(r.price_book, account["price_book"], "account.price_book",
                                   "price book"),
            "bill_day": account["bill_day"],
            "price_plan_id": None if account.get("price_plan") is None else r.get(
                r.price_plan, account["price_plan"], "account.price_plan", "price plan"),
            "periods": horizon(doc),
        },
        "promo_codes": [r.get(r.promo_code, code, f"account.promo_codes[{k}]", "promo code")
                        for k, code in enumerate(account.get("promo_codes", []))],
        "packages": [],
        "usage": doc.get("usage", []),
    }
    for i, pkg in enumerate(doc["packages"]):
        base = f"packages[{i}]"
        services = []
        for j, svc in enumerate(pkg["services"]):
            sbase = f"{base}.services[{j}]"
            services.append({
                "ref": svc["id"],
                "service_id": r.get(r.service, svc["service"], f"{sbase}.service", "service"),
                "quantity": svc.get("quantity", 1),
                "price": None if svc.get("price") is None else Decimal(svc["price"]),
                "statuses": [
                    (r.get(r.status, st["status"], f"{sbase}.statuses[{k}].status", "status"),
                     st["from"])
                    for k, st in enumerate(svc["statuses"])
                ],
            })
        out["packages"].append({
            "frequency_id": r.get(r.frequency, pkg["frequency"], f"{base}.frequency",
                                  "package frequency"),
            "start": pkg["start"],
            "cancelled": pkg.get("cancelled"),
            "services": services,
        })
    return out


def _next_position(conn: Connection) -> int:
    acc = _t(m.Account)
    return int(conn.execute(select(func.coalesce(func.max(acc.c.position), -1))).scalar_one()) + 1


def _write(conn: Connection, target: int | None, rows: Doc) -> None:
    acc = _t(m.Account)
    if target is None:
        result = conn.execute(insert(acc).values(position=_next_position(conn), **rows["account"]))
        key = result.inserted_primary_key
        assert key is not None
        account_id = int(key[0])
    else:
        account_id = target
        conn.execute(update(acc).where(acc.c.id == account_id).values(**rows["account"]))
        for model in (m.AccountPromoCode, m.AccountPackage, m.UsageRecord):
            conn.execute(delete(_t(model)).where(_t(model).c.account_id == account_id))
    if rows["promo_codes"]:
        conn.execute(insert(_t(m.AccountPromoCode)), [
            {"account_id": account_id, "promo_code_id": pid, "position": k}
            for k, pid in enumerate(rows["promo_codes"])])
    for i, pkg in enumerate(rows["packages"]):
        package_id = conn.execute(insert(_t(m.AccountPackage)).values(
            account_id=account_id, frequency_id=pkg["frequency_id"], start=_date(pkg["start"]),
            cancelled=None if pkg["cancelled"] is None else _date(pkg["cancelled"]),
            position=i)).inserted_primary_key
        assert package_id is not None
        for j, svc in enumerate(pkg["services"]):
            service_id = conn.execute(insert(_t(m.AccountService)).values(
                account_package_id=package_id[0], ref=svc["ref"], service_id=svc["service_id"],
                quantity=svc["quantity"], price=svc["price"], position=j)).inserted_primary_key
            assert service_id is not None
            if svc["statuses"]:
                conn.execute(insert(_t(m.AccountServiceStatus)), [
                    {"account_service_id": service_id[0], "status_id": status_id,
                     "from_date": _date(start), "position": k}
                    for k, (status_id, start) in enumerate(svc["statuses"])])
    if rows["usage"]:
        conn.execute(insert(_t(m.UsageRecord)), [
            {"account_id": account_id, "service_ref": u["service_id"],
             "quantity": Decimal(u["quantity"]), "unit": u.get("unit"), "date": _date(u["date"]),
             "position": k}
            for k, u in enumerate(rows["usage"])])


# --- scenario list operations -----------------------------------------------------------------


def delete_account(db: Database, name: str) -> Changes:
    """Delete a saved scenario with everything in it. KeyError when there is none."""
    acc = _t(m.Account)
    with db.engine.begin() as conn:
        if conn.execute(delete(acc).where(acc.c.name == name)).rowcount == 0:
            raise KeyError(name)
    return accounts_changed(name)


def _check_new_name(conn: Connection, new: str) -> None:
    if not new.strip():
        raise ImportFailure("a scenario needs a name", [Problem("account.name", "required")])
    if _account_id(conn, new) is not None:
        raise ImportFailure(f"a scenario named '{new}' already exists",
                            [Problem("account.name", f"a scenario named '{new}' already exists")])


def rename_account(db: Database, old: str, new: str) -> Changes:
    """Rename a saved scenario. KeyError when ``old`` is unknown; ImportFailure when ``new`` is
    empty or taken."""
    if old == new:
        return Changes()
    acc = _t(m.Account)
    with db.engine.begin() as conn:
        if _account_id(conn, old) is None:
            raise KeyError(old)
        _check_new_name(conn, new)
        conn.execute(update(acc).where(acc.c.name == old).values(name=new))
    return accounts_changed(old, new)


def duplicate_account(db: Database, name: str, new_name: str) -> Changes:
    """Save a copy of the scenario ``name`` as ``new_name``."""
    with db.engine.connect() as conn:
        _check_new_name(conn, new_name)
    doc = load_account(db, name)
    doc["account"]["name"] = new_name
    return save_account(db, doc)


def free_account_name(db: Database, base: str) -> str:
    """``base``, or ``base (2)``, ``base (3)``... whichever no saved scenario uses yet."""
    taken = set(list_accounts(db))
    if base not in taken:
        return base
    n = 2
    while f"{base} ({n})" in taken:
        n += 1
    return f"{base} ({n})"
