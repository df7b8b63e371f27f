"""Discounts: fixed, percent and price; date windows, status, period, proration, stacking
order and promo codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    D,
    amounts,
    discount,
    lines,
    one_service_account,
    run,
    simple_catalog,
)

PRICES = {"Pre-Active": "0.00", "Active": "50.00", "Suspended": "5.00"}
PROMOS = [{"code": "SPRING", "discount": {"type": "percent", "amount": "10",
                                          "period_months": 2, "status": "Active"}}]


def catalog(*discounts: dict[str, Any]) -> dict[str, Any]:
    return simple_catalog(PRICES, discounts=list(discounts), promo_codes=PROMOS)


def test_fixed_discount_per_unit_prorated_over_the_days_it_covers() -> None:
    bill, _ = run(catalog(discount("$10 off", "fixed", "10.00", days=14)),
                  one_service_account([("Active", "2026-02-01")], quantity=2), "2026-02-01", 2)
    (line,) = lines(bill, 0, "discount")
    assert (line.amount, line.unit_price, line.quantity) == (D("-10.00"), D("-10.00"), 2)
    assert "prorated 14/28 days" in line.explanation
    assert "days 1-14 of 14" in line.explanation
    assert lines(bill, 1, "discount") == []


def test_fixed_discount_never_goes_below_zero() -> None:
    bill, _ = run(catalog(discount("$80 off", "fixed", "80.00")),
                  one_service_account([("Active", "2026-02-01")]), "2026-02-01")
    assert amounts(bill, 0, "discount") == [D("-50.00")]
    assert bill.periods[0].total == D("0.00")
    assert "capped at the charge" in lines(bill, 0, "discount")[0].explanation


def test_prorate_off_applies_in_full_to_a_period_the_discount_only_touches() -> None:
    history = [("Active", "2026-02-01")]
    on, _ = run(catalog(discount("20% for 10 days", "percent", "20", days=10, prorate=True)),
                one_service_account(history), "2026-02-01")
    off, _ = run(catalog(discount("20% for 10 days", "percent", "20", days=10, prorate=False)),
                 one_service_account(history), "2026-02-01")
    assert amounts(on, 0, "discount") == [D("-3.57")]  # 20% of 50 x 10/28
    assert amounts(off, 0, "discount") == [D("-10.00")]
    fixed_off, _ = run(catalog(discount("$5", "fixed", "5.00", days=3, prorate=False)),
                       one_service_account([("Active", "2026-02-20")]), "2026-02-01")
    assert amounts(fixed_off, 0, "discount") == [D("-5.00")]  # not scaled by days at all


def test_price_discount_makes_the_charge_the_amount_and_never_raises_it() -> None:
    bill, _ = run(catalog(discount("Price 35", "price", "35.00")),
                  one_service_account([("Active", "2026-02-01")]), "2026-02-01")
    assert amounts(bill, 0, "discount") == [D("-15.00")]
    bill, _ = run(catalog(discount("Price 60", "price", "60.00")),
                  one_service_account([("Active", "2026-02-01")]), "2026-02-01")
    assert lines(bill, 0, "discount") == []


def test_discount_attaches_only_to_services_added_inside_its_window() -> None:
    window = discount("Launch offer", "price", "0.00", months=1, start="2026-02-01",
                      end="2026-02-28")
    for added, attached in (("2026-01-31", False), ("2026-02-01", True), ("2026-02-28", True),
                            ("2026-03-01", False)):
        bill, _ = run(catalog(window), one_service_account([("Active", added)]), added)
        assert bool(lines(bill, 0, "discount")) is attached, added
    inactive = discount("Off", "price", "0.00", months=1, active=False)
    bill, _ = run(catalog(inactive), one_service_account([("Active", "2026-02-01")]),
                  "2026-02-01")
    assert lines(bill, 0, "discount") == []


def test_discount_begins_when_the_service_first_enters_its_status() -> None:
    bill, _ = run(catalog(discount("Free month", "price", "0.00", months=1)),
                  one_service_account([("Pre-Active", "2026-01-25"), ("Active", "2026-02-10")]),
                  "2026-02-01", 2)
    # free from 10 Feb to 10 Mar: 19/28 of February and 9/31 of March
    assert amounts(bill, 0, "discount") == [D("-33.93")]
    assert amounts(bill, 1, "discount") == [D("-14.52")]
    assert "2026-02-10..2026-03-10" in lines(bill, 1, "discount")[0].explanation


def test_status_discount_skips_other_statuses_and_its_clock_keeps_running() -> None:
    history = [("Active", "2026-02-01"), ("Suspended", "2026-02-15"), ("Active", "2026-03-15")]
    bill, _ = run(catalog(discount("Free 2 months", "price", "0.00", months=2)),
                  one_service_account(history), "2026-02-01", 3)
    feb = [(ln.status, ln.amount) for ln in lines(bill, 0)]
    assert feb == [("Active", D("25.00")), ("Suspended", D("2.50")),
                   ("Active", D("-25.00"))]  # the discount line covers the Active days only
    assert amounts(bill, 1, "discount") == [D("-27.42")]  # 15 Mar..1 Apr: 17/31 of 50
    assert lines(bill, 2, "discount") == []  # ended 1 April, suspension did not extend it


def test_promo_code_discount_applies_only_when_the_code_is_supplied() -> None:
    promo = discount("Spring promo", "percent", "99", promo="SPRING")
    history = [("Active", "2026-02-01")]
    bill, _ = run(catalog(promo), one_service_account(history), "2026-02-01")
    assert lines(bill, 0, "discount") == []
    bill, _ = run(catalog(promo), one_service_account(history, promo=["SPRING"]),
                  "2026-02-01", 3)
    # the code's configuration wins: 10% for 2 months, not the row's 99%
    assert [amounts(bill, i, "discount") for i in range(3)] == [[D("-5.00")], [D("-5.00")], []]
    assert "(promo code SPRING)" in lines(bill, 0, "discount")[0].explanation


def test_discounts_that_do_not_attach_are_skipped_in_the_stacking_order() -> None:
    stack = [discount("Spring promo", "percent", "10", promo="SPRING"),
             discount("Then $5 off", "fixed", "5.00", months=1)]
    bill, _ = run(catalog(*stack), one_service_account([("Active", "2026-02-01")]),
                  "2026-02-01", 2)
    assert [amounts(bill, i, "discount") for i in range(2)] == [[D("-5.00")], []]
    assert "discount 1 of 1 'Then $5 off'" in lines(bill, 0, "discount")[0].explanation


def test_discount_gl_code_defaults_to_the_service_gl_code() -> None:
    bill, _ = run(catalog(discount("A", "fixed", "1.00", gl="4990"),
                          discount("B", "fixed", "1.00")),
                  one_service_account([("Active", "2026-02-01")]), "2026-02-01")
    assert [ln.gl_code for ln in lines(bill, 0, "discount")] == ["4990"]
    bill, _ = run(catalog(discount("B", "fixed", "1.00")),
                  one_service_account([("Active", "2026-02-01")]), "2026-02-01")
    assert [ln.gl_code for ln in lines(bill, 0, "discount")] == ["4000"]


def test_stacked_discounts_meeting_in_a_period_never_take_more_than_the_charge() -> None:
    """A first discount without proration ends mid-February and so applies in full to
    February; the next one starts the same day: it only gets what is left of February's
    charge."""
    stack = [discount("$43 off", "fixed", "43.00", months=1, prorate=False),
             discount("Then $20 off", "fixed", "20.00", months=1)]
    bill, _ = run(catalog(*stack), one_service_account([("Active", "2026-01-15")]),
                  "2026-02-01", 2)
    assert amounts(bill, 0, "discount") == [D("-43.00"), D("-7.00")]
    assert "capped at the 7.00 left of the charge" in lines(bill, 0, "discount")[1].explanation
    assert bill.periods[0].total == D("0.00")
    assert amounts(bill, 1, "discount") == [D("-9.03")]  # 20 x 14/31: 1..15 March


def half_active_february(fixed_off: str) -> Any:
    """February of a service at Active 50.00 / Suspended 10.00, Active 1..15 Feb then
    Suspended, with two Active-only discounts: a fixed ``fixed_off`` for 10 days (not
    prorated), then "Free month" (price 0.00, 1 month, prorated)."""
    stack = [discount(f"${fixed_off} off", "fixed", fixed_off, days=10, prorate=False),
             discount("Free month", "price", "0.00", months=1)]
    account = one_service_account([("Active", "2026-02-01"), ("Suspended", "2026-02-15")])
    bill, _ = run(simple_catalog({"Active": "50.00", "Suspended": "10.00"}, discounts=stack),
                  account, "2026-02-01")
    return bill


def test_stacked_discounts_for_one_status_leave_another_status_charge_alone() -> None:
    """Active 50.00 and Suspended 10.00 a month; Active 1..15 Feb, Suspended from 15 Feb.
    Two Active-only discounts stacked: "$100.00 off" for 10 days, not prorated, then "Free
    month" (price 0.00, 1 month, prorated), which begins 11 Feb.

    By hand, February (28 days):
      Active     50.00 x 14/28 = 25.00
      Suspended  10.00 x 14/28 =  5.00
      "$100.00 off": not prorated, so in full over the 14 Active days: 100.00 off a 25.00
        charge, capped at the charge: -25.00
      "Free month": 50.00 x 4/28 = 7.14 would come off the Active days 11..15 Feb, but the
        discount before it left 25.00 - 25.00 = 0.00 of the Active charge: no line
      bill: 25.00 + 5.00 - 25.00 = 5.00 (the Suspended 5.00 is not an Active discount's).
    """
    bill = half_active_february("100.00")
    assert amounts(bill, 0, "recurring") == [D("25.00"), D("5.00")]
    assert amounts(bill, 0, "discount") == [D("-25.00")]
    assert bill.periods[0].total == D("5.00")


def test_a_discount_for_one_status_is_capped_by_what_is_left_of_that_status() -> None:
    """The same history; "$20.00 off" for 10 days (not prorated) then "Free month" (price 0.00,
    1 month, prorated), both Active-only.

    By hand, February: Active 25.00, Suspended 5.00.
      "$20.00 off": 20.00 off the 25.00 Active charge: -20.00, so 5.00 of it is left
      "Free month" (11..15 Feb): 50.00 x 4/28 = 7.14, more than the 5.00 left of the Active
        charge: capped at -5.00 (the 10.00 left of the whole bill includes Suspended's 5.00,
        which is not the Active discount's to take)
      bill: 30.00 - 20.00 - 5.00 = 5.00.
    """
    bill = half_active_february("20.00")
    assert amounts(bill, 0, "discount") == [D("-20.00"), D("-5.00")]
    assert "capped at the 5.00 left of the charge" in lines(bill, 0, "discount")[1].explanation
    assert bill.periods[0].total == D("5.00")
