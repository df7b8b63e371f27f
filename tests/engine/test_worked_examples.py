"""Every worked example of the source pages (seed 004) and of the exchange-format spec,
reproduced to the cent."""

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
    one_service_account,
    one_time,
    package,
    recurring,
    run,
    service,
    simple_catalog,
    transition_charge,
)

SEED_TIERS = [(9, "100.00"), (None, "90.00")]


def tiered_catalog(tiering: str) -> dict[str, Any]:
    return catalog_doc(
        [service("Line")],
        [package("Lines", ["Line"], [frequency(
            "Lines Monthly", {"standard": {"USD": charges([
                recurring("Line", tiers={"Active": SEED_TIERS}),
            ])}}, tiering=tiering,
            counting_rule="Active lines" if tiering == "bracket" else None,
        )])],
        counting_rules=[{"name": "Active lines", "counts": "services", "items": ["Line"],
                         "statuses": ["Active"]}],
    )


def lines_account(quantities: list[int]) -> dict[str, Any]:
    return account_doc([acct_package("Lines Monthly", "2026-02-01", [
        acct_service(f"l{i:02d}", "Line", [("Active", "2026-02-01")], quantity=q)
        for i, q in enumerate(quantities)
    ])])


def test_bracket_twelve_units_all_at_the_tier_reached() -> None:
    """Seed: tiers [{end 9, 100}, {end null, 90}], 12 units -> 12 x 90."""
    bill, _ = run(tiered_catalog("bracket"), lines_account([12]), "2026-02-01")
    (line,) = lines(bill, kind="recurring")
    assert (line.quantity, line.unit_price, line.amount) == (12, D("90.00"), D("1080.00"))
    assert line.tier == 2
    assert "bracket tier 2 (units 10+)" in line.explanation
    assert "12 units counted on 2026-02-01 by counting rule 'Active lines'" in line.explanation
    assert bill.periods[0].total == D("1080.00")


def test_bracket_counts_units_over_separate_account_services() -> None:
    bill, _ = run(tiered_catalog("bracket"), lines_account([1] * 12), "2026-02-01")
    assert amounts(bill, kind="recurring") == [D("90.00")] * 12
    assert bill.periods[0].total == D("1080.00")


def test_progressive_twelve_units_nine_at_100_then_three_at_90() -> None:
    """Seed: same tiers, progressive, 12 units -> 9 x 100 + 3 x 90."""
    bill, _ = run(tiered_catalog("progressive"), lines_account([12]), "2026-02-01")
    first, second = lines(bill, kind="recurring")
    assert (first.quantity, first.unit_price, first.amount) == (9, D("100.00"), D("900.00"))
    assert (second.quantity, second.unit_price, second.amount) == (3, D("90.00"), D("270.00"))
    assert "units 1-9 of 12" in first.explanation
    assert "units 10-12 of 12" in second.explanation
    assert bill.periods[0].total == D("1170.00")


def test_progressive_orders_units_by_start_date_then_id_across_packages() -> None:
    doc = lines_account([])
    early = [acct_service(f"e{i}", "Line", [("Active", "2026-01-05")]) for i in range(5)]
    late = [acct_service(f"a{i}", "Line", [("Active", "2026-01-20")]) for i in range(7)]
    doc["packages"] = [acct_package("Lines Monthly", "2026-01-20", late),
                       acct_package("Lines Monthly", "2026-01-05", early)]
    bill, _ = run(tiered_catalog("progressive"), doc, "2026-02-01")
    price_by_id = {ln.service_id: ln.unit_price for ln in lines(bill, kind="recurring")}
    # the 5 earlier services hold units 1-5, then a0..a3 hold 6-9 and a4..a6 hold 10-12
    assert all(price_by_id[f"e{i}"] == D("100.00") for i in range(5))
    assert [price_by_id[f"a{i}"] for i in range(7)] == [D("100.00")] * 4 + [D("90.00")] * 3
    assert bill.periods[0].total == D("1170.00")


def test_stacked_discounts_free_three_months_then_20_percent_then_catalog_price() -> None:
    """Seed: "price 0 for 3 months, then 20% off for the next 3 months", then back to the
    catalog price."""
    catalog = simple_catalog(discounts=[
        discount("Free 3 months", "price", "0.00", months=3),
        discount("20% off", "percent", "20", months=3),
    ])
    bill, _ = run(catalog, one_service_account([("Active", "2026-02-01")]), "2026-02-01", 7)
    totals = [p.total for p in bill.periods]
    assert totals == [D("0.00")] * 3 + [D("40.00")] * 3 + [D("50.00")]
    assert [amounts(bill, i, "discount") for i in range(7)] == \
        [[D("-50.00")]] * 3 + [[D("-10.00")]] * 3 + [[]]
    may = lines(bill, 3, "discount")[0]
    assert "discount 2 of 2 '20% off'" in may.explanation
    assert "month 1 of 3" in may.explanation
    march = lines(bill, 1, "discount")[0]
    assert "discount 1 of 2 'Free 3 months'" in march.explanation
    assert "month 2 of 3" in march.explanation


