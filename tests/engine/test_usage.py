"""Usage buckets, unit conversion and overage through the rate plan chosen by override order."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    D,
    account_doc,
    acct_package,
    acct_service,
    catalog_doc,
    charges,
    frequency,
    lines,
    package,
    recurring,
    run,
    service,
)

from app.engine.usage import conversion_factor  # noqa: E402


@pytest.mark.parametrize(("a", "b", "factor"), [
    ("MB", "GB", Decimal(1) / 1024), ("GB", "MB", Decimal(1024)), ("KB", "MB", Decimal(1) / 1024),
    ("TB", "GB", Decimal(1024)), ("gb", "GB", Decimal(1)), ("minutes", "hours", Decimal(1) / 60),
    ("hours", "seconds", Decimal(3600)), ("SMS", "sms", Decimal(1)),
])
def test_unit_conversion(a: str, b: str, factor: Decimal) -> None:
    assert conversion_factor(a, b) == factor


def test_units_of_different_kinds_do_not_convert() -> None:
    assert conversion_factor("GB", "minutes") is None
    assert conversion_factor("SMS", "GB") is None


def catalog(bucket: dict[str, Any] | None, *, service_plan: str | None = None,
            frequency_plan: str | None = "Frequency rates") -> dict[str, Any]:
    row = recurring("Data", {}, bucket=bucket,
                    settings={"rate_plan": service_plan} if service_plan else None)
    return catalog_doc(
        [service("Data", "usage", gl="4500", unit="GB")],
        [package("Mobile", ["Data"], [frequency(
            "Mobile Monthly", {"standard": {"USD": charges([row])}},
            rate_plan=frequency_plan)])],
        rate_plans=[
            {"name": "Frequency rates", "rates": [
                {"service": "Data", "currency": "USD", "per_unit": "2.00"}]},
            {"name": "Service rates", "rates": [
                {"service": "Data", "currency": "USD", "per_unit": "1.50"}]},
            {"name": "Euro only", "rates": [
                {"service": "Data", "currency": "EUR", "per_unit": "1.00"}]},
        ],
        usage_buckets=[
            {"name": "100 GB", "service": "Data", "unit": "GB",
             "tiers": [{"threshold": "100", "flat_charge": "0"}]},
            {"name": "Two tiers", "service": "Data", "unit": "GB",
             # in increasing order: out of order is refused (tests/engine/test_rules.py)
             "tiers": [{"threshold": "10", "flat_charge": "0.00"},
                       {"threshold": "50", "flat_charge": "15.00"}]},
        ],
        currencies=[("USD", 2), ("EUR", 2)],
    )


def usage_account(*records: tuple[str, str | None, str], cancelled: str | None = None
                  ) -> dict[str, Any]:
    return account_doc(
        [acct_package("Mobile Monthly", "2026-01-01",
                      [acct_service("d1", "Data", [("Active", "2026-01-01")])],
                      cancelled=cancelled)],
        usage=[{"service_id": "d1", "quantity": q, "unit": u, "date": day}
               for q, u, day in records],
    )


BUCKET = {"bucket": "100 GB", "unit": None, "tiers": None}


def test_usage_over_the_bucket_is_charged_per_unit_on_top_of_the_flat_charge() -> None:
    bill, _ = run(catalog(BUCKET), usage_account(("120", "GB", "2026-02-10")), "2026-02-01")
    flat, overage = lines(bill)
    assert (flat.kind, flat.amount) == ("usage", D("0.00"))
    assert "usage bucket '100 GB' tier 1 (up to 100 GB)" in flat.explanation
    assert (overage.quantity, overage.unit_price, overage.amount) == (20, D("2.00"), D("40.00"))
    assert "rate plan 'Frequency rates' (frequency level)" in overage.explanation


def test_records_are_converted_before_the_thresholds_and_summed_per_period() -> None:
    bill, _ = run(catalog(BUCKET), usage_account(
        ("51200", "MB", "2026-02-03"), ("60", None, "2026-02-20"), ("5", "GB", "2026-03-01")),
        "2026-02-01", 2)
    flat, overage = lines(bill, 0)
    assert "110 GB used in 2026-02-01..2026-03-01 (2 record(s), converted from MB)" in \
        flat.explanation  # 51200 MB = 50 GB, + 60 GB
    assert overage.amount == D("20.00")
    (march,) = lines(bill, 1)
    assert march.amount == D("0.00")


def test_the_smallest_covering_threshold_sets_the_flat_charge() -> None:
    two = {"bucket": "Two tiers", "unit": None, "tiers": None}
    for used, flat in (("8", "0.00"), ("30", "15.00"), ("50", "15.00")):
        bill, _ = run(catalog(two), usage_account((used, "GB", "2026-02-10")), "2026-02-01")
        assert [ln.amount for ln in lines(bill)] == [D(flat)], used
    bill, _ = run(catalog(two), usage_account(("53.5", "GB", "2026-02-10")), "2026-02-01")
    assert [ln.amount for ln in lines(bill)] == [D("15.00"), D("7.00")]  # 3.5 GB x 2.00


def test_bucket_setting_overrides_unit_and_tiers_in_the_price_book() -> None:
    setting = {"bucket": "100 GB", "unit": "MB",
               "tiers": [{"threshold": "1024", "flat_charge": "1.00"}]}
    bill, _ = run(catalog(setting), usage_account(("1.5", "GB", "2026-02-10")), "2026-02-01")
    flat, overage = lines(bill)
    assert flat.amount == D("1.00")
    # 1.5 GB = 1536 MB: 512 MB over, rated per GB (the service's unit): 0.5 x 2.00
    assert (overage.quantity, overage.amount) == (D("0.5"), D("1.00"))


def test_service_level_rate_plan_beats_the_frequency_rate_plan() -> None:
    bill, _ = run(catalog(None, service_plan="Service rates"),
                  usage_account(("10", "GB", "2026-02-10")), "2026-02-01")
    (line,) = lines(bill)
    assert (line.unit_price, line.amount) == (D("1.50"), D("15.00"))
    assert "(service level)" in line.explanation
    # a service-level plan without a rate in the account's currency gives way
    bill, _ = run(catalog(None, service_plan="Euro only"),
                  usage_account(("10", "GB", "2026-02-10")), "2026-02-01")
    assert [ln.amount for ln in lines(bill)] == [D("20.00")]


def test_usage_without_any_rate_is_shown_uncharged_with_a_note() -> None:
    bill, _ = run(catalog(None, frequency_plan=None), usage_account(("10", "GB", "2026-02-10")),
                  "2026-02-01")
    (line,) = lines(bill)
    assert line.amount == D("0.00")
    assert "no rate plan has a rate for 'Data' in USD" in line.explanation
    assert any("no rate plan rates 'Data'" in note for note in bill.notes)


def test_no_usage_and_a_free_bucket_give_no_line() -> None:
    bill, _ = run(catalog(BUCKET), usage_account(), "2026-02-01")
    assert lines(bill) == []


def test_usage_after_the_package_was_cancelled_is_not_billed() -> None:
    bill, _ = run(catalog(None), usage_account(("10", "GB", "2026-02-10"),
                                               ("10", "GB", "2026-02-20"),
                                               cancelled="2026-02-15"), "2026-02-01")
    assert [ln.amount for ln in lines(bill)] == [D("20.00")]
    assert any("usage[1].date" in note and "not billed" in note for note in bill.notes)
