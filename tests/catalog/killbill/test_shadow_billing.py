"""Kill Bill bills what the simulator shows: the exported XML, billed by Kill Bill's documented
semantics (app.catalog.killbill.shadow), against our engine's bill, period by period; and every
export goes through Kill Bill's own loader."""

from __future__ import annotations

import copy
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.catalog.killbill import shadow
from app.catalog.killbill.exporter import KillBillExport, export_killbill
from app.engine import catalog_from_document

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from generate_catalog import generate_catalog  # noqa: E402

WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
START = dt.date(2026, 1, 1)


def publish(doc: dict[str, Any], kb_loader: Any) -> KillBillExport:
    done = export_killbill(doc, catalog_name="Shadow", effective_date=WHEN)
    kb_loader.collect("shadow", done.data)
    return done


_PARSED: dict[int, tuple[Any, Any, Any]] = {}


def bills(
    doc: dict[str, Any], done: KillBillExport, frequency: str, currency: str,
    held: dict[str, int], periods: int = 8,
) -> tuple[list[Decimal], list[Decimal]]:  # fmt: skip
    """(our simulator's bill, Kill Bill's) per period for a subscriber."""
    if id(done) not in _PARSED:
        _PARSED.clear()
        _PARSED[id(done)] = (shadow.read_plans(done.data), shadow.read_units(done.data),
                             catalog_from_document(doc))  # fmt: skip
    plans, units, catalog = _PARSED[id(done)]
    scenario = shadow.Scenario(frequency, currency, "standard", held, START, periods)
    entry = done.published[(frequency, "standard")]
    subs = shadow.subscriptions_for(
        entry.base, entry.addons(currency), plans, units, held, periods, entry.counted
    )
    ours = shadow.simulator_bill(catalog, scenario)
    return ours, shadow.killbill_bill(plans, subs, scenario)


def test_demo_fiber_subscriber_pays_in_kill_bill_what_the_simulator_shows(
    demo_catalog: dict[str, Any], kb_loader: Any
) -> None:
    done = publish(demo_catalog, kb_loader)
    held = {"Internet 500": 1, "Modem Rental": 1, "Installation": 1}
    ours, theirs = bills(demo_catalog, done, "Fiber Internet Monthly", "USD", held)
    assert theirs == ours
    # 3 months free, then 20 % off 65.00 for 3 months, then 65.00 + the modem's 10.00
    assert [str(a) for a in theirs] == [
        "110.00", "10.00", "10.00", "62.00", "62.00", "62.00", "75.00", "75.00",
    ]  # fmt: skip
    # the EUR book has no discounts: a subscriber in EUR buys the EUR add-on of Internet 500
    ours, theirs = bills(demo_catalog, done, "Fiber Internet Monthly", "EUR", held)
    assert theirs == ours and theirs[1] == Decimal("69.00")


def test_a_subset_of_services_and_quantities_are_billed_right(
    demo_catalog: dict[str, Any], kb_loader: Any
) -> None:
    done = publish(demo_catalog, kb_loader)
    for held in ({"Internet 100": 1}, {"Internet 500": 2}, {"Modem Rental": 3, "Installation": 1}):
        ours, theirs = bills(demo_catalog, done, "Fiber Internet Monthly", "USD", held)
        assert theirs == ours, held
    ours, theirs = bills(demo_catalog, done, "Fiber Internet Monthly", "USD", {"Internet 100": 1})
    assert theirs[0] == Decimal("45.00")  # not the 120.00 of the whole package


def scenarios(doc: dict[str, Any], freq: dict[str, Any], currency: str) -> list[dict[str, int]]:
    services = {s["name"]: s for s in doc["services"]}
    cell = freq["price_books"]["standard"][currency]
    recurring = [r["service"] for r in cell.get("recurring", [])
                 if services[r["service"]]["base_type"] == "recurring"]  # fmt: skip
    one_time = [r["service"] for r in cell.get("one_time", [])]
    out = [{s: 1 for s in recurring + one_time}] + [{s: 1} for s in recurring]
    return out + ([{recurring[0]: 2}] if recurring else [])


