"""Discounts (seed 004, "Configuring Recurring Charges", step 7).

- **fixed** subtracts the amount per unit (never below zero), **percent** subtracts that
  percent of the charge, **price** makes the charge the amount per unit (never raises it).
- A discount attaches to an account-service when it is active and the service was added (its
  first status date) within ``[start, end]``; a promo-code discount only when the scenario
  supplies the code.
- The attached discounts of a service form one schedule in their configured order: the first
  begins on the first day the service is in its status (any status if it names none), each
  next one begins when the previous one's period ends; an open-ended discount ends the
  schedule. The clock runs in calendar time; a discount only applies on days the service is in
  its status.
- Prorate on: a discount covering part of a period is scaled by the days it covers. Prorate off:
  it applies in full to every period it touches (a fixed amount is not scaled by days at all).
- In one period, the discounts of a service take off at most what is left of its charges after
  the discounts before them in the stacking order (two stacked discounts meeting inside a
  period, the first not prorated, could otherwise take off more than the charge); a discount
  for one status, at most what the discounts before it left of that status's charges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from app.engine.money import HUNDRED, ZERO, format_quantity
from app.engine.periods import add_months, month_index
from app.engine.scenario import AccountService
from app.engine.snapshot import Catalog, Discount


@dataclass(frozen=True, slots=True)
class ScheduledDiscount:
    """A discount placed on an account-service's timeline: ``[begin, end)`` (``end`` None:
    open-ended), step ``step`` of ``steps`` of its schedule."""

    discount: Discount
    begin: dt.date
    end: dt.date | None
    step: int
    steps: int

    def describe(self) -> str:
        """``discount 2 of 2 'Then 20% off': 20% off, 2026-05-01..2026-08-01``."""
        d = self.discount
        what = {"fixed": f"{d.amount} off per unit", "percent": f"{format_quantity(d.amount)}% off",
                "price": f"price {d.amount} per unit"}[d.type]
        until = self.end.isoformat() if self.end is not None else "open-ended"
        promo = f" (promo code {d.promo_code})" if d.promo_code else ""
        return (f"discount {self.step} of {self.steps} '{d.name}'{promo}: {what}, "
                f"{self.begin.isoformat()}..{until}")

    def position(self, first: dt.date, last: dt.date) -> str:
        """Which step of its period the days ``first..last`` are: ``"month 2 of 3"``,
        ``"months 1-2 of 6"``, ``"days 1-14 of 14"``."""
        d = self.discount
        if d.period_months is not None:
            a, b = self._month(first), self._month(last)
            what, total = "month", d.period_months
        elif d.period_days is not None:
            a, b = (first - self.begin).days + 1, (last - self.begin).days + 1
            what, total = "day", d.period_days
        else:
            return "open-ended"
        return f"{what} {a} of {total}" if a == b else f"{what}s {a}-{b} of {total}"

    def _month(self, day: dt.date) -> int:
        n = month_index(day) - month_index(self.begin) - (day.day < self.begin.day) + 1
        return max(n, 1)


def attaches(discount: Discount, added: dt.date, promo_codes: Collection[str]) -> bool:
    """Whether ``discount`` attaches to a service added on ``added``."""
    if not discount.active:
        return False
    if discount.kind == "promo_code" and discount.promo_code not in promo_codes:
        return False
    return discount.start <= added and (discount.end is None or added <= discount.end)


def discount_end(discount: Discount, begin: dt.date) -> dt.date | None:
    if discount.period_months is not None:
        return add_months(begin, discount.period_months)
    if discount.period_days is not None:
        return begin + dt.timedelta(days=discount.period_days)
    return None


def _first_day_in(catalog: Catalog, svc: AccountService, status: str | None,
                  until: dt.date | None) -> dt.date | None:
    for change in svc.statuses:
        if until is not None and change.start >= until:
            return None
        if catalog.is_cancelled(change.status):
            continue
        if status is None or change.status == status:
            return change.start
    return None


def schedule(catalog: Catalog, svc: AccountService, discounts: Sequence[Discount],
             promo_codes: Collection[str], until: dt.date | None) -> tuple[ScheduledDiscount, ...]:
    """The discount schedule of an account-service (``until``: the package's cancellation)."""
    attached = [d for d in discounts if attaches(d, svc.start, promo_codes)]
    if not attached:
        return ()
    begin = _first_day_in(catalog, svc, attached[0].status, until)
    if begin is None:
        return ()
    placed: list[ScheduledDiscount] = []
    for step, d in enumerate(attached, start=1):
        end = discount_end(d, begin)
        placed.append(ScheduledDiscount(d, begin, end, step, len(attached)))
        if end is None:
            break
        begin = end
    return tuple(placed)


class Segment(NamedTuple):
    """A stretch ``[start, end)`` of one status inside a billing period, with the charge per full
    period of all its units (``full``, before proration) and what its lines charged (rounded)."""

    start: dt.date
    end: dt.date
    status: str
    full: Decimal
    quantity: int
    charged: Decimal


class DiscountAmount(NamedTuple):
    """A discount's (negative, unrounded) amount for one period, and how it was worked out."""

    amount: Decimal
    unit_price: Decimal
    days: int
    detail: str


def discount_amount(sched: ScheduledDiscount, segments: Sequence[Segment], period_start: dt.date,
                    period_end: dt.date, money: Callable[[Decimal], str]) -> DiscountAmount | None:
    """What ``sched`` takes off the charges ``segments`` of one period; ``None``: not at all.

    ``money`` writes a working amount for the explanation (rounded to the currency)."""
    d = sched.discount
    p_days = (period_end - period_start).days
    begin, end, status, prorated = sched.begin, sched.end or dt.date.max, d.status, d.prorate
    covered: list[tuple[Segment, int]] = []
    touched = False
    for s in segments:
        if status is not None and s.status != status:
            continue
        lo = s.start if s.start > begin else begin
        hi = s.end if s.end < end else end
        if hi > lo:
            touched = True
            # prorate off: applies in full to every in-status day of a period it touches
            covered.append((s, (hi - lo).days if prorated else (s.end - s.start).days))
        else:
            covered.append((s, 0 if prorated else (s.end - s.start).days))
    if not touched:
        return None
    days = sum(n for _, n in covered)
    base = sum((s.full * n / p_days for s, n in covered), ZERO)
    quantity = max((s.quantity for s, _ in covered), default=0)
    if d.type == "percent":
        amount = base * d.amount / HUNDRED
        unit = (covered[0][0].full / quantity if quantity else ZERO) * d.amount / HUNDRED
        rule = f"{_percent(d.amount)} of {money(base)}"
    elif d.type == "price":
        amount = sum((max(s.full - d.amount * s.quantity, ZERO) * n / p_days for s, n in covered),
                     ZERO)
        unit = max(covered[0][0].full / quantity - d.amount, ZERO) if quantity else ZERO
        rule = f"charge {money(base)} becomes {money(base - amount)}"
    else:  # fixed
        full_off = sum((d.amount * s.quantity * n / p_days for s, n in covered), ZERO) \
            if d.prorate else d.amount * quantity
        amount = min(full_off, base)
        unit = d.amount
        capped = " (capped at the charge)" if full_off > base else ""
        rule = f"{d.amount} x {quantity} off{capped}"
    if not amount:
        return None
    proration = (f"prorated {days}/{p_days} days" if d.prorate
                 else f"not prorated, {days} day(s) in status")
    return DiscountAmount(-amount, -unit, days, f"{rule}, {proration}")


_PERCENTS: dict[Decimal, str] = {}


def _percent(amount: Decimal) -> str:
    text = _PERCENTS.get(amount)
    if text is None:
        text = _PERCENTS[amount] = f"{format_quantity(amount)}%"
    return text
