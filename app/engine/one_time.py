"""One-time charges: billed once, on the bill whose dates contain the day the account-service
is added (normally the package's first bill), never again. Like every event charge, it follows
the day of the event, not the package period (docs/billing-rules.md, decision 43).

They are set aside in their place while the bill is assembled, then priced together, because
progressive one-time tiers count every charge of the same service on the bill across
account-packages (ordered by start date, then id).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.engine.bill import BillLine
from app.engine.context import ONE_DAY, PackagePeriod, Run, ServiceTerms, Slot, units_text
from app.engine.money import round_money
from app.engine.pricing import Price, resolve_one_time
from app.engine.scenario import AccountPackage, AccountService
from app.engine.snapshot import Package, PackageFrequency
from app.engine.tiers import bracket_tier, progressive_pieces, tier_span


@dataclass(slots=True)
class PendingOneTime:
    """A one-time charge waiting for its price: progressive one-time tiers count the charges
    of the same service billed in the same period across all account-packages."""

    slot: int
    package: AccountPackage
    frequency: PackageFrequency
    package_def: Package
    svc: AccountService
    terms: ServiceTerms
    price: Price
    status: str


def hold_one_time(here: PackagePeriod, svc: AccountService, terms: ServiceTerms) -> None:
    """Set a one-time charge aside (in its place on the bill whose dates contain the day the
    service was added) until the whole bill is known."""
    run = here.run
    status = svc.statuses[0].status
    if run.catalog.is_cancelled(status):
        return
    index = run.bill_of(svc.start)
    if index is None:
        return  # added on a bill outside the simulation
    account = run.account
    price = resolve_one_time(run.catalog, here.frequency, account.price_book, account.currency,
                             account.price_plan, svc.service, status, svc.price)
    if price is None:
        return
    out = run.bill_lines[index]
    run.bill_pending[index].append(PendingOneTime(len(out), here.ap, here.frequency,
                                                  here.package, svc, terms, price, status))
    out.append(None)


def price_one_time(run: Run, pending: list[PendingOneTime], out: list[Slot]) -> None:
    """Price the bill's one-time charges, each in the place it was found. Progressive tiers
    count every charge of the same one-time service on this bill across account-packages,
    ordered by start date then id."""
    by_service: dict[str, list[PendingOneTime]] = {}
    for item in pending:
        by_service.setdefault(item.svc.service, []).append(item)
    for name, items in by_service.items():
        items.sort(key=lambda it: (it.svc.start, it.svc.id))
        all_units = sum(it.svc.quantity for it in items)
        before = 0
        for item in items:
            out[item.slot] = tuple(_one_time_lines(run, item, before, all_units, name))
            before += item.svc.quantity


def _one_time_lines(run: Run, item: PendingOneTime, before: int, all_units: int,
                    name: str) -> list[BillLine]:
    svc, price, terms, frequency = item.svc, item.price, item.terms, item.frequency
    rollup = item.package_def.name if item.package_def.rollup_services else None
    head = (f"one-time charge on the first bill for {name} ({svc.id}), added {svc.start} "
            f"({item.status}), {price.label}")
    quantity = svc.quantity

    def line(units: int, unit: Decimal, explanation: str, tier: int | None) -> BillLine:
        return BillLine(
            frequency.name, name, svc.id, "one_time", item.status, Decimal(units), unit,
            round_money(unit * units, run.q), terms.one_time_gl, price.source, explanation,
            name, svc.start, svc.start + ONE_DAY, tier, None, price.book, rollup,
            item.package.index, terms.one_time_tax_category,
            terms.one_time_tax_inclusive,
        )

    if price.tiers is None:
        assert price.amount is not None
        return [line(quantity, price.amount,
                     f"{head} {run.money(price.amount)}{units_text(quantity)}", None)]
    tiers = price.tiers
    if frequency.tiering == "bracket":
        rule = run.catalog.counting_rule_of(frequency)
        counted = run.count(rule, svc.start)
        how = f"counted on {svc.start} by counting rule '{rule.name}'"
        i = bracket_tier(tiers, counted)
        unit = tiers[i].amount
        return [line(quantity, unit, f"{head}, bracket tier {i + 1} ({tier_span(tiers, i)}) "
                                     f"{run.money(unit)}{units_text(quantity)}: {counted} units "
                                     f"{how}", i + 1)]
    return [
        line(piece.units, piece.tier.amount,
             f"{head}, progressive tier {piece.level + 1} ({tier_span(tiers, piece.level)}) "
             f"{run.money(piece.tier.amount)}{units_text(piece.units)}: units {piece.first}-"
             f"{piece.last} of {all_units} '{name}' one-time units billed in this period",
             piece.level + 1)
        for piece in progressive_pieces(tiers, before + 1, before + quantity)
    ]
