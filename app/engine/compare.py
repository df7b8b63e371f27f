"""Before and after a scheduled catalog version: the same scenario billed without the last
scheduled version and with it, period by period, the differences named
(docs/billing-rules.md, decision V5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from app.engine.bill import Bill, BillLine, BillPeriod
from app.engine.invoice import simulate
from app.engine.money import ZERO, format_amount
from app.engine.scenario import Account
from app.engine.snapshot import Catalog
from app.engine.versions import before_last_version

LineKey = tuple[int | None, str | None, str | None, str, str | None]


@dataclass(frozen=True, slots=True)
class LineDifference:
    """What one charge (package, service, kind) costs before and after, in one period."""

    package: str | None
    service: str | None
    kind: str
    before: Decimal
    after: Decimal
    explanation: str  # the after line's (else the before line's) explanation

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class PeriodComparison:
    start: dt.date
    end: dt.date
    before: BillPeriod
    after: BillPeriod
    lines: tuple[LineDifference, ...]  # only those that differ

    @property
    def difference(self) -> Decimal:
        return self.after.total - self.before.total

    @property
    def differs(self) -> bool:
        return self.difference != ZERO or bool(self.lines)

    @property
    def notes(self) -> tuple[str, ...]:
        """Why a period is the same although a version is scheduled: the subscriptions that
        keep their version ("moves to catalog version 2027-01-01 on 2027-03-01",
        "grandfathered: ...")."""
        found: dict[str, None] = {}
        for line in self.after.lines:
            for part in line.explanation.split("; ")[1:]:
                if part.startswith(("moves to catalog version", "grandfathered:")):
                    found.setdefault(f"{line.package}: {part}")
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Comparison:
    before: Bill
    after: Bill
    before_version: str | None  # the newest version "before" knows
    after_version: str | None
    periods: tuple[PeriodComparison, ...]

    @property
    def difference(self) -> Decimal:
        return self.after.total - self.before.total

    def money(self, amount: Decimal) -> str:
        return format_amount(amount, self.after.minor_units)


def _key(line: BillLine) -> LineKey:
    return (line.account_package, line.service_id, line.package, line.kind,
            line.discount or line.tax_category)


def _sums(period: BillPeriod) -> dict[LineKey, tuple[Decimal, BillLine]]:
    sums: dict[LineKey, tuple[Decimal, BillLine]] = {}
    for line in period.lines:
        key = _key(line)
        amount, first = sums.get(key, (ZERO, line))
        sums[key] = (amount + line.amount, first if key in sums else line)
    return sums


def compare_periods(before: BillPeriod, after: BillPeriod) -> tuple[LineDifference, ...]:
    old, new = _sums(before), _sums(after)
    out: list[LineDifference] = []
    for key in [*new, *(k for k in old if k not in new)]:
        b = old.get(key, (ZERO, None))[0]
        a, line = new.get(key, (ZERO, None))
        if line is None:
            line = old[key][1]
        if a != b:
            out.append(LineDifference(line.package, line.service, line.kind, b, a,
                                      line.explanation))
    return tuple(out)


def compare_versions(catalog: Catalog, account: Account, start: dt.date,
                     periods: int) -> Comparison:
    """``account``'s bills before and after the catalog's last scheduled version."""
    earlier = before_last_version(catalog)
    before = simulate(earlier, account, start, periods)
    after = simulate(catalog, account, start, periods)
    rows = tuple(PeriodComparison(b.start, b.end, b, a, compare_periods(b, a))
                 for b, a in zip(before.periods, after.periods, strict=True))
    return Comparison(before, after,
                      earlier.versions[-1].name if earlier.versions else None,
                      catalog.versions[-1].name if catalog.versions else None, rows)
