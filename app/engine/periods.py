"""Bill frequencies, billing periods and day proration.

A period is the half-open date interval ``[start, end)``; its length in days is
``(end - start).days``. Periods of a bill frequency form a grid anchored on the account's bill
day: month-based frequencies (monthly, quarterly, semi-annual, annual, every N months) step N
months from the first bill day on or after the account-package's start; weekly periods step 7
days from that same bill day. The grid extends backwards, so a package that starts between two
grid dates has a first, partial period prorated over the full length of the grid period that
contains its start (docs/billing-rules.md, "Periods").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

NAMED_MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


@dataclass(frozen=True, slots=True)
class BillFrequency:
    """How often a package frequency bills: every ``months`` months, or weekly (``months == 0``)."""

    months: int
    label: str

    @property
    def weekly(self) -> bool:
        return self.months == 0

    @property
    def approx_days(self) -> int:
        """For choosing the account's shortest cycle: weekly 7, a month about 30."""
        return 7 if self.months == 0 else 30 * self.months


WEEKLY = BillFrequency(0, "weekly")
MONTHLY = BillFrequency(1, "monthly")


def bill_frequency_from_document(value: object) -> BillFrequency:
    """``"weekly"``, ``"monthly"``, ..., or ``{"months": N}``; raises ``ValueError``."""
    if value == "weekly":
        return WEEKLY
    if isinstance(value, str) and value in NAMED_MONTHS:
        return BillFrequency(NAMED_MONTHS[value], value)
    if isinstance(value, dict):
        months = value.get("months")
        if isinstance(months, int) and not isinstance(months, bool) and 1 <= months <= 1200:
            return BillFrequency(months, f"every {months} months")
    raise ValueError(f"unknown bill frequency {value!r}")


class Period(NamedTuple):
    """A billing period ``[start, end)``."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def from_month_index(index: int, day: int) -> dt.date:
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, day)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    year, month0 = divmod(month_index(day) + months, 12)
    month = month0 + 1
    if day.day <= 28:
        return dt.date(year, month, day.day)
    next_first = dt.date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    last = (next_first - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def first_bill_day(start: dt.date, bill_day: int) -> dt.date:
    """The first bill day on or after ``start``: the grid anchor of a package starting then."""
    if start.day <= bill_day:
        return start.replace(day=bill_day)
    return from_month_index(month_index(start) + 1, bill_day)


@dataclass(frozen=True, slots=True)
class Grid:
    """The periods of one bill frequency, anchored on ``anchor`` (a bill day)."""

    frequency: BillFrequency
    anchor: dt.date

    def containing(self, day: dt.date) -> Period:
        """The grid period that contains ``day``."""
        months = self.frequency.months
        if months == 0:
            offset = (day - self.anchor).days // 7
            start = self.anchor + dt.timedelta(days=7 * offset)
            return Period(start, start + dt.timedelta(days=7))
        bill_day = self.anchor.day
        index = month_index(day) - (day.day < bill_day)
        base = month_index(self.anchor)
        first = base + ((index - base) // months) * months
        return Period(from_month_index(first, bill_day), from_month_index(first + months, bill_day))

    def following(self, period: Period) -> Period:
        """The period right after ``period``."""
        months = self.frequency.months
        if months == 0:
            return Period(period.end, period.end + dt.timedelta(days=7))
        return Period(period.end, from_month_index(month_index(period.end) + months,
                                                   self.anchor.day))


def statement_periods(grid: Grid, start: dt.date, count: int) -> list[Period]:
    """``count`` periods of ``grid``, the first being the one that contains ``start``."""
    periods: list[Period] = []
    if count <= 0:
        return periods
    period = grid.containing(start)
    periods.append(period)
    for _ in range(count - 1):
        period = grid.following(period)
        periods.append(period)
    return periods
