"""The demo account over the demo catalog: the bill an administrator can check by hand."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import assert_valid, lines, run  # noqa: E402

from app.cli.simulate import simulate  # noqa: E402


def demo_account() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        resources.files("app.resources").joinpath("demo", "account.json").read_text("utf-8"))
    return loaded


def test_demo_account_is_a_valid_scenario_of_the_demo_catalog(
        demo_catalog: dict[str, Any]) -> None:
    assert_valid("account", demo_account())
    bill, doc = run(demo_catalog, demo_account(), "2026-01-01", 4)
    kinds = {line.kind for period in bill.periods for line in period.lines}
    assert {"recurring", "discount", "transition", "one_time", "usage", "tax"} <= kinds
    for period in doc["periods"]:
        for line in period["lines"]:
            assert line["explanation"].strip()
    assert bill.notes == ()


def test_demo_bill_reads_as_the_catalog_says(demo_catalog: dict[str, Any]) -> None:
    bill, doc = run(demo_catalog, demo_account(), "2026-01-01", 4)
    january = {(ln.service_id, ln.kind, ln.status): ln.amount for ln in lines(bill, 0)}
    # Internet 500 activated mid-month: 55.00 x 16/31; activation fee once; installation once
    assert january[("net", "recurring", "Active")] == Decimal("28.39")
    assert january[("net", "transition", "Active")] == Decimal("49.00")
    assert january[("install", "one_time", "Active")] == Decimal("100.00")
    # the WELCOME10 promo code: 10% of TV Basic while Active
    assert january[("tv", "discount", "Active")] == Decimal("-1.29")
    # March: TV Basic suspended 10..24 March is not charged (no Suspended price)
    tv_march = [ln for ln in lines(bill, 2, "recurring") if ln.service_id == "tv"]
    assert [ln.amount for ln in tv_march] == [Decimal("7.26"), Decimal("6.45")]
    # February: 8 GB + 4096 MB = 12 GB against a 10 GB bucket: 2 GB x 2.00
    assert [ln.amount for ln in lines(bill, 1, "usage")] == [Decimal("0.00"), Decimal("4.00")]
    # the bundle rolls up: one printed line for it, its lines summed
    printed = doc["periods"][1]["printed_lines"]
    bundle = [p for p in printed if p["description"] == "Fiber TV Bundle"]
    assert len(bundle) == 1
    bundle_lines = [ln for ln in doc["periods"][1]["lines"]
                    if ln.get("rollup") == "Fiber TV Bundle"]
    assert Decimal(bundle[0]["amount"]) == sum(Decimal(ln["amount"]) for ln in bundle_lines)


def test_demo_through_the_command_line(tmp_path: Path) -> None:
    catalog = resources.files("app.resources").joinpath("demo", "catalog.json")
    account = resources.files("app.resources").joinpath("demo", "account.json")
    with resources.as_file(catalog) as catalog_path, resources.as_file(account) as account_path:
        result = CliRunner().invoke(simulate, [
            "--catalog", str(catalog_path), "--account", str(account_path),
            "--from", "2026-01-01", "--periods", "4", "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "Fiber TV Bundle Monthly" in result.stdout
    assert "WELCOME10" in result.stdout


def test_demo_account_meets_the_2027_price_change_in_march(demo_catalog: dict[str, Any]) -> None:
    """The demo schedules Internet 500 in the Fiber TV Bundle at 60.00 from 2027-01-01, with
    existing subscribers moving on 2027-03-01: Jane (since January 2026) pays 55.00 in January
    and February 2027, then 60.00."""
    bill, _ = run(demo_catalog, demo_account(), "2027-01-01", 3)
    net = [(ln.amount, ln.catalog_version) for i in range(3) for ln in lines(bill, i, "recurring")
           if ln.service_id == "net"]
    assert net == [(Decimal("55.00"), "2026-01-01"), (Decimal("55.00"), "2026-01-01"),
                   (Decimal("60.00"), "2027 prices")]
    assert [p.total for p in bill.periods] == [Decimal("106.15"), Decimal("106.15"),
                                               Decimal("111.50")]
