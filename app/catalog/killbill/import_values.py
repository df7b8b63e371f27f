"""Kill Bill import, part 1: the importer's state, reading values (money, numbers, prices) and
naming services and packages (:class:`_ImportValues`).

The importer is one class built in three layers, each in its own module so none is too long
to read: :class:`_ImportValues` here, :class:`~app.catalog.killbill.import_plans._PlanReader`
(plans, phases and usage sections), :class:`~app.catalog.killbill.importer._Importer` (the
catalog header, frequencies and charges, the whole document).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NoReturn

from app.catalog.errors import ImportFailure
from app.catalog.killbill.mapping import STANDARD_BOOK, Doc, _dec_text, _Notes
from app.engine.problems import Problem

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




class _ImportValues:
    """The importer's state, its value readers and the services and packages it names."""

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
        self.kb_names: dict[str, str] = {}  # what the export keys a name by -> Kill Bill's name

    # -- values ------------------------------------------------------------------------------

    def _money(self, text: str | None, currency: str, path: str) -> str | None:
        """A price as decimal text; a price Kill Bill would refuse makes the import refuse,
        naming the element (nothing is replaced)."""
        if text is None:
            return None
        match = _DECIMAL_TEXT.match(text)
        if text.startswith("-") and _DECIMAL_TEXT.match(text[1:]):
            self._refuse(path, f"negative price {text[:40]}")
        if match is None or not (match.group(1) or match.group(2)):
            self._refuse(path, f"price {text[:40]!r} is not a plain decimal number (write it "
                               "as 100.00)")  # fmt: skip
        assert match is not None
        whole = match.group(1).lstrip("0") or "0"
        fraction = match.group(2) or ""
        if len(whole) > 15:
            self._refuse(path, f"price {text[:40]} is too large ({len(whole)} digits before the "
                               "decimal point; 15 at most)")  # fmt: skip
        if len(fraction) > 6:
            rounded = Decimal(f"{whole}.{fraction}").quantize(Decimal("0.000001"), ROUND_HALF_UP)
            self.notes.add(path, f"price {text[:40]} rounded to {rounded} (6 decimals at most)")
            whole, _, fraction = _dec_text(rounded).partition(".")
        self.decimals[currency] = max(self.decimals.get(currency, 0), len(fraction.rstrip("0")))
        return f"{whole}.{fraction}" if fraction else whole

    @staticmethod
    def _refuse(path: str, message: str) -> NoReturn:
        raise ImportFailure(f"{path}: {message}: Kill Bill would refuse it; nothing imported",
                            [Problem(path, message)])  # fmt: skip

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
                self._refuse(ppath, f"price in currency {str(currency)[:10]!r}, which the "
                                    "catalog's <currencies> do not list")  # fmt: skip
            assert currency is not None
            value_el = price.find("value")
            nil = value_el is not None and value_el.get(
                "{http://www.w3.org/2001/XMLSchema-instance}nil", value_el.get("nil")
            ) in ("true", "1")
            if not nil and (value_el is None or _text(value_el) is None):
                self._refuse(ppath, "price '' is not a plain decimal number (a price without "
                                    "a value)")  # fmt: skip
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

    # -- services and packages ---------------------------------------------------------------

    def _service(self, key: tuple[str, str], wanted: str, base_type: str, unit: str | None) -> str:
        if key not in self.service_for:
            name = self._unique(wanted, self.service_names)
            if key[0] in ("usage", "tiered"):  # the Kill Bill unit keeps its name on export
                self.kb_names.setdefault(f"unit:{name}", key[1])
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
            self.kb_names[f"product:{name}"] = product_id  # kept on export
            self.packages[product_id] = {
                "name": name, "enabled": True, "company": None, "rollup_services": False,
                "billing_activation_service": None, "services": [], "frequencies": [],
            }  # fmt: skip
        return self.packages[product_id]

    @staticmethod
    def _uses(package: Doc, service: str) -> None:
        if service not in package["services"]:
            package["services"].append(service)
