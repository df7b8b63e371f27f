"""Invariants of the engine over generated catalogs and scenarios (hypothesis)."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    STATUSES,
    account_doc,
    acct_package,
    acct_service,
    catalog_doc,
    charges,
    discount,
    frequency,
    lines,
    one_service_account,
    package,
    recurring,
    run,
    service,
)

from app.engine.money import quantum  # noqa: E402

PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
minor_units = st.sampled_from([0, 2, 3])
months = st.integers(min_value=0, max_value=47)  # a month from January 2026 on


def month_start(index: int) -> dt.date:
    return dt.date(2026 + index // 12, index % 12 + 1, 1)


def split_catalog(price: Decimal, minor: int, pct: int | None, tax: bool) -> dict[str, Any]:
    amount = str(price.quantize(quantum(minor)) if minor < 2 else price)
    discounts = [discount("Percent", "percent", str(pct), status=None)] if pct else []
    return catalog_doc(
        [service("Internet 100", tax="telecom" if tax else None)],
        [package("Internet", ["Internet 100"], [frequency("Internet Monthly", {"standard": {
            "XTS": charges([recurring("Internet 100", {"Active": amount, "Online": amount},
                                      discounts=discounts)])}})])],
        currencies=[("XTS", minor)], statuses=[*STATUSES, {"name": "Online"}],
        tax_rates=[{"category": "telecom", "country": "US", "rate": "0.07"}],
    )


@PROPERTY
@given(price=prices, minor=minor_units, month=months, split=st.integers(1, 27),
       quantity=st.integers(1, 9), pct=st.one_of(st.none(), st.integers(1, 100)),
       tax=st.booleans())
def test_splitting_a_period_changes_the_total_by_at_most_one_minor_unit_per_line(
        price: Decimal, minor: int, month: int, split: int, quantity: int, pct: int | None,
        tax: bool) -> None:
    """The same price in two statuses: a status change inside the period makes two lines where
    there was one; rounding each may differ from rounding the whole by one minor unit per line."""
    start = month_start(month)
    catalog = split_catalog(price, minor, pct, tax)
    whole, _ = run(catalog, one_service_account([("Active", start.isoformat())],
                                                quantity=quantity, currency="XTS"),
                   start.isoformat())
    day = (start + dt.timedelta(days=split)).isoformat()
    parts, _ = run(catalog, one_service_account([("Active", start.isoformat()), ("Online", day)],
                                                quantity=quantity, currency="XTS"),
                   start.isoformat())
    difference = abs(whole.periods[0].total - parts.periods[0].total)
    assert difference <= quantum(minor) * len(parts.periods[0].lines)


discount_types = st.sampled_from(["fixed", "percent", "price"])
histories = st.lists(st.tuples(st.sampled_from(["Pre-Active", "Active", "Suspended",
                                                "Cancelled"]), st.integers(1, 40)),
                     min_size=1, max_size=5)


@PROPERTY
@given(type_=discount_types, amount=st.integers(0, 300), prorate=st.booleans(),
       period=st.one_of(st.none(), st.integers(1, 4)), history=histories,
       second=st.one_of(st.none(), discount_types), quantity=st.integers(0, 4))
def test_a_discount_never_takes_off_more_than_the_charge_it_discounts(
        type_: str, amount: int, prorate: bool, period: int | None,
        history: list[tuple[str, int]], second: str | None, quantity: int) -> None:
    value = str(min(amount, 100)) if type_ == "percent" else f"{amount}.00"
    stack = [discount("First", type_, value, months=period, prorate=prorate, status="Active")]
    if second is not None:
        stack.append(discount("Second", second, "10" if second == "percent" else "7.50",
                              months=1, prorate=not prorate, status=None))
    catalog = catalog_doc(
        [service("Internet 100")],
        [package("Internet", ["Internet 100"], [frequency("Internet Monthly", {"standard": {
            "USD": charges([recurring("Internet 100", {"Active": "49.99", "Suspended": "5.00",
                                                       "Pre-Active": "0.00"},
                                      discounts=stack)])}})])],
    )
    day, statuses = dt.date(2026, 1, 3), []
    for status, gap in history:
        statuses.append((status, day.isoformat()))
        day += dt.timedelta(days=gap)
    bill, _ = run(catalog, one_service_account(statuses, quantity=quantity), "2026-01-01", 6)
    for index in range(6):
        charged = sum((ln.amount for ln in lines(bill, index, "recurring")), Decimal(0))
        taken = [ln.amount for ln in lines(bill, index, "discount")]
        assert all(t <= 0 for t in taken)
        assert -sum(taken, Decimal(0)) <= charged


def tier_lists(increasing: bool) -> st.SearchStrategy[list[tuple[int | None, str]]]:
    def build(ends: list[int], first: int, steps: list[int]) -> list[tuple[int | None, str]]:
        amounts, price = [], first
        for step in steps:
            amounts.append(price)
            price = price + step if increasing else max(price - step, 0)
        bounds: list[int | None] = [*sorted(set(ends)), None]
        return [(end, f"{amounts[i % len(amounts)]}.00") for i, end in enumerate(bounds)]

    return st.builds(build, st.lists(st.integers(1, 30), min_size=1, max_size=3),
                     st.integers(10, 200), st.lists(st.integers(0, 20), min_size=4, max_size=4))


def tier_bill(tiering: str, tiers: list[tuple[int | None, str]],
              quantities: list[int]) -> Decimal:
    catalog = catalog_doc(
        [service("Line")],
        [package("Lines", ["Line"], [frequency("Lines Monthly", {"standard": {"USD": charges([
            recurring("Line", tiers={"Active": tiers})])}}, tiering=tiering,
            counting_rule="All lines" if tiering == "bracket" else None)])],
        counting_rules=[{"name": "All lines", "counts": "services", "items": ["Line"],
                         "statuses": []}],
    )
    account = account_doc([acct_package("Lines Monthly", "2026-01-01", [
        acct_service(f"l{i}", "Line", [("Active", "2026-01-01")], quantity=q)
        for i, q in enumerate(quantities)])])
    bill, _ = run(catalog, account, "2026-01-01")
    return bill.periods[0].total


@PROPERTY
@given(tiers=tier_lists(increasing=False), quantities=st.lists(st.integers(0, 12), min_size=1,
                                                                max_size=6))
def test_with_decreasing_tier_prices_bracket_never_costs_more_than_progressive(
        tiers: list[tuple[int | None, str]], quantities: list[int]) -> None:
    """(The issue words this the other way round; the seed's own example, 1080 bracket
    against 1170 progressive, shows which way it goes. See docs/billing-rules.md.)"""
    assert tier_bill("bracket", tiers, quantities) <= tier_bill("progressive", tiers, quantities)


@PROPERTY
@given(tiers=tier_lists(increasing=True), quantities=st.lists(st.integers(0, 12), min_size=1,
                                                               max_size=6))
def test_with_increasing_tier_prices_progressive_never_costs_more_than_bracket(
        tiers: list[tuple[int | None, str]], quantities: list[int]) -> None:
    assert tier_bill("progressive", tiers, quantities) <= tier_bill("bracket", tiers, quantities)


@PROPERTY
@given(history=histories, quantity=st.integers(0, 5), minor=minor_units,
       start=st.integers(0, 27))
def test_totals_are_sums_of_lines_and_every_amount_has_the_currency_minor_units(
        history: list[tuple[str, int]], quantity: int, minor: int, start: int) -> None:
    catalog = split_catalog(Decimal("33.33"), minor, 15, True)
    day, statuses = dt.date(2026, 1, 1) + dt.timedelta(days=start), []
    for status, gap in history:
        statuses.append((status, day.isoformat()))
        day += dt.timedelta(days=gap)
    bill, doc = run(catalog, one_service_account(statuses, quantity=quantity, currency="XTS"),
                    "2026-01-01", 4)
    assert bill.total == sum((p.total for p in bill.periods), Decimal(0))
    for period in bill.periods:
        assert period.subtotal == sum((ln.amount for ln in period.lines if ln.kind != "tax"),
                                      Decimal(0))
        assert period.total == period.subtotal + period.tax
        for line in period.lines:
            assert line.amount == line.amount.quantize(quantum(minor))
    for period in doc["periods"]:
        for line in period["lines"]:
            decimals = len(line["amount"].split(".")[1]) if "." in line["amount"] else 0
            assert decimals == minor
