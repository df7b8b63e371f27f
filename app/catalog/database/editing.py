"""Editing helpers for the catalog editor: new and cloned packages and frequencies, empty charge
rows in the exchange format's canonical shape, pruning, and the small look-ups the window needs.

Everything here works on the catalog document's dicts (one package with its frequencies, as
``store.package_document`` returns it); nothing here writes the database. The canonical shapes
match what the exporter writes, so a package built here and saved exports exactly as written.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select

from app.catalog.database.store import FrequencySummary, PackageSummary
from app.models import schema as m
from app.models.database import Database

Doc = dict[str, Any]
Path = tuple[str | int, ...]

RECURRING_BASE_TYPES = ("recurring", "usage")
BILL_FREQUENCIES = ("weekly", "monthly", "quarterly", "semiannual", "annual")


def _t(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# --- names ----------------------------------------------------------------------------------


def unique_name(base: str, taken: Iterable[str]) -> str:
    """``base`` when free, else ``base 2``, ``base 3``... (case-sensitive, like the database)."""
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base} {n}" in used:
        n += 1
    return f"{base} {n}"


def copy_name(name: str, taken: Iterable[str]) -> str:
    """``"X (copy)"``, or ``"X (copy 2)"``... when that is taken."""
    used = set(taken)
    candidate = f"{name} (copy)"
    n = 2
    while candidate in used:
        candidate = f"{name} (copy {n})"
        n += 1
    return candidate


def package_names(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.execute(select(_t(m.Package).c.name)).scalars())


def frequency_names(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.execute(select(_t(m.PackageFrequency).c.name)).scalars())


def package_tree(db: Database) -> list[tuple[str, bool, list[tuple[Any, ...]]]]:
    """Every package in catalog order as ``(name, enabled, [(frequency name, active, bill
    frequency, in use), ...])``: what ``store.package_summaries`` says, read in two plain
    queries for the Packages panel of a large catalog."""
    with db.engine.connect() as conn:
        used = {r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT frequency_id FROM account_package").fetchall()}
        freqs: dict[int, list[tuple[Any, ...]]] = {}
        for fid, pid, name, active, bill, months in conn.exec_driver_sql(
                "SELECT id, package_id, name, active, bill_frequency, bill_months "
                "FROM package_frequency ORDER BY position, id").fetchall():
            freqs.setdefault(pid, []).append(
                (name, bool(active), {"months": months} if bill == "months" else bill,
                 fid in used))
        return [(name, bool(enabled), freqs.get(pid, [])) for pid, name, enabled in
                conn.exec_driver_sql("SELECT id, name, enabled FROM package "
                                     "ORDER BY position, id").fetchall()]


def frequencies_in_use(db: Database) -> set[str]:
    """Names of the package frequencies some saved account scenario uses (the tree's marker)."""
    with db.engine.connect() as conn:
        return {r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT f.name FROM package_frequency f "
            "JOIN account_package a ON a.frequency_id = f.id").fetchall()}


def package_search_terms(db: Database) -> dict[str, tuple[str, dict[str, str]]]:
    """What the Packages filter also matches, per package name: ``(its company and services,
    {frequency name: SKU})``, read in three plain queries."""
    with db.engine.connect() as conn:
        words: dict[int, list[str]] = {}
        for pid, company in conn.exec_driver_sql(
                "SELECT package.id, company.name FROM package "
                "JOIN company ON company.id = package.company_id").fetchall():
            words.setdefault(pid, []).append(company)
        for pid, service in conn.exec_driver_sql(
                "SELECT package_service.package_id, service.name FROM package_service "
                "JOIN service ON service.id = package_service.service_id").fetchall():
            words.setdefault(pid, []).append(service)
        skus: dict[int, dict[str, str]] = {}
        for pid, name, sku in conn.exec_driver_sql(
                "SELECT package_id, name, sku FROM package_frequency "
                "WHERE sku IS NOT NULL").fetchall():
            skus.setdefault(pid, {})[name] = sku
        return {name: (" ".join(words.get(pid, [])), skus.get(pid, {}))
                for pid, name in conn.exec_driver_sql("SELECT id, name FROM package")}


