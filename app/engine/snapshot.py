"""The catalog snapshot: frozen dataclasses of a whole catalog.

The snapshot is immutable and keyed by name everywhere the billing rules look something up,
so a simulation never searches a list. It is built once from the exchange format's catalog
document by :mod:`app.engine.catalog_loader` (the database goes through the same document,
see ``app.catalog.database.store``) and can be shared by any number of simulations, on any thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.engine.periods import BillFrequency
from app.engine.problems import BRACKET_NEEDS_COUNTING_RULE, Problem, ScenarioError

STANDARD_BOOK = "standard"


class CatalogError(ScenarioError):
    """A catalog document the engine cannot follow; ``problems`` names every fault."""


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    minor_units: int
    quantum: Decimal


@dataclass(frozen=True, slots=True)
class PriceBook:
    code: str
    name: str
    countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Status:
    name: str
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Transition:
    """A named move between two statuses (e.g. activation: Pre-Active -> Active)."""

    name: str
    from_status: str
    to_status: str


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    base_type: str  # recurring, one_time, fee, usage
    gl_code: str | None = None
    tax_category: str | None = None
    tax_inclusive: bool = False
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class RatePlan:
    name: str
    rates: Mapping[tuple[str, str], Decimal]  # (service, currency) -> per unit


@dataclass(frozen=True, slots=True)
class BucketTier:
    threshold: Decimal
    flat_charge: Decimal


@dataclass(frozen=True, slots=True)
class UsageBucket:
    name: str
    service: str
    unit: str
    tiers: tuple[BucketTier, ...]


@dataclass(frozen=True, slots=True)
class CountingRule:
    """Counts ``packages`` or ``services`` (``items``; empty: all) in ``statuses`` (empty: any
    non-cancelled status)."""

    name: str
    counts: str
    items: frozenset[str]
    statuses: frozenset[str]


@dataclass(frozen=True, slots=True)
class Contract:
    name: str
    term_months: int
    early_termination_fee: Decimal
    gl_code: str | None = None  # of the early termination fee line


@dataclass(frozen=True, slots=True)
class DiscountConfig:
    """What a promo code gives."""

    type: str
    amount: Decimal
    period_months: int | None = None
    period_days: int | None = None
    prorate: bool | None = None
    status: str | None = None
    gl_code: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PromoCode:
    code: str
    discount: DiscountConfig


@dataclass(frozen=True, slots=True)
class PricePlan:
    name: str
    prices: Mapping[tuple[str, str | None, str], Decimal]  # (service, status|None, currency)


@dataclass(frozen=True, slots=True)
class Tier:
    """``end`` is the inclusive upper unit count; ``None`` for the open-ended last tier."""

    end: int | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """Overrides of a service's settings in one price book; ``None`` keeps the service's own."""

    gl_code: str | None = None
    tax_category: str | None = None
    rate_plan: str | None = None
    tax_inclusive: bool | None = None


NO_SETTINGS = ServiceSettings()


@dataclass(frozen=True, slots=True)
class UsageBucketSetting:
    bucket: str
    unit: str | None = None
    tiers: tuple[BucketTier, ...] | None = None


@dataclass(frozen=True, slots=True)
class Discount:
    """A discount on a recurring row, with a promo code's configuration already merged in.

    ``position`` is its place in the row's configured order (1-based), ``path`` its JSON path.
    """

    kind: str
    name: str
    promo_code: str | None
    gl_code: str | None
    active: bool
    start: dt.date
    end: dt.date | None
    prorate: bool
    status: str | None
    type: str  # fixed, percent, price
    amount: Decimal
    period_months: int | None
    period_days: int | None
    position: int = 1


@dataclass(frozen=True, slots=True)
class RecurringCharge:
    service: str
    amounts: Mapping[str, Decimal]
    tiers: Mapping[str, tuple[Tier, ...]]
    settings: ServiceSettings = NO_SETTINGS
    usage_bucket: UsageBucketSetting | None = None
    discounts: tuple[Discount, ...] = ()


@dataclass(frozen=True, slots=True)
class Penalty:
    amount: Decimal
    threshold_months: int | None = None
    threshold_days: int | None = None

    def describe(self) -> str:
        if self.threshold_days is not None:
            return f"{self.threshold_days} day(s)"
        return f"{self.threshold_months or 0} month(s)"


@dataclass(frozen=True, slots=True)
class TransitionCharge:
    service: str
    transition: str
    charge_service: str
    amount: Decimal
    penalty: Penalty | None = None


@dataclass(frozen=True, slots=True)
class OneTimeCharge:
    service: str
    amount: Decimal | None
    tiers: tuple[Tier, ...] | None
    settings: ServiceSettings = NO_SETTINGS


@dataclass(frozen=True, slots=True)
class Charges:
    """The charges of one package frequency in one price book and currency."""

    recurring: Mapping[str, RecurringCharge]
    transitions: tuple[TransitionCharge, ...]
    one_time: Mapping[str, OneTimeCharge]


EMPTY_CHARGES = Charges({}, (), {})


@dataclass(frozen=True, slots=True)
class PackageFrequency:
    name: str
    package: str
    sku: str | None
    active: bool
    bill_frequency: BillFrequency
    contract: str | None
    rate_plan: str | None
    tiering: str  # none, bracket, progressive
    counting_rule: str | None
    currencies: frozenset[str]
    price_books: Mapping[str, Mapping[str, Charges]]  # book code -> currency -> charges

    def charges(self, book: str, currency: str) -> Charges | None:
        per_currency = self.price_books.get(book)
        return None if per_currency is None else per_currency.get(currency)

    def recurring_row(self, book: str, currency: str,
                      service: str) -> tuple[RecurringCharge | None, str]:
        """The recurring row of ``service``: the account's price book's, else the standard
        book's (its discounts, settings and usage bucket come with it); and that book's code."""
        charges = self.charges(book, currency)
        row = None if charges is None else charges.recurring.get(service)
        if row is None and book != STANDARD_BOOK:
            charges = self.charges(STANDARD_BOOK, currency)
            row = None if charges is None else charges.recurring.get(service)
            if row is not None:
                return row, STANDARD_BOOK
        return row, book

    def one_time_row(self, book: str, currency: str,
                     service: str) -> tuple[OneTimeCharge | None, str]:
        """The one-time row of ``service`` in the account's book, else in the standard book."""
        charges = self.charges(book, currency)
        row = None if charges is None else charges.one_time.get(service)
        if row is None and book != STANDARD_BOOK:
            charges = self.charges(STANDARD_BOOK, currency)
            row = None if charges is None else charges.one_time.get(service)
            if row is not None:
                return row, STANDARD_BOOK
        return row, book


