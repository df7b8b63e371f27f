"""Shadow billing: what Kill Bill bills for an exported catalog, by its documented semantics.

A small evaluator of the Kill Bill catalog XML we write, used to check that a subscriber billed
by Kill Bill pays what our simulator shows (the pre-publish check and the tests compare the
two, period by period). It follows Kill Bill's documented rules for what our export uses:

- a subscription's phases follow one another from its start, each for its duration (the last
  one for ever); Kill Bill finds a phase by its name ``<plan>-<type>``, so a plan with two
  phases of one type is billed with the first one's prices (reproduced here);
- a phase's fixed price is billed once, when the subscription enters the phase;
- recurring prices are billed in advance for each billing period, prorated by days where a
  phase boundary falls inside a period;
- CONSUMABLE usage is billed in arrear for the units recorded in the period, by its tiers
  (ALL_TIERS: each tier's blocks in turn; TOP_TIER: every unit at the tier the total reaches);
- a subscription bought with a quantity is billed that many times.

Periods are calendar periods from the subscription's start (billing aligned on the account's
bill day, here the start day). Prices missing in the subscription's currency are an error, as
at invoice time in Kill Bill (``CAT_NO_PRICE_FOR_CURRENCY``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import defusedxml.ElementTree as DET

from app.engine import Catalog
from app.engine.periods import add_months

_PERIOD_MONTHS = {
    "MONTHLY": 1, "BIMESTRIAL": 2, "QUARTERLY": 3, "TRIANNUAL": 4, "BIANNUAL": 6, "ANNUAL": 12,
    "BIENNIAL": 24,
}  # fmt: skip
_PERIOD_DAYS = {"WEEKLY": 7, "DAILY": 1, "BIWEEKLY": 14, "THIRTY_DAYS": 30, "SIXTY_DAYS": 60,
                "NINETY_DAYS": 90}  # fmt: skip


class NoPriceForCurrency(Exception):
    """Kill Bill's CAT_NO_PRICE_FOR_CURRENCY: a billed section has no price in a currency."""


@dataclass
class _Tier:
    size: Decimal
    max: Decimal
    prices: dict[str, Decimal]


@dataclass
class _UsageSection:
    unit: str
    policy: str
    tiers: list[_Tier]


@dataclass
class PhaseModel:
    type: str
    unit: str  # DAYS, WEEKS, MONTHS, YEARS, UNLIMITED
    number: int
    fixed: dict[str, Decimal] | None
    recurring: dict[str, Decimal] | None
    usages: list[_UsageSection] = field(default_factory=list)


@dataclass
class PlanModel:
    name: str
    pretty: str
    product: str
    period: str
    phases: list[PhaseModel]


def _prices(element: object | None) -> dict[str, Decimal] | None:
    if element is None:
        return None
    out = {}
    for price in element.iter("price"):  # type: ignore[attr-defined]
        out[price.findtext("currency", "")] = Decimal(price.findtext("value", "0"))
    return out


def read_plans(data: bytes) -> dict[str, PlanModel]:
    """The plans of a Kill Bill catalog XML, by name."""
    root = DET.fromstring(data)
    plans: dict[str, PlanModel] = {}
    for plan in root.iterfind("plans/plan"):
        phases = []
        period = "NO_BILLING_PERIOD"
        for phase in [*plan.iterfind("initialPhases/phase"), plan.find("finalPhase")]:
            if phase is None:
                continue
            number = phase.findtext("duration/number")
            recurring = phase.find("recurring")
            if recurring is not None:
                period = recurring.findtext("billingPeriod", period)
            usages = []
            for usage in phase.iterfind("usages/usage"):
                tiers = []
                unit = ""
                for block in usage.iterfind("tiers/tier/blocks/tieredBlock"):
                    unit = block.findtext("unit", "")
                    tiers.append(
                        _Tier(
                            Decimal(block.findtext("size", "1")),
                            Decimal(block.findtext("max", "-1")),
                            _prices(block.find("prices")) or {},
                        )
                    )
                usages.append(_UsageSection(unit, usage.get("tierBlockPolicy", "ALL_TIERS"), tiers))
                period = usage.findtext("billingPeriod", period) if recurring is None else period
            phases.append(
                PhaseModel(
                    str(phase.get("type")),
                    phase.findtext("duration/unit", "UNLIMITED"),
                    int(number) if number else 0,
                    _prices(phase.find("fixed/fixedPrice")),
                    _prices(recurring.find("recurringPrice")) if recurring is not None else None,
                    usages,
                )
            )
        name = str(plan.get("name"))
        plans[name] = PlanModel(
            name, str(plan.get("prettyName") or name), plan.findtext("product", ""), period, phases
        )
    return plans