def search_terms_of(package: Doc) -> tuple[str, dict[str, str]]:
    """:func:`package_search_terms` of a package document (the draft being edited)."""
    words = ([package["company"]] if package.get("company") else []) + list(package["services"])
    return " ".join(words), {f["name"]: f["sku"] for f in package["frequencies"] if f.get("sku")}


def package_summary(db: Database, name: str) -> PackageSummary | None:
    """The Packages panel's summary of one package, or None when it does not exist."""
    pkg = _t(m.Package)
    fr = _t(m.PackageFrequency)
    ap = _t(m.AccountPackage)
    with db.engine.connect() as conn:
        row = conn.execute(select(pkg.c.id, pkg.c.name, pkg.c.enabled)
                           .where(pkg.c.name == name)).first()
        if row is None:
            return None
        freqs = conn.execute(
            select(fr.c.id, fr.c.name, fr.c.active, fr.c.bill_frequency, fr.c.bill_months)
            .where(fr.c.package_id == row.id).order_by(fr.c.position, fr.c.id)).all()
        used = set(conn.execute(select(ap.c.frequency_id).distinct()
                                .where(ap.c.frequency_id.in_([f.id for f in freqs]))).scalars())
    summaries = []
    for f in freqs:
        bill: str | dict[str, int] = (
            {"months": f.bill_months} if f.bill_frequency == "months" else f.bill_frequency)
        summaries.append(FrequencySummary(f.name, f.active, bill, f.id in used))
    return PackageSummary(row.name, row.enabled, summaries)


# --- new objects ----------------------------------------------------------------------------


def new_package(name: str = "") -> Doc:
    """An empty package as the Create Package form starts it (seed 000): enabled, no services."""
    return {
        "name": name, "enabled": True, "company": None, "rollup_services": False,
        "billing_activation_service": None, "services": [], "frequencies": [],
    }


def default_custom_values(reference: Doc) -> Doc:
    """Initial custom field values of a new frequency: required check boxes start unticked."""
    return {
        f["name"]: False for f in reference.get("custom_fields", [])
        if f["entity"] == "package_frequency" and f["required"] and f["type"] == "boolean"
    }


def new_frequency(package: Doc, taken: Iterable[str], reference: Doc) -> Doc:
    """``"<Package> Monthly"`` (made unique): monthly, inactive, no currencies, no prices."""
    used = set(taken) | {f["name"] for f in package.get("frequencies", [])}
    return {
        "name": unique_name(f"{package['name']} Monthly".strip(), used), "sku": None,
        "active": False, "bill_frequency": "monthly", "contract": None, "rate_plan": None,
        "tiering": "none", "counting_rule": None, "currencies": [],
        "custom_fields": default_custom_values(reference), "price_books": {},
    }


def clone_frequency(frequency: Doc, taken: Iterable[str]) -> Doc:
    """An exact copy of a frequency named ``"<name> (copy)"`` (made unique)."""
    clone = copy.deepcopy(frequency)
    clone["name"] = copy_name(frequency["name"], taken)
    return clone


def clone_package(package: Doc, taken_packages: Iterable[str],
                  taken_frequencies: Iterable[str]) -> Doc:
    """A copy of a package and its frequencies, every name followed by ``(copy)``: a new
    product, so enabled, without the SKUs (codes of the original product), and each frequency
    active when it can be sold (it has a currency), whatever the original's state (the seed's
    advice is to disable a package in use and create a new one)."""
    clone = copy.deepcopy(package)
    clone["name"] = copy_name(package["name"], taken_packages)
    clone["enabled"] = True
    used = set(taken_frequencies)
    for freq in clone["frequencies"]:
        freq["name"] = copy_name(freq["name"], used)
        freq["sku"] = None
        freq["active"] = bool(freq.get("currencies"))
        used.add(freq["name"])
    return clone


# --- charges --------------------------------------------------------------------------------