@dataclass(frozen=True, slots=True)
class Package:
    name: str
    enabled: bool
    company: str | None
    rollup_services: bool
    billing_activation_service: str | None
    services: tuple[str, ...]
    frequencies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Catalog:
    """An immutable catalog, every kind keyed by name (or code)."""

    currencies: Mapping[str, Currency]
    price_books: Mapping[str, PriceBook]
    statuses: Mapping[str, Status]
    transitions: Mapping[str, Transition]
    services: Mapping[str, Service]
    tax_rates: Mapping[tuple[str, str], Decimal]  # (category, country) -> rate
    rate_plans: Mapping[str, RatePlan]
    usage_buckets: Mapping[str, UsageBucket]
    counting_rules: Mapping[str, CountingRule]
    contracts: Mapping[str, Contract]
    promo_codes: Mapping[str, PromoCode]
    price_plans: Mapping[str, PricePlan]
    packages: Mapping[str, Package]
    frequencies: Mapping[str, PackageFrequency]
    active_statuses: frozenset[str] = field(default_factory=frozenset)
    cancelled: frozenset[str] = field(default_factory=frozenset)  # statuses meaning cancelled
    # Memo of derived lookups (resolved prices per frequency, book, currency...). The snapshot
    # itself never changes, so entries never go stale; concurrent fills write equal values.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)
    # The catalog's versions (app.engine.versions.CatalogVersion), oldest first; empty for a
    # catalog without a ``versions`` section (one version). The first is this catalog itself.
    versions: tuple[Any, ...] = field(default=(), compare=False, repr=False)

    def is_cancelled(self, status: str) -> bool:
        return status in self.cancelled

    def counting_rule_of(self, frequency: PackageFrequency) -> CountingRule:
        """The counting rule of a bracket ``frequency`` (the loader refuses a bracket frequency
        without one, as validation does)."""
        name = frequency.counting_rule
        if name is None:
            raise CatalogError([Problem(f"package frequency '{frequency.name}'",
                                        BRACKET_NEEDS_COUNTING_RULE)])
        return self.counting_rules[name]
