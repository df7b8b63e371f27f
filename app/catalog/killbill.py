"""Kill Bill catalog XML: export a catalog document to it and import one from it.

Kill Bill (an open-source billing platform) describes what it sells in a catalog XML file whose
schema is ``catalog.xsd``. Its model is smaller than ours: a *product* is sold through *plans*,
each plan a sequence of *phases* (TRIAL, DISCOUNT, FIXEDTERM, then EVERGREEN) that each carry a
fixed price, a recurring price per currency and usage sections. The mapping (see
``docs/killbill.md``) is:

======================================  =====================================================
ours                                    Kill Bill
======================================  =====================================================
package                                 product (category BASE)
package frequency, standard price book  plan in the DEFAULT price list
other price book                        child price list holding one plan per frequency
bill frequency                          billingPeriod of every recurring and usage section
recurring prices (billing status)       recurring price of the EVERGREEN phase (summed)
timed discounts, in order               TRIAL / DISCOUNT phases before the EVERGREEN one
one-time charges                        fixed price of the first phase
tiers (progressive / bracket)           CONSUMABLE usage, ALL_TIERS / TOP_TIER tiered blocks
usage bucket, rate plan rate            CONSUMABLE usage: one block per bucket tier, then a
                                        per-unit block for the rate
======================================  =====================================================

Whatever has no Kill Bill counterpart (service statuses other than the billing one, transition
charges and penalties, taxes, counting rules, contracts, custom fields, promo codes, price
plans, price book countries...) is listed in the report, one :class:`MappingNote` per thing, so
nothing is dropped silently. Importing reads the same elements back and reports the rest
(rules, add-on links, limits, phases or periods we cannot express).

XML is parsed with defusedxml with DTDs forbidden: entity expansion, external entities and
other DTD tricks are refused with an :class:`ImportFailure`.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import defusedxml.ElementTree as DET
from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from app.catalog.errors import ImportFailure
from app.engine.problems import Problem

Doc = dict[str, Any]

_CURRENCY_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYR BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GGP GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS IMP INR IQD IRR ISK JEP
    JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LVL LYD MAD MDL MGA
    MKD MMK MNT MOP MRO MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
    PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SPL SRD STD SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TVD TWD TZS UAH UGX USD UYU UZS VEF VND VUV WST XAF XCD XDR XOF XPF
    YER ZAR ZMW ZWD BTC"""
KILLBILL_CURRENCIES = frozenset(_CURRENCY_CODES.split())
"""The currencies Kill Bill's catalog.xsd allows."""

MAX_XML_BYTES = 50 * 1024 * 1024
"""Largest Kill Bill catalog accepted (the largest public sample is about 70 kB)."""

STANDARD_BOOK = "standard"
DEFAULT_PRICE_LIST = "DEFAULT"

_FREQUENCY_PERIOD = {
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "semiannual": "BIANNUAL",
    "annual": "ANNUAL",
}
_MONTHS_PERIOD = {
    1: "MONTHLY", 2: "BIMESTRIAL", 3: "QUARTERLY", 4: "TRIANNUAL", 6: "BIANNUAL", 12: "ANNUAL",
    24: "BIENNIAL",
}  # fmt: skip


