"""Tiered pricing (seed 004, "Tiering").

Tiers are ``{end, amount}``; ``end`` is the inclusive upper unit count, the last tier is open.

- **Bracket**: count units with the frequency's counting rule; the tier the *total* reaches
  prices every unit (tiers ``[{9, 100}, {null, 90}]``, 12 units -> 12 x 90).
- **Progressive**: units of the same service in a non-cancelled status across all
  account-packages, ordered by the account-service's start date then id; unit k is priced by
  the tier containing k (12 units -> 9 x 100 + 3 x 90). Counting rules are not used.

Counts are taken on the first day of the charge they price (the first day of the status
segment, or the day a one-time charge is billed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from app.engine.scenario import AccountPackage, AccountService
from app.engine.snapshot import Catalog, CountingRule, Tier


class TierPiece(NamedTuple):
    """Units ``first..last`` (1-based, inclusive) priced by tier ``level`` (0-based)."""

    level: int
    tier: Tier
    first: int
    last: int

    @property
    def units(self) -> int:
        return self.last - self.first + 1


def tier_span(tiers: Sequence[Tier], index: int) -> str:
    """``"units 1-9"``, ``"units 10+"``."""
    low = 1 if index == 0 else (tiers[index - 1].end or 0) + 1
    end = tiers[index].end
    if end is None:
        return f"units {low}+"
    return f"unit {low}" if end == low else f"units {low}-{end}"


def bracket_tier(tiers: Sequence[Tier], count: int) -> int:
    """The index of the tier that a total of ``count`` units reaches (0 units: the first)."""
    for i, tier in enumerate(tiers):
        if tier.end is None or count <= tier.end:
            return i
    return len(tiers) - 1


def progressive_pieces(tiers: Sequence[Tier], first: int, last: int) -> list[TierPiece]:
    """Split units ``first..last`` over the tiers that contain them."""
    pieces: list[TierPiece] = []
    low = 1
    for i, tier in enumerate(tiers):
        high = tier.end
        a = max(first, low)
        b = last if high is None else min(last, high)
        if a <= b:
            pieces.append(TierPiece(i, tier, a, b))
        if high is None or high >= last:
            break
        low = high + 1
    return pieces


def _live(package: AccountPackage, day: dt.date) -> bool:
    return package.start <= day and (package.cancelled is None or day < package.cancelled)


def counting_rule_count(catalog: Catalog, rule: CountingRule,
                        holdings: Iterable[tuple[AccountPackage, AccountService]],
                        day: dt.date) -> int:
    """What ``rule`` counts on ``day``: units of matching account-services, or account-packages
    with at least one service in a matching status. Cancelled ones never count."""
    statuses = rule.statuses
    if rule.counts == "services":
        total = 0
        for package, svc in holdings:
            if rule.items and svc.service not in rule.items:
                continue
            status = svc.status_on(day)
            if status is None or not _live(package, day) or catalog.is_cancelled(status):
                continue
            if statuses and status not in statuses:
                continue
            total += svc.quantity
        return total
    counted: set[int] = set()
    for package, svc in holdings:
        if package.index in counted:
            continue
        if rule.items and catalog.frequencies[package.frequency].package not in rule.items:
            continue
        status = svc.status_on(day)
        if status is None or not _live(package, day) or catalog.is_cancelled(status):
            continue
        if statuses and status not in statuses:
            continue
        counted.add(package.index)
    return len(counted)


def same_service_units(catalog: Catalog,
                       ordered: Sequence[tuple[AccountPackage, AccountService]],
                       target: AccountService, day: dt.date) -> tuple[int, int]:
    """``(units before target, all units)`` of target's service in a non-cancelled status on
    ``day`` across the account, in progressive order (start date, then id)."""
    before = total = 0
    seen = False
    for package, svc in ordered:
        if svc is target:
            seen = True
        status = svc.status_on(day)
        if status is None or not _live(package, day) or catalog.is_cancelled(status):
            continue
        total += svc.quantity
        if not seen:
            before += svc.quantity
    return before, total
