"""Kill Bill export, part 1: the exporter's state, the XML helpers, and one frequency's charges
in one price book flattened into rows and plans per currency (:class:`_PriceRows`).

The exporter is one class built in three layers, each in its own module so none is too long
to read: :class:`_PriceRows` here, :class:`~app.catalog.killbill.export_phases._PhaseWriter`
(plans and phases as XML), :class:`~app.catalog.killbill.exporter._Exporter` (reference data,
packages and the whole document).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.catalog.killbill.mapping import (
    DEFAULT_PRICE_LIST,
    STANDARD_BOOK,
    Doc,
    _dec,
    _dec_text,
    _join,
    _Notes,
)

_NCNAME_BAD = re.compile(r"[^A-Za-z0-9._-]+")
_XML_BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


KILLBILL_NAME_SIZES = {"pricelist": 64, "plan": 255, "phase": 255, "product": 255, "usage": 255,
                       "unit": 255}  # fmt: skip
"""Kill Bill's column sizes for the names we give (a phase is named ``<plan>-<type>``)."""


class _Ids:
    """xs:ID values: NCNames, unique across the whole document (products, plans, usages...).

    ``stored`` holds the names given by earlier exports (key -> name, keys such as
    ``plan:FI-M:standard``); a thing with a stored name keeps it, and no other thing can take
    it, whatever was added, renamed or reordered since. ``assigned`` is every keyed name given
    by this export, for the caller to keep."""

    def __init__(self, stored: dict[str, str] | None = None) -> None:
        self.stored = dict(stored or {})
        self.used: set[str] = {DEFAULT_PRICE_LIST, *self.stored.values()}
        self.assigned: dict[str, str] = {}
        self.given: set[str] = set()  # stored names handed out by this export
        self.shortened: list[tuple[str, str]] = []  # (wanted, given) names cut to a column size

    def make(self, name: str, fallback: str = "id", key: str | None = None) -> str:
        while key is not None and key in self.assigned:  # two things alike: the first keeps it
            key += "#"
        if key is not None and key in self.stored and self.stored[key] not in self.given:
            self.assigned[key] = self.stored[key]
            self.given.add(self.stored[key])
            return self.stored[key]
        limit = KILLBILL_NAME_SIZES.get(fallback, 255)
        if fallback == "plan":
            limit -= len("-EVERGREEN")  # the phase name <plan>-<type> must fit too
        base = _NCNAME_BAD.sub("-", name).strip("-.") or fallback
        if not (base[0].isascii() and (base[0].isalpha() or base[0] == "_")):
            base = f"_{base}"
        if len(base) > limit - 4:
            digest = hashlib.sha1(base.encode("utf-8")).hexdigest()[:8]
            self.shortened.append((base, base[: limit - 13] + "-" + digest))
            base = base[: limit - 13] + "-" + digest
        candidate = base
        n = 2
        while candidate in self.used:
            candidate = f"{base}-{n}"
            n += 1
        self.used.add(candidate)
        if key is not None:
            self.assigned[key] = candidate
        return candidate

    def rename(self, key: str, name: str, fallback: str) -> str:
        """A new name for a keyed thing (its old one stays reserved)."""
        old = self.stored.pop(key, None) or self.assigned.pop(key, None)
        self.assigned.pop(key, None)
        if old is not None:
            self.assigned[f"retired:{old}"] = old  # never given to anything else later
        return self.make(name, fallback, key)


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


@dataclass(frozen=True)
class PublishedFrequency:
    """Where one (frequency, price book) went in Kill Bill: its base plan, and the add-on plan
    of each service it prices (a subscriber buys the base plan and one add-on per service,
    with the service's quantity)."""

    frequency: str
    book: str
    price_list: str
    base: str
    currency_addons: dict[str, dict[str, str]]  # currency -> service -> add-on plan
    counted: frozenset[str] = frozenset()  # tiered services: quantity recorded as usage

    def addons(self, currency: str) -> dict[str, str]:
        """The add-on plan of each service for a subscriber in ``currency``."""
        return self.currency_addons.get(currency, {})


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
    one_times: dict[str, Decimal] = field(default_factory=dict)  # service -> its one-time total



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


class _PriceRows:
    """The exporter's state and the price rows of one (frequency, price book)."""

    def __init__(
        self,
        doc: Doc,
        catalog_name: str,
        effective: dt.datetime,
        names: dict[str, str] | None = None,
        previous: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.doc = doc
        self.catalog_name = catalog_name
        self.effective = effective
        self.notes = _Notes()
        self.ids = _Ids(names)
        self.previous = previous or {}  # plan name -> phase types in the last published file
        self.units: dict[str, tuple[str, str]] = {}  # service -> (unit id, pretty name)
        self.services = {s.get("name"): s for s in self._list("services") if isinstance(s, dict)}
        self.currencies: list[str] = []
        self.minor_units: dict[str, int] = {}
        self.rate_plans: dict[str, dict[tuple[str, str], Decimal]] = {}
        self.buckets: dict[str, Doc] = {}
        self.status = _billing_status(doc)
        self.published: dict[tuple[str, str], PublishedFrequency] = {}
        self.products_el = ET.Element("products")
        self.addon_products: dict[tuple[str, str], str] = {}
        self.list_ids: dict[str, str] = {}  # price book code -> child price list name

    def _list(self, key: str) -> list[Any]:
        value = self.doc.get(key)
        return value if isinstance(value, list) else []

    def _text(self, value: Any, path: str) -> str:
        text = str(value)
        clean = _XML_BAD.sub("\ufffd", text)
        if clean != text:
            self.notes.add(path, "characters that XML cannot hold were replaced by U+FFFD")
        return clean

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
            if reason is not None and price is not None:
                self.notes.add(
                    dpath,
                    f"{label} {reason}: not exported (subscribers without it are billed as "
                    "the simulator bills them)",
                )
                continue
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
            service_name = str(row.get("service"))
            plan.one_times[service_name] = plan.one_times.get(service_name, Decimal(0)) + amount
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
