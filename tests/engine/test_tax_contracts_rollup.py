"""Taxes (inclusive, exclusive, price-book overrides), contracts with early termination fees,
billing activation services, and the rolled-up printed invoice."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    D,
    account_doc,
    acct_package,
    acct_service,
    amounts,
    catalog_doc,
    charges,
    discount,
    frequency,
    lines,
    one_time,
    package,
    recurring,
    run,
    service,
    transition_charge,
)

TAX_RATES = [{"category": "telecom", "country": "US", "rate": "0.07"},
             {"category": "equipment", "country": "US", "rate": "0.06"},
             {"category": "telecom", "country": "DE", "rate": "0.19"},
             {"category": "equipment", "country": "DE", "rate": "0.19"}]


def home_catalog(*, rollup: bool = False, activation: str | None = None,
                 contract: str | None = None, modem_settings: dict[str, Any] | None = None,
                 ) -> dict[str, Any]:
    services = [service("Internet 100", tax="telecom"),
                service("Modem", gl="4500", tax="equipment", inclusive=True),
                service("Installation", "one_time", gl="4600", tax="equipment"),
                service("Activation Fee", "fee", gl="4700", tax="telecom")]
    rows = charges(
        [recurring("Internet 100", {"Pre-Active": "0.00", "Active": "50.00"},
                   discounts=[discount("$10 off", "fixed", "10.00", months=1)]),
         recurring("Modem", {"Active": "11.90"}, settings=modem_settings)],
        [transition_charge("Internet 100", "activation", "Activation Fee", "20.00")],
        [one_time("Installation", "100.00")],
    )
    return catalog_doc(
        services,
        [package("Home", [s["name"] for s in services], [frequency(
            "Home Monthly", {"standard": {"USD": rows, "EUR": rows}}, contract=contract)],
            rollup=rollup, activation=activation)],
        currencies=[("USD", 2), ("EUR", 2)], tax_rates=TAX_RATES,
        contracts=[{"name": "12 months", "term_months": 12, "early_termination_fee": "150.00"}],
    )


def home_account(*, country: str = "US", currency: str = "USD", cancelled: str | None = None,
                 internet: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    return account_doc([acct_package("Home Monthly", "2026-01-05", [
        acct_service("net", "Internet 100", internet or [("Active", "2026-01-05")]),
        acct_service("modem", "Modem", [("Active", "2026-01-05")]),
    ], cancelled=cancelled)], country=country, currency=currency)


def test_exclusive_tax_is_added_and_inclusive_tax_is_shown_but_not_added() -> None:
    bill, doc = run(home_catalog(), home_account(), "2026-02-01", 2)
    taxes = {ln.tax_category: ln for ln in lines(bill, 1, "tax")}
    # March: Internet 50.00 (7% exclusive -> 3.50), Modem 11.90 tax-inclusive (6% -> 0.67)
    assert taxes["telecom"].amount == D("3.50") and not taxes["telecom"].tax_inclusive
    assert taxes["equipment"].amount == D("0.67") and taxes["equipment"].tax_inclusive
    march = doc["periods"][1]
    assert (march["subtotal"], march["tax"], march["tax_included"], march["total"]) == \
        ("61.90", "3.50", "0.67", "65.40")
    assert "already in the amounts, not added" in taxes["equipment"].explanation


def test_discount_lines_reduce_the_taxable_base() -> None:
    bill, _ = run(home_catalog(), home_account(), "2026-01-01")
    telecom = [ln for ln in lines(bill, 0, "tax") if ln.tax_category == "telecom"][0]
    # January: Internet 50 x 27/31 = 43.55, $10 off x 27/31 = -8.71, activation none
    assert amounts(bill, 0, "recurring")[0] == D("43.55")
    assert amounts(bill, 0, "discount") == [D("-8.71")]
    assert telecom.amount == D("2.44")  # 7% of 34.84 = 2.4388


def test_tax_rate_follows_the_account_country_and_price_book_overrides() -> None:
    bill, _ = run(home_catalog(), home_account(country="DE", currency="EUR"), "2026-03-01")
    taxes = {ln.tax_category: ln.amount for ln in lines(bill, 0, "tax")}
    assert taxes == {"telecom": D("9.50"), "equipment": D("1.90")}  # 19%; 11.90 x .19/1.19
    override = {"tax_category": "telecom", "tax_inclusive": False, "gl_code": "4501"}
    bill, _ = run(home_catalog(modem_settings=override), home_account(), "2026-03-01")
    modem = [ln for ln in lines(bill) if ln.service == "Modem"][0]
    assert (modem.gl_code, modem.tax_category, modem.tax_inclusive) == ("4501", "telecom", False)
    (telecom,) = lines(bill, 0, "tax")
    assert telecom.amount == D("4.33")  # 7% of (50.00 + 11.90)


def test_no_tax_without_a_rate_for_the_country() -> None:
    bill, _ = run(home_catalog(), home_account(country="FR", currency="EUR"), "2026-03-01")
    assert lines(bill, 0, "tax") == []


def test_early_termination_fee_on_the_last_bill() -> None:
    bill, _ = run(home_catalog(contract="12 months"), home_account(cancelled="2026-04-01"),
                  "2026-03-01", 2)
    (fee,) = lines(bill, 0, "contract_fee")  # last day of service: 31 March
    assert fee.amount == D("150.00")
    assert "contract '12 months' (12 months from 2026-01-05, ends 2027-01-05) cancelled on " \
           "2026-04-01" in fee.explanation
    assert bill.periods[1].lines == ()
    after_term, _ = run(home_catalog(contract="12 months"),
                        home_account(cancelled="2027-01-05"), "2027-01-01")
    assert lines(after_term, 0, "contract_fee") == []


def test_billing_activation_service_holds_back_recurring_charges() -> None:
    internet = [("Pre-Active", "2026-01-05"), ("Active", "2026-01-20")]
    bill, _ = run(home_catalog(activation="Internet 100"), home_account(internet=internet),
                  "2026-01-01")
    modem = [ln for ln in lines(bill) if ln.service == "Modem"][0]
    assert modem.amount == D("4.61")  # 11.90 x 12/31, from 20 January, not 5 January
    assert "billing starts 2026-01-20, when billing activation service 'Internet 100'" in \
        modem.explanation
    assert [ln.kind for ln in lines(bill) if ln.status == "Pre-Active"] == []
    assert amounts(bill, 0, "transition") == [D("20.00")]  # other charges are not held back
    never = [("Pre-Active", "2026-01-05")]
    bill, _ = run(home_catalog(activation="Internet 100"), home_account(internet=never),
                  "2026-01-01")
    assert lines(bill, 0, "recurring") == []


def test_rollup_prints_one_line_per_package_and_keeps_tax_lines_apart() -> None:
    catalog = home_catalog(rollup=True)
    account = home_account()
    account["packages"][0]["services"].append(
        acct_service("inst", "Installation", [("Active", "2026-03-03")]))
    bill, doc = run(catalog, account, "2026-03-01")
    period = doc["periods"][0]
    printed = period["printed_lines"]
    assert [p["description"] for p in printed] == [
        "Home", "equipment tax 6%", "equipment tax 6% (included)", "telecom tax 7%"]
    detail_sum = sum(D(ln["amount"]) for ln in period["lines"] if ln["kind"] != "tax")
    assert D(printed[0]["amount"]) == detail_sum == D("161.90")
    assert all(ln["rollup"] == "Home" for ln in period["lines"] if ln["kind"] != "tax")
    plain, doc = run(home_catalog(rollup=False), home_account(), "2026-03-01")
    assert [p["description"] for p in doc["periods"][0]["printed_lines"]][:2] == \
        ["Internet 100", "Modem"]


def test_package_without_its_billing_activation_service_is_held_back_with_a_note() -> None:
    account = account_doc([acct_package("Home Monthly", "2026-01-05", [
        acct_service("modem", "Modem", [("Active", "2026-01-05")])])])
    bill, doc = run(home_catalog(activation="Internet 100"), account, "2026-01-01", 2)
    assert lines(bill, 0, "recurring") == [] and lines(bill, 1, "recurring") == []
    assert doc["notes"] == ["packages[0]: package 'Home' bills only once its billing activation "
                            "service 'Internet 100' is active, and this account-package has no "
                            "such service: its recurring charges are held back"]


def test_cancelled_on_its_first_day_bills_only_the_termination_fee() -> None:
    bill, _ = run(home_catalog(contract="12 months"), home_account(cancelled="2026-01-05"),
                  "2026-01-01", 2)
    assert [(ln.kind, ln.amount) for ln in lines(bill, 0)] == [("contract_fee", D("150.00"))]
    assert bill.periods[1].lines == ()