def empty_settings() -> Doc:
    return {"gl_code": None, "tax_category": None, "rate_plan": None, "tax_inclusive": None}


def empty_recurring(service: str) -> Doc:
    """A recurring row in the exporter's canonical shape."""
    return {"service": service, "amounts": {}, "tiers": {}, "settings": empty_settings(),
            "usage_bucket": None, "discounts": []}


def empty_charges() -> Doc:
    return {"recurring": [], "transitions": [], "one_time": []}


def is_empty_recurring(row: Doc) -> bool:
    return (not row.get("amounts") and not row.get("tiers") and not row.get("discounts")
            and row.get("usage_bucket") is None
            and not any(v is not None for v in (row.get("settings") or {}).values()))


def one_time_settings(settings: Doc) -> Doc:
    """One-time settings as the exporter writes them: only the keys that are set."""
    return {k: v for k, v in settings.items() if v is not None}


def recurring_row(price_books: Doc, book: str, currency: str, service: str,
                  order: list[str]) -> Doc:
    """The recurring row of ``service`` in ``price_books`` (created in package order)."""
    charges = price_books.setdefault(book, {}).setdefault(currency, empty_charges())
    rows: list[Doc] = charges.setdefault("recurring", [])
    for row in rows:
        if row["service"] == service:
            return row
    row = empty_recurring(service)
    rank = {name: k for k, name in enumerate(order)}
    position = len(rows)
    for k, other in enumerate(rows):
        if rank.get(other["service"], len(order)) > rank.get(service, len(order)):
            position = k
            break
    rows.insert(position, row)
    return row


def prune_charges(price_books: Doc) -> Doc:
    """Drop recurring rows that hold nothing, then empty currencies and books (in place)."""
    for book in list(price_books):
        by_currency = price_books[book]
        for code in list(by_currency):
            charges = by_currency[code]
            charges["recurring"] = [r for r in charges.get("recurring", [])
                                    if not is_empty_recurring(r)]
            if not any(charges.get(k) for k in ("recurring", "transitions", "one_time")):
                del by_currency[code]
        if not by_currency:
            del price_books[book]
    return price_books


def charges_of(frequency: Doc, book: str, currency: str) -> Doc:
    """The charges of a frequency in one price book and currency (empty when none)."""
    found: Doc = frequency.get("price_books", {}).get(book, {}).get(currency) or empty_charges()
    return found


# --- reference look-ups ---------------------------------------------------------------------


def base_types(reference: Doc) -> dict[str, str]:
    return {s["name"]: s["base_type"] for s in reference.get("services", [])}


def billable_statuses(reference: Doc) -> list[str]:
    """The statuses a recurring price can be set for (cancelled ones are never charged)."""
    return [s["name"] for s in reference.get("statuses", []) if not s.get("cancelled")]


def minor_units(reference: Doc, currency: str | None) -> int:
    for c in reference.get("currencies", []):
        if c["code"] == currency:
            return int(c["minor_units"])
    return 2


def frequency_custom_fields(reference: Doc) -> list[Doc]:
    return [f for f in reference.get("custom_fields", []) if f["entity"] == "package_frequency"]


def missing_required(package: Doc, reference: Doc) -> list[str]:
    """What must still be filled before the package can be saved, in words."""
    missing = []
    if not package["name"].strip():
        missing.append("the package Name")
    fields = [f for f in frequency_custom_fields(reference) if f["required"]]
    for k, freq in enumerate(package.get("frequencies", [])):
        label = freq["name"].strip() or f"frequency {k + 1}"
        if not freq["name"].strip():
            missing.append(f"the Name of frequency {k + 1}")
        if freq.get("tiering") == "bracket" and not freq.get("counting_rule"):
            missing.append(f"the Counting Rule of {label}")
        values = freq.get("custom_fields") or {}
        for field in fields:
            value = values.get(field["name"])
            if value is None or (isinstance(value, str) and not value.strip()):
                missing.append(f"custom field {field['name']} of {label}")
    return missing