def penalty_catalog() -> dict[str, Any]:
    return catalog_doc(
        [service("Internet 100"), service("Reactivation Fee", "fee", gl="4710")],
        [package("Internet", ["Internet 100", "Reactivation Fee"], [frequency(
            "Internet Monthly", {"standard": {"USD": charges(
                [recurring("Internet 100", {"Active": "50.00", "Suspended": "5.00"})],
                [transition_charge("Internet 100", "reactivation", "Reactivation Fee", "30.00",
                                   {"amount": "25.00", "threshold_months": 1})],
            )}})])],
    )


def test_penalty_when_suspended_longer_than_the_threshold() -> None:
    """Seed: a reactivation penalty with a 1-month threshold: the service cannot stay
    suspended for more than one month or the penalty applies when billing occurs."""
    account = one_service_account([("Active", "2026-01-01"), ("Suspended", "2026-02-10"),
                                   ("Active", "2026-04-15")])
    bill, _ = run(penalty_catalog(), account, "2026-02-01", 3)
    assert lines(bill, 0, "penalty") == []
    (penalty,) = lines(bill, 1, "penalty")  # threshold crossed on 2026-03-10
    assert penalty.amount == D("25.00")
    assert penalty.service == "Reactivation Fee" and penalty.gl_code == "4710"
    assert "since 2026-02-10" in penalty.explanation
    assert "threshold crossed on 2026-03-10" in penalty.explanation
    (fee,) = lines(bill, 2, "transition")
    assert fee.amount == D("30.00")
    assert lines(bill, 2, "penalty") == []


def test_no_penalty_when_reactivated_within_the_threshold() -> None:
    account = one_service_account([("Active", "2026-01-01"), ("Suspended", "2026-02-10"),
                                   ("Active", "2026-03-05")])
    bill, _ = run(penalty_catalog(), account, "2026-02-01", 3)
    assert all(lines(bill, i, "penalty") == [] for i in range(3))
    assert amounts(bill, 1, "transition") == [D("30.00")]


def test_installation_fee_tiers_progressive_one_time_across_account_packages() -> None:
    """Seed: "a one time installation fee charge of $100 for the first installation, then a $75
    fee for each installation charge applied to the account after the first"; progressive
    one-time tiers count the installations billed in the period across all account-packages."""
    catalog = catalog_doc(
        [service("Internet 100"), service("Installation", "one_time", gl="4600")],
        [package("Internet", ["Internet 100", "Installation"], [frequency(
            "Internet Monthly", {"standard": {"USD": charges(
                [recurring("Internet 100", tiers={"Active": [(None, "50.00")]})], [],
                [one_time("Installation", "100.00", tiers=[(1, "100.00"), (None, "75.00")])],
            )}}, tiering="progressive")])],
    )

    def pkg(start: str, sid: str) -> dict[str, Any]:
        return acct_package("Internet Monthly", start, [
            acct_service(sid, "Installation", [("Active", start)])])

    same_month = account_doc([pkg("2026-02-20", "i2"), pkg("2026-02-03", "i1")])
    bill, _ = run(catalog, same_month, "2026-02-01")
    installs = {ln.service_id: ln for ln in lines(bill, kind="one_time")}
    assert installs["i1"].amount == D("100.00")  # started first
    assert installs["i2"].amount == D("75.00")
    assert "progressive tier 2 (units 2+)" in installs["i2"].explanation
    assert bill.periods[0].total == D("175.00")

    next_month = account_doc([pkg("2026-02-03", "i1"), pkg("2026-03-10", "i2")])
    bill, _ = run(catalog, next_month, "2026-02-01", 3)
    assert [amounts(bill, i, "one_time") for i in range(3)] == \
        [[D("100.00")], [D("100.00")], []]


def test_spec_bill_example(spec_catalog: dict[str, Any]) -> None:
    """The exchange format's bill example: 50.00 + 7% tax = 53.50, explained as printed."""
    row = spec_catalog["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    row["recurring"][0]["discounts"] = []
    account = account_doc([acct_package("Home Bundle Monthly", "2026-01-15", [
        acct_service("s1", "Internet 100", [("Pre-Active", "2026-01-15"),
                                            ("Active", "2026-01-20")]),
    ])])
    _, doc = run(spec_catalog, account, "2026-02-01")
    period = doc["periods"][0]
    assert (period["start"], period["end"]) == ("2026-02-01", "2026-03-01")
    first = period["lines"][0]
    expected = {
        "package": "Home Bundle Monthly", "service": "Internet 100", "service_id": "s1",
        "kind": "recurring", "status": "Active", "quantity": "1", "unit_price": "50.00",
        "amount": "50.00", "gl_code": "4000", "price_source": "catalog",
        "explanation": "Active 2026-02-01..2026-03-01, 28/28 days, catalog price "
                       "(standard, USD) 50.00",
    }
    assert {k: first[k] for k in expected} == expected
    assert (period["subtotal"], period["tax"], period["total"]) == ("50.00", "3.50", "53.50")
    assert doc["total"] == "53.50"
