"""Tiered pricing: bracket counts through counting rules, progressive ranks across packages."""

from __future__ import annotations

import dataclasses
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
    amounts,
    catalog_doc,
    charges,
    frequency,
    lines,
    package,
    recurring,
    run,
    service,
)

from app.catalog.document.validation import validate_catalog  # noqa: E402
from app.engine import account_from_document, catalog_from_document  # noqa: E402
from app.engine.problems import Problem  # noqa: E402
from app.engine.snapshot import CatalogError, Tier  # noqa: E402
from app.engine.tiers import bracket_tier, progressive_pieces, tier_span  # noqa: E402

TIERS = [(9, "100.00"), (None, "90.00")]


def catalog(tiering: str, rule: dict[str, Any] | None = None) -> dict[str, Any]:
    rules = [rule] if rule else []
    return catalog_doc(
        [service("Line"), service("Other")],
        [package("Lines", ["Line", "Other"], [frequency(
            "Lines Monthly", {"standard": {"USD": charges([
                recurring("Line", {"Suspended": "10.00"},
                          tiers={"Active": TIERS, "Suspended": [(None, "10.00")]}),
                recurring("Other", {"Active": "1.00"}),
            ])}}, tiering=tiering, counting_rule=rule["name"] if rule else None)])],
        counting_rules=rules,
    )


ACTIVE_LINES = {"name": "Active lines", "counts": "services", "items": ["Line"],
                "statuses": ["Active"]}


def account(histories: list[list[tuple[str, str]]], start: str = "2026-01-01") -> dict[str, Any]:
    return account_doc([acct_package("Lines Monthly", start, [
        acct_service(f"l{i:02d}", "Line", h) for i, h in enumerate(histories)])])


def test_tier_helpers() -> None:
    tiers = [Tier(9, D("100")), Tier(20, D("90")), Tier(None, D("80"))]
    assert [bracket_tier(tiers, n) for n in (0, 9, 10, 20, 21)] == [0, 0, 1, 1, 2]
    assert [(p.level, p.first, p.last) for p in progressive_pieces(tiers, 8, 22)] == \
        [(0, 8, 9), (1, 10, 20), (2, 21, 22)]
    assert [tier_span(tiers, i) for i in range(3)] == ["units 1-9", "units 10-20", "units 21+"]


def test_bracket_counts_only_the_rule_statuses() -> None:
    histories = [[("Active", "2026-01-01")]] * 9 + [[("Suspended", "2026-01-01")]]
    bill, _ = run(catalog("bracket", ACTIVE_LINES), account(histories), "2026-02-01")
    prices = [ln.unit_price for ln in lines(bill) if ln.status == "Active"]
    assert prices == [D("100.00")] * 9  # the suspended line is not counted: 9 units, tier 1
    assert "9 units counted on 2026-02-01" in lines(bill)[0].explanation


def test_bracket_count_is_taken_on_the_first_day_of_each_charge() -> None:
    histories = [[("Active", "2026-01-01")]] * 9 + [[("Suspended", "2026-01-01"),
                                                     ("Active", "2026-02-15")]]
    bill, _ = run(catalog("bracket", ACTIVE_LINES), account(histories), "2026-02-01", 2)
    feb = [(ln.service_id, ln.status, ln.unit_price, ln.amount) for ln in lines(bill, 0)]
    assert feb[:9] == [(f"l{i:02d}", "Active", D("100.00"), D("100.00")) for i in range(9)]
    assert feb[9:] == [("l09", "Suspended", D("10.00"), D("5.00")),
                       ("l09", "Active", D("90.00"), D("45.00"))]  # 10 counted on 15 Feb
    assert amounts(bill, 1) == [D("90.00")] * 10


def test_bracket_never_counts_cancelled_services() -> None:
    histories = [[("Active", "2026-01-01")]] * 9 + [[("Active", "2026-01-01"),
                                                     ("Cancelled", "2026-01-20")]]
    bill, _ = run(catalog("bracket", ACTIVE_LINES), account(histories), "2026-02-01")
    assert amounts(bill) == [D("100.00")] * 9


def test_bracket_counting_packages() -> None:
    rule = {"name": "Line packages", "counts": "packages", "items": ["Lines"],
            "statuses": ["Active"]}
    doc = account_doc([acct_package("Lines Monthly", "2026-01-01", [
        acct_service(f"p{i}", "Line", [("Active", "2026-01-01")], quantity=3)])
        for i in range(10)])
    bill, _ = run(catalog("bracket", rule), doc, "2026-02-01")
    assert amounts(bill) == [D("270.00")] * 10  # 10 packages: tier 2, 3 units x 90
    assert "10 units counted on 2026-02-01 by counting rule 'Line packages'" in \
        lines(bill)[0].explanation


def test_a_bracket_frequency_without_a_counting_rule_is_refused() -> None:
    """Nothing would count the units that pick the tier: the engine refuses the catalog with
    validation's own words, at the frequency's ``counting_rule`` (the exchange format: "A
    bracket frequency names a counting_rule"), whether it checks every frequency up front or
    builds the frequency when an account first uses it."""
    doc = catalog("bracket")
    doc["packages"][0]["frequencies"][0]["counting_rule"] = None
    expected = [Problem("packages[0].frequencies[0].counting_rule",
                        "bracket tiering needs a counting rule (it counts the units that pick "
                        "the tier)")]
    with pytest.raises(CatalogError) as checked:
        catalog_from_document(doc)
    assert checked.value.problems == expected
    lazy = catalog_from_document(doc, check=False)
    with pytest.raises(CatalogError) as on_use:
        account_from_document(account([[("Active", "2026-01-01")]]), lazy)
    assert on_use.value.problems == expected
    assert validate_catalog(doc) == expected


def test_a_hand_built_bracket_frequency_without_a_rule_is_refused_when_billed() -> None:
    """A snapshot built in code (not from a document) cannot slip past the loader's check: the
    bracket count asks for the rule and gets the same refusal instead of a guessed count."""
    snapshot = catalog_from_document(catalog("bracket", ACTIVE_LINES))
    frequency = dataclasses.replace(snapshot.frequencies["Lines Monthly"], counting_rule=None)
    with pytest.raises(CatalogError, match="bracket tiering needs a counting rule"):
        snapshot.counting_rule_of(frequency)
    assert snapshot.counting_rule_of(snapshot.frequencies["Lines Monthly"]).name == "Active lines"


def test_progressive_skips_cancelled_units_and_spans_tiers_within_one_line() -> None:
    histories = [[("Active", "2026-01-01"), ("Cancelled", "2026-01-10")]] + \
        [[("Active", "2026-01-01")]] * 8
    doc = account(histories)
    doc["packages"][0]["services"].append(
        acct_service("zz", "Line", [("Active", "2026-01-02")], quantity=4))
    bill, _ = run(catalog("progressive"), doc, "2026-02-01")
    big = [ln for ln in lines(bill) if ln.service_id == "zz"]
    # 8 live single units come first (1 Jan); "zz" holds units 9-12: 1 x 100 + 3 x 90
    assert [(ln.quantity, ln.amount, ln.tier) for ln in big] == \
        [(1, D("100.00"), 1), (3, D("270.00"), 2)]
    assert bill.periods[0].total == D("1170.00")


def test_progressive_status_price_uses_the_tiers_of_the_service_status() -> None:
    histories = [[("Active", "2026-01-01")]] * 10 + [[("Suspended", "2026-01-01")]]
    bill, _ = run(catalog("progressive"), account(histories), "2026-02-01")
    assert amounts(bill) == [D("100.00")] * 9 + [D("90.00"), D("10.00")]
