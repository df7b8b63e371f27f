"""Transition and penalty charges (seed 004, "Configuring Transition Charges").

- A transition charge is made once each time the account-service moves directly from the
  transition's *from* status to its *to* status, on the bill whose dates contain the day of the
  move (whatever the package's own period: decision 43 of docs/billing-rules.md).
- A penalty is charged once per stay in the *from* status that lasts longer than the threshold
  without the transition being made. The threshold is crossed on ``entered + threshold`` (the
  service is still in the from status that day); the penalty goes on the bill whose dates
  contain that day. Leaving on exactly that day is not "longer" and costs nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from app.engine import pricing
from app.engine.bill import BillLine
from app.engine.context import ONE_DAY
from app.engine.money import ONE, round_money
from app.engine.periods import add_months
from app.engine.scenario import AccountService
from app.engine.snapshot import Penalty, Transition

if TYPE_CHECKING:
    from app.engine.context import PackagePeriod, ServiceTerms


class Move(NamedTuple):
    """The account-service moved from ``from_status`` to ``to_status`` on ``day``."""

    day: dt.date
    from_status: str
    to_status: str


def moves(svc: AccountService, transition: Transition, start: dt.date,
          end: dt.date) -> list[Move]:
    """The moves that make ``transition`` on a day in ``[start, end)``."""
    found: list[Move] = []
    changes = svc.statuses
    for i in range(1, len(changes)):
        day = changes[i].start
        if day < start or day >= end:
            continue
        if changes[i - 1].status == transition.from_status \
                and changes[i].status == transition.to_status:
            found.append(Move(day, transition.from_status, transition.to_status))
    return found


def threshold_day(penalty: Penalty, entered: dt.date) -> dt.date:
    """The day a stay that began on ``entered`` has lasted exactly the threshold."""
    if penalty.threshold_days is not None:
        return entered + dt.timedelta(days=penalty.threshold_days)
    return add_months(entered, penalty.threshold_months or 0)


class Crossing(NamedTuple):
    """A stay in the from status that began on ``entered`` outlasted the threshold on ``day``."""

    entered: dt.date
    day: dt.date


def penalty_crossings(svc: AccountService, transition: Transition, penalty: Penalty,
                      start: dt.date, end: dt.date, live_until: dt.date | None) -> list[Crossing]:
    """Stays in ``transition.from_status`` still unfinished on ``entered + threshold``, whose
    crossing day lies in ``[start, end)``; a stay ends at the next status change or at the
    package's cancellation (``live_until``). Staying exactly the threshold is not "longer"."""
    found: list[Crossing] = []
    changes = svc.statuses
    for i, change in enumerate(changes):
        if change.status != transition.from_status:
            continue
        if i > 0 and changes[i - 1].status == change.status:
            continue  # the same stay, re-stated
        j = i + 1
        while j < len(changes) and changes[j].status == change.status:
            j += 1
        left = changes[j].start if j < len(changes) else None
        if live_until is not None and (left is None or live_until < left):
            left = live_until
        crossing = threshold_day(penalty, change.start)
        if left is not None and left <= crossing:
            continue
        if start <= crossing < end:
            found.append(Crossing(change.start, crossing))
    return found


def transition_lines(here: PackagePeriod, svc: AccountService, terms: ServiceTerms) -> None:
    """The transition and penalty charges ``svc`` makes in a package period."""
    run = here.run
    catalog, book_wanted, currency = run.catalog, run.account.price_book, run.account.currency
    period, rollup, index, name = here.period, here.rollup, here.ap.index, here.frequency.name
    for tc, book in terms.transitions:
        transition = catalog.transitions[tc.transition]
        penalty = tc.penalty
        found = moves(svc, transition, here.live_start, here.live_end) \
            if len(svc.statuses) > 1 else []
        crossings = penalty_crossings(svc, transition, penalty, period.start, period.end,
                                      here.ap.cancelled) if penalty is not None else []
        if not found and not crossings:
            continue
        fee = catalog.services[tc.charge_service]
        source = pricing.CATALOG if book == book_wanted else pricing.CATALOG_STANDARD
        label = (f"catalog price ({book}, {currency})" if source == pricing.CATALOG else
                 f"standard catalog price ({book}, {currency}; none in price book "
                 f"'{book_wanted}')")
        for move in found:
            out = here.event_out(move.day)
            if out is None:
                continue
            out.append(BillLine(
                name, fee.name, svc.id, "transition", move.to_status, ONE, tc.amount,
                round_money(tc.amount, run.q), fee.gl_code, source,
                f"transition '{transition.name}' {move.from_status} -> {move.to_status} on "
                f"{move.day} by {svc.service} ({svc.id}), charged on '{fee.name}', {label} "
                f"{run.money(tc.amount)}",
                fee.name, move.day, move.day + ONE_DAY, None, None, book, rollup, index,
                fee.tax_category, fee.tax_inclusive, account_service=svc.service,
            ))
        for crossing in crossings:
            assert penalty is not None
            out = here.event_out(crossing.day)
            if out is None:
                continue
            out.append(BillLine(
                name, fee.name, svc.id, "penalty", transition.from_status, ONE,
                penalty.amount, round_money(penalty.amount, run.q), fee.gl_code, source,
                f"penalty of transition '{transition.name}': {svc.service} ({svc.id}) in "
                f"{transition.from_status} since {crossing.entered}, longer than "
                f"{penalty.describe()} without '{transition.name}' (threshold crossed on "
                f"{crossing.day}), {label} {run.money(penalty.amount)}",
                f"{fee.name} (penalty)", crossing.day, crossing.day + ONE_DAY, None, None, book,
                rollup, index, fee.tax_category, fee.tax_inclusive, account_service=svc.service,
            ))