@dataclass(frozen=True)
class MappingNote:
    """Something that could not be carried over exactly: where it is and what happened to it.

    ``path`` is a JSON path into our catalog document (export) or an XPath-like location in the
    Kill Bill file (import)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(catalog)'}: {self.message}"


class _Notes:
    """Collects notes in order, once each."""

    def __init__(self) -> None:
        self.items: list[MappingNote] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, path: str, message: str) -> None:
        if (path, message) not in self._seen:
            self._seen.add((path, message))
            self.items.append(MappingNote(path, message))


def _join(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


def _dec(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or (number and not -20 <= number.adjusted() <= 20):
        return None  # not a price: no catalog document the schema accepts holds one
    return number


def _dec_text(value: Decimal) -> str:
    """xs:decimal text: plain digits, never an exponent."""
    return format(value, "f")


# ================================================================================================
# Export
# ================================================================================================

_NCNAME_BAD = re.compile(r"[^A-Za-z0-9._-]+")
_XML_BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Ids:
    """xs:ID values: NCNames, unique across the whole document (products, plans, usages...)."""

    def __init__(self) -> None:
        self.used: set[str] = {DEFAULT_PRICE_LIST}

    def make(self, name: str, fallback: str = "id") -> str:
        base = _NCNAME_BAD.sub("-", name).strip("-.") or fallback
        if not (base[0].isascii() and (base[0].isalpha() or base[0] == "_")):
            base = f"_{base}"
        candidate = base
        n = 2
        while candidate in self.used:
            candidate = f"{base}-{n}"
            n += 1
        self.used.add(candidate)
        return candidate


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _prices(parent: ET.Element, tag: str, prices: dict[str, Decimal]) -> ET.Element:
    element = _sub(parent, tag)
    for currency, value in prices.items():
        price = _sub(element, "price")
        _sub(price, "currency", currency)
        _sub(price, "value", _dec_text(value))
    return element


@dataclass
class _UsageTier:
    size: Decimal
    max: Decimal  # blocks in this tier; -1: unlimited
    prices: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class _Usage:
    service: str
    unit_id: str
    policy: str  # ALL_TIERS or TOP_TIER
    tiers: list[_UsageTier]


@dataclass
class _Phase:
    type: str
    number: int | None  # None: UNLIMITED
    unit: str  # MONTHS, DAYS or UNLIMITED
    fixed: dict[str, Decimal] | None = None
    recurring: dict[str, Decimal] | None = None


@dataclass
class _Segment:
    number: int
    unit: str  # MONTHS or DAYS
    price: Decimal


@dataclass
class _FlatRow:
    """A recurring row priced as one amount per period in one currency, with its discounts."""

    service: str
    path: str
    base: Decimal
    segments: list[_Segment] = field(default_factory=list)


@dataclass
class _CurrencyPlan:
    """What one currency of one (frequency, price book) contributes to a plan."""

    flat: list[_FlatRow] = field(default_factory=list)
    tiered: dict[str, list[tuple[int | None, Decimal]]] = field(default_factory=dict)
    usage: dict[str, list[_UsageTier]] = field(default_factory=dict)  # service -> tiers
    one_time: Decimal | None = None


class _Exporter:
    def __init__(self, doc: Doc, catalog_name: str, effective: dt.datetime) -> None:
        self.doc = doc
        self.catalog_name = catalog_name
        self.effective = effective
        self.notes = _Notes()
        self.ids = _Ids()
        self.units: dict[str, tuple[str, str]] = {}  # service -> (unit id, pretty name)
        self.services = {s.get("name"): s for s in self._list("services") if isinstance(s, dict)}
        self.currencies: list[str] = []
        self.minor_units: dict[str, int] = {}
        self.rate_plans: dict[str, dict[tuple[str, str], Decimal]] = {}
        self.buckets: dict[str, Doc] = {}
        self.status = _billing_status(doc)

    def _list(self, key: str) -> list[Any]:
        value = self.doc.get(key)
        return value if isinstance(value, list) else []

    def _text(self, value: Any, path: str) -> str:
        text = str(value)
        clean = _XML_BAD.sub("\ufffd", text)
        if clean != text:
            self.notes.add(path, "characters that XML cannot hold were replaced by U+FFFD")
        return clean

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

    # -- one (frequency, price book) ---------------------------------------------------------

    def _rows(
        self, freq: Doc, freq_path: str, book: str, currency: str, kind: str
    ) -> list[tuple[Doc, str]]:
        """The rows of ``kind`` in a book and currency, with the standard book's rows for
        services the book does not price (price resolution rule 4)."""
        books = freq.get("price_books") if isinstance(freq.get("price_books"), dict) else {}
        assert isinstance(books, dict)
        out: list[tuple[Doc, str]] = []
        seen: set[Any] = set()
        order = [book] if book == STANDARD_BOOK else [book, STANDARD_BOOK]
        for code in order:
            charges = (
                (books.get(code) or {}).get(currency) if isinstance(books.get(code), dict) else None
            )
            if not isinstance(charges, dict):
                continue
            for i, row in enumerate(charges.get(kind) or []):
                if not isinstance(row, dict):
                    continue
                key = (row.get("service"), row.get("transition"))
                if key in seen:
                    continue
                seen.add(key)
                out.append(
                    (
                        row,
                        _join(_join(_join(_join(freq_path, "price_books"), code), currency), kind)
                        + f"[{i}]",
                    )
                )
        return out

    def _discounted(self, price: Decimal, disc: Doc, currency: str) -> Decimal | None:
        amount = _dec(disc.get("amount"))
        if amount is None:
            return None
        kind = disc.get("type")
        if kind == "price":
            return amount
        if kind == "fixed":
            return max(price - amount, Decimal(0))
        if kind == "percent":
            exponent = Decimal(1).scaleb(-self.minor_units.get(currency, 2))
            result = price - price * amount / Decimal(100)
            return max(result, Decimal(0)).quantize(exponent, rounding=ROUND_HALF_UP)
        return None

    def _discount_chain(self, row: Doc, path: str, base: Decimal, currency: str) -> _FlatRow:
        flat = _FlatRow(str(row.get("service")), path, base)
        discounts = [d for d in row.get("discounts") or [] if isinstance(d, dict)]
        for i, disc in enumerate(discounts):
            dpath = _join(_join(path, "discounts"), i)
            label = f"discount {disc.get('name')!r}"
            if not disc.get("active"):
                self.notes.add(dpath, f"{label} is inactive: not exported")
                continue
            reason = None
            if disc.get("kind") == "promo_code":
                reason = (
                    f"applies only with promo code {disc.get('promo_code')!r}; Kill Bill "
                    "phases apply to every subscription"
                )
            elif disc.get("status") not in (None, self.status):
                reason = f"applies in status {disc.get('status')!r}, not {self.status!r}"
            price = self._discounted(base, disc, currency)
            if reason is None and price is None:
                reason = "has no usable amount"
            if reason is not None:
                rest = len(discounts) - i - 1
                tail = f" (nor the {rest} discount(s) after it)" if rest else ""
                self.notes.add(dpath, f"{label} {reason}: not exported{tail}")
                break
            assert price is not None
            extras = []
            if disc.get("gl_code"):
                extras.append(f"GL code {disc['gl_code']!r}")
            if not disc.get("prorate", False):
                extras.append("prorate off (Kill Bill prorates phase boundaries)")
            if disc.get("end") or (disc.get("start") or "") > self.effective.date().isoformat():
                extras.append(
                    f"availability {disc.get('start')}..{disc.get('end') or ''} "
                    "(the phase applies to every new subscription)"
                )
            if extras:
                self.notes.add(dpath, f"{label}: {'; '.join(extras)} not expressed")
            months, days = disc.get("period_months"), disc.get("period_days")
            if isinstance(months, int) and not isinstance(months, bool) and months > 0:
                flat.segments.append(_Segment(months, "MONTHS", price))
            elif isinstance(days, int) and not isinstance(days, bool) and days > 0:
                flat.segments.append(_Segment(days, "DAYS", price))
            else:
                self.notes.add(
                    dpath,
                    f"{label} never ends: exported as the EVERGREEN price"
                    + (
                        f" (the {len(discounts) - i - 1} discount(s) after it never start)"
                        if i + 1 < len(discounts)
                        else ""
                    ),
                )
                flat.base = price
                break
        return flat

    def _tiers(self, raw: Any) -> list[tuple[int | None, Decimal]] | None:
        if not isinstance(raw, list) or not raw:
            return None
        out: list[tuple[int | None, Decimal]] = []
        for tier in raw:
            amount = _dec(tier.get("amount")) if isinstance(tier, dict) else None
            if amount is None:
                return None
            end = tier.get("end")
            out.append(
                (end if isinstance(end, int) and not isinstance(end, bool) else None, amount)
            )
        return out

    def _currency_plan(
        self, freq: Doc, freq_path: str, book: str, currency: str, usage_services: list[str]
    ) -> _CurrencyPlan:
        plan = _CurrencyPlan()
        tiering = freq.get("tiering", "none")
        status = self.status
        for row, path in self._rows(freq, freq_path, book, currency, "recurring"):
            service = str(row.get("service"))
            settings = row.get("settings") if isinstance(row.get("settings"), dict) else {}
            assert isinstance(settings, dict)
            lost = [f"{k} {v!r}" for k, v in settings.items() if v is not None and k != "rate_plan"]
            if lost:
                self.notes.add(
                    _join(path, "settings"), f"service settings {', '.join(lost)} not expressed"
                )
            amounts = row.get("amounts") if isinstance(row.get("amounts"), dict) else {}
            tiers = row.get("tiers") if isinstance(row.get("tiers"), dict) else {}
            assert isinstance(amounts, dict) and isinstance(tiers, dict)
            used = tiers if tiering != "none" else amounts
            unused = amounts if tiering != "none" else tiers
            if unused:
                self.notes.add(
                    path,
                    f"{'amounts' if tiering != 'none' else 'tiers'} of "
                    f"{service!r} not exported: the frequency's tiering "
                    f"({tiering}) does not use them",
                )
            others = [str(s) for s in used if s != status]
            if others:
                self.notes.add(
                    path,
                    f"prices of {service!r} in status(es) "
                    f"{', '.join(others)} not exported (Kill Bill has no statuses)",
                )
            if tiering == "none":
                base = _dec(amounts.get(status)) if status is not None else None
                if base is not None:
                    plan.flat.append(self._discount_chain(row, path, base, currency))
            else:
                steps = self._tiers(tiers.get(status)) if status is not None else None
                if steps is not None and len(steps) == 1:
                    plan.flat.append(self._discount_chain(row, path, steps[0][1], currency))
                elif steps is not None:
                    plan.tiered[service] = steps
                    if row.get("discounts"):
                        self.notes.add(
                            _join(path, "discounts"),
                            f"discounts on the tiered "
                            f"price of {service!r} not exported (Kill Bill phases "
                            "change recurring prices, not usage tiers)",
                        )
            if service in usage_services or row.get("usage_bucket"):
                tiers_out = self._usage_tiers(freq, row, path, service, currency)
                if tiers_out:
                    plan.usage[service] = tiers_out
        for service in usage_services:
            if service not in plan.usage:
                tiers_out = self._usage_tiers(freq, None, freq_path, service, currency)
                if tiers_out:
                    plan.usage[service] = tiers_out
        total: Decimal | None = None
        for row, path in self._rows(freq, freq_path, book, currency, "one_time"):
            amount = _dec(row.get("amount"))
            steps = self._tiers(row.get("tiers"))
            if steps is not None:
                if len(steps) > 1:
                    self.notes.add(
                        _join(path, "tiers"),
                        f"one-time tiers of "
                        f"{row.get('service')!r}: only the first tier "
                        f"({_dec_text(steps[0][1])}) is exported as the fixed price",
                    )
                amount = steps[0][1]
            if amount is None:
                continue
            total = amount if total is None else total + amount
            settings = row.get("settings")
            if isinstance(settings, dict) and any(v is not None for v in settings.values()):
                self.notes.add(_join(path, "settings"), "service settings not expressed")
        plan.one_time = total
        for row, path in self._rows(freq, freq_path, book, currency, "transitions"):
            penalty = row.get("penalty")
            extra = " and its penalty" if penalty else ""
            self.notes.add(
                path,
                f"transition charge {row.get('amount')} on "
                f"{row.get('charge_service')!r} for {row.get('service')!r} "
                f"({row.get('transition')}){extra} not expressed: Kill Bill has no "
                "service transitions",
            )
        return plan

    def _usage_tiers(
        self, freq: Doc, row: Doc | None, path: str, service: str, currency: str
    ) -> list[_UsageTier]:
        """A usage service's bucket and per-unit rate as Kill Bill ALL_TIERS blocks."""
        settings = (row or {}).get("settings")
        plan_name = (settings or {}).get("rate_plan") if isinstance(settings, dict) else None
        plan_name = plan_name or freq.get("rate_plan")
        rate = self.rate_plans.get(str(plan_name), {}).get((service, currency))
        tiers: list[_UsageTier] = []
        setting = (row or {}).get("usage_bucket")
        if isinstance(setting, dict):
            bucket = self.buckets.get(str(setting.get("bucket")), {})
            raw = setting.get("tiers") or bucket.get("tiers") or []
            previous_threshold = Decimal(0)
            previous_charge = Decimal(0)
            for tier in raw:
                threshold = _dec(tier.get("threshold")) if isinstance(tier, dict) else None
                charge = _dec(tier.get("flat_charge")) if isinstance(tier, dict) else None
                if (
                    threshold is None
                    or charge is None
                    or threshold <= previous_threshold
                    or charge < previous_charge
                ):
                    self.notes.add(
                        _join(path, "usage_bucket"),
                        f"usage bucket "
                        f"{setting.get('bucket')!r}: flat charges that do not grow "
                        "with the threshold cannot be expressed; not exported",
                    )
                    tiers = []
                    break
                tiers.append(
                    _UsageTier(
                        threshold - previous_threshold,
                        Decimal(1),
                        {currency: charge - previous_charge},
                    )
                )
                previous_threshold, previous_charge = threshold, charge
            if tiers and tiers[0].prices[currency] > 0:
                self.notes.add(
                    _join(path, "usage_bucket"),
                    "the first bucket tier's flat "
                    "charge is billed by Kill Bill only when some usage is recorded",
                )
        if rate is not None:
            tiers.append(_UsageTier(Decimal(1), Decimal(-1), {currency: rate}))
        return tiers

    def _plan(
        self,
        root_plans: ET.Element,
        product_id: str,
        freq: Doc,
        freq_path: str,
        book: str,
        usage_services: list[str],
    ) -> str | None:
        """Write one plan; returns its id (None when the book prices nothing)."""
        bill = freq.get("bill_frequency")
        period = self._period(bill, _join(freq_path, "bill_frequency"))
        currencies = [c for c in freq.get("currencies") or [] if c in self.currencies]
        books = freq.get("price_books") if isinstance(freq.get("price_books"), dict) else {}
        assert isinstance(books, dict)
        if book != STANDARD_BOOK and not books.get(book):
            return None
        if book == STANDARD_BOOK and not books.get(book):
            if books:
                return None  # priced only in other books: their child price lists carry it
            self.notes.add(
                _join(freq_path, "price_books"),
                f"frequency {freq.get('name')!r} has no prices: exported as a plan without prices",
            )
        if book != STANDARD_BOOK:  # other currencies: the DEFAULT list's plan has them
            own = books.get(book)
            currencies = [c for c in currencies if isinstance(own, dict) and c in own]
        per_currency: dict[str, _CurrencyPlan] = {}
        for currency in currencies:
            per_currency[currency] = self._currency_plan(
                freq, freq_path, book, currency, usage_services
            )
        for code, cells in books.items():
            if not isinstance(cells, dict):
                continue
            for currency in cells:
                if currency not in currencies and book == code:
                    self.notes.add(
                        _join(_join(_join(freq_path, "price_books"), code), currency),
                        f"charges in {currency} not exported: the frequency is not "
                        f"sold in {currency}"
                        + ("" if currency in self.currencies else " Kill Bill knows"),
                    )
        name = freq.get("name")
        if book == STANDARD_BOOK:
            sku = freq.get("sku")
            wanted = sku if isinstance(sku, str) and sku and not _NCNAME_BAD.search(sku) else None
            plan_id = self.ids.make(wanted or str(name), "plan")
            if sku and not wanted:
                self.notes.add(
                    _join(freq_path, "sku"),
                    f"SKU {sku!r} is not a valid Kill Bill "
                    "plan name; the plan is named after the frequency",
                )
        else:
            plan_id = self.ids.make(f"{name}-{book}", "plan")
        plan_el = _sub(
            root_plans, "plan", name=plan_id, prettyName=self._text(name, _join(freq_path, "name"))
        )
        _sub(plan_el, "product", product_id)
        initial, final = self._phases(per_currency, freq_path)
        usages = self._usages(per_currency, freq, freq_path, book)
        if initial:
            phases_el = _sub(plan_el, "initialPhases")
            for phase in initial:
                self._phase(phases_el, "phase", phase, period, usages, plan_id)
        self._phase(plan_el, "finalPhase", final, period, usages, plan_id)
        return plan_id

    def _period(self, bill: Any, path: str) -> str:
        if isinstance(bill, str) and bill in _FREQUENCY_PERIOD:
            return _FREQUENCY_PERIOD[bill]
        months = bill.get("months") if isinstance(bill, dict) else None
        if isinstance(months, int) and months in _MONTHS_PERIOD:
            return _MONTHS_PERIOD[months]
        if isinstance(months, int) and months > 0:
            nearest = min(_MONTHS_PERIOD, key=lambda m: (abs(m - months), m))
            self.notes.add(
                path,
                f"every {months} months has no Kill Bill billing period: "
                f"exported as {_MONTHS_PERIOD[nearest]} (every {nearest} months) "
                "with the price unchanged",
            )
            return _MONTHS_PERIOD[nearest]
        self.notes.add(path, f"unknown bill frequency {bill!r}: exported as MONTHLY")
        return "MONTHLY"

    def _timeline(
        self, rows: list[_FlatRow], currency: str, freq_path: str
    ) -> tuple[str | None, list[tuple[int, Decimal]], Decimal]:
        """Merge the discount periods of a currency's rows: (unit, [(length, total)], final)."""
        final = sum((r.base for r in rows), Decimal(0))
        with_segments = [r for r in rows if r.segments]
        if not with_segments:
            return None, [], final
        units = {s.unit for r in with_segments for s in r.segments}
        if len(units) > 1:
            keep = with_segments[0]
            for r in with_segments[1:]:
                self.notes.add(
                    _join(r.path, "discounts"),
                    f"discounts of {r.service!r} not "
                    f"exported: their periods mix months and days with those of "
                    f"{keep.service!r}",
                )
                r.segments = []
            with_segments = [keep]
            units = {s.unit for s in keep.segments}
            if len(units) > 1:  # one row chaining days then months: phases in sequence
                return "MIXED", [(s.number, s.price) for s in keep.segments], final
        unit = units.pop()
        ends: set[int] = set()
        for r in with_segments:
            t = 0
            for s in r.segments:
                t += s.number
                ends.add(t)
        out: list[tuple[int, Decimal]] = []
        start = 0
        for end in sorted(ends):
            total = Decimal(0)
            for r in rows:
                total += self._price_at(r, start)
            out.append((end - start, total))
            start = end
        return unit, out, final

    @staticmethod
    def _price_at(row: _FlatRow, t: int) -> Decimal:
        elapsed = 0
        for s in row.segments:
            if t < elapsed + s.number:
                return s.price
            elapsed += s.number
        return row.base

    def _phases(
        self, per_currency: dict[str, _CurrencyPlan], freq_path: str
    ) -> tuple[list[_Phase], _Phase]:
        timelines = {c: self._timeline(p.flat, c, freq_path) for c, p in per_currency.items()}
        reference: tuple[str | None, list[tuple[int, Decimal]], Decimal] | None = None
        ref_currency = None
        mixed_units: list[str] = []
        for c, line in timelines.items():
            if line[1]:
                reference, ref_currency = line, c
                if line[0] == "MIXED":
                    chained = next(r for r in per_currency[c].flat if r.segments)
                    mixed_units = [s.unit for s in chained.segments]
                break
        has_recurring = any(p.flat for p in per_currency.values())
        finals = {c: line[2] for c, line in timelines.items() if per_currency[c].flat}
        initial: list[_Phase] = []
        if reference is not None:
            shape = [n for n, _ in reference[1]]
            for i, number in enumerate(shape):
                prices: dict[str, Decimal] = {}
                for c, line in timelines.items():
                    if not per_currency[c].flat:
                        continue
                    if line[1] and ([n for n, _ in line[1]] != shape or line[0] != reference[0]):
                        self.notes.add(
                            _join(freq_path, "price_books"),
                            f"discounts in {c} "
                            f"differ in length from those in {ref_currency}: only "
                            f"the {ref_currency} phases are exported; {c} pays its "
                            "full price in them",
                        )
                        prices[c] = line[2]
                    elif line[1]:
                        prices[c] = line[1][i][1]
                    else:
                        prices[c] = line[2]
                unit = mixed_units[i] if mixed_units else str(reference[0])
                initial.append(_Phase("DISCOUNT", number, unit, recurring=prices))
            for phase in initial:  # leading free phases are Kill Bill trials
                if phase.recurring and all(v == 0 for v in phase.recurring.values()):
                    phase.type, phase.recurring, phase.fixed = "TRIAL", None, {}
                else:
                    break
        final = _Phase("EVERGREEN", None, "UNLIMITED", recurring=finals if has_recurring else None)
        one_time = {c: p.one_time for c, p in per_currency.items() if p.one_time is not None}
        if one_time:
            first = initial[0] if initial else final
            first.fixed = {c: v for c, v in one_time.items()}
        return initial, final

    def _usages(
        self, per_currency: dict[str, _CurrencyPlan], freq: Doc, freq_path: str, book: str
    ) -> list[_Usage]:
        policy = "TOP_TIER" if freq.get("tiering") == "bracket" else "ALL_TIERS"
        if freq.get("tiering") == "bracket" and any(p.tiered for p in per_currency.values()):
            self.notes.add(
                _join(freq_path, "counting_rule"),
                f"bracket tiers count units with "
                f"counting rule {freq.get('counting_rule')!r}; Kill Bill counts the "
                "units recorded on the subscription (TOP_TIER)",
            )
        out: dict[str, _Usage] = {}
        sources: list[tuple[str, str, list[_UsageTier]]] = []
        for c, plan in per_currency.items():
            for service, steps in plan.tiered.items():
                tiers = []
                previous = 0
                for end, amount in steps:
                    width = Decimal(-1) if end is None else Decimal(end - previous)
                    tiers.append(_UsageTier(Decimal(1), width, {c: amount}))
                    previous = end if end is not None else previous
                sources.append((service, policy, tiers))
            for service, tiers in plan.usage.items():
                sources.append((service, "ALL_TIERS", tiers))
        for service, pol, tiers in sources:
            currency = next(iter(tiers[0].prices))
            usage = out.get(service)
            if usage is None:
                out[service] = _Usage(
                    service,
                    self._unit(service),
                    pol,
                    [_UsageTier(t.size, t.max, dict(t.prices)) for t in tiers],
                )
                continue
            if [(t.size, t.max) for t in usage.tiers] != [(t.size, t.max) for t in tiers]:
                self.notes.add(
                    _join(_join(freq_path, "price_books"), book),
                    f"usage tiers of {service!r} in {currency} differ "
                    "from those of the first currency: not exported in "
                    f"{currency}",
                )
                continue
            for mine, theirs in zip(usage.tiers, tiers, strict=True):
                mine.prices.update(theirs.prices)
        return list(out.values())

    def _unit(self, service: str) -> str:
        if service not in self.units:
            self.units[service] = (self.ids.make(service, "unit"), service)
        return self.units[service][0]

    def _phase(
        self,
        parent: ET.Element,
        tag: str,
        phase: _Phase,
        period: str,
        usages: list[_Usage],
        plan_id: str,
    ) -> None:
        el = _sub(parent, tag, type=phase.type)
        duration = _sub(el, "duration")
        _sub(duration, "unit", phase.unit)
        if phase.number is not None:
            _sub(duration, "number", str(phase.number))
        if phase.fixed is not None:
            _prices(_sub(el, "fixed"), "fixedPrice", phase.fixed)
        if phase.recurring is not None:
            recurring = _sub(el, "recurring")
            _sub(recurring, "billingPeriod", period)
            _prices(recurring, "recurringPrice", phase.recurring)
        if usages:
            usages_el = _sub(el, "usages")
            for usage in usages:
                suffix = "" if phase.type == "EVERGREEN" else f"-{phase.type.lower()}"
                usage_el = _sub(
                    usages_el, "usage",
                    name=self.ids.make(f"{plan_id}-{usage.unit_id}{suffix}", "usage"),
                    prettyName=self._text(usage.service, ""),
                    billingMode="IN_ARREAR", usageType="CONSUMABLE",
                    tierBlockPolicy=usage.policy,
                )  # fmt: skip
                _sub(usage_el, "billingPeriod", period)
                tiers_el = _sub(usage_el, "tiers")
                for tier in usage.tiers:
                    block = _sub(_sub(_sub(tiers_el, "tier"), "blocks"), "tieredBlock")
                    _sub(block, "unit", usage.unit_id)
                    _sub(block, "size", _dec_text(tier.size))
                    _prices(block, "prices", tier.prices)
                    _sub(block, "max", _dec_text(tier.max))

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
            self.notes.add(_join(path, "active"), f"{label} is inactive: exported anyway")
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
        for i, pkg in enumerate(self._list("packages")):
            if not isinstance(pkg, dict):
                continue
            path = _join("packages", i)
            self._package_notes(pkg, path)
            product_id = self.ids.make(str(pkg.get("name")), "product")
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
                    plan_id = self._plan(
                        plans_el, product_id, freq, freq_path, code, usage_services
                    )
                    if plan_id is not None:
                        lists[code].append(plan_id)
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
                name=self.ids.make(code, "pricelist"),
                prettyName=self._text(names.get(code, code), "price_books"),
            )
            child_plans = _sub(child, "plans")
            for plan_id in plan_ids:
                _sub(child_plans, "plan", plan_id)
        ET.indent(root, space="  ")
        body = ET.tostring(root, encoding="unicode")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _billing_status(doc: Doc) -> str | None:
    """The status whose prices Kill Bill gets: "Active" if there is one, else the target of the
    first transition, else the first status that is not a cancelled one."""
    statuses = doc.get("statuses") if isinstance(doc.get("statuses"), list) else []
    assert isinstance(statuses, list)
    names = [str(s.get("name")) for s in statuses if isinstance(s, dict) and not s.get("cancelled")]
    for name in names:
        if name.casefold() == "active":
            return name
    for transition in doc.get("transitions") or []:
        if isinstance(transition, dict) and transition.get("to") in names:
            return str(transition["to"])
    return names[0] if names else None


