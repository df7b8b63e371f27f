"""Recurring charges and their discounts, line by line.

Each status stretch of a package period is one line, prorated by days and priced by the price
resolution (one line per tier for progressive tiers; bracket tiers price every unit at the tier
the count reaches). The stretches then carry the account-service's discounts: one line per
discount and period, never taking off more than what is left of the charge.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from app.engine.bill import BillLine
from app.engine.context import (
    ONE_DAY,
    UNKNOWN,
    PackagePeriod,
    ServiceTerms,
    as_units,
    flat_price,
    prorate,
    stretch_text,
    units_text,
)
from app.engine.discounts import Segment, discount_amount, schedule
from app.engine.money import ZERO, round_money
from app.engine.scenario import AccountService
from app.engine.tiers import bracket_tier, progressive_pieces, same_service_units, tier_span


def recurring_lines(here: PackagePeriod, svc: AccountService, terms: ServiceTerms) -> list[Segment]:
    """One line per status stretch of the period (per tier for progressive tiers); returns the
    stretches for the discounts."""
    run = here.run
    catalog, frequency = run.catalog, here.frequency
    bound = here.live_start
    live_end = here.live_end
    activation_note = ""
    if here.held[0]:
        day = here.held[1]
        if day is None or day >= live_end:
            return []
        if day > bound:
            bound = day
            activation_note = (f"; billing starts {day}, when billing activation service "
                               f"'{here.package.billing_activation_service}' first became "
                               "active")
    changes = svc.statuses
    count = len(changes)
    p_days = here.p_days
    segments: list[Segment] = []
    keep = terms.discounted  # the stretches only matter to discounts
    quantity = svc.quantity
    q = run.q
    prices = run.prices
    cancelled = catalog.cancelled
    out = here.out
    for k in range(count):
        change = changes[k]
        start = change.start if change.start > bound else bound
        end = changes[k + 1].start if k + 1 < count else live_end
        if end > live_end:
            end = live_end
        if start >= end:
            continue
        status = change.status
        if status in cancelled:
            continue
        key = (svc.id, status)
        found = prices.get(key, UNKNOWN)
        if found is UNKNOWN:
            found = prices[key] = flat_price(run, frequency, svc, status)
        if found is None:
            continue
        price, priced = found
        days = (end - start).days
        if days == p_days:  # the whole period: its text is shared by the package's services
            span = here.whole.get(status) or stretch_text(status, start, end, here)
        else:
            span = stretch_text(status, start, end, here)
        note = activation_note if start == bound else ""
        if price.tiers is None:
            unit = priced.unit
            full = priced.full
            charged = (full if days == p_days else full * days / p_days).quantize(q, ROUND_HALF_UP)
            out.append(BillLine(
                frequency.name, svc.service, svc.id, "recurring", status, priced.quantity, unit,
                charged, terms.gl_code, price.source,
                f"{span}, {priced.text}{note}{here.version_note}",
                svc.service, start, end, None, None, price.book, here.rollup, here.ap.index,
                terms.tax_category, terms.tax_inclusive, days, p_days,
                catalog_version=here.version,
            ))
            if keep:
                segments.append(Segment(start, end, status, full, quantity, charged))
            continue
        tiers = price.tiers
        full = charged = ZERO
        if frequency.tiering == "bracket":
            rule = catalog.counting_rule_of(frequency)
            counted = run.count(rule, start)
            how = f"counted on {start} by counting rule '{rule.name}'"
            i = bracket_tier(tiers, counted)
            unit = tiers[i].amount
            full = unit * quantity
            charged = prorate(full, days, p_days, q)
            out.append(BillLine(
                frequency.name, svc.service, svc.id, "recurring", status, as_units(quantity), unit,
                charged, terms.gl_code, price.source,
                f"{span}, {price.label}, bracket tier {i + 1} ({tier_span(tiers, i)}) "
                f"{run.money(unit)}{units_text(quantity)}: {counted} units {how}{note}"
                f"{here.version_note}",
                svc.service, start, end, i + 1, None, price.book, here.rollup, here.ap.index,
                terms.tax_category, terms.tax_inclusive, days, p_days,
                catalog_version=here.version,
            ))
        else:
            before, total = same_service_units(catalog, run.by_service[svc.service], svc, start)
            for piece in progressive_pieces(tiers, before + 1, before + quantity):
                unit = piece.tier.amount
                piece_full = unit * piece.units
                piece_charged = prorate(piece_full, days, p_days, q)
                full += piece_full
                charged += piece_charged
                out.append(BillLine(
                    frequency.name, svc.service, svc.id, "recurring", status,
                    as_units(piece.units), unit, piece_charged,
                    terms.gl_code, price.source,
                    f"{span}, {price.label}, progressive tier {piece.level + 1} "
                    f"({tier_span(tiers, piece.level)}) {run.money(unit)}"
                    f"{units_text(piece.units)}: units {piece.first}-{piece.last} of {total} "
                    f"'{svc.service}' units on the account on {start}{note}{here.version_note}",
                    svc.service, start, end, piece.level + 1, None, price.book, here.rollup,
                    here.ap.index, terms.tax_category, terms.tax_inclusive, days, p_days,
                    catalog_version=here.version,
                ))
        if keep:
            segments.append(Segment(start, end, status, full, quantity, charged))
    return segments


def discount_lines(here: PackagePeriod, svc: AccountService, terms: ServiceTerms,
                   segments: list[Segment]) -> None:
    assert terms.row is not None
    run = here.run
    placed = run.schedules.get(svc.id)
    if placed is None:
        placed = tuple((s, s.describe()) for s in schedule(
            run.catalog, svc, terms.row.discounts, run.account.promo_codes, here.ap.cancelled))
        run.schedules[svc.id] = placed
    if not placed:
        return
    period = here.period
    left: Decimal | None = None  # what the discounts so far left of all the service's charges
    status_left: dict[str, Decimal] = {}  # ... of one status's charges, by the status's discounts
    for sched, described in placed:
        if sched.begin >= period.end or (sched.end is not None and sched.end <= period.start):
            continue
        found = discount_amount(sched, segments, period.start, period.end, run.working)
        if found is None:
            continue
        if left is None:
            left = sum((s.charged for s in segments), ZERO)
        d = sched.discount
        amount = round_money(found.amount, run.q)
        own = left if d.status is None else status_left.get(d.status)
        if own is None:  # the first discount for that status in this period
            own = sum((s.charged for s in segments if s.status == d.status), ZERO)
        scope = min(left, own)
        capped = ""
        if -amount > scope:
            if scope <= 0:
                continue  # the discounts before it took the whole charge
            amount = -scope
            capped = f", capped at the {run.money(scope)} left of the charge"
        left += amount
        if d.status is not None:
            status_left[d.status] = own + amount
        first = max(sched.begin, period.start)
        last = min(sched.end or period.end, period.end) - ONE_DAY
        on = f"{svc.service}" + (f" while {d.status}" if d.status else "")
        here.out.append(BillLine(
            here.frequency.name, svc.service, svc.id, "discount", d.status,
            as_units(svc.quantity), round_money(found.unit_price, run.q), amount,
            d.gl_code if d.gl_code is not None else terms.gl_code, None,
            f"{described}, {sched.position(first, last)}: {found.detail}{capped}, on {on} "
            f"in {here.span}",
            d.name, period.start, period.end, None, d.name, terms.row_book, here.rollup,
            here.ap.index, terms.tax_category, terms.tax_inclusive,
            found.days if d.prorate else None, here.p_days if d.prorate else None,
        ))