def _after(start: dt.date, unit: str, number: int) -> dt.date | None:
    if unit == "DAYS":
        return start + dt.timedelta(days=number)
    if unit == "WEEKS":
        return start + dt.timedelta(weeks=number)
    if unit == "MONTHS":
        return add_months(start, number)
    if unit == "YEARS":
        return add_months(start, 12 * number)
    return None


def period_starts(period: str, start: dt.date, count: int) -> list[dt.date]:
    """The starts of ``count`` billing periods from ``start``, and the end of the last one."""
    if period in _PERIOD_DAYS:
        return [start + dt.timedelta(days=_PERIOD_DAYS[period] * k) for k in range(count + 1)]
    months = _PERIOD_MONTHS.get(period, 1)
    return [add_months(start, months * k) for k in range(count + 1)]


@dataclass(frozen=True)
class Subscription:
    """One subscription of a plan, bought ``quantity`` times; ``usage`` maps a unit to the
    units recorded in each billing period."""

    plan: str
    quantity: int = 1
    usage: dict[str, list[Decimal]] = field(default_factory=dict)


def _price(prices: dict[str, Decimal], currency: str, plan: str, what: str) -> Decimal:
    if currency not in prices:
        raise NoPriceForCurrency(f"plan {plan}: no {what} price in {currency}")
    return prices[currency]


