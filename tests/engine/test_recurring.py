"""Recurring charges: per-status prices, day proration across status changes, currency minor
units and the one rounding per line, cancelled services."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    D,
    account_doc,
    acct_package,
    acct_service,
    amounts,
    catalog_doc,
    charges,
    frequency,
    lines,
    one_service_account,
    package,
    recurring,
    run,
    service,
    simple_catalog,
)

PRICES = {"Pre-Active": "0.00", "Active": "50.00", "Suspended": "5.00"}


def test_status_change_on_the_first_day_of_a_period_bills_only_the_new_status() -> None:
    account = one_service_account([("Active", "2026-01-01"), ("Suspended", "2026-03-01")])
    bill, _ = run(simple_catalog(PRICES), account, "2026-02-01", 2)
    assert amounts(bill, 0) == [D("50.00")]
    (march,) = lines(bill, 1)
    assert (march.status, march.amount) == ("Suspended", D("5.00"))
    assert march.explanation.startswith("Suspended 2026-03-01..2026-04-01, 31/31 days")


def test_status_change_on_the_last_day_of_a_period_splits_30_and_1_days() -> None:
    account = one_service_account([("Active", "2026-01-01"), ("Suspended", "2026-03-31")])
    bill, _ = run(simple_catalog(PRICES), account, "2026-03-01")
    active, suspended = lines(bill)
    assert (active.status, active.amount) == ("Active", D("48.39"))  # 50 x 30/31
    assert "30/31 days of 2026-03-01..2026-04-01" in active.explanation
    assert (suspended.status, suspended.amount) == ("Suspended", D("0.16"))  # 5 x 1/31
    assert bill.periods[0].total == D("48.55")


def test_mid_period_start_is_prorated_and_a_zero_price_status_is_a_zero_line() -> None:
    account = one_service_account([("Pre-Active", "2026-01-15"), ("Active", "2026-01-20")])
    bill, _ = run(simple_catalog(PRICES), account, "2026-01-01")
    pre, active = lines(bill)
    assert (pre.status, pre.amount, pre.unit_price) == ("Pre-Active", D("0.00"), D("0.00"))
    assert active.amount == D("19.35")  # 50 x 12/31 = 19.354...


def test_status_without_an_amount_is_not_charged() -> None:
    account = one_service_account([("Active", "2026-01-01"), ("Suspended", "2026-02-15")])
    bill, _ = run(simple_catalog({"Active": "50.00"}), account, "2026-02-01")
    (line,) = lines(bill)
    assert (line.status, line.amount) == ("Active", D("25.00"))  # 14/28 days


def test_quantity_multiplies_the_charge() -> None:
    bill, _ = run(simple_catalog(), one_service_account([("Active", "2026-02-15")], quantity=3),
                  "2026-02-01")
    (line,) = lines(bill)
    assert (line.quantity, line.unit_price, line.amount) == (3, D("50.00"), D("75.00"))
    assert "x 3 units" in line.explanation


def test_cancelled_service_is_not_charged_from_its_cancellation() -> None:
    account = one_service_account([("Active", "2026-01-01"), ("Cancelled", "2026-03-10")])
    bill, _ = run(simple_catalog(PRICES), account, "2026-03-01", 2)
    assert amounts(bill, 0) == [D("14.52")]  # 50 x 9/31
    assert lines(bill, 1) == []


def test_cancelled_package_stops_all_charges_on_its_cancellation_day() -> None:
    account = one_service_account([("Active", "2026-01-01")], cancelled="2026-03-10")
    bill, _ = run(simple_catalog(PRICES), account, "2026-03-01", 2)
    assert amounts(bill, 0) == [D("14.52")]
    assert bill.periods[1].lines == ()


def test_zero_minor_unit_currency_jpy() -> None:
    catalog = simple_catalog({"Active": "5000"}, currency="JPY", minor_units=0)
    account = one_service_account([("Active", "2026-03-10")], currency="JPY")
    _, doc = run(catalog, account, "2026-03-01")
    (line,) = doc["periods"][0]["lines"]
    assert (line["unit_price"], line["amount"]) == ("5000", "3548")  # 5000 x 22/31 = 3548.39
    assert doc["total"] == "3548"


def test_three_minor_unit_currency_bhd() -> None:
    catalog = simple_catalog({"Active": "12.345"}, currency="BHD", minor_units=3)
    account = one_service_account([("Active", "2026-03-10")], currency="BHD")
    _, doc = run(catalog, account, "2026-03-01", 2)
    assert doc["periods"][0]["lines"][0]["amount"] == "8.761"  # 12.345 x 22/31 = 8.76096...
    assert doc["periods"][1]["total"] == "12.345"
    assert doc["total"] == "21.106"


def test_one_rounding_per_line_half_up() -> None:
    # 0.05 x 14/28 = 0.025 exactly: HALF_UP gives 0.03 (banker's rounding would give 0.02)
    bill, _ = run(simple_catalog({"Active": "0.05"}),
                  one_service_account([("Active", "2026-02-15")]), "2026-02-01")
    assert amounts(bill) == [D("0.03")]


def test_totals_are_sums_of_rounded_lines() -> None:
    # three services of 10.00 active 10 of 31 days: each 3.2258 -> 3.23, total 9.69 (not 9.68)
    catalog = catalog_doc(
        [service("A"), service("B"), service("C")],
        [package("ABC", ["A", "B", "C"], [frequency("ABC Monthly", {"standard": {"USD": charges(
            [recurring(s, {"Active": "10.00"}) for s in "ABC"])}})])],
    )
    account = account_doc([acct_package("ABC Monthly", "2026-03-22", [
        acct_service(s.lower(), s, [("Active", "2026-03-22")]) for s in "ABC"])])
    bill, doc = run(catalog, account, "2026-03-01")
    assert amounts(bill) == [D("3.23")] * 3
    assert doc["periods"][0]["total"] == "9.69"


def test_services_added_later_are_billed_from_their_first_status() -> None:
    catalog = simple_catalog()
    account = account_doc([acct_package("Internet Monthly", "2026-01-01", [
        acct_service("s1", "Internet 100", [("Active", "2026-01-01")]),
        acct_service("s2", "Internet 100", [("Active", "2026-02-15")]),
    ])])
    bill, _ = run(catalog, account, "2026-01-01", 2)
    assert amounts(bill, 0) == [D("50.00")]
    assert amounts(bill, 1) == [D("50.00"), D("25.00")]