def expressible(doc: dict[str, Any], pkg: dict[str, Any], freq: dict[str, Any]) -> bool:
    """What the mapping claims to bill exactly (the rest is reported as not expressed):
    no bracket counting rule, no billing activation service, no tiered one-time charge,
    discounts ending on a period boundary."""
    if freq.get("tiering") == "bracket" or pkg.get("billing_activation_service"):
        return False
    bill = freq.get("bill_frequency")
    months = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}.get(bill) if isinstance(
        bill, str) else (bill or {}).get("months")  # fmt: skip
    for cell in freq["price_books"].get("standard", {}).values():
        if any(r.get("tiers") for r in cell.get("one_time", [])):
            return False
        for row in cell.get("recurring", []):
            if row.get("discounts") and freq.get("tiering") != "none":
                return False
            for d in row.get("discounts") or []:
                n = d.get("period_months")
                if d.get("period_days") or (n and (not months or n % months)):
                    return False
    return bill != "weekly"


@pytest.mark.parametrize("size", [(10, 20, 1), (20, 40, 2)], ids=["10x20", "20x40"])
def test_generated_catalogs_bill_alike_wherever_the_mapping_claims_to(
    size: tuple[int, int, int], kb_loader: Any
) -> None:
    doc = generate_catalog(size[0], size[1], seed=size[2])
    done = publish(doc, kb_loader)
    plans = shadow.read_plans(done.data)
    # distinct phase types in every plan: Kill Bill finds a phase by <plan>-<type>
    assert all(len({p.type for p in plan.phases}) == len(plan.phases) for plan in plans.values())
    checked = 0
    for pkg in doc["packages"]:
        for freq in pkg["frequencies"]:
            if (freq["name"], "standard") not in done.published or not expressible(doc, pkg, freq):
                continue
            for currency in freq["currencies"]:
                if currency not in freq["price_books"].get("standard", {}):
                    continue
                for held in scenarios(doc, freq, currency):
                    ours, theirs = bills(doc, done, freq["name"], currency, held, 6)
                    assert theirs == ours, (freq["name"], currency, held)
                    checked += 1
    assert checked > 20


def bare(example: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(example)
    doc["packages"].append(copy.deepcopy(doc["packages"][0]))
    doc["packages"][1]["name"] = "Legacy"
    legacy = doc["packages"][1]["frequencies"][0]
    legacy.update(name="Legacy Monthly", sku="LEG-M")
    return doc


@pytest.mark.parametrize("case", ["inactive without prices", "Pre-Active only", "unknown currency"])
def test_a_frequency_with_nothing_to_bill_is_left_out_by_name(
    spec_catalog: dict[str, Any], kb_loader: Any, case: str
) -> None:
    doc = bare(spec_catalog)
    legacy = doc["packages"][1]["frequencies"][0]
    if case == "inactive without prices":
        legacy.update(active=False, price_books={})
    elif case == "Pre-Active only":
        cell = legacy["price_books"]["standard"]["USD"]
        for row in cell["recurring"]:
            row.update(amounts={"Pre-Active": "10.00"}, discounts=[], usage_bucket=None)
        cell["one_time"] = []
        legacy["rate_plan"] = None
        doc["packages"][1]["services"] = [s for s in doc["packages"][1]["services"] if s != "Data"]
    else:
        doc["currencies"].append({"code": "XBT", "minor_units": 4})
        legacy["currencies"] = ["XBT"]
        legacy["price_books"]["standard"] = {"XBT": legacy["price_books"]["standard"]["USD"]}
    done = publish(doc, kb_loader)
    kb_loader.assert_accepted({case: done.data})
    assert ("Legacy Monthly", "standard") not in done.published
    assert "LEG-M" not in shadow.read_plans(done.data)
    assert any("'Legacy Monthly'" in n.message and "left out" in n.message for n in done.notes)
    assert ("Home Bundle Monthly", "standard") in done.published


def test_a_one_time_charge_in_one_of_two_currencies_is_priced_in_both(
    spec_catalog: dict[str, Any], kb_loader: Any
) -> None:
    doc = copy.deepcopy(spec_catalog)
    doc["currencies"].append({"code": "EUR", "minor_units": 2})
    freq = doc["packages"][0]["frequencies"][0]
    freq["currencies"] = ["USD", "EUR"]
    eur = copy.deepcopy(freq["price_books"]["standard"]["USD"])
    eur["one_time"] = []
    freq["price_books"]["standard"]["EUR"] = eur
    done = publish(doc, kb_loader)
    plan = shadow.read_plans(done.data)["HB-M-Installation"]
    assert plan.phases[0].fixed == {"USD": Decimal("100.00"), "EUR": Decimal("0")}
    assert any("no one-time charge in EUR" in n.message for n in done.notes)
    ours, theirs = bills(doc, done, "Home Bundle Monthly", "EUR", {"Installation": 1}, 3)
    assert theirs == ours == [Decimal(0)] * 3