def catalog_to_killbill(
    doc: dict[str, Any],
    *,
    catalog_name: str = "CatalogEditor",
    effective_date: dt.datetime | None = None,
) -> tuple[bytes, list[MappingNote]]:
    """Write a catalog document as Kill Bill catalog XML (valid against Kill Bill's
    ``catalog.xsd``), with a note for everything Kill Bill cannot express.

    ``effective_date`` (default: now, UTC, whole seconds) becomes the catalog's
    ``effectiveDate``; a naive datetime is taken as UTC.
    """
    if effective_date is None:
        effective_date = dt.datetime.now(dt.UTC).replace(microsecond=0)
    elif effective_date.tzinfo is None:
        effective_date = effective_date.replace(tzinfo=dt.UTC)
    exporter = _Exporter(doc if isinstance(doc, dict) else {}, catalog_name, effective_date)
    data = exporter.run()
    return data, exporter.notes.items


# ================================================================================================
# Import
# ================================================================================================

ACTIVE = "Active"
CANCELLED = "Cancelled"
_UNBOUNDED_THRESHOLD = "999999999999999"  # the largest quantity the format holds

_KB_PERIOD: dict[str, Any] = {
    "WEEKLY": "weekly", "MONTHLY": "monthly", "QUARTERLY": "quarterly",
    "BIANNUAL": "semiannual", "ANNUAL": "annual", "BIMESTRIAL": {"months": 2},
    "TRIANNUAL": {"months": 4}, "BIENNIAL": {"months": 24},
}  # fmt: skip
_KB_PERIOD_NEAREST: dict[str, Any] = {
    "DAILY": "weekly", "BIWEEKLY": "weekly", "THIRTY_DAYS": "monthly",
    "SIXTY_DAYS": {"months": 2}, "NINETY_DAYS": "quarterly", "NO_BILLING_PERIOD": "monthly",
}  # fmt: skip
_CATALOG_CHILDREN = {
    "effectiveDate", "catalogName", "recurringBillingMode", "currencies", "units", "products",
    "rules", "plans", "priceLists",
}  # fmt: skip
_MAX_PHASE_MONTHS = 1200
_REQUIRED_CHILDREN = ("currencies", "products", "plans")
_PLAN_CHILDREN = {
    "effectiveDateForExistingSubscriptions", "product", "recurringBillingMode", "initialPhases",
    "finalPhase", "plansAllowedInBundle",
}  # fmt: skip
_PHASE_CHILDREN = {"duration", "fixed", "recurring", "usages"}
_NOT_ISO_4217 = frozenset({"BTC"})
_DECIMAL_TEXT = re.compile(r"^\+?([0-9]*)(?:\.([0-9]*))?$")
_DOUBLE_TEXT = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?$")
_INT_TEXT = re.compile(r"^[+-]?[0-9]{1,9}$")
_CURRENCY_TEXT = re.compile(r"^[A-Z]{3}$")


