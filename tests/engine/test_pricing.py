"""Price resolution: custom price, price plan, the account's price book, the standard book."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402
from engine_builders import (  # noqa: E402
    D,
    account_doc,
    acct_package,
    acct_service,
    catalog_doc,
    charges,
    frequency,
    lines,
    one_service_account,
    one_time,
    package,
    recurring,
    run,
    service,
)


def priced_catalog(*, tiering: str = "none") -> dict[str, Any]:
    standard = recurring("Internet 100", {"Pre-Active": "0.00", "Active": "50.00"},
                         tiers={"Active": [(1, "60.00"), (None, "55.00")]})
    de = recurring("Internet 100", {"Active": "45.00"})
    return catalog_doc(
        [service("Internet 100")],
        [package("Internet", ["Internet 100"], [frequency(
            "Internet Monthly", {"standard": {"USD": charges([standard])},
                                 "DE": {"USD": charges([de])}}, tiering=tiering,
            counting_rule="Lines" if tiering == "bracket" else None)])],
        price_books=["standard", "DE"],
        counting_rules=[{"name": "Lines", "counts": "services", "items": [], "statuses": []}],
        price_plans=[
            {"name": "Staff", "prices": [
                {"service": "Internet 100", "status": "Active", "currency": "USD",
                 "amount": "30.00"},
                {"service": "Internet 100", "status": "Suspended", "currency": "USD",
                 "amount": "2.00"}]},
            {"name": "Friends", "prices": [
                {"service": "Internet 100", "status": None, "currency": "USD",
                 "amount": "40.00"}]},
        ],
    )


HISTORY = [("Pre-Active", "2026-01-20"), ("Active", "2026-02-01")]


def bill_lines(account: dict[str, Any], *, tiering: str = "none") -> list[Any]:
    bill, _ = run(priced_catalog(tiering=tiering), account, "2026-02-01")
    return lines(bill)


def test_catalog_price_in_the_standard_price_book() -> None:
    (line,) = bill_lines(one_service_account(HISTORY))
    assert (line.amount, line.price_source, line.price_book) == (D("50.00"), "catalog",
                                                                  "standard")
    assert "catalog price (standard, USD) 50.00" in line.explanation


def test_account_price_book_beats_the_standard_book() -> None:
    (line,) = bill_lines(one_service_account(HISTORY, book="DE"))
    assert (line.amount, line.price_source, line.price_book) == (D("45.00"), "catalog", "DE")
    assert "catalog price (DE, USD) 45.00" in line.explanation


def test_standard_book_fills_a_status_the_account_book_does_not_price() -> None:
    bill, _ = run(priced_catalog(), one_service_account(HISTORY, book="DE"), "2026-01-01")
    (pre,) = lines(bill)
    assert (pre.status, pre.price_source, pre.price_book) == ("Pre-Active", "catalog_standard",
                                                              "standard")
    assert "standard catalog price (standard, USD; none in price book 'DE')" in pre.explanation


def test_price_plan_beats_the_catalog() -> None:
    (line,) = bill_lines(one_service_account(HISTORY, book="DE", plan="Staff"))
    assert (line.amount, line.price_source) == (D("30.00"), "price_plan")
    assert "price plan 'Staff' (Active) 30.00" in line.explanation


def test_custom_price_beats_the_price_plan() -> None:
    (line,) = bill_lines(one_service_account(HISTORY, plan="Staff", price="20.00"))
    assert (line.amount, line.price_source) == (D("20.00"), "account_service")
    assert "custom price on the account-service 20.00" in line.explanation


def test_free_statuses_stay_free_under_account_level_prices() -> None:
    account = one_service_account([("Pre-Active", "2026-01-01"), ("Active", "2026-01-16")],
                                  plan="Friends", price=None)
    bill, _ = run(priced_catalog(), account, "2026-01-01")
    pre, active = lines(bill)
    assert (pre.amount, pre.price_source) == (D("0.00"), "catalog")
    assert (active.amount, active.price_source) == (D("20.65"), "price_plan")  # 40 x 16/31
    account = one_service_account([("Pre-Active", "2026-01-01"), ("Active", "2026-01-16")],
                                  price="20.00")
    bill, _ = run(priced_catalog(), account, "2026-01-01")
    pre, active = lines(bill)
    assert (pre.amount, pre.price_source) == (D("0.00"), "catalog")
    assert active.price_source == "account_service"


def test_price_plan_price_for_a_named_status_charges_it_even_without_a_catalog_price() -> None:
    account = one_service_account([("Active", "2026-01-01"), ("Suspended", "2026-02-15")],
                                  plan="Staff")
    active, suspended = bill_lines(account)
    assert (active.amount, suspended.amount) == (D("15.00"), D("1.00"))  # 14/28 days each
    assert suspended.price_source == "price_plan"


def test_custom_price_replaces_tiers_on_a_tiered_frequency() -> None:
    (line,) = bill_lines(one_service_account(HISTORY, price="20.00"), tiering="progressive")
    assert (line.amount, line.tier) == (D("20.00"), None)
    (tiered,) = bill_lines(one_service_account(HISTORY), tiering="progressive")
    assert (tiered.amount, tiered.tier) == (D("60.00"), 1)


def test_tiered_frequency_uses_amounts_for_a_status_without_tiers() -> None:
    account = one_service_account([("Pre-Active", "2026-02-01")])
    (line,) = bill_lines(account, tiering="bracket")
    assert (line.status, line.amount, line.tier) == ("Pre-Active", D("0.00"), None)


def plan_catalog(catalog_active: str, plan_active: str | None, *, installation: str = "100.00",
                 plan_installation: str | None = None) -> dict[str, Any]:
    """Internet 100 priced Active ``catalog_active`` (Pre-Active 0.00), an Installation
    one-time charge, and price plan 'Staff' pricing Active at ``plan_active`` (and the
    Installation, when Active, at ``plan_installation``) if given."""
    rows = charges([recurring("Internet 100", {"Pre-Active": "0.00", "Active": catalog_active})],
                   one_time_rows=[one_time("Installation", installation)])
    prices = [] if plan_active is None else [
        {"service": "Internet 100", "status": "Active", "currency": "USD",
         "amount": plan_active}]
    if plan_installation is not None:
        prices.append({"service": "Installation", "status": "Active", "currency": "USD",
                       "amount": plan_installation})
    return catalog_doc(
        [service("Internet 100"), service("Installation", "one_time")],
        [package("Internet", ["Internet 100", "Installation"], [frequency(
            "Internet Monthly", {"standard": {"USD": rows}})])],
        price_plans=[{"name": "Staff", "prices": prices}],
    )


@pytest.mark.parametrize(("catalog_active", "plan_active", "custom", "billed", "source"), [
    ("50.00", None, "20.00", "20.00", "account_service"),
    ("0.00", None, "20.00", "0.00", "catalog"),
    ("0.00", "0.00", "20.00", "0.00", "price_plan"),
    ("50.00", "0.00", "20.00", "0.00", "price_plan"),
    ("0.00", "27.00", "18.73", "18.73", "account_service"),
    ("0.00", "27.00", None, "27.00", "price_plan"),
])
def test_a_custom_price_replaces_only_what_the_account_would_otherwise_pay_above_zero(
        catalog_active: str, plan_active: str | None, custom: str | None, billed: str,
        source: str) -> None:
    """Decision 10, all of February Active on plan 'Staff' (28/28 days, so no proration).

    By hand, the price steps 2-4 give (the plan's price for Active if it names one, else the
    catalog's), then the custom price only where that is above zero:
      catalog 50.00, no plan price      -> 50.00 > 0: custom 20.00
      catalog 0.00, no plan price       -> 0.00: stays 0.00 (catalog)
      catalog 0.00, plan 0.00           -> 0.00: stays 0.00 (plan); the custom 20.00 is not billed
      catalog 50.00, plan 0.00          -> the plan makes Active free: 0.00 (plan)
      catalog 0.00, plan 27.00          -> 27.00 > 0: the custom price, first in the
                                           spec's order, wins: 18.73 (not the plan's 27.00)
      catalog 0.00, plan 27.00, no custom -> 27.00 (plan)
    """
    account = one_service_account([("Active", "2026-02-01")], plan="Staff", price=custom)
    bill, _ = run(plan_catalog(catalog_active, plan_active), account, "2026-02-01")
    (line,) = lines(bill)
    assert (line.amount, line.price_source) == (D(billed), source)
    assert bill.periods[0].total == D(billed)


@pytest.mark.parametrize(("installation", "plan", "custom", "billed", "source"), [
    ("0.00", None, "75.00", "0.00", "catalog"),
    ("0.00", "0.00", "75.00", "0.00", "price_plan"),
    ("0.00", "30.00", "75.00", "75.00", "account_service"),
    ("100.00", None, "75.00", "75.00", "account_service"),
    ("100.00", None, None, "100.00", "catalog"),
])
def test_a_free_one_time_charge_stays_free_under_a_custom_price(
        installation: str, plan: str | None, custom: str | None, billed: str,
        source: str) -> None:
    """Decisions 10 and 14 for a one-time charge (status Active when billed, on plan 'Staff'),
    billed on the package's first bill.

    By hand: a free installation (catalog 0.00) with a custom price of 75.00 is billed 0.00,
    also when the plan prices the installation at 0.00 too; when the plan prices it at 30.00
    it is not free, and the custom price wins: 75.00; an installation of 100.00 with the
    custom price is billed 75.00; without a custom price, 100.00. The Internet line is 50.00
    each time, so the bill is 50.00 + the charge.
    """
    account = account_doc([acct_package("Internet Monthly", "2026-02-01", [
        acct_service("net", "Internet 100", [("Active", "2026-02-01")]),
        acct_service("inst", "Installation", [("Active", "2026-02-01")], price=custom),
    ])], plan="Staff")
    bill, _ = run(plan_catalog("50.00", None, installation=installation, plan_installation=plan),
                  account, "2026-02-01")
    (charge,) = lines(bill, 0, "one_time")
    assert (charge.amount, charge.price_source) == (D(billed), source)
    assert bill.periods[0].total == D("50.00") + D(billed)
