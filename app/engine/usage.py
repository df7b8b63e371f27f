"""Usage: unit conversion, usage buckets and overage through the rate plan.

A bucket gives tiers ``{threshold, flat_charge}``: usage up to the smallest threshold that
covers it costs that tier's flat charge; usage above the largest threshold is charged per unit
at the rate plan's rate, on top of the last flat charge. Units convert before thresholds apply
(data at 1024: KB, MB, GB, TB; time: seconds, minutes, hours, days).

The rate plan is chosen in this order: the service-level rate plan of the price book, then the
package frequency's rate plan; the first that has a rate for the service in the account's
currency is used. The rate is per the service's own unit (the bucket's unit if the service
names none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from app.engine.bill import BillLine
from app.engine.money import ONE, ZERO, format_quantity, round_money
from app.engine.snapshot import BucketTier, Catalog, PackageFrequency, RatePlan, RecurringCharge

if TYPE_CHECKING:
    from app.engine.context import PackagePeriod, ServiceTerms
    from app.engine.scenario import AccountService


_DATA = {"b": 1, "byte": 1, "bytes": 1, "kb": 1024, "kib": 1024, "mb": 1024**2, "mib": 1024**2,
         "gb": 1024**3, "gib": 1024**3, "tb": 1024**4, "tib": 1024**4, "pb": 1024**5,
         "pib": 1024**5}
_TIME = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "min": 60, "mins": 60,
         "minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600,
         "hours": 3600, "day": 86400, "days": 86400}


def conversion_factor(from_unit: str, to_unit: str) -> Decimal | None:
    """How many ``to_unit`` one ``from_unit`` is (``MB -> GB`` is 1/1024); ``None`` when the
    two units cannot be converted. Unit names are compared without regard to case."""
    a, b = from_unit.strip().casefold(), to_unit.strip().casefold()
    if a == b:
        return Decimal(1)
    for family in (_DATA, _TIME):
        if a in family and b in family:
            return Decimal(family[a]) / Decimal(family[b])
    return None


class BucketUse(NamedTuple):
    """How a period's usage fell into a bucket."""

    tier_index: int  # 0-based tier that covers the usage (the last one when over it)
    flat_charge: Decimal
    threshold: Decimal
    overage: Decimal  # in the bucket's unit; 0 when the usage is covered


def fill_bucket(tiers: Sequence[BucketTier], used: Decimal) -> BucketUse:
    """The tier covering ``used`` (tiers sorted by threshold), or the last tier plus overage."""
    for i, tier in enumerate(tiers):
        if used <= tier.threshold:
            return BucketUse(i, tier.flat_charge, tier.threshold, ZERO)
    last = tiers[-1]
    return BucketUse(len(tiers) - 1, last.flat_charge, last.threshold, used - last.threshold)


@dataclass(frozen=True, slots=True)
class UsageRate:
    plan: RatePlan
    per_unit: Decimal
    level: str  # "service" (price book setting) or "frequency"


def choose_rate(catalog: Catalog, frequency: PackageFrequency, row: RecurringCharge | None,
                service: str, currency: str) -> UsageRate | None:
    """The rate by override order: the service-level rate plan of the price book row, then the
    frequency's rate plan; a plan without a rate for the service and currency is skipped."""
    if row is not None and row.settings.rate_plan is not None:
        plan = catalog.rate_plans.get(row.settings.rate_plan)
        if plan is not None and (service, currency) in plan.rates:
            return UsageRate(plan, plan.rates[(service, currency)], "service")
    if frequency.rate_plan is not None:
        plan = catalog.rate_plans.get(frequency.rate_plan)
        if plan is not None and (service, currency) in plan.rates:
            return UsageRate(plan, plan.rates[(service, currency)], "frequency")
    return None


