"""What the Setup area shows of each kind of reference data: its columns (with their types,
which pick the editor), its nested lists, and what a new object looks like."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.catalog.document.reference_edit import ReferenceDraft, unique

BASE_TYPES = (
    ("recurring", "Recurring"),
    ("one_time", "One time (non-recurring)"),
    ("fee", "Fee"),
    ("usage", "Usage"),
)
ENTITIES = (
    ("package_frequency", "Package Frequency"),
    ("account_package", "Account Package"),
    ("package", "Package"),
    ("service", "Service"),
    ("account", "Account"),
)
FIELD_TYPES = (
    ("text", "Text"),
    ("number", "Number"),
    ("date", "Date"),
    ("boolean", "Yes / No"),
    ("choice", "Choice"),
)
COUNTS = (("services", "Services"), ("packages", "Packages"))
DISCOUNT_TYPES = (("fixed", "Fixed"), ("percent", "Percent"), ("price", "Price"))

MONEY_DECIMALS = 6  # the exchange format's money: at most 6 decimals
RATE_DECIMALS = 9


class Refusal(str):
    """Why a new object (or nested entry) cannot be added, returned by a factory."""

    __slots__ = ()


@dataclass(frozen=True)
class Column:
    """One column: where its value lives in the object and how it is edited.

    ``type`` is one of text, code (3 capitals), country (2 capitals), int, int?, bool, bool?
    (unticked removes the key), money, rate, quantity, enum, ref, ref? (nullable reference),
    date?. A ``?`` type (and a text that is not required) may be left empty.
    """

    path: tuple[str, ...] | None  # None: the entry of a list of plain names
    label: str
    type: str = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    ref: str | None = None  # statuses, services, currencies, counted (a rule's items)
    none_label: str = ""
    minimum: int = 0
    maximum: int = 999_999
    currency_path: tuple[str, ...] | None = None  # money: the row's currency gives decimals
    tip: str = ""

    @property
    def nullable(self) -> bool:
        return self.type.endswith("?") or (self.type == "text" and not self.required)


Factory = Callable[[ReferenceDraft, list[str]], "dict[str, Any] | Refusal"]
"""Makes a new object from the draft and the package names, or says why it cannot."""


@dataclass(frozen=True)
class NestedSpec:
    key: str
    label: str
    columns: tuple[Column, ...]
    new: Callable[[ReferenceDraft, int, list[str]], Any]
    note: str = ""


@dataclass(frozen=True)
class KindSpec:
    kind: str
    label: str
    columns: tuple[Column, ...]
    new: Factory
    nested: tuple[NestedSpec, ...] = field(default_factory=tuple)
    note: str = ""


def _first(values: list[Any], default: Any = None) -> Any:
    return values[0] if values else default


def _names(draft: ReferenceDraft, kind: str) -> list[Any]:
    return draft.keys(kind)


def _new_currency(d: ReferenceDraft, _p: list[str]) -> dict[str, Any] | Refusal:
    taken = set(_names(d, "currencies"))
    for code in (
        "NEW",
        *(f"X{a}{b}" for a in "ABCDEFGHIJKLMNOPQRSTUVWYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ):
        if code not in taken:
            return {"code": code, "minor_units": 2}
    return Refusal("Every placeholder code is taken: rename a currency first.")


def _new_transition(d: ReferenceDraft, _p: list[str]) -> dict[str, Any] | Refusal:
    statuses = _names(d, "statuses")
    if not statuses:
        return Refusal("Add the statuses a transition moves between first.")
    return {
        "name": unique("new transition", _names(d, "transitions")),
        "from": statuses[0],
        "to": statuses[min(1, len(statuses) - 1)],
    }


def _usage_services(d: ReferenceDraft) -> list[str]:
    return [s["name"] for s in d.items("services") if s.get("base_type") == "usage"]


def _new_bucket(d: ReferenceDraft, _p: list[str]) -> dict[str, Any] | Refusal:
    services = _usage_services(d) or _names(d, "services")
    if not services:
        return Refusal("Add the usage service the bucket is for first.")
    unit = next((s.get("unit") for s in d.items("services") if s["name"] == services[0]), None)
    return {
        "name": unique("New bucket", _names(d, "usage_buckets")),
        "service": services[0],
        "unit": unit or "GB",
        "tiers": [{"threshold": "1", "flat_charge": "0"}],
    }


def _new_tax_rate(d: ReferenceDraft, _p: list[str]) -> dict[str, Any]:
    taken = [category for category, country in _names(d, "tax_rates") if country == "US"]
    return {"category": unique("new category", taken), "country": "US", "rate": "0"}


def _new_rate(d: ReferenceDraft, _row: int, _p: list[str]) -> dict[str, Any] | Refusal:
    services = _usage_services(d) or _names(d, "services")
    currencies = _names(d, "currencies")
    if not services or not currencies:
        return Refusal("Add services and currencies first.")
    return {"service": services[0], "currency": currencies[0], "per_unit": "0"}


def _new_price(d: ReferenceDraft, _row: int, _p: list[str]) -> dict[str, Any] | Refusal:
    services = _names(d, "services")
    currencies = _names(d, "currencies")
    if not services or not currencies:
        return Refusal("Add services and currencies first.")
    return {"service": services[0], "currency": currencies[0], "amount": "0"}


def _new_bucket_tier(d: ReferenceDraft, row: int, _p: list[str]) -> dict[str, Any]:
    tiers = d.items("usage_buckets")[row].get("tiers") or []
    last = tiers[-1]["threshold"] if tiers else "0"
    try:
        threshold = str(int(float(last) * 2) or 1)
    except ValueError:
        threshold = "1"
    return {"threshold": threshold, "flat_charge": "0"}


def counted_names(d: ReferenceDraft, row: int, packages: list[str]) -> list[str]:
    """What a counting rule can count: package names or service names."""
    rule = d.items("counting_rules")[row]
    return list(packages) if rule.get("counts") == "packages" else _names(d, "services")


def _new_counted(d: ReferenceDraft, row: int, packages: list[str]) -> str:
    present = set(d.items("counting_rules")[row].get("items", []))
    choices = [n for n in counted_names(d, row, packages) if n not in present]
    return _first(choices) or Refusal("Everything there is to count is already in the rule.")


def _new_counted_status(d: ReferenceDraft, row: int, _p: list[str]) -> str:
    present = set(d.items("counting_rules")[row].get("statuses", []))
    return _first([s for s in _names(d, "statuses") if s not in present]) or Refusal(
        "Every status is already counted."
    )


def _new_country(d: ReferenceDraft, row: int, _p: list[str]) -> str:
    present = set(d.items("price_books")[row].get("countries", []))
    free = [c for c in ("US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "AU") if c not in present]
    return free[0] if free else ""


def _simple(kind: str, base: str, **extra: Any) -> Factory:
    def make(d: ReferenceDraft, _p: list[str]) -> dict[str, Any]:
        key = "code" if kind in ("price_books", "promo_codes") else "name"
        return {key: unique(base, _names(d, kind)), **extra}

    return make


NAME = Column(("name",), "Name", required=True)
STATUS = Column(None, "Status", "ref", required=True, ref="statuses")

SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        "currencies",
        "Currencies",
        (
            Column(("code",), "Code", "code", required=True, tip="ISO 4217, three capitals"),
            Column(
                ("minor_units",),
                "Minor units",
                "int",
                required=True,
                maximum=4,
                tip="Decimals an amount may have (2 for USD, 0 for JPY)",
            ),
            Column(("name",), "Name"),
        ),
        _new_currency,
    ),
    KindSpec(
        "price_books",
        "Price Books",
        (
            Column(("code",), "Code", required=True),
            Column(("name",), "Name", required=True),
        ),
        lambda d, p: {
            "code": unique("new-book", _names(d, "price_books")),
            "name": unique("New price book", [b["name"] for b in d.items("price_books")]),
        },
        nested=(
            NestedSpec(
                "countries",
                "Countries",
                (Column(None, "Country", "country", required=True, tip="ISO 3166, two capitals"),),
                _new_country,
            ),
        ),
        note="The price book 'standard' is the one every other price book falls back to.",
    ),
    KindSpec(
        "statuses",
        "Statuses",
        (
            NAME,
            Column(
                ("cancelled",),
                "Cancelled",
                "bool?",
                tip="Cancelled services are never charged nor counted",
            ),
        ),
        _simple("statuses", "New status"),
    ),
    KindSpec(
        "transitions",
        "Transitions",
        (
            NAME,
            Column(("from",), "From", "ref", required=True, ref="statuses"),
            Column(("to",), "To", "ref", required=True, ref="statuses"),
        ),
        _new_transition,
    ),
    KindSpec(
        "services",
        "Services",
        (
            NAME,
            Column(("base_type",), "Base type", "enum", required=True, choices=BASE_TYPES),
            Column(("gl_code",), "GL code"),
            Column(("tax_category",), "Tax category"),
            Column(("tax_inclusive",), "Tax inclusive", "bool?"),
            Column(("unit",), "Unit", tip="Usage services: the unit usage is rated in"),
        ),
        _simple("services", "New service", base_type="recurring"),
        note="Transition charges need a service whose base type is Fee; one-time charges a "
        "One time service.",
    ),
    KindSpec(
        "tax_rates",
        "Tax Rates",
        (
            Column(("category",), "Category", required=True),
            Column(("country",), "Country", "country", required=True),
            Column(("rate",), "Rate", "rate", required=True, tip="0.07 for 7 %"),
        ),
        _new_tax_rate,
    ),
    KindSpec(
        "rate_plans",
        "Rate Plans",
        (NAME,),
        _simple("rate_plans", "New rate plan", rates=[]),
        nested=(
            NestedSpec(
                "rates",
                "Rates",
                (
                    Column(("service",), "Service", "ref", required=True, ref="services"),
                    Column(("currency",), "Currency", "ref", required=True, ref="currencies"),
                    Column(
                        ("per_unit",),
                        "Per unit",
                        "money",
                        required=True,
                        currency_path=("currency",),
                    ),
                ),
                _new_rate,
            ),
        ),
    ),
    KindSpec(
        "usage_buckets",
        "Usage Buckets",
        (
            NAME,
            Column(("service",), "Service", "ref", required=True, ref="services"),
            Column(("unit",), "Unit", required=True),
        ),
        _new_bucket,
        nested=(
            NestedSpec(
                "tiers",
                "Tiers",
                (
                    Column(("threshold",), "Threshold", "quantity", required=True),
                    Column(("flat_charge",), "Flat charge", "money", required=True),
                ),
                _new_bucket_tier,
                note="Usage up to a threshold costs that tier's flat charge.",
            ),
        ),
    ),
    KindSpec(
        "counting_rules",
        "Counting Rules",
        (
            NAME,
            Column(("counts",), "Counts", "enum", required=True, choices=COUNTS),
        ),
        _simple("counting_rules", "New counting rule", counts="services", items=[], statuses=[]),
        nested=(
            NestedSpec(
                "items",
                "Counted packages or services",
                (Column(None, "Item", "ref", required=True, ref="counted"),),
                _new_counted,
            ),
            NestedSpec("statuses", "Counted statuses", (STATUS,), _new_counted_status),
        ),
    ),
    KindSpec(
        "contracts",
        "Contracts",
        (
            NAME,
            Column(("term_months",), "Term (months)", "int", required=True, minimum=1, maximum=600),
            Column(("early_termination_fee",), "Early termination fee", "money", required=True),
            Column(("gl_code",), "GL code"),
        ),
        _simple("contracts", "New contract", term_months=12, early_termination_fee="0"),
    ),
    KindSpec("companies", "Companies", (NAME,), _simple("companies", "New company")),
    KindSpec(
        "custom_fields",
        "Custom Fields",
        (
            NAME,
            Column(("entity",), "Entity", "enum", required=True, choices=ENTITIES),
            Column(("type",), "Type", "enum", required=True, choices=FIELD_TYPES),
            Column(("required",), "Required", "bool"),
        ),
        _simple(
            "custom_fields", "New field", entity="package_frequency", type="text", required=False
        ),
        nested=(
            NestedSpec(
                "options",
                "Options",
                (Column(None, "Option", required=True),),
                lambda d, r, p: unique("Option", d.items("custom_fields")[r].get("options", [])),
                note="Only fields of type Choice use options.",
            ),
        ),
        note="Fields whose entity is Package Frequency appear on the frequency's Custom "
        "Fields tab.",
    ),
    KindSpec(
        "promo_codes",
        "Promo Codes",
        (
            Column(("code",), "Code", required=True),
            Column(
                ("discount", "type"), "Discount type", "enum", required=True, choices=DISCOUNT_TYPES
            ),
            Column(("discount", "amount"), "Amount", "money", required=True),
            Column(("discount", "period_months"), "Months", "int?", minimum=1, maximum=9999),
            Column(("discount", "period_days"), "Days", "int?", minimum=1, maximum=99999),
            Column(("discount", "prorate"), "Prorate", "bool?"),
            Column(
                ("discount", "status"), "Status", "ref?", ref="statuses", none_label="Any status"
            ),
            Column(("discount", "gl_code"), "GL code"),
            Column(("discount", "start"), "Start", "date?"),
            Column(("discount", "end"), "End", "date?"),
        ),
        _simple("promo_codes", "NEWCODE", discount={"type": "percent", "amount": "10"}),
        note="A discount of type Promo Code on a service uses the code's configuration.",
    ),
    KindSpec(
        "price_plans",
        "Price Plans",
        (NAME,),
        _simple("price_plans", "New price plan", prices=[]),
        nested=(
            NestedSpec(
                "prices",
                "Prices",
                (
                    Column(("service",), "Service", "ref", required=True, ref="services"),
                    Column(
                        ("status",), "Status", "ref?", ref="statuses", none_label="Every status"
                    ),
                    Column(("currency",), "Currency", "ref", required=True, ref="currencies"),
                    Column(
                        ("amount",), "Amount", "money", required=True, currency_path=("currency",)
                    ),
                ),
                _new_price,
            ),
        ),
    ),
)

SPEC = {spec.kind: spec for spec in SPECS}
