"""Price resolution (seed 004, "Important"): for one account-service, first hit wins.

1. a custom price set on the account-service (``account_service``);
2. the account's price plan, if it defines an alternate price for the service (and status)
   (``price_plan``);
3. the package frequency's price in the account's price book and currency (``catalog``);
4. the same in the standard price book (``catalog_standard``).

Free statuses stay free (docs/billing-rules.md, decision 10): a price without a status replaces
the price beneath it only where that price is above zero. A price-plan price without a status
replaces the catalog price where the catalog charges; a custom price replaces what steps 2 to 4
give (the plan's price when the plan prices the status, else the catalog's) where that is above
zero, so a status the plan makes free stays free, and one the plan charges for in spite of a
free catalog takes the custom price. A price-plan price for a named status applies to that
status whatever the catalog says. Statuses without any price are not charged. Custom and
price-plan prices are flat: they replace tiers too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.engine.money import ZERO
from app.engine.snapshot import (
    STANDARD_BOOK,
    Catalog,
    OneTimeCharge,
    PackageFrequency,
    RecurringCharge,
    Tier,
)

ACCOUNT_SERVICE = "account_service"
PRICE_PLAN = "price_plan"
CATALOG = "catalog"
CATALOG_STANDARD = "catalog_standard"


@dataclass(frozen=True, slots=True)
class Price:
    """A resolved price per unit: flat ``amount``, or ``tiers`` (catalog prices only)."""

    source: str
    amount: Decimal | None
    tiers: tuple[Tier, ...] | None
    book: str | None
    label: str

    @property
    def free(self) -> bool:
        if self.tiers is not None:
            return all(not t.amount for t in self.tiers)
        return not self.amount


@dataclass(frozen=True, slots=True)
class _CatalogPrice:
    amount: Decimal | None
    tiers: tuple[Tier, ...] | None
    book: str
    source: str


def _catalog_recurring(frequency: PackageFrequency, book: str, currency: str, service: str,
                       status: str) -> _CatalogPrice | None:
    """Steps 3 and 4, status by status: the account's book, then the standard book."""
    tiered = frequency.tiering != "none"
    books = (book,) if book == STANDARD_BOOK else (book, STANDARD_BOOK)
    for code in books:
        charges = frequency.charges(code, currency)
        row: RecurringCharge | None = None if charges is None else charges.recurring.get(service)
        if row is None:
            continue
        source = CATALOG if code == book else CATALOG_STANDARD
        if tiered:
            tiers = row.tiers.get(status)
            if tiers is not None:
                return _CatalogPrice(None, tiers, code, source)
        amount = row.amounts.get(status)
        if amount is not None:
            return _CatalogPrice(amount, None, code, source)
    return None


def _catalog_one_time(frequency: PackageFrequency, book: str, currency: str,
                      service: str) -> _CatalogPrice | None:
    tiered = frequency.tiering != "none"
    books = (book,) if book == STANDARD_BOOK else (book, STANDARD_BOOK)
    for code in books:
        charges = frequency.charges(code, currency)
        row: OneTimeCharge | None = None if charges is None else charges.one_time.get(service)
        if row is None:
            continue
        source = CATALOG if code == book else CATALOG_STANDARD
        if tiered and row.tiers is not None:
            return _CatalogPrice(None, row.tiers, code, source)
        if row.amount is not None:
            return _CatalogPrice(row.amount, None, code, source)
        if row.tiers is not None:  # tiers on an untiered frequency: the first tier's price
            return _CatalogPrice(row.tiers[0].amount, None, code, source)
    return None


def _catalog_label(found: _CatalogPrice, book: str, currency: str) -> str:
    if found.source == CATALOG:
        return f"catalog price ({found.book}, {currency})"
    return f"standard catalog price ({STANDARD_BOOK}, {currency}; none in price book '{book}')"


def _resolve(catalog: Catalog, found: _CatalogPrice | None, service: str, status: str | None,
             custom: Decimal | None, plan_name: str | None, book: str,
             currency: str) -> Price | None:
    plan = catalog.price_plans.get(plan_name) if plan_name is not None else None
    base: Price | None = None  # steps 2 to 4: what the account pays without its custom price
    if plan is not None:
        explicit = plan.prices.get((service, status, currency)) if status is not None else None
        if explicit is not None:
            base = Price(PRICE_PLAN, explicit, None, None, f"price plan '{plan.name}' ({status})")
        elif found is not None and not _free(found):
            any_status = plan.prices.get((service, None, currency))
            if any_status is not None:
                base = Price(PRICE_PLAN, any_status, None, None,
                             f"price plan '{plan.name}' (every status)")
    if base is None and found is not None:
        base = Price(found.source, found.amount, found.tiers, found.book,
                     _catalog_label(found, book, currency))
    if custom is not None and base is not None and not base.free:
        return Price(ACCOUNT_SERVICE, custom, None, None, "custom price on the account-service")
    return base


def _free(found: _CatalogPrice) -> bool:
    if found.tiers is not None:
        return all(not t.amount for t in found.tiers)
    return not found.amount or found.amount == ZERO


def resolve_recurring(catalog: Catalog, frequency: PackageFrequency, book: str, currency: str,
                      plan: str | None, service: str, status: str,
                      custom: Decimal | None) -> Price | None:
    """The recurring price per unit of ``service`` in ``status``; ``None``: not charged."""
    key = ("recurring", frequency.name, book, currency, plan, service, status, custom)
    memo = catalog.memo
    if key in memo:
        cached: Price | None = memo[key]
        return cached
    found = _catalog_recurring(frequency, book, currency, service, status)
    price = _resolve(catalog, found, service, status, custom, plan, book, currency)
    memo[key] = price
    return price


def resolve_one_time(catalog: Catalog, frequency: PackageFrequency, book: str, currency: str,
                     plan: str | None, service: str, status: str | None,
                     custom: Decimal | None) -> Price | None:
    """The one-time price per unit of ``service`` (``status``: its status when billed)."""
    found = _catalog_one_time(frequency, book, currency, service)
    return _resolve(catalog, found, service, status, custom, plan, book, currency)