def _parse_xml(data: bytes) -> ET.Element:
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise ImportFailure(f"expected the bytes of an XML file, got {type(data).__name__}")
    if len(data) > MAX_XML_BYTES:
        raise ImportFailure(
            f"the file is too large for a Kill Bill catalog ({len(data):,} bytes; the limit is "
            f"{MAX_XML_BYTES:,})"
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
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rsplit("}", 1)[1]
    if root.tag != "catalog":
        raise ImportFailure(
            f"not a Kill Bill catalog: the root element is <{root.tag}>, not <catalog>"
        )
    return root


def _usage_signatures(phase: ET.Element) -> set[str]:
    """The phase's usage sections as comparable text (names aside): the exporter repeats the
    EVERGREEN usages in every phase, and such copies need no note."""
    out = set()
    for usage in phase.findall("usages/usage"):
        copy = ET.fromstring(ET.tostring(usage))
        copy.attrib.pop("name", None)
        copy.attrib.pop("prettyName", None)
        for element in copy.iter():
            element.text = (element.text or "").strip()
            element.tail = None
        out.add(ET.tostring(copy, encoding="unicode"))
    return out


def _text(element: ET.Element | None, child: str | None = None) -> str | None:
    if element is None:
        return None
    target = element.find(child) if child else element
    if target is None or target.text is None:
        return None
    text = target.text.strip()
    return text or None


@dataclass
class _Rate:
    unit: str
    prices: dict[str, str]  # currency -> per-unit money


@dataclass
class _Bucket:
    unit: str
    tiers: list[tuple[str, dict[str, str]]]  # (threshold, currency -> flat charge)
    overage: dict[str, str] = field(default_factory=dict)


@dataclass
class _Tiered:
    unit: str
    policy: str
    tiers: list[tuple[int | None, dict[str, str]]]  # (end, currency -> unit price)


@dataclass
class _PlanRead:
    """What one Kill Bill plan says, in our terms, per currency."""

    name: str
    product: str
    path: str
    bill_frequency: Any
    evergreen: dict[str, str] = field(default_factory=dict)
    discounts: list[tuple[str, int | None, int | None, dict[str, str] | None]] = field(
        default_factory=list
    )  # (label, months, days, currency -> price or None for free)
    fixed: dict[str, str] = field(default_factory=dict)
    rates: list[_Rate] = field(default_factory=list)
    buckets: list[_Bucket] = field(default_factory=list)
    tiered: list[_Tiered] = field(default_factory=list)


class _Importer:
    def __init__(self, root: ET.Element) -> None:
        self.root = root
        self.notes = _Notes()
        self.currencies: list[str] = []
        self.decimals: dict[str, int] = {}
        self.units: dict[str, str] = {}
        self.products: dict[str, ET.Element] = {}
        self.services: list[Doc] = []
        self.service_names: set[str] = set()
        self.service_for: dict[tuple[str, str], str] = {}
        self.packages: dict[str, Doc] = {}
        self.frequency_names: set[str] = set()
        self.plan_frequency: dict[str, Doc] = {}
        self.rate_plans: list[Doc] = []
        self.buckets: list[Doc] = []
        self.counting_rules: list[Doc] = []
        self.names: dict[str, set[str]] = {"rate_plan": set(), "bucket": set(), "rule": set()}
        self.books: list[Doc] = [{"code": STANDARD_BOOK, "name": "Standard"}]
        self.start = "1970-01-01"

    # -- values ------------------------------------------------------------------------------

    def _money(self, text: str | None, currency: str, path: str) -> str | None:
        if text is None:
            return None
        match = _DECIMAL_TEXT.match(text)
        if text.startswith("-") and _DECIMAL_TEXT.match(text[1:]):
            self.notes.add(path, f"negative price {text} not imported")
            return None
        if match is None or not (match.group(1) or match.group(2)):
            self.notes.add(path, f"price {text[:40]!r} is not a decimal number: not imported")
            return None
        whole = match.group(1).lstrip("0") or "0"
        fraction = match.group(2) or ""
        if len(whole) > 15:
            self.notes.add(path, f"price {text[:40]} is too large: not imported")
            return None
        if len(fraction) > 6:
            rounded = Decimal(f"{whole}.{fraction}").quantize(Decimal("0.000001"), ROUND_HALF_UP)
            self.notes.add(path, f"price {text[:40]} rounded to {rounded} (6 decimals at most)")
            whole, _, fraction = _dec_text(rounded).partition(".")
        self.decimals[currency] = max(self.decimals.get(currency, 0), len(fraction.rstrip("0")))
        return f"{whole}.{fraction}" if fraction else whole

    def _number(self, text: str | None, path: str, what: str) -> Decimal | None:
        """An xs:double of a sensible size, as a Decimal."""
        if text is None or not _DOUBLE_TEXT.match(text):
            self.notes.add(path, f"{what} {str(text)[:40]!r} is not a number")
            return None
        value = Decimal(text)
        if value != 0 and not -7 <= value.adjusted() <= 14:
            self.notes.add(path, f"{what} {text[:40]} is out of range")
            return None
        return value

    def _int(self, text: str | None) -> int | None:
        if text is None or not _INT_TEXT.match(text):
            return None
        return int(text)

    def _prices(self, element: ET.Element | None, path: str) -> dict[str, str]:
        out: dict[str, str] = {}
        if element is None:
            return out
        for i, price in enumerate(element.findall("price")):
            ppath = f"{path}/price[{i + 1}]"
            currency = _text(price, "currency")
            if currency not in self.currencies:
                self.notes.add(
                    ppath,
                    f"price in currency {str(currency)[:10]!r}, which the "
                    "catalog does not list: not imported",
                )
                continue
            assert currency is not None
            value_el = price.find("value")
            nil = value_el is not None and value_el.get(
                "{http://www.w3.org/2001/XMLSchema-instance}nil", value_el.get("nil")
            ) in ("true", "1")
            money = None if nil else self._money(_text(value_el), currency, ppath)
            if money is not None:
                out[currency] = money
        return out

    def _unique(self, wanted: str, used: set[str]) -> str:
        base = wanted.strip()[:190] or "unnamed"
        name, n = base, 2
        while name in used:
            name = f"{base} ({n})"
            n += 1
        used.add(name)
        return name

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

    # -- services and packages ---------------------------------------------------------------

    def _service(self, key: tuple[str, str], wanted: str, base_type: str, unit: str | None) -> str:
        if key not in self.service_for:
            name = self._unique(wanted, self.service_names)
            service: Doc = {"name": name, "base_type": base_type}
            if unit is not None:
                service["unit"] = unit
            self.services.append(service)
            self.service_for[key] = name
        return self.service_for[key]

    def _package(self, product_id: str) -> Doc:
        if product_id not in self.packages:
            product = self.products[product_id]
            used = {p["name"] for p in self.packages.values()}
            name = self._unique(product.get("prettyName") or product_id, used)
            self.packages[product_id] = {
                "name": name, "enabled": True, "company": None, "rollup_services": False,
                "billing_activation_service": None, "services": [], "frequencies": [],
            }  # fmt: skip
        return self.packages[product_id]

    @staticmethod
    def _uses(package: Doc, service: str) -> None:
        if service not in package["services"]:
            package["services"].append(service)

    # -- plans -------------------------------------------------------------------------------

    def _duration(self, phase: ET.Element, path: str) -> tuple[int | None, int | None] | None:
        unit = _text(phase, "duration/unit")
        number = self._int(_text(phase, "duration/number"))
        if unit == "UNLIMITED" or unit is None:
            return None
        if number is None or number <= 0:
            self.notes.add(f"{path}/duration", f"duration {number} {unit} is not usable")
            return None
        factor = {"MONTHS": (1, 0), "YEARS": (12, 0), "DAYS": (0, 1), "WEEKS": (0, 7)}.get(unit)
        if factor is None:
            self.notes.add(f"{path}/duration", f"duration unit {unit[:20]!r} unknown")
            return None
        months, days = number * factor[0], number * factor[1]
        if months > _MAX_PHASE_MONTHS or days > _MAX_PHASE_MONTHS * 31:
            self.notes.add(
                f"{path}/duration",
                f"duration {number} {unit} is longer than "
                f"{_MAX_PHASE_MONTHS // 12} years: not usable",
            )
            return None
        return (months, None) if months else (None, days)

    def _read_plan(self, plan: ET.Element, path: str) -> _PlanRead | None:
        name = plan.get("name")
        product = _text(plan, "product")
        if not name:
            self.notes.add(path, "plan without a name ignored")
            return None
        if product not in self.products:
            self.notes.add(
                path, f"plan {name!r} names unknown product {str(product)[:80]!r}: not imported"
            )
            return None
        assert product is not None
        final = plan.find("finalPhase")
        if final is None:
            self.notes.add(path, f"plan {name!r} has no finalPhase: not imported")
            return None
        for child in plan:
            if isinstance(child.tag, str) and child.tag not in _PLAN_CHILDREN:
                self.notes.add(f"{path}/{child.tag}", f"unknown element <{child.tag}> ignored")
        for what in ("effectiveDateForExistingSubscriptions", "plansAllowedInBundle"):
            value = _text(plan, what)
            if value is not None and value != "-1":
                self.notes.add(f"{path}/{what}", f"{what} {value[:40]} not kept")
        if _text(plan, "recurringBillingMode") == "IN_ARREAR":
            self.notes.add(
                f"{path}/recurringBillingMode",
                "billed in arrear in Kill Bill; this catalog bills recurring prices in advance",
            )
        initial = plan.findall("initialPhases/phase")
        phases = [(p, f"{path}/initialPhases/phase[{i + 1}]") for i, p in enumerate(initial)]
        phases.append((final, f"{path}/finalPhase"))
        period = None
        for phase, _ in [phases[-1], *phases[:-1]]:
            period = _text(phase, "recurring/billingPeriod") or _text(
                phase, "usages/usage/billingPeriod"
            )
            if period:
                break
        bill = self._bill_frequency(period, path)
        read = _PlanRead(name, product, path, bill)
        if final.get("type") == "FIXEDTERM":
            self.notes.add(
                f"{path}/finalPhase",
                "FIXEDTERM final phase: the subscription "
                "ends after its duration in Kill Bill; imported as open-ended",
            )
        for phase, ppath in phases:
            for child in phase:
                if isinstance(child.tag, str) and child.tag not in _PHASE_CHILDREN:
                    self.notes.add(f"{ppath}/{child.tag}", f"unknown element <{child.tag}> ignored")
            phase_period = _text(phase, "recurring/billingPeriod")
            if phase_period and phase_period != period:
                self.notes.add(
                    f"{ppath}/recurring",
                    f"billing period {phase_period} differs "
                    f"from the plan's ({period}): priced as if {period}",
                )
        read.evergreen = self._prices(
            final.find("recurring/recurringPrice"), f"{path}/finalPhase/recurring/recurringPrice"
        )
        stopped = False
        for phase, ppath in phases[:-1]:
            kind = (phase.get("type") or "PHASE").title()
            recurring = phase.find("recurring")
            prices = (
                self._prices(recurring.find("recurringPrice"), f"{ppath}/recurring")
                if recurring is not None
                else None
            )
            if stopped:
                self.notes.add(
                    ppath, f"{kind} phase not imported (it follows a phase that could not be)"
                )
                continue
            duration = self._duration(phase, ppath)
            if duration is None:
                self.notes.add(ppath, f"{kind} phase without a limited duration not imported")
                stopped = True
                continue
            months, days = duration
            count = months or days
            label = f"{kind} {count} {'month' if months else 'day'}{'s' if count != 1 else ''}"
            read.discounts.append((label, months, days, prices))
            if _usage_signatures(phase) - _usage_signatures(final):
                self.notes.add(
                    f"{ppath}/usages",
                    f"usage prices of the {kind} phase not "
                    "imported: usage here is priced the same in every phase",
                )
        first, first_path = phases[0]
        read.fixed = self._prices(first.find("fixed/fixedPrice"), f"{first_path}/fixed")
        for phase, ppath in phases[1:]:
            if self._prices(phase.find("fixed/fixedPrice"), f"{ppath}/fixed"):
                self.notes.add(
                    f"{ppath}/fixed",
                    "fixed price of a later phase not imported: "
                    "one-time charges are billed on the first bill",
                )
        fixed_el = first.find("fixed")
        if fixed_el is not None and fixed_el.get("type") not in (None, "ONE_TIME"):
            self.notes.add(
                f"{first_path}/fixed", f"fixed type {fixed_el.get('type')} read as one-time"
            )
        for i, usage in enumerate(final.findall("usages/usage")):
            self._read_usage(usage, f"{path}/finalPhase/usages/usage[{i + 1}]", period, read)
        return read

    def _bill_frequency(self, period: str | None, path: str) -> Any:
        if period in _KB_PERIOD:
            return _KB_PERIOD[period]
        if period in _KB_PERIOD_NEAREST:
            ours = _KB_PERIOD_NEAREST[period]
            self.notes.add(
                path,
                f"billing period {period} has no equivalent: imported as "
                f"{ours} with the price unchanged",
            )
            return ours
        if period is None:
            self.notes.add(
                path, "no recurring or usage section gives a billing period: imported as monthly"
            )
        else:
            self.notes.add(path, f"billing period {period[:30]!r} unknown: imported as monthly")
        return "monthly"

    def _read_usage(
        self, usage: ET.Element, path: str, period: str | None, read: _PlanRead
    ) -> None:
        name = usage.get("name") or "?"
        kind = usage.get("usageType")
        if usage.get("billingMode") != "IN_ARREAR":
            self.notes.add(
                path,
                f"usage {name!r} is billed {usage.get('billingMode')}: "
                "imported as usage billed at the end of the period",
            )
        usage_period = _text(usage, "billingPeriod")
        if usage_period != period:
            self.notes.add(
                path, f"usage {name!r} has billing period {usage_period}, not the plan's {period}"
            )
        for what in ("fixedPrice", "recurringPrice"):
            if usage.find(what) is not None and kind == "CONSUMABLE":
                self.notes.add(f"{path}/{what}", f"{what} of usage {name!r} not imported")
        if kind == "CAPACITY":
            self._read_capacity(usage, path, read)
            return
        if kind != "CONSUMABLE":
            self.notes.add(path, f"usage {name!r} of type {str(kind)[:20]!r} not imported")
            return
        for i, block in enumerate(usage.findall("blocks/block")):
            bpath = f"{path}/blocks/block[{i + 1}]"
            if (
                block.get("type") not in (None, "VANILLA")
                or block.find("minTopUpCredit") is not None
            ):
                self.notes.add(
                    bpath,
                    f"{block.get('type')} block: prepaid credit not "
                    "expressed; imported as a per-unit rate",
                )
            self._rate(block, bpath, read, cap=None)
        tiers = usage.findall("tiers/tier")
        by_unit: dict[str, list[tuple[ET.Element, str]]] = {}
        for i, tier in enumerate(tiers):
            if (
                tier.find("limits/limit") is not None
                or tier.find("fixedPrice") is not None
                or tier.find("recurringPrice") is not None
            ):
                self.notes.add(
                    f"{path}/tiers/tier[{i + 1}]",
                    "tier limits and tier prices of a consumable usage not imported",
                )
            for j, block in enumerate(tier.findall("blocks/tieredBlock")):
                unit = _text(block, "unit") or "?"
                by_unit.setdefault(unit, []).append(
                    (block, f"{path}/tiers/tier[{i + 1}]/blocks/tieredBlock[{j + 1}]")
                )
        policy = usage.get("tierBlockPolicy") or "ALL_TIERS"
        for unit, blocks in by_unit.items():
            self._tiered_unit(unit, blocks, policy, path, read)

    def _block(
        self, block: ET.Element, path: str
    ) -> tuple[str, Decimal, Decimal | None, dict[str, str]] | None:
        unit = _text(block, "unit")
        if unit is None:
            self.notes.add(path, "block without a unit not imported")
            return None
        if unit not in self.units:
            self.notes.add(path, f"unit {unit[:40]!r} is not declared in <units>")
            self.units[unit] = unit
        size = self._number(_text(block, "size"), f"{path}/size", "block size")
        if size is None or size <= 0:
            return None
        limit = None
        if block.find("max") is not None:
            limit = self._number(_text(block, "max"), f"{path}/max", "tier max")
        prices = self._prices(block.find("prices"), f"{path}/prices")
        return unit, size, limit, prices

    def _per_unit(self, price: str, size: Decimal, currency: str, path: str) -> str | None:
        if size == 1:
            return price
        value = (Decimal(price) / size).quantize(Decimal("0.000001"), ROUND_HALF_UP).normalize()
        self.notes.add(
            path,
            f"price {price} per block of {size} units imported as "
            f"{_dec_text(value)} per unit (Kill Bill charges whole blocks)",
        )
        return self._money(_dec_text(value), currency, path)

    def _rate(self, block: ET.Element, path: str, read: _PlanRead, cap: Decimal | None) -> None:
        parsed = self._block(block, path)
        if parsed is None:
            return
        unit, size, limit, prices = parsed
        if limit is not None and limit != -1:
            self.notes.add(
                path, f"at most {limit} blocks are billed in Kill Bill; imported without that cap"
            )
        rates: dict[str, str] = {}
        for currency, price in prices.items():
            per_unit = self._per_unit(price, size, currency, path)
            if per_unit is not None:
                rates[currency] = per_unit
        read.rates.append(_Rate(unit, rates))

    def _tiered_unit(
        self,
        unit: str,
        blocks: list[tuple[ET.Element, str]],
        policy: str,
        path: str,
        read: _PlanRead,
    ) -> None:
        parsed = []
        for block, bpath in blocks:
            one = self._block(block, bpath)
            if one is None:
                return
            parsed.append(one)
        if len(parsed) == 1:
            self._rate(blocks[0][0], blocks[0][1], read, cap=None)
            return
        sizes = [p[1] for p in parsed]
        maxes = [p[2] for p in parsed]
        counts_ok = all(
            m is not None and (m == -1 or (m > 0 and m == m.to_integral_value())) for m in maxes
        )
        if counts_ok and all(s == 1 for s in sizes):
            tiers: list[tuple[int | None, dict[str, str]]] = []
            end = 0
            for k, (_, _, limit, prices) in enumerate(parsed):
                assert limit is not None
                last = k == len(parsed) - 1
                if limit == -1 or last:
                    if limit != -1:
                        self.notes.add(
                            blocks[k][1],
                            "the last tier is capped in Kill Bill; imported as open-ended",
                        )
                    tiers.append((None, prices))
                    break
                end += int(limit)
                if end > 1_000_000_000:
                    self.notes.add(blocks[k][1], "tier too large to import")
                    return
                tiers.append((end, prices))
            read.tiered.append(_Tiered(unit, policy, tiers))
            self.notes.add(
                path,
                f"tiered prices of unit {unit!r} imported as {policy} tiers of "
                "a recurring service: the units are the account-service quantity, "
                "not recorded usage",
            )
            return
        bucket_shape = (
            policy == "ALL_TIERS"
            and counts_ok
            and all(m == 1 for m in maxes[:-1])
            and (maxes[-1] == 1 or (maxes[-1] == -1 and sizes[-1] == 1))
        )
        if bucket_shape:
            body = parsed if maxes[-1] == 1 else parsed[:-1]
            threshold = Decimal(0)
            flat: dict[str, Decimal] = {}
            steps: list[tuple[str, dict[str, str]]] = []
            for _, size, _, prices in body:
                threshold += size
                for currency, price in prices.items():
                    flat[currency] = flat.get(currency, Decimal(0)) + Decimal(price)
                steps.append(
                    (_dec_text(threshold.normalize()), {c: _dec_text(v) for c, v in flat.items()})
                )
            overage = parsed[-1][3] if maxes[-1] == -1 else {}
            read.buckets.append(_Bucket(unit, steps, dict(overage)))
            return
        self.notes.add(
            path,
            f"tiers of unit {unit!r} cannot be expressed: only the first "
            "tier's price is imported, as a per-unit rate",
        )
        self._rate(blocks[0][0], blocks[0][1], read, cap=None)

    def _read_capacity(self, usage: ET.Element, path: str, read: _PlanRead) -> None:
        name = usage.get("name") or "?"
        tiers = usage.findall("tiers/tier")
        sources: list[tuple[ET.Element, str]] = [
            (t, f"{path}/tiers/tier[{i + 1}]") for i, t in enumerate(tiers)
        ] or [(usage, path)]
        unit: str | None = None
        steps: list[tuple[str, dict[str, str]]] = []
        for tier, tpath in sources:
            limits = tier.findall("limits/limit")
            if not limits:
                self.notes.add(tpath, f"capacity usage {name!r}: tier without limits not imported")
                continue
            if len(limits) > 1:
                self.notes.add(
                    tpath,
                    f"capacity usage {name!r}: limits on several units "
                    "cannot be expressed; only the first unit's is imported",
                )
            tier_unit = _text(limits[0], "unit")
            if tier_unit is None or (unit is not None and tier_unit != unit):
                self.notes.add(tpath, "tier limit on another unit not imported")
                continue
            unit = tier_unit
            if unit not in self.units:
                self.units[unit] = unit
            if limits[0].find("min") is not None:
                self.notes.add(tpath, "minimum of a capacity limit not kept")
            maximum = self._number(_text(limits[0], "max"), f"{tpath}/limits", "limit")
            if maximum is None:
                continue
            if maximum == -1:
                threshold = _UNBOUNDED_THRESHOLD
            elif maximum <= 0 or maximum.as_tuple().exponent < -6:  # type: ignore[operator]
                self.notes.add(tpath, f"limit {maximum} not usable as a threshold")
                continue
            else:
                threshold = _dec_text(maximum.normalize())
            if tier.find("fixedPrice") is not None:
                self.notes.add(f"{tpath}/fixedPrice", "fixed price of a capacity tier not imported")
            prices = self._prices(tier.find("recurringPrice"), f"{tpath}/recurringPrice")
            if steps and Decimal(threshold) <= Decimal(steps[-1][0]):
                self.notes.add(tpath, "limits that do not grow tier by tier not imported")
                continue
            steps.append((threshold, prices))
        if unit is not None and steps:
            read.buckets.append(_Bucket(unit, steps))

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