def usage_lines(here: PackagePeriod, svc: AccountService, terms: ServiceTerms) -> None:
    """The usage of ``svc`` in a package period: the bucket's flat charge (when there is a
    bucket) and the overage at the chosen rate."""
    run = here.run
    catalog = run.catalog
    service = terms.service
    target = terms.bucket_unit or service.unit
    total = ZERO
    records = 0
    converted_from: set[str] = set()
    live_start, live_end = here.live_start, here.live_end
    for record in run.usage.get(svc.id, ()):
        if not (live_start <= record.date < live_end):
            continue
        records += 1
        unit = record.unit or service.unit or target
        factor = ONE
        if unit is not None and target is not None:
            factor = conversion_factor(unit, target) or ONE
            if factor != ONE:
                converted_from.add(unit)
        total += record.quantity * factor
    unit_name = target or "units"
    used = (f"{format_quantity(total)} {unit_name} used in {here.span} ({records} record(s)"
            + (f", converted from {', '.join(sorted(converted_from))}" if converted_from else "")
            + ")")
    overage = total
    threshold = ZERO
    period, rollup, index = here.period, here.rollup, here.ap.index
    name = here.frequency.name
    if terms.bucket_tiers is not None:
        if not records and not billable_in(catalog, svc, live_start, live_end):
            return
        use = fill_bucket(terms.bucket_tiers, total)
        overage, threshold = use.overage, use.threshold
        if records or use.flat_charge:
            here.out.append(BillLine(
                name, service.name, svc.id, "usage", None, ONE, use.flat_charge,
                round_money(use.flat_charge, run.q), terms.gl_code, None,
                f"{used}; usage bucket '{terms.bucket_name}' tier {use.tier_index + 1} "
                f"(up to {format_quantity(use.threshold)} {unit_name}): flat charge "
                f"{run.money(use.flat_charge)}",
                f"{service.name} ({terms.bucket_name})", period.start, period.end, None, None,
                terms.row_book, rollup, index, terms.tax_category, terms.tax_inclusive,
            ))
    elif not records:
        return
    if not overage:
        return
    rate_unit = service.unit or target
    factor = ONE
    if rate_unit is not None and target is not None:
        factor = conversion_factor(target, rate_unit) or ONE
    quantity = overage * factor
    over = (f"{format_quantity(overage)} {unit_name} over the bucket's "
            f"{format_quantity(threshold)} {unit_name}" if terms.bucket_tiers is not None
            else used)
    if factor != ONE:
        over += f" = {format_quantity(quantity)} {rate_unit}"
    rate = terms.rate
    currency = run.account.currency
    if rate is None:
        run.note(f"{svc.path}: no rate plan rates '{service.name}' in {currency}; its usage "
                 "beyond the bucket is not charged")
        here.out.append(BillLine(
            name, service.name, svc.id, "usage", None, quantity, ZERO, ZERO,
            terms.gl_code, None, f"{over}; no rate plan has a rate for '{service.name}' in "
            f"{currency} (service level, then frequency): not charged",
            f"{service.name} usage", period.start, period.end, None, None, terms.row_book,
            rollup, index, terms.tax_category, terms.tax_inclusive,
        ))
        return
    here.out.append(BillLine(
        name, service.name, svc.id, "usage", None, quantity, rate.per_unit,
        round_money(quantity * rate.per_unit, run.q), terms.gl_code, None,
        f"{over}; {format_quantity(quantity)} x {rate.per_unit} per {rate_unit or 'unit'}, "
        f"rate plan '{rate.plan.name}' ({rate.level} level)",
        f"{service.name} usage", period.start, period.end, None, None, terms.row_book, rollup,
        index, terms.tax_category, terms.tax_inclusive,
    ))


def billable_in(catalog: Catalog, svc: AccountService, start: dt.date, end: dt.date) -> bool:
    """Whether ``svc`` is in a non-cancelled status on some day of ``[start, end)``."""
    changes = svc.statuses
    for k, change in enumerate(changes):
        until = changes[k + 1].start if k + 1 < len(changes) else end
        if change.start < end and until > start and not catalog.is_cancelled(change.status):
            return True
    return False
