"""Catalog versions: each day priced by the version in force for the account-package
(docs/billing-rules.md, decisions V1 to V5), on every edge of the policy."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    D,
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
    simple_catalog,
)

from app.engine import account_from_document, catalog_from_document  # noqa: E402
from app.engine.compare import compare_versions  # noqa: E402

Doc = dict[str, Any]


def versioned(doc: Doc, *, policy: str = "move", moved: str | None = "2027-03-01",
              amounts: dict[str, str] | None = None, tiers: Doc | None = None,
              effective: str = "2027-01-01", freq: str = "Internet Monthly") -> Doc:
    existing: Doc = {"policy": policy}
    if moved is not None:
        existing["from"] = moved
    change: Doc = {"frequency": freq, "price_book": "standard", "currency": "USD",
                   "service": "Internet 100"}
    if tiers is not None:
        change["tiers"] = tiers
    else:
        change["amounts"] = amounts or {"Active": "55.00"}
    doc["versions"] = [{"effective_date": "2026-01-01"},
                       {"effective_date": effective, "existing_subscriptions": existing,
                        "prices": [change]}]
    return doc


def recurring_of(bill: Any, period: int) -> list[Any]:
    return lines(bill, period, "recurring")


def test_a_package_started_on_the_effective_date_pays_the_new_price() -> None:
    bill, doc = run(versioned(simple_catalog()), one_service_account([("Active", "2027-01-01")]),
                    "2027-01-01", 2)
    [jan] = recurring_of(bill, 0)
    assert jan.amount == D("55.00")
    assert jan.catalog_version == "2027-01-01"
    assert jan.explanation.endswith(
        "catalog version 2027-01-01, price for new subscriptions from 2027-01-01")
    assert doc["periods"][0]["lines"][0]["catalog_version"] == "2027-01-01"


def test_a_package_started_the_day_before_keeps_the_old_price_until_it_moves() -> None:
    bill, _ = run(versioned(simple_catalog()), one_service_account([("Active", "2026-12-31")]),
                  "2027-01-01", 3)
    assert [recurring_of(bill, i)[0].amount for i in range(3)] == [D("50.00"), D("50.00"),
                                                                     D("55.00")]
    jan, march = recurring_of(bill, 0)[0], recurring_of(bill, 2)[0]
    assert "catalog version 2026-01-01" in jan.explanation
    assert "moves to catalog version 2027-01-01 on 2027-03-01" in jan.explanation
    assert march.explanation.endswith(
        "catalog version 2027-01-01, price for existing subscriptions from 2027-03-01")


def test_grandfathered_subscriptions_keep_the_old_price_forever() -> None:
    cat = versioned(simple_catalog(), policy="grandfathered", moved=None)
    old, _ = run(cat, one_service_account([("Active", "2026-06-01")]), "2027-01-01", 12)
    assert {recurring_of(old, i)[0].amount for i in range(12)} == {D("50.00")}
    assert "grandfathered" in recurring_of(old, 0)[0].explanation
    new, _ = run(cat, one_service_account([("Active", "2027-02-01")]), "2027-02-01", 2)
    assert [recurring_of(new, i)[0].amount for i in range(2)] == [D("55.00"), D("55.00")]


def test_a_status_change_on_the_effective_date_takes_the_new_price_that_day() -> None:
    cat = versioned(simple_catalog({"Active": "50.00", "Suspended": "5.00"}), moved=None,
                    amounts={"Active": "55.00", "Suspended": "6.00"})
    acct = one_service_account([("Active", "2026-06-01"), ("Suspended", "2026-12-20"),
                                ("Active", "2027-01-01")])
    bill, _ = run(cat, acct, "2026-12-01", 2)
    assert [(ln.status, ln.amount, ln.catalog_version) for ln in recurring_of(bill, 0)] == [
        ("Active", D("30.65"), "2026-01-01"), ("Suspended", D("1.94"), "2026-01-01")]
    [jan] = recurring_of(bill, 1)
    assert (jan.status, jan.amount, jan.catalog_version) == ("Active", D("55.00"), "2027-01-01")


def test_a_move_inside_a_period_splits_it_by_days() -> None:
    cat = versioned(simple_catalog(), moved="2027-01-15")
    bill, _ = run(cat, one_service_account([("Active", "2026-06-01")]), "2027-01-01", 1)
    parts = recurring_of(bill, 0)
    # 50.00 x 14/31 (1..15 Jan) + 55.00 x 17/31 (15 Jan..1 Feb)
    assert [(ln.amount, ln.start, ln.end, ln.catalog_version) for ln in parts] == [
        (D("22.58"), dt.date(2027, 1, 1), dt.date(2027, 1, 15), "2026-01-01"),
        (D("30.16"), dt.date(2027, 1, 15), dt.date(2027, 2, 1), "2027-01-01")]
    assert "14/31 days of 2027-01-01..2027-02-01" in parts[0].explanation


def test_discounts_spanning_the_boundary_apply_once_over_both_parts() -> None:
    base = simple_catalog(discounts=[discount("20% off", "percent", "20", months=3)])
    cat = versioned(base, moved="2027-01-15")
    bill, _ = run(cat, one_service_account([("Active", "2026-12-01")]), "2027-01-01", 1)
    [off] = lines(bill, 0, "discount")
    assert off.amount == D("-10.55")  # 20% of 22.58 + 30.16
    fixed = versioned(simple_catalog(discounts=[discount("10 off", "fixed", "10.00", months=3)]),
                      moved="2027-01-15")
    bill, _ = run(fixed, one_service_account([("Active", "2026-12-01")]), "2027-01-01", 1)
    assert [ln.amount for ln in lines(bill, 0, "discount")] == [D("-10.00")]
    assert bill.periods[0].total == D("42.74")


def tiered_catalog() -> Doc:
    row = recurring("Internet 100", tiers={"Active": [(2, "10.00"), (None, "8.00")]})
    return catalog_doc([service("Internet 100")], [package("Internet", ["Internet 100"], [
        frequency("Internet Monthly", {"standard": {"USD": charges([row])}},
                  tiering="progressive")])])


def test_progressive_tiers_spanning_the_boundary_price_each_part_by_its_version() -> None:
    cat = versioned(tiered_catalog(), moved="2027-01-15",
                    tiers={"Active": [{"end": 2, "amount": "12.00"},
                                      {"end": None, "amount": "9.00"}]})
    acct = one_service_account([("Active", "2026-06-01")], quantity=3)
    bill, _ = run(cat, acct, "2027-01-01", 1)
    got = [(ln.tier, ln.quantity, ln.unit_price, ln.amount, ln.catalog_version)
           for ln in recurring_of(bill, 0)]
    assert got == [
        (1, D(2), D("10.00"), D("9.03"), "2026-01-01"),   # 20.00 x 14/31
        (2, D(1), D("8.00"), D("3.61"), "2026-01-01"),    # 8.00 x 14/31
        (1, D(2), D("12.00"), D("13.16"), "2027-01-01"),  # 24.00 x 17/31
        (2, D(1), D("9.00"), D("4.94"), "2027-01-01"),    # 9.00 x 17/31
    ]


def test_a_cancelled_package_is_charged_by_its_version_until_it_is_cancelled() -> None:
    cat = versioned(simple_catalog(), moved=None)
    acct = one_service_account([("Active", "2026-06-01")], cancelled="2027-02-10")
    bill, _ = run(cat, acct, "2027-01-01", 3)
    assert [ln.amount for ln in recurring_of(bill, 0)] == [D("55.00")]
    assert [ln.amount for ln in recurring_of(bill, 1)] == [D("17.68")]  # 55.00 x 9/28
    assert recurring_of(bill, 2) == []


def test_a_catalog_without_versions_bills_and_explains_as_before() -> None:
    bill, doc = run(simple_catalog(), one_service_account([("Active", "2027-01-01")]),
                    "2027-01-01", 1)
    [line] = recurring_of(bill, 0)
    assert line.catalog_version is None
    assert "catalog version" not in line.explanation
    assert "catalog_version" not in doc["periods"][0]["lines"][0]


def test_every_line_of_a_versioned_account_names_its_version(demo_catalog: Doc) -> None:
    acct = account_doc([acct_package("Fiber TV Bundle Monthly", "2026-12-15", [
        acct_service("net", "Internet 500", [("Active", "2026-12-15")]),
        acct_service("install", "Installation", [("Active", "2026-12-15")])])])
    bill, _ = run(demo_catalog, acct, "2026-12-01", 4)
    for period in bill.periods:
        for line in period.lines:
            if line.kind != "tax":
                assert line.catalog_version in {"2026-01-01", "2027 prices"}, line
                assert "catalog version" in line.explanation


def demo_comparison(demo_catalog: Doc, start: str) -> Any:
    catalog = catalog_from_document(demo_catalog)
    acct = account_doc([acct_package("Fiber TV Bundle Monthly", start, [
        acct_service("net", "Internet 500", [("Active", start)])])])
    return compare_versions(catalog, account_from_document(acct, catalog),
                            dt.date(2027, 1, 1), 3)


def test_before_and_after_for_a_2026_subscriber(demo_catalog: Doc) -> None:
    cmp = demo_comparison(demo_catalog, "2026-01-12")
    assert [(p.before.total, p.after.total, p.differs) for p in cmp.periods] == [
        (D("58.85"), D("58.85"), False), (D("58.85"), D("58.85"), False),
        (D("58.85"), D("64.20"), True)]  # Internet 500 55.00 -> 60.00 from March, +7% tax
    [net, tax] = cmp.periods[2].lines
    assert (net.kind, net.before, net.after) == ("recurring", D("55.00"), D("60.00"))
    assert "existing subscriptions from 2027-03-01" in net.explanation
    assert (cmp.before_version, cmp.after_version) == ("2026-01-01", "2027 prices")


def test_before_and_after_for_a_february_2027_subscriber(demo_catalog: Doc) -> None:
    cmp = demo_comparison(demo_catalog, "2027-02-01")
    assert [(p.before.total, p.after.total) for p in cmp.periods] == [
        (D("0.00"), D("0.00")), (D("48.15"), D("53.50")), (D("48.15"), D("53.50"))]
    # from its first day at 60.00 (less the bundle credit of 10.00 new subscribers get), +7% tax
    assert "new subscriptions from 2027-01-01" in cmp.periods[1].lines[0].explanation
