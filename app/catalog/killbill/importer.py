"""Kill Bill import: a Kill Bill catalog XML file read into a catalog document in our exchange
format, with a note for everything that does not map (see :mod:`app.catalog.killbill.mapping`).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

import defusedxml.ElementTree as DET
from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from app.catalog.errors import ImportFailure
from app.catalog.killbill.import_plans import _PlanReader
from app.catalog.killbill.import_values import (
    _CATALOG_CHILDREN,
    _CURRENCY_TEXT,
    _NOT_ISO_4217,
    _REQUIRED_CHILDREN,
    ACTIVE,
    CANCELLED,
    _PlanRead,
    _text,
    _Tiered,
)
from app.catalog.killbill.mapping import STANDARD_BOOK, Doc, MappingNote
from app.engine.problems import Problem

MAX_XML_BYTES = 2 * 1024 * 1024 * 1024
"""Largest Kill Bill catalog accepted: 2 GiB. The largest public sample is about 70 kB, but the
editor exports its largest catalog (30,000 packages, 90,000 frequencies) as about 830 MB of
Kill Bill XML (a base plan per frequency and an add-on plan per service), and must read that
back."""

XML_SIZE_REASON = ("the editor is sized for catalogs of up to 30,000 packages and 90,000 package "
                   "frequencies, about 830 MB as Kill Bill XML")


def _refuse_foreign_namespaces(root: ET.Element) -> None:
    """Kill Bill's catalog elements have no namespace: an element in another one (an
    ``<evil:plan>``) is refused, naming where it is, rather than read as one of ours."""
    stack: list[tuple[ET.Element, str]] = [(root, "")]
    while stack:
        element, path = stack.pop()
        tag = element.tag
        if isinstance(tag, str) and tag.startswith("{"):
            namespace, local = tag[1:].split("}", 1)
            where = path or local
            raise ImportFailure(
                f"not a Kill Bill catalog: element <{local}> at {where} is in the XML namespace "
                f"{namespace[:80]!r}; Kill Bill's catalog elements have none",
                [Problem(where, f"element in namespace {namespace[:80]!r}")],
            )
        counts: dict[str, int] = {}
        for child in element:
            if not isinstance(child.tag, str):
                continue
            local = child.tag.rsplit("}", 1)[-1]
            counts[local] = counts.get(local, 0) + 1
            step = f"{local}[{counts[local]}]"
            stack.append((child, f"{path}/{step}" if path else step))


def _parse_xml(data: bytes) -> ET.Element:
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise ImportFailure(f"expected the bytes of an XML file, got {type(data).__name__}")
    if len(data) > MAX_XML_BYTES:
        raise ImportFailure(
            f"the file is too large for a Kill Bill catalog ({len(data):,} bytes; the limit is "
            f"{MAX_XML_BYTES:,} bytes: {XML_SIZE_REASON})"
        )
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise ImportFailure(
            "the file declares a DTD (<!DOCTYPE ...>); DTDs are refused because they can expand "
            "entities without limit or read other files, and Kill Bill catalogs never need one"
        ) from None
    except EntitiesForbidden:
        raise ImportFailure(
            "the file declares XML entities; they are refused (entity expansion attack)"
        ) from None
    except ExternalReferenceForbidden:
        raise ImportFailure(
            "the file refers to an external resource; it is refused (external entity attack)"
        ) from None
    except DefusedXmlException as exc:
        raise ImportFailure(f"the file uses a refused XML feature ({exc})") from None
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":", 1)[0]
        raise ImportFailure(
            f"not well-formed XML: line {line} column {col + 1}: {reason}"
        ) from None
    except (ValueError, LookupError, UnicodeError) as exc:
        raise ImportFailure(f"not readable XML ({exc})") from None
    if not isinstance(root, ET.Element):  # pragma: no cover - fromstring returns an element
        raise ImportFailure("not an XML document")
    _refuse_foreign_namespaces(root)
    if root.tag != "catalog":
        raise ImportFailure(
            f"not a Kill Bill catalog: the root element is <{root.tag}>, not <catalog>"
        )
    return root


class _Importer(_PlanReader):

    # -- catalog level -----------------------------------------------------------------------

    def _header(self) -> None:
        root = self.root
        missing = [tag for tag in _REQUIRED_CHILDREN if root.find(tag) is None]
        if missing:
            raise ImportFailure(
                "not a Kill Bill catalog: <catalog> has no "
                + ", ".join(f"<{tag}>" for tag in missing),
                [Problem("", f"missing <{tag}>") for tag in missing],
            )
        for child in root:
            if isinstance(child.tag, str) and child.tag not in _CATALOG_CHILDREN:
                self.notes.add(child.tag, f"unknown element <{child.tag}> ignored")
        effective = _text(root, "effectiveDate")
        match = re.match(r"^(\d{4}-\d{2}-\d{2})", effective or "")
        if match:
            try:
                dt.date.fromisoformat(match.group(1))
                self.start = match.group(1)
            except ValueError:
                pass
        self.notes.add(
            "catalogName",
            f"catalog name {str(_text(root, 'catalogName'))[:80]!r} "
            f"and effective date {str(effective)[:40]} not kept; discounts made "
            f"from phases start on {self.start}",
        )
        if _text(root, "recurringBillingMode") == "IN_ARREAR":
            self.notes.add(
                "recurringBillingMode",
                "recurring prices are billed in arrear in "
                "Kill Bill; this catalog bills them in advance",
            )
        for i, cur in enumerate(root.findall("currencies/currency")):
            code = _text(cur)
            if code is None or not _CURRENCY_TEXT.match(code):
                self.notes.add(
                    f"currencies/currency[{i + 1}]",
                    f"currency {str(code)[:10]!r} is not a currency code: not imported",
                )
            elif code not in self.currencies:
                self.currencies.append(code)
        for i, unit in enumerate(root.findall("units/unit")):
            name = unit.get("name")
            if name:
                self.units[name] = unit.get("prettyName") or name
            else:
                self.notes.add(f"units/unit[{i + 1}]", "unit without a name ignored")
        for i, product in enumerate(root.findall("products/product")):
            path = f"products/product[{i + 1}]"
            name = product.get("name")
            if not name or name in self.products:
                self.notes.add(path, "product without a (unique) name ignored")
                continue
            self.products[name] = product
            category = _text(product, "category")
            if category != "BASE":
                self.notes.add(
                    path,
                    f"product {name!r} has category {category}: imported as an ordinary package",
                )
            for what in ("included", "available"):
                addons = [_text(a) for a in product.findall(f"{what}/addonProduct")]
                if addons:
                    self.notes.add(
                        f"{path}/{what}",
                        f"add-ons {what} with {name!r} "
                        f"({', '.join(str(a) for a in addons)}) not kept",
                    )
            if product.findall("limits/limit"):
                self.notes.add(f"{path}/limits", f"limits of product {name!r} not kept")
        rules = root.find("rules")
        if rules is not None and any(True for _ in rules.iter() if _ is not rules):
            kinds = sorted({c.tag for c in rules if isinstance(c.tag, str) and len(c)})
            if kinds:
                self.notes.add(
                    "rules",
                    f"rules ({', '.join(kinds)}) not kept: this catalog "
                    "applies changes and cancellations when they happen",
                )

    # -- frequencies -------------------------------------------------------------------------

    def _frequency_for(self, read: _PlanRead, plan: ET.Element, book: str) -> Doc:
        package = self._package(read.product)
        if book != STANDARD_BOOK:
            candidates = [
                f
                for f in package["frequencies"]
                if f["bill_frequency"] == read.bill_frequency and book not in f["price_books"]
            ]
            candidates.sort(key=lambda f: (not read.name.startswith(str(f["sku"])),))
            if candidates:
                found: Doc = candidates[0]
                return found
        pretty = plan.get("prettyName") or read.name
        frequency: Doc = {
            "name": self._unique(pretty, self.frequency_names),
            "sku": read.name, "active": True, "bill_frequency": read.bill_frequency,
            "contract": None, "rate_plan": None, "tiering": "none", "counting_rule": None,
            "currencies": [], "custom_fields": {}, "price_books": {},
        }  # fmt: skip
        package["frequencies"].append(frequency)
        return frequency

    def _attach(self, read: _PlanRead, plan: ET.Element, book: str) -> None:
        frequency = self._frequency_for(read, plan, book)
        package = self._package(read.product)
        key = f"plan:{package['name']}:{frequency['sku'] or frequency['name']}:{book}"
        self.kb_names.setdefault(key, read.name)  # the plan keeps its name on export
        product = self.products[read.product]
        pretty = product.get("prettyName") or read.product
        tiering = frequency["tiering"]
        policies = {t.policy for t in read.tiered}
        if policies:
            wanted = "bracket" if "TOP_TIER" in policies else "progressive"
            if len(policies) > 1 or (tiering != "none" and tiering != wanted):
                self.notes.add(
                    read.path,
                    f"usages mix ALL_TIERS and TOP_TIER tiers: all are imported as {wanted}",
                )
            tiering = frequency["tiering"] = wanted
        if tiering != "none":  # a flat rate on a tiered unit is a one-tier price of it
            flat = [r for r in read.rates if ("tiered", r.unit) in self.service_for]
            read.rates = [r for r in read.rates if r not in flat]
            read.tiered += [_Tiered(r.unit, "ALL_TIERS", [(None, dict(r.prices))]) for r in flat]
        rate_plan = None
        if read.rates or any(b.overage for b in read.buckets):
            suffix = "" if book == STANDARD_BOOK else f" ({book})"
            rate_plan = self._unique(f"{frequency['name']} rates{suffix}", self.names["rate_plan"])
            rates = []
            for rate in read.rates:
                service = self._service(
                    ("usage", rate.unit), self.units.get(rate.unit, rate.unit), "usage", rate.unit
                )
                rates += [
                    {"service": service, "currency": c, "per_unit": v}
                    for c, v in rate.prices.items()
                ]
            for bucket in read.buckets:
                service = self._service(
                    ("usage", bucket.unit),
                    self.units.get(bucket.unit, bucket.unit),
                    "usage",
                    bucket.unit,
                )
                rates += [
                    {"service": service, "currency": c, "per_unit": v}
                    for c, v in bucket.overage.items()
                ]
            self.rate_plans.append({"name": rate_plan, "rates": rates})
            if book == STANDARD_BOOK:
                frequency["rate_plan"] = rate_plan
        currencies = [c for c in self.currencies if self._priced(read, c)]
        if not currencies and book == STANDARD_BOOK and not frequency["price_books"]:
            currencies = list(self.currencies)
        cells: Doc = {}
        for currency in currencies:
            cells[currency] = self._charges(
                read, currency, pretty, package, frequency, rate_plan, book, tiering
            )
            if currency not in frequency["currencies"]:
                frequency["currencies"].append(currency)
        frequency["currencies"] = [c for c in self.currencies if c in frequency["currencies"]]
        frequency["price_books"][book] = cells

    @staticmethod
    def _priced(read: _PlanRead, currency: str) -> bool:
        return (
            currency in read.evergreen
            or currency in read.fixed
            or any(currency in (p or {}) for _, _, _, p in read.discounts)
            or any(currency in r.prices for r in read.rates)
            or any(currency in prices for b in read.buckets for _, prices in b.tiers)
            or any(currency in prices for t in read.tiered for _, prices in t.tiers)
        )

    def _charges(
        self,
        read: _PlanRead,
        currency: str,
        pretty: str,
        package: Doc,
        frequency: Doc,
        rate_plan: str | None,
        book: str,
        tiering: str,
    ) -> Doc:
        recurring: list[Doc] = []
        one_time: list[Doc] = []
        settings = {"gl_code": None, "tax_category": None, "rate_plan": None, "tax_inclusive": None}
        if currency in read.evergreen:
            service = self._service(("recurring", read.product), pretty, "recurring", None)
            self._uses(package, service)
            price = read.evergreen[currency]
            discounts: list[Doc] = []
            used: set[str] = set()
            for label, months, days, prices in read.discounts:
                amount = "0" if prices is None else prices.get(currency)
                if amount is None:
                    self.notes.add(
                        read.path,
                        f"{label} phase has no {currency} price: it and "
                        f"the phases after it are not imported in {currency}",
                    )
                    break
                discount: Doc = {
                    "kind": "discount", "name": self._unique(label, used), "gl_code": None,
                    "active": True, "start": self.start, "end": None, "prorate": True,
                    "status": ACTIVE, "type": "price", "amount": amount,
                    "period_months": months,
                }  # fmt: skip
                if days is not None:
                    discount["period_days"] = days
                discounts.append(discount)
            recurring.append({
                "service": service, "amounts": {ACTIVE: price},
                "tiers": {ACTIVE: [{"end": None, "amount": price}]} if tiering != "none" else {},
                "settings": dict(settings), "usage_bucket": None, "discounts": discounts,
            })  # fmt: skip
        elif read.discounts and any(p and currency in p for *_, p in read.discounts):
            self.notes.add(
                read.path, f"phase prices in {currency} without an EVERGREEN price not imported"
            )
        for tiered in read.tiered:
            if not all(currency in prices for _, prices in tiered.tiers):
                continue
            service = self._service(
                ("tiered", tiered.unit), self.units.get(tiered.unit, tiered.unit), "recurring", None
            )
            self._uses(package, service)
            steps = [{"end": end, "amount": prices[currency]} for end, prices in tiered.tiers]
            recurring.append({
                "service": service, "amounts": {}, "tiers": {ACTIVE: steps},
                "settings": dict(settings), "usage_bucket": None, "discounts": [],
            })  # fmt: skip
            if tiering == "bracket" and frequency["counting_rule"] is None:
                rule = self._unique(f"{frequency['name']} units", self.names["rule"])
                self.counting_rules.append(
                    {"name": rule, "counts": "services", "items": [service], "statuses": [ACTIVE]}
                )
                frequency["counting_rule"] = rule
            elif tiering == "bracket":
                for rule_doc in self.counting_rules:
                    if (
                        rule_doc["name"] == frequency["counting_rule"]
                        and service not in rule_doc["items"]
                    ):
                        rule_doc["items"].append(service)
        usage_rows: dict[str, Doc] = {}
        for rate in read.rates:
            if currency not in rate.prices:
                continue
            service = self._service(
                ("usage", rate.unit), self.units.get(rate.unit, rate.unit), "usage", rate.unit
            )
            usage_rows.setdefault(service, self._usage_row(service, rate_plan, book, settings))
        for bucket in read.buckets:
            tiers = [
                {"threshold": t, "flat_charge": prices[currency]}
                for t, prices in bucket.tiers
                if currency in prices
            ]
            if not tiers and currency not in bucket.overage:
                continue
            service = self._service(
                ("usage", bucket.unit),
                self.units.get(bucket.unit, bucket.unit),
                "usage",
                bucket.unit,
            )
            row = usage_rows.setdefault(
                service, self._usage_row(service, rate_plan, book, settings)
            )
            if tiers:
                name = self._bucket(service, bucket.unit, tiers, frequency["name"], currency)
                row["usage_bucket"] = {"bucket": name, "unit": None, "tiers": None}
        for service, row in usage_rows.items():
            self._uses(package, service)
            recurring.append(row)
        if currency in read.fixed:
            service = self._service(
                ("one_time", read.product), f"{pretty} fixed price", "one_time", None
            )
            self._uses(package, service)
            one_time.append(
                {"service": service, "amount": read.fixed[currency], "tiers": None, "settings": {}}
            )
        return {"recurring": recurring, "transitions": [], "one_time": one_time}

    @staticmethod
    def _usage_row(service: str, rate_plan: str | None, book: str, settings: Doc) -> Doc:
        row_settings = dict(settings)
        if book != STANDARD_BOOK:
            row_settings["rate_plan"] = rate_plan
        return {
            "service": service,
            "amounts": {},
            "tiers": {},
            "settings": row_settings,
            "usage_bucket": None,
            "discounts": [],
        }

    def _bucket(
        self, service: str, unit: str, tiers: list[Doc], frequency: str, currency: str
    ) -> str:
        for bucket in self.buckets:
            if bucket["service"] == service and bucket["tiers"] == tiers:
                return str(bucket["name"])
        name = self._unique(
            f"{frequency} {self.units.get(unit, unit)} ({currency})", self.names["bucket"]
        )
        self.buckets.append({"name": name, "service": service, "unit": unit, "tiers": tiers})
        return name

    # -- whole catalog -----------------------------------------------------------------------

    def run(self) -> tuple[Doc, list[MappingNote]]:
        self._header()
        lists: dict[str, str] = {}  # plan name -> book code
        default = self.root.find("priceLists/defaultPriceList")
        if default is None:
            self.notes.add(
                "priceLists",
                "no default price list: every plan is imported into the standard price book",
            )
        else:
            for plan in default.findall("plans/plan"):
                if _text(plan):
                    lists.setdefault(str(_text(plan)), STANDARD_BOOK)
        book_codes = {STANDARD_BOOK}
        for i, child in enumerate(self.root.findall("priceLists/childPriceList")):
            code = child.get("name")
            if not code or code in book_codes:
                self.notes.add(
                    f"priceLists/childPriceList[{i + 1}]",
                    "child price list without a (unique) name ignored",
                )
                continue
            book_codes.add(code)
            self.kb_names[f"pricelist:{code[:200]}"] = code
            self.books.append({"code": code[:200], "name": (child.get("prettyName") or code)[:200]})
            for plan in child.findall("plans/plan"):
                name = _text(plan)
                if name and name in lists:
                    self.notes.add(
                        f"priceLists/childPriceList[{i + 1}]",
                        f"plan {name!r} is also in price list {code!r}: imported once, in "
                        f"{lists[name]!r} (price book {code!r} falls back to its prices)",
                    )
                elif name:
                    lists[name] = code[:200]
        plans = self.root.findall("plans/plan")
        seen: set[str] = set()
        ordered = sorted(
            enumerate(plans),
            key=lambda p: lists.get(p[1].get("name") or "", STANDARD_BOOK) != STANDARD_BOOK,
        )
        for i, plan in ordered:
            path = f"plans/plan[{i + 1}]"
            name = plan.get("name") or ""
            if name in seen:
                self.notes.add(path, f"second plan named {name!r} ignored")
                continue
            seen.add(name)
            read = self._read_plan(plan, path)
            if read is None:
                continue
            if name not in lists and default is not None:
                self.notes.add(
                    path,
                    f"plan {name!r} is in no price list: imported into the standard price book",
                )
            self._attach(read, plan, lists.get(name, STANDARD_BOOK))
        for product_id in self.products:
            self._package(product_id)
        for package in self.packages.values():
            for frequency in package["frequencies"]:
                if not frequency["currencies"]:
                    frequency["active"] = False
                    self.notes.add(
                        f"plans/plan[@name='{frequency['sku']}']",
                        "no price in a "
                        "currency the catalog lists: imported as an inactive frequency",
                    )
        return self._document(), self.notes.items

    def _document(self) -> Doc:
        from babel.numbers import get_currency_precision

        currencies = []
        for code in self.currencies:
            if code in _NOT_ISO_4217:  # e.g. BTC: as many decimals as its prices use
                minor = max(2, self.decimals.get(code, 0))
            else:
                minor = int(get_currency_precision(code))
            currencies.append({"code": code, "minor_units": max(0, min(minor, 4))})
        return {
            "format": "catalog", "version": 1, "currencies": currencies,
            "price_books": self.books,
            "statuses": [{"name": ACTIVE}, {"name": CANCELLED, "cancelled": True}],
            "transitions": [], "services": self.services, "tax_rates": [],
            "rate_plans": self.rate_plans, "usage_buckets": self.buckets,
            "counting_rules": self.counting_rules, "contracts": [], "companies": [],
            "custom_fields": [], "promo_codes": [], "price_plans": [],
            "packages": list(self.packages.values()),
        }  # fmt: skip


def killbill_import(data: bytes) -> tuple[dict[str, Any], list[MappingNote], dict[str, str]]:
    """:func:`killbill_to_catalog`, with the Kill Bill names of the products, plans, price
    lists and units read (keyed as the export keys them), so that exporting the catalog
    keeps them."""
    root = _parse_xml(data)
    importer = _Importer(root)
    try:
        doc, notes = importer.run()
    except RecursionError:  # pragma: no cover - nothing here recurses on the input's depth
        raise ImportFailure("the file nests too deeply", [Problem("", "too deep")]) from None
    return doc, notes, importer.kb_names


def killbill_to_catalog(data: bytes) -> tuple[dict[str, Any], list[MappingNote]]:
    """Read a Kill Bill catalog XML file into a catalog document in our exchange format.

    Returns the document (canonical form, valid against ``catalog.schema.json``) and a note
    for everything that does not map. Raises :class:`ImportFailure` for input that is not a
    Kill Bill catalog: not well-formed, too large, with a DTD or entities (refused, as are
    external references), or with another root element.
    """
    root = _parse_xml(data)
    importer = _Importer(root)
    try:
        return importer.run()
    except RecursionError:  # pragma: no cover - nothing here recurses on the input's depth
        raise ImportFailure("the file nests too deeply", [Problem("", "too deep")]) from None