def _usage_charge(section: _UsageSection, units: Decimal, currency: str, plan: str) -> Decimal:
    if units <= 0:
        return Decimal(0)
    if section.policy == "TOP_TIER":
        reached = section.tiers[-1]
        covered = Decimal(0)
        for tier in section.tiers:
            covered = Decimal(-1) if tier.max < 0 or covered < 0 else covered + tier.size * tier.max
            if covered < 0 or units <= covered:
                reached = tier
                break
        blocks = -(-units // reached.size)
        return blocks * _price(reached.prices, currency, plan, "usage")
    total = Decimal(0)
    left = units
    for tier in section.tiers:
        capacity = None if tier.max < 0 else tier.size * tier.max
        taken = left if capacity is None else min(left, capacity)
        blocks = -(-taken // tier.size)
        total += blocks * _price(tier.prices, currency, plan, "usage")
        left -= taken
        if left <= 0:
            break
    return total


def bill_subscription(
    plans: dict[str, PlanModel],
    sub: Subscription,
    currency: str,
    start: dt.date,
    periods: int,
    minor_units: int = 2,
) -> list[Decimal]:
    """The amount Kill Bill bills a subscription for each of its first ``periods`` billing
    periods (recurring in advance, usage of the period, fixed prices of phases entered)."""
    plan = plans[sub.plan]
    by_type: dict[str, PhaseModel] = {}
    for phase in plan.phases:
        by_type.setdefault(phase.type, phase)  # Kill Bill finds a phase by <plan>-<type>
    spans: list[tuple[dt.date, dt.date | None, PhaseModel]] = []
    at: dt.date | None = start
    for phase in plan.phases:
        if at is None:
            break
        end = _after(at, phase.unit, phase.number)
        spans.append((at, end, by_type[phase.type]))
        at = end
    bounds = period_starts(plan.period, start, periods)
    quantum = Decimal(1).scaleb(-minor_units)
    out = []
    for k in range(periods):
        a, b = bounds[k], bounds[k + 1]
        amount = Decimal(0)
        for s, e, phase in spans:
            if a <= s < b and phase.fixed:
                amount += _price(phase.fixed, currency, plan.name, "fixed")
            lo, hi = max(a, s), min(b, e) if e is not None else b
            if hi <= lo:
                continue
            if phase.recurring is not None:
                price = _price(phase.recurring, currency, plan.name, "recurring")
                line = price * Decimal((hi - lo).days) / Decimal((b - a).days)
                amount += line.quantize(quantum, rounding=ROUND_HALF_UP)
            for section in phase.usages:
                recorded = sub.usage.get(section.unit, [])
                if k < len(recorded) and s <= a and (e is None or a < e):
                    amount += _usage_charge(section, recorded[k], currency, plan.name)
        out.append(amount * sub.quantity)
    return out


# -- the same subscriber in our simulator --------------------------------------------------------

EXPRESSED_KINDS = frozenset({"recurring", "discount", "one_time", "usage"})
"""Bill line kinds the Kill Bill mapping carries (taxes, transition charges, penalties and
contract fees are reported as not expressed and left out of the comparison)."""


@dataclass(frozen=True)
class Scenario:
    """A subscriber of one frequency: ``services`` maps each service held to its quantity,
    all in the billing status from ``start`` (a bill day), for ``periods`` bills."""

    frequency: str
    currency: str
    book: str
    services: dict[str, int]
    start: dt.date
    periods: int
    status: str = "Active"

    def describe(self) -> str:
        held = ", ".join(f"{s}" if q == 1 else f"{q} x {s}" for s, q in self.services.items())
        return f"a subscriber with {'only ' if len(self.services) == 1 else ''}{held}"


def simulator_bill(catalog: Catalog, scenario: Scenario) -> list[Decimal]:
    """What our simulator bills ``scenario`` per period, counting only expressed kinds
    (``catalog`` from :func:`app.engine.catalog_from_document`)."""
    from app.engine import account_from_document, simulate

    account = {
        "format": "account", "version": 1,
        "account": {"name": "shadow", "country": "US", "currency": scenario.currency,
                    "price_book": scenario.book, "bill_day": scenario.start.day,
                    "price_plan": None, "promo_codes": []},
        "packages": [{
            "frequency": scenario.frequency, "start": scenario.start.isoformat(),
            "cancelled": None,
            "services": [
                {"id": f"s{i}", "service": name, "quantity": qty, "price": None,
                 "statuses": [{"status": scenario.status, "from": scenario.start.isoformat()}]}
                for i, (name, qty) in enumerate(scenario.services.items())
            ],
        }],
        "usage": [],
    }  # fmt: skip
    bill = simulate(catalog, account_from_document(account, catalog), scenario.start,
                    scenario.periods)  # fmt: skip
    return [
        sum((ln.amount for ln in p.lines if ln.kind in EXPRESSED_KINDS), Decimal(0))
        for p in bill.periods
    ]


def killbill_bill(
    plans: dict[str, PlanModel], subscriptions: list[Subscription], scenario: Scenario,
    minor_units: int = 2,
) -> list[Decimal]:  # fmt: skip
    """What Kill Bill bills the subscriptions per period of the first (base) plan."""
    totals = [Decimal(0)] * scenario.periods
    for sub in subscriptions:
        amounts = bill_subscription(
            plans, sub, scenario.currency, scenario.start, scenario.periods, minor_units
        )
        totals = [a + b for a, b in zip(totals, amounts, strict=True)]
    return totals


def read_units(data: bytes) -> dict[str, str]:
    """Unit names of a Kill Bill catalog by pretty name (our service names)."""
    root = DET.fromstring(data)
    return {str(u.get("prettyName") or u.get("name")): str(u.get("name"))
            for u in root.iterfind("units/unit")}  # fmt: skip


def recorded_usage(units: dict[str, str], held: dict[str, int], periods: int
                   ) -> dict[str, list[Decimal]]:  # fmt: skip
    """A subscriber's tiered services, recorded as usage each period (Kill Bill counts the
    units of a tiered price as usage recorded on the subscription)."""
    return {units[s]: [Decimal(q)] * periods for s, q in held.items() if s in units}


def subscriptions_for(
    base: str, addons: dict[str, str], plans: dict[str, PlanModel], units: dict[str, str],
    held: dict[str, int], periods: int, counted: frozenset[str] = frozenset(),
) -> list[Subscription]:  # fmt: skip
    """A subscriber's Kill Bill subscriptions under the add-on mapping: the base plan, and per
    service held its add-on plan (the base plan itself for a frequency of one service),
    bought ``quantity`` times (a tiered service instead records
    its quantity as usage, counted by the plan's tiers: the services in ``counted``)."""
    subs: list[Subscription] = []
    for service, qty in held.items():
        plan = addons.get(service)
        if plan is None:
            continue
        unit = units.get(service)
        if service in counted and unit is not None:
            subs.append(Subscription(plan, 1, {str(unit): [Decimal(qty)] * periods}))
        else:
            subs.append(Subscription(plan, qty))
    if not any(s.plan == base for s in subs):  # the base plan carries one service, or none
        subs.insert(0, Subscription(base))
    return subs


# -- the comparison, per frequency ---------------------------------------------------------------


def scenarios_for(doc: dict[str, Any], freq: dict[str, Any], book: str, currency: str
                  ) -> list[dict[str, int]]:  # fmt: skip
    """The subscribers a frequency is checked with: every service it prices, each recurring
    service alone, and the first one twice."""
    kinds = {s.get("name"): s.get("base_type") for s in doc.get("services") or []
             if isinstance(s, dict)}  # fmt: skip
    books = freq.get("price_books") if isinstance(freq.get("price_books"), dict) else {}
    recurring: list[str] = []
    one_time: list[str] = []
    for code in dict.fromkeys([book, "standard"]):
        cell = (books or {}).get(code, {}).get(currency) or {}
        for row in cell.get("recurring") or []:
            name = row.get("service")
            if kinds.get(name) == "recurring" and name not in recurring:
                recurring.append(name)
        for row in cell.get("one_time") or []:
            if row.get("service") not in one_time:
                one_time.append(row.get("service"))
    if not recurring and not one_time:
        return []
    out = [{s: 1 for s in recurring + one_time}]
    out += [{s: 1} for s in recurring if len(recurring) + len(one_time) > 1]
    return out + ([{recurring[0]: 2}] if recurring else [])


@dataclass(frozen=True)
class BillDifference:
    """A subscriber Kill Bill would bill differently from our simulator."""

    frequency: str
    book: str
    currency: str
    who: str
    period: int  # 0-based
    killbill: Decimal | None  # None: Kill Bill cannot bill it (no price in the currency)
    ours: Decimal

    def __str__(self) -> str:
        if self.killbill is None:
            return (f"{self.who} in {self.currency} could not be invoiced by Kill Bill "
                    f"(no price in {self.currency}); the simulator bills {self.ours}")  # fmt: skip
        return (f"{self.who} would pay {self.killbill} instead of {self.ours} "
                f"({self.currency}, bill {self.period + 1})")  # fmt: skip


def differences(
    doc: dict[str, Any], data: bytes, published: Iterable[Any], periods: int = 12,
    start: dt.date = dt.date(2026, 1, 1),
) -> list[BillDifference]:  # fmt: skip
    """For each published (frequency, price book) and currency, the first subscriber whose
    Kill Bill bill differs from the simulator's, if any."""
    from app.engine import catalog_from_document

    catalog = catalog_from_document(doc)
    plans, units = read_plans(data), read_units(data)
    minor = {c.get("code"): int(c.get("minor_units") or 0) for c in doc.get("currencies") or []}
    freqs = {f.get("name"): f for p in doc.get("packages") or []
             for f in p.get("frequencies") or []}  # fmt: skip
    out = []
    for entry in published:
        freq = freqs.get(entry.frequency)
        if freq is None:
            continue
        for currency in entry.currency_addons:
            for held in scenarios_for(doc, freq, entry.book, currency):
                scenario = Scenario(entry.frequency, currency, entry.book, held, start, periods)
                subs = subscriptions_for(entry.base, entry.addons(currency), plans, units, held,
                                         periods, entry.counted)  # fmt: skip
                ours = simulator_bill(catalog, scenario)
                quantum = Decimal(1).scaleb(-minor.get(currency, 2))
                ours = [a.quantize(quantum) for a in ours]
                try:
                    theirs = killbill_bill(plans, subs, scenario, minor.get(currency, 2))
                    theirs = [a.quantize(quantum) for a in theirs]
                except NoPriceForCurrency:
                    out.append(BillDifference(entry.frequency, entry.book, currency,
                                              scenario.describe(), 0, None, ours[0]))
                    break
                if theirs != ours:
                    k = next(i for i, (a, b) in enumerate(zip(theirs, ours, strict=True))
                             if a != b)  # fmt: skip
                    out.append(BillDifference(entry.frequency, entry.book, currency,
                                              scenario.describe(), k, theirs[k], ours[k]))
                    break
    return out
