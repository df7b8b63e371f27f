"""Invoice assembly: from a catalog snapshot and an account scenario to the bill.

The bill's periods follow the account's shortest bill frequency, anchored on the bill day; the
first is the period that contains the simulation's start date. Each account-package is charged
over its own frequency's periods; a package period's recurring and usage charges go on the bill
whose period contains the package period's first day of service (docs/billing-rules.md,
decision 3), its event charges (transition and penalty charges, one-time charges, the
early-termination fee) on the bill whose period contains the day of the event (decision 43).

Per package period and account-service, in this order: recurring charges (one line per status
stretch, or per tier), its discounts, usage, one-time charges, transition and penalty charges;
then the package's early-termination fee. Tax lines close each bill.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence

from app.engine.allocation import gc_paused
from app.engine.bill import Bill, BillLine, BillPeriod, make_period
from app.engine.context import ONE_DAY, PackagePeriod, Run, Slot, service_terms
from app.engine.contracts import contract_line, early_termination
from app.engine.money import ZERO
from app.engine.one_time import PendingOneTime, hold_one_time, price_one_time
from app.engine.periods import MONTHLY, Grid, Period, first_bill_day, statement_periods
from app.engine.recurring import discount_lines, recurring_lines
from app.engine.scenario import Account, AccountPackage, AccountService
from app.engine.snapshot import Catalog, Package
from app.engine.tax import tax_lines
from app.engine.transitions import transition_lines
from app.engine.usage import usage_lines
from app.engine.versioned import name_versions, versioned_recurring
from app.engine.versions import Piece, pieces


def _statement_grid(catalog: Catalog, account: Account) -> Grid:
    """The account's bill cycle: its shortest package frequency (monthly when it has none)."""
    best: Grid | None = None
    for ap in account.packages:
        frequency = catalog.frequencies[ap.frequency].bill_frequency
        if best is None or frequency.approx_days < best.frequency.approx_days:
            best = Grid(frequency, first_bill_day(ap.start, account.bill_day))
    return best or Grid(MONTHLY, dt.date(2000, 1, account.bill_day))


def simulate(catalog: Catalog, account: Account, start: dt.date, periods: int) -> Bill:
    """The next ``periods`` bills of ``account``, the first being the bill whose period contains
    ``start``."""
    if periods < 0:
        raise ValueError("periods must be >= 0")
    with gc_paused():
        return _simulate(catalog, account, start, periods)


def _simulate(catalog: Catalog, account: Account, start: dt.date, periods: int) -> Bill:
    run = Run(catalog, account)
    stmts = statement_periods(_statement_grid(catalog, account), start, periods)
    if not stmts:
        return Bill(account.name, account.currency, run.m, (), ZERO, tuple(run.notes))
    starts = [p.start for p in stmts]
    buckets: list[list[Slot]] = [[] for _ in stmts]
    pending: list[list[PendingOneTime]] = [[] for _ in stmts]
    run.bill_starts, run.bills_end = starts, stmts[-1].end
    run.bill_lines, run.bill_pending = buckets, pending
    parts_of: dict[int, Sequence[Piece]] = {}
    for ap in account.packages:
        if catalog.versions:
            parts_of[ap.index] = pieces(catalog, ap.start)
        _package(run, ap, stmts, starts, buckets, parts_of.get(ap.index))
    bills: list[BillPeriod] = []
    total = ZERO
    for i, stmt in enumerate(stmts):
        if pending[i]:
            price_one_time(run, pending[i], buckets[i])
        lines = _flatten(buckets[i])
        if parts_of:
            lines = name_versions(run, lines, parts_of)
        lines.extend(tax_lines(catalog, account.country, run.currency, lines, run.money))
        period = make_period(stmt.start, stmt.end, lines)
        total += period.total
        bills.append(period)
    return Bill(account.name, account.currency, run.m, tuple(bills), total, tuple(run.notes))


def _activation_day(run: Run, package: Package, ap: AccountPackage) -> tuple[bool, dt.date | None]:
    """``(held, day)``: whether the package waits for a billing activation service, and the day
    that service first became active (``None``: never, so far)."""
    name = package.billing_activation_service
    if name is None:
        return False, None
    active = run.catalog.active_statuses
    first: dt.date | None = None
    for svc in ap.services:
        if svc.service != name:
            continue
        for change in svc.statuses:
            if change.status in active:
                if first is None or change.start < first:
                    first = change.start
                break
    return True, first


def _package(run: Run, ap: AccountPackage, stmts: Sequence[Period], starts: Sequence[dt.date],
             buckets: list[list[Slot]], parts: Sequence[Piece] | None = None) -> None:
    catalog, account = run.catalog, run.account
    frequency = catalog.frequencies[ap.frequency]
    package = catalog.packages[frequency.package]
    grid = Grid(frequency.bill_frequency, first_bill_day(ap.start, account.bill_day))
    w_start, w_end = stmts[0].start, stmts[-1].end
    last_day = None if ap.cancelled is None else max(ap.start, ap.cancelled - ONE_DAY)
    held = _activation_day(run, package, ap)
    termination = early_termination(catalog, frequency, ap)
    holdings = [(svc, service_terms(catalog, frequency, account.price_book, account.currency,
                                    svc.service), _gone(catalog, svc)) for svc in ap.services]
    period = grid.containing(ap.start if ap.start >= w_start else w_start)
    while True:
        first = period.start if period.start > ap.start else ap.start
        if first >= w_end or (last_day is not None and period.start > last_day):
            break
        # A package period that began before the first bill was charged on an earlier bill;
        # only its events on or after the first bill's first day are still to be billed.
        charged = first >= w_start
        index = bisect_right(starts, first) - 1 if charged else 0
        live_end = period.end if ap.cancelled is None or ap.cancelled > period.end \
            else ap.cancelled
        here = PackagePeriod(run, ap, frequency, package, held, period, first, live_end,
                             buckets[index])
        for svc, terms, gone in holdings:
            if svc.start >= live_end or (gone is not None and gone < first):
                continue  # not yet added, or cancelled for good
            if charged:
                if terms.recurs and parts is not None:
                    versioned_recurring(here, svc, terms, parts)
                elif terms.recurs:
                    segments = recurring_lines(here, svc, terms)
                    if segments and terms.discounted:
                        discount_lines(here, svc, terms, segments)
                if terms.is_usage:
                    usage_lines(here, svc, terms)
            if terms.is_one_time and first <= svc.start:
                hold_one_time(here, svc, terms)
            if terms.transitions:
                transition_lines(here, svc, terms)
        if termination is not None and period.start <= termination.charge_day < period.end:
            out = here.event_out(termination.charge_day)
            if out is not None:
                out.append(contract_line(here, termination))
        period = grid.following(period)


def _gone(catalog: Catalog, svc: AccountService) -> dt.date | None:
    """The day from which ``svc`` is cancelled for good (nothing can happen to it after)."""
    last = svc.statuses[-1]
    return last.start if catalog.is_cancelled(last.status) else None


def _flatten(slots: list[Slot]) -> list[BillLine]:
    lines: list[BillLine] = []
    for slot in slots:
        if isinstance(slot, BillLine):
            lines.append(slot)
        elif slot is not None:
            lines.extend(slot)
    return lines
