"""What one simulation knows while it assembles a bill.

- :class:`ServiceTerms`: what the catalog says about one service of a package frequency for the
  account's price book and currency (the rows in force, settings after price book overrides,
  the usage bucket and rate, the transition charges), worked out once per catalog.
- :class:`Run`: one simulation's lookups over the account (its holdings by service, usage by
  account-service, remembered prices, counts and discount schedules).
- :class:`PackagePeriod`: one package period of one account-package: its bounds and where its
  lines go (recurring and usage charges on the bill of the period's first day of service, event
  charges on the bill of the event's day).
- Small helpers every charge uses: the proration with its one rounding, and the texts of the
  explanations ("Active 2026-02-01..2026-03-01, 28/28 days").
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from app.engine.bill import BillLine
from app.engine.discounts import ScheduledDiscount
from app.engine.money import ZERO, format_amount, round_money
from app.engine.periods import Period
from app.engine.pricing import Price, resolve_recurring
from app.engine.scenario import Account, AccountPackage, AccountService, UsageRecord
from app.engine.snapshot import (
    STANDARD_BOOK,
    BucketTier,
    Catalog,
    CountingRule,
    Currency,
    OneTimeCharge,
    Package,
    PackageFrequency,
    RecurringCharge,
    Service,
    TransitionCharge,
)
from app.engine.tiers import counting_rule_count
from app.engine.usage import UsageRate, choose_rate

if TYPE_CHECKING:
    from app.engine.one_time import PendingOneTime

ONE_DAY = dt.timedelta(days=1)

# A bill's lines while it is assembled: one-time charges keep their place (None) until they
# are priced, then become the tuple of their lines.
Slot = BillLine | tuple[BillLine, ...] | None


@dataclass(frozen=True, slots=True)
class ServiceTerms:
    """What the catalog says about one service of a package frequency, for one price book and
    currency: the rows in force (the account's book, else the standard book) and the settings
    resolved through the price book's overrides."""

    service: Service
    row: RecurringCharge | None
    row_book: str
    gl_code: str | None
    tax_category: str | None
    tax_inclusive: bool
    bucket_name: str | None
    bucket_tiers: tuple[BucketTier, ...] | None
    bucket_unit: str | None
    rate: UsageRate | None
    one_time: OneTimeCharge | None
    one_time_gl: str | None
    one_time_tax_category: str | None
    one_time_tax_inclusive: bool
    transitions: tuple[tuple[TransitionCharge, str], ...]
    recurs: bool  # has recurring charges (a recurring row, and not a one-time service)
    discounted: bool
    is_usage: bool
    is_one_time: bool


def service_terms(catalog: Catalog, frequency: PackageFrequency, book: str, currency: str,
                  name: str) -> ServiceTerms:
    """The :class:`ServiceTerms` of service ``name`` (remembered in the catalog's memo)."""
    key = ("terms", frequency.name, book, currency, name)
    found: ServiceTerms | None = catalog.memo.get(key)
    if found is not None:
        return found
    service = catalog.services[name]
    row, row_book = frequency.recurring_row(book, currency, name)
    settings = row.settings if row is not None else None
    bucket_name = bucket_tiers = bucket_unit = None
    if row is not None and row.usage_bucket is not None:
        setting = row.usage_bucket
        bucket = catalog.usage_buckets[setting.bucket]
        bucket_name = bucket.name
        bucket_tiers = setting.tiers or bucket.tiers
        bucket_unit = setting.unit or bucket.unit
    one_time, _ = frequency.one_time_row(book, currency, name)
    ot = one_time.settings if one_time is not None else None
    terms = ServiceTerms(
        service, row, row_book,
        _pick(settings.gl_code if settings else None, service.gl_code),
        _pick(settings.tax_category if settings else None, service.tax_category),
        _pick_bool(settings.tax_inclusive if settings else None, service.tax_inclusive),
        bucket_name, bucket_tiers, bucket_unit,
        choose_rate(catalog, frequency, row, name, currency) if service.base_type == "usage"
        else None,
        one_time,
        _pick(ot.gl_code if ot else None, service.gl_code),
        _pick(ot.tax_category if ot else None, service.tax_category),
        _pick_bool(ot.tax_inclusive if ot else None, service.tax_inclusive),
        transition_charges(catalog, frequency, book, currency).get(name, ()),
        row is not None and service.base_type != "one_time",
        row is not None and bool(row.discounts),
        service.base_type == "usage",
        service.base_type == "one_time",
    )
    catalog.memo[key] = terms
    return terms


def _pick(override: str | None, own: str | None) -> str | None:
    return override if override is not None else own


def _pick_bool(override: bool | None, own: bool) -> bool:
    return override if override is not None else own


def transition_charges(catalog: Catalog, frequency: PackageFrequency, book: str,
                       currency: str) -> dict[str, tuple[tuple[TransitionCharge, str], ...]]:
    """Transition charges by service: the account's book's, else the standard book's, per
    (service, transition)."""
    key = ("transitions", frequency.name, book, currency)
    found: dict[str, tuple[tuple[TransitionCharge, str], ...]] | None = catalog.memo.get(key)
    if found is not None:
        return found
    chosen: dict[tuple[str, str], tuple[TransitionCharge, str]] = {}
    books = (book,) if book == STANDARD_BOOK else (book, STANDARD_BOOK)
    for code in books:
        charges = frequency.charges(code, currency)
        for tc in charges.transitions if charges is not None else ():
            chosen.setdefault((tc.service, tc.transition), (tc, code))
    by_service: dict[str, list[tuple[TransitionCharge, str]]] = {}
    for (service, _), entry in chosen.items():
        by_service.setdefault(service, []).append(entry)
    result = {s: tuple(v) for s, v in by_service.items()}
    catalog.memo[key] = result
    return result


class Run:
    """One simulation: the account's lookups, built once."""

    def __init__(self, catalog: Catalog, account: Account) -> None:
        self.catalog = catalog
        self.account = account
        self.currency: Currency = catalog.currencies[account.currency]
        self.q = self.currency.quantum
        self.m = self.currency.minor_units
        self.holdings = [(ap, svc) for ap in account.packages for svc in ap.services]
        by_service: dict[str, list[tuple[AccountPackage, AccountService]]] = {}
        for ap, svc in self.holdings:
            by_service.setdefault(svc.service, []).append((ap, svc))
        for entries in by_service.values():
            entries.sort(key=lambda e: (e[1].start, e[1].id))
        self.by_service = by_service
        usage: dict[str, list[UsageRecord]] = {}
        for record in account.usage:
            usage.setdefault(record.service_id, []).append(record)
        self.usage = usage
        self.notes: list[str] = [str(w) for w in account.warnings]
        self.schedules: dict[str, tuple[tuple[ScheduledDiscount, str], ...]] = {}
        self._money: dict[Decimal, str] = catalog.memo.setdefault(("money", self.m), {})
        self.prices: dict[tuple[str, str], tuple[Price, Priced] | None] = {}
        self._counts: dict[tuple[str, dt.date], int] = {}
        # The bills being assembled (set by the invoice): their first days, the end of the
        # last one, and per bill its lines and its one-time charges waiting for a price.
        self.bill_starts: list[dt.date] = []
        self.bills_end = dt.date.min
        self.bill_lines: list[list[Slot]] = []
        self.bill_pending: list[list[PendingOneTime]] = []
        self.version_runs: dict[int, Run] = {}  # per catalog version (app.engine.versioned)

    def bill_of(self, day: dt.date) -> int | None:
        """The index of the simulated bill whose dates contain ``day`` (``None``: none does)."""
        starts = self.bill_starts  # never empty here: a package is billed only onto bills
        if day >= self.bills_end or day < starts[0]:
            return None
        return bisect_right(starts, day) - 1

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def money(self, amount: Decimal) -> str:
        text = self._money.get(amount)
        if text is None:
            text = self._money[amount] = format_amount(amount, self.m)
        return text

    def working(self, amount: Decimal) -> str:
        """A working amount of an explanation, rounded to the currency for reading."""
        return self.money(round_money(amount, self.q))

    def count(self, rule: CountingRule, day: dt.date) -> int:
        """What ``rule`` counts on ``day`` (remembered: every line of a period asks)."""
        key = (rule.name, day)
        found = self._counts.get(key)
        if found is None:
            found = self._counts[key] = counting_rule_count(self.catalog, rule, self.holdings,
                                                            day)
        return found


class PackagePeriod:
    """One package period of one account-package: where its lines go and what bounds them.

    ``live_start..live_end`` is the part of the period in which the package is live (from its
    start, until its cancellation).
    """

    __slots__ = ("run", "ap", "frequency", "package", "rollup", "held", "period", "p_days",
                 "live_start", "live_end", "out", "span", "whole", "version", "version_note")

    def __init__(self, run: Run, ap: AccountPackage, frequency: PackageFrequency,
                 package: Package, held: tuple[bool, dt.date | None], period: Period,
                 live_start: dt.date, live_end: dt.date, out: list[Slot]) -> None:
        self.run = run
        self.ap = ap
        self.frequency = frequency
        self.package = package
        self.rollup = package.name if package.rollup_services else None
        self.held = held
        self.period = period
        self.p_days = (period.end - period.start).days
        self.live_start = live_start
        self.live_end = live_end
        self.out = out
        self.span = f"{period.start}..{period.end}"
        self.whole: dict[str, str] = {}
        self.version: str | None = None  # the catalog version pricing it (versioned catalogs)
        self.version_note = ""  # "; catalog version 2027-01-01, price for new subscriptions..."

    def event_out(self, day: dt.date) -> list[Slot] | None:
        """Where an event charge of ``day`` goes (a transition or penalty, an early-termination
        fee): the bill whose dates contain that day, whatever the package period (``None``: a
        bill outside the simulation)."""
        index = self.run.bill_of(day)
        return None if index is None else self.run.bill_lines[index]


def stretch_text(status: str, start: dt.date, end: dt.date, here: PackagePeriod) -> str:
    """``Active 2026-02-01..2026-03-01, 28/28 days`` (``... of <period>`` for part of it)."""
    period = here.period
    if start == period.start and end == period.end:
        whole = here.whole.get(status)
        if whole is None:
            whole = here.whole[status] = f"{status} {here.span}, {here.p_days}/{here.p_days} days"
        return whole
    return f"{status} {start}..{end}, {(end - start).days}/{here.p_days} days of {here.span}"


def prorate(full: Decimal, days: int, p_days: int, q: Decimal) -> Decimal:
    """``full x days / p_days``, rounded once (a whole period needs no division)."""
    return round_money(full if days == p_days else full * days / p_days, q)


def units_text(quantity: int) -> str:
    """``" x 3 units"`` (nothing for one unit)."""
    return "" if quantity == 1 else f" x {quantity} units"


class Priced(NamedTuple):
    """A flat recurring price worked out once per account-service and status."""

    unit: Decimal
    full: Decimal  # unit x quantity, per full period
    quantity: Decimal
    text: str  # "catalog price (standard, USD) 50.00 x 3 units"


UNKNOWN: Any = object()


def flat_price(run: Run, frequency: PackageFrequency, svc: AccountService,
               status: str) -> tuple[Price, Priced] | None:
    """The price of ``svc`` in ``status`` (``None``: not charged) with its flat-price text."""
    account = run.account
    price = resolve_recurring(run.catalog, frequency, account.price_book, account.currency,
                              account.price_plan, svc.service, status, svc.price)
    if price is None:
        return None
    unit = price.amount if price.amount is not None else ZERO
    return price, Priced(unit, unit * svc.quantity, as_units(svc.quantity),
                         f"{price.label} {run.money(unit)}{units_text(svc.quantity)}")


_COUNTS = tuple(Decimal(n) for n in range(64))


def as_units(n: int) -> Decimal:
    """A whole number of units as a ``Decimal`` (small ones made once)."""
    return _COUNTS[n] if n < 64 else Decimal(n)
