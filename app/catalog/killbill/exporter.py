"""Kill Bill export: a catalog document written as Kill Bill catalog XML, with a note for
everything Kill Bill cannot express (the mapping is in :mod:`app.catalog.killbill.mapping`).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.catalog.killbill.export_phases import _PhaseWriter
from app.catalog.killbill.export_prices import PublishedFrequency, _sub
from app.catalog.killbill.mapping import (
    DEFAULT_PRICE_LIST,
    KILLBILL_CURRENCIES,
    STANDARD_BOOK,
    Doc,
    MappingNote,
    _dec,
    _join,
)


class _Exporter(_PhaseWriter):

    # -- reference data ----------------------------------------------------------------------

    def _reference(self) -> None:
        for i, cur in enumerate(self._list("currencies")):
            path = _join("currencies", i)
            code = cur.get("code") if isinstance(cur, dict) else None
            if code not in KILLBILL_CURRENCIES:
                self.notes.add(
                    path,
                    f"currency {code!r} is not one Kill Bill knows; its prices are not exported",
                )
                continue
            self.currencies.append(str(code))
            self.minor_units[str(code)] = int(cur.get("minor_units") or 0)
            if cur.get("name"):
                self.notes.add(
                    path,
                    f"display name {cur['name']!r} not kept (Kill Bill "
                    "names currencies by code only)",
                )
        for i, book in enumerate(self._list("price_books")):
            if isinstance(book, dict) and book.get("countries"):
                self.notes.add(
                    _join(_join("price_books", i), "countries"),
                    f"countries {', '.join(map(str, book['countries']))} not expressed: Kill "
                    "Bill chooses a price list when a subscription is created, not by country",
                )
        for i, service in enumerate(self._list("services")):
            if not isinstance(service, dict):
                continue
            kept = {k: service.get(k) for k in ("gl_code", "tax_category", "tax_inclusive")}
            lost = [f"{k} {v!r}" for k, v in kept.items() if v is not None]
            if lost:
                self.notes.add(
                    _join("services", i),
                    f"service {service.get('name')!r}: "
                    f"{', '.join(lost)} not expressed (Kill Bill has no GL codes "
                    "or tax settings in its catalog)",
                )
            if service.get("base_type") == "usage" and service.get("unit"):
                self.notes.add(
                    _join(_join("services", i), "unit"),
                    f"unit {service['unit']!r} kept only as the usage unit's pretty name",
                )
        status_names = [s.get("name") for s in self._list("statuses") if isinstance(s, dict)]
        others = [n for n in status_names if n != self.status]
        if others:
            self.notes.add(
                "statuses",
                f"Kill Bill has no service statuses: only prices of "
                f"status {self.status!r} are exported; {', '.join(map(str, others))} "
                "are not",
            )
        unsupported = {
            "transitions": "service transitions (Kill Bill has no service statuses)",
            "tax_rates": "tax rates (Kill Bill computes taxes in a tax plugin)",
            "counting_rules": "counting rules (Kill Bill counts units per subscription)",
            "contracts": "contracts and early-termination fees",
            "companies": "companies",
            "custom_fields": "custom field definitions",
            "promo_codes": "promo codes",
            "price_plans": "price plans (alternate prices per account)",
        }
        for key, what in unsupported.items():
            items = self._list(key)
            if items:
                names = [
                    str(x.get("name", x.get("code", x.get("category", "?"))))
                    for x in items
                    if isinstance(x, dict)
                ]
                self.notes.add(key, f"{len(items)} {what} not expressed: {', '.join(names)}")
        for plan in self._list("rate_plans"):
            if not isinstance(plan, dict):
                continue
            rates: dict[tuple[str, str], Decimal] = {}
            for rate in plan.get("rates") or []:
                value = _dec(rate.get("per_unit")) if isinstance(rate, dict) else None
                if value is not None:
                    rates[(str(rate.get("service")), str(rate.get("currency")))] = value
            self.rate_plans[str(plan.get("name"))] = rates
        for bucket in self._list("usage_buckets"):
            if isinstance(bucket, dict):
                self.buckets[str(bucket.get("name"))] = bucket

    # -- packages ----------------------------------------------------------------------------

    def _package_notes(self, pkg: Doc, path: str) -> None:
        label = f"package {pkg.get('name')!r}"
        if pkg.get("enabled") is False:
            self.notes.add(
                _join(path, "enabled"),
                f"{label} is disabled: exported anyway (Kill Bill has no disabled products)",
            )
        for key, what in (
            ("company", "company"),
            ("billing_activation_service", "billing activation service"),
        ):
            if pkg.get(key):
                self.notes.add(_join(path, key), f"{label}: {what} {pkg[key]!r} not expressed")
        if pkg.get("rollup_services"):
            self.notes.add(
                _join(path, "rollup_services"),
                f"{label}: rolling up services on the invoice is not expressed",
            )

    def _frequency_notes(self, freq: Doc, path: str) -> None:
        label = f"frequency {freq.get('name')!r}"
        if freq.get("active") is False:
            self.notes.add(
                _join(path, "active"),
                f"{label} is inactive: exported anyway (Kill Bill has no inactive plans)",
            )
        if freq.get("contract"):
            self.notes.add(
                _join(path, "contract"),
                f"{label}: contract {freq['contract']!r} "
                "(term and early-termination fee) not expressed",
            )
        if freq.get("custom_fields"):
            names = ", ".join(map(str, freq["custom_fields"]))
            self.notes.add(
                _join(path, "custom_fields"),
                f"{label}: custom field values ({names}) not expressed",
            )
        disabled = [c for c in freq.get("currencies") or [] if c not in self.currencies]
        if disabled:
            self.notes.add(
                _join(path, "currencies"),
                f"{label}: sold in {', '.join(map(str, disabled))}, which Kill Bill does not know",
            )

    def run(self) -> bytes:
        self._reference()
        root = ET.Element("catalog")
        _sub(root, "effectiveDate", self.effective.isoformat())
        _sub(root, "catalogName", self._text(self.catalog_name, "catalog_name"))
        _sub(root, "recurringBillingMode", "IN_ADVANCE")
        currencies_el = _sub(root, "currencies")
        for code in self.currencies:
            _sub(currencies_el, "currency", code)
        units_el = _sub(root, "units")
        products_el = _sub(root, "products")
        self.products_el = products_el
        rules = _sub(root, "rules")
        policy = _sub(_sub(rules, "changePolicy"), "changePolicyCase")
        _sub(policy, "policy", "IMMEDIATE")
        cancel = _sub(_sub(rules, "cancelPolicy"), "cancelPolicyCase")
        _sub(cancel, "policy", "IMMEDIATE")
        create = _sub(_sub(rules, "createAlignment"), "createAlignmentCase")
        _sub(create, "alignment", "START_OF_SUBSCRIPTION")
        billing = _sub(_sub(rules, "billingAlignment"), "billingAlignmentCase")
        _sub(billing, "alignment", "ACCOUNT")
        plans_el = _sub(root, "plans")
        books = [b for b in self._list("price_books") if isinstance(b, dict)]
        lists: dict[str, list[str]] = {STANDARD_BOOK: []}
        for book in books:
            lists.setdefault(str(book.get("code")), [])
        for code in lists:
            if code != STANDARD_BOOK:
                self.list_ids[code] = self.ids.make(code, "pricelist", f"pricelist:{code}")
        for i, pkg in enumerate(self._list("packages")):
            if not isinstance(pkg, dict):
                continue
            path = _join("packages", i)
            self._package_notes(pkg, path)
            product_id = self.ids.make(
                str(pkg.get("name")), "product", f"product:{pkg.get('name')}"
            )
            product = _sub(
                products_el,
                "product",
                name=product_id,
                prettyName=self._text(pkg.get("name"), _join(path, "name")),
            )
            _sub(product, "category", "BASE")
            usage_services = [
                s
                for s in pkg.get("services") or []
                if (self.services.get(s) or {}).get("base_type") == "usage"
            ]
            for j, freq in enumerate(pkg.get("frequencies") or []):
                if not isinstance(freq, dict):
                    continue
                freq_path = _join(_join(path, "frequencies"), j)
                self._frequency_notes(freq, freq_path)
                price_books = freq.get("price_books")
                codes = list(price_books) if isinstance(price_books, dict) else []
                for code in [STANDARD_BOOK, *(c for c in codes if c != STANDARD_BOOK)]:
                    if code != STANDARD_BOOK and code not in lists:
                        lists[code] = []
                        self.list_ids[code] = self.ids.make(code, "pricelist", f"pricelist:{code}")
                    lists[code] += self._plan(
                        plans_el, product, freq, freq_path, code, usage_services
                    )
        for service, (unit_id, pretty) in self.units.items():
            _sub(units_el, "unit", name=unit_id, prettyName=self._text(pretty, service))
        price_lists = _sub(root, "priceLists")
        default = _sub(price_lists, "defaultPriceList", name=DEFAULT_PRICE_LIST)
        plans = _sub(default, "plans")
        for plan_id in lists[STANDARD_BOOK]:
            _sub(plans, "plan", plan_id)
        names = {str(b.get("code")): str(b.get("name") or b.get("code")) for b in books}
        for code, plan_ids in lists.items():
            if code == STANDARD_BOOK:
                continue
            child = _sub(
                price_lists,
                "childPriceList",
                name=self.list_ids[code],
                prettyName=self._text(names.get(code, code), "price_books"),
            )
            child_plans = _sub(child, "plans")
            for plan_id in plan_ids:
                _sub(child_plans, "plan", plan_id)
        ET.indent(root, space="  ")
        body = ET.tostring(root, encoding="unicode")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


@dataclass(frozen=True)
class KillBillExport:
    """An export: the XML, the notes, where each (frequency name, price book) went, and the
    names given (key -> Kill Bill name) for the next export to keep."""

    data: bytes
    notes: list[MappingNote]
    published: dict[tuple[str, str], PublishedFrequency]
    names: dict[str, str] = field(default_factory=dict)


def export_killbill(
    doc: dict[str, Any],
    *,
    catalog_name: str = "CatalogEditor",
    effective_date: dt.datetime | None = None,
    names: dict[str, str] | None = None,
    previous: bytes | None = None,
) -> KillBillExport:
    """:func:`catalog_to_killbill`, keeping the ``names`` given by earlier exports, and giving
    a new name to each plan whose phases differ from those in ``previous`` (the last version
    published to Kill Bill), so that Kill Bill accepts the new version after the old one."""
    if effective_date is None:
        effective_date = dt.datetime.now(dt.UTC).replace(microsecond=0)
    elif effective_date.tzinfo is None:
        effective_date = effective_date.replace(tzinfo=dt.UTC)
    shapes: dict[str, tuple[str, ...]] = {}
    if previous is not None:
        from app.catalog.killbill.shadow import read_plans

        shapes = {n: tuple(p.type for p in plan.phases) for n, plan in read_plans(previous).items()}
    exporter = _Exporter(
        doc if isinstance(doc, dict) else {}, catalog_name, effective_date, names, shapes
    )
    data = exporter.run()
    for wanted, given in exporter.ids.shortened:
        exporter.notes.add(
            "", f"name {wanted[:40]}... is longer than Kill Bill's column allows: shortened to "
            f"{given}",
        )
    kept = {**(names or {}), **exporter.ids.assigned}
    return KillBillExport(data, exporter.notes.items, exporter.published, kept)


def catalog_to_killbill(
    doc: dict[str, Any],
    *,
    catalog_name: str = "CatalogEditor",
    effective_date: dt.datetime | None = None,
) -> tuple[bytes, list[MappingNote]]:
    """Write a catalog document as Kill Bill catalog XML (valid against Kill Bill's
    ``catalog.xsd`` and accepted by its loader), with a note for everything Kill Bill cannot
    express.

    ``effective_date`` (default: now, UTC, whole seconds) becomes the catalog's
    ``effectiveDate``; a naive datetime is taken as UTC.
    """
    done = export_killbill(doc, catalog_name=catalog_name, effective_date=effective_date)
    return done.data, done.notes
