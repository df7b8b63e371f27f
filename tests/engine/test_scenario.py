"""Account scenarios and catalog snapshots: every problem is found and named by its JSON path."""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    account_doc,
    acct_package,
    acct_service,
    catalog_doc,
    charges,
    frequency,
    package,
    recurring,
    run,
    service,
)

from app.engine import (  # noqa: E402
    CatalogError,
    Problem,
    ScenarioError,
    account_from_document,
    catalog_from_document,
)


def catalog() -> dict[str, Any]:
    return catalog_doc(
        [service("Internet 100"), service("TV"), service("Data", "usage", unit="GB")],
        [package("Internet", ["Internet 100", "Data"], [
            frequency("Internet Monthly", {"standard": {"USD": charges([
                recurring("Internet 100", {"Active": "50.00"})])}}),
            frequency("Internet Old", {"standard": {"USD": charges([
                recurring("Internet 100", {"Active": "40.00"})])}}, active=False),
        ]), package("TV", ["TV"], [frequency("TV Monthly", {"standard": {"EUR": charges([
            recurring("TV", {"Active": "10.00"})])}})])],
        currencies=[("USD", 2), ("EUR", 2)],
        promo_codes=[{"code": "SPRING", "discount": {"type": "percent", "amount": "10"}}],
    )


def problems_of(doc: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as caught:
        account_from_document(doc, catalog_from_document(catalog()))
    return [(p.path, p.message) for p in caught.value.problems]


def test_every_problem_is_listed_with_its_path() -> None:
    doc = account_doc([
        acct_package("Foo", "2026-01-01", []),
        acct_package("TV Monthly", "2026-01-01", [acct_service("t1", "TV", [("Active",
                                                                              "2026-01-01")])]),
        acct_package("Internet Monthly", "2026-01-10", [
            acct_service("s1", "Internet 100", [("Active", "2026-01-10"),
                                                ("Bogus", "2026-01-12")]),
            acct_service("s2", "TV", [("Active", "2026-01-10")]),
            acct_service("s3", "Nope", [("Active", "2026-01-05")]),
            acct_service("s1", "Internet 100", [("Active", "2026-02-01"),
                                                ("Suspended", "2026-01-20")]),
            acct_service("s4", "Internet 100", [("Active", "2026-02-01"),
                                                ("Suspended", "2026-02-01")]),
            acct_service("s5", "Internet 100", []),
        ], cancelled="2026-01-01"),
    ], usage=[{"service_id": "zz", "quantity": "1", "unit": None, "date": "2026-02-01"},
              {"service_id": "s4", "quantity": "1", "unit": None, "date": "2026-02-01"}],
        promo=["NOPE"], plan="VIP")
    doc["account"]["price_book"] = "DE"
    found = problems_of(doc)
    expected = [
        ("account.price_book", "unknown price book 'DE'"),
        ("account.price_plan", "unknown price plan 'VIP'"),
        ("account.promo_codes[0]", "unknown promo code 'NOPE'"),
        ("packages[0].frequency", "unknown package frequency 'Foo'"),
        ("packages[1].frequency", "currency 'USD' is not enabled on package frequency "
                                  "'TV Monthly'"),
        ("packages[2].cancelled", "cancelled on 2026-01-01 before the package starts "
                                  "(2026-01-10)"),
        ("packages[2].services[0].statuses[1].status", "unknown status 'Bogus'"),
        ("packages[2].services[1].service", "service 'TV' is not in package 'Internet'"),
        ("packages[2].services[2].service", "unknown service 'Nope'"),
        ("packages[2].services[2].statuses[0].from", "the service's first status (2026-01-05) "
                                                     "is before the package starts (2026-01-10)"),
        ("packages[2].services[3].id", "duplicate service id 's1' (also "
                                       "packages[2].services[0])"),
        ("packages[2].services[3].statuses[1].from", "status history not in date order: "
                                                     "2026-01-20 comes before 2026-02-01 "
                                                     "(statuses[0].from)"),
        ("packages[2].services[4].statuses[1].from", "overlapping status history: statuses[0] "
                                                     "also starts on 2026-02-01"),
        ("packages[2].services[5].statuses", "an account-service needs at least one status"),
        ("usage[0].service_id", "unknown service_id 'zz'"),
        ("usage[1].service_id", "service_id 's4' is 'Internet 100', which is not a usage "
                                "service"),
    ]
    assert sorted(found) == sorted(expected)


def test_bill_day_and_usage_units_are_checked() -> None:
    doc = account_doc([acct_package("Internet Monthly", "2026-01-01", [
        acct_service("d1", "Data", [("Active", "2026-01-10")])])],
        usage=[{"service_id": "d1", "quantity": "1", "unit": "minutes", "date": "2026-02-01"},
               {"service_id": "d1", "quantity": "1", "unit": "MB", "date": "2026-01-02"}])
    doc["account"]["bill_day"] = 31
    assert sorted(problems_of(doc)) == [
        ("account.bill_day", "bill day must be between 1 and 28, got 31"),
        ("usage[0].unit", "cannot convert 'minutes' to 'GB' (the unit of 'Data')"),
        ("usage[1].date", "usage on 2026-01-02 is before service 'd1' starts (2026-01-10)"),
    ]


def test_hand_written_documents_with_wrong_types_are_problems_not_crashes() -> None:
    doc: dict[str, Any] = {"account": {"name": "X", "country": "US", "currency": 5,
                                       "price_book": "standard", "bill_day": "1"},
                           "packages": [{"frequency": "Internet Monthly", "start": "01/02/2026",
                                         "services": [{"id": "a", "service": "Internet 100",
                                                       "quantity": -1, "price": "abc",
                                                       "statuses": "Active"}]}, 7]}
    paths = {path for path, _ in problems_of(doc)}
    assert paths == {"account.currency", "account.bill_day", "packages[0].start",
                     "packages[0].services[0].quantity", "packages[0].services[0].price",
                     "packages[0].services[0].statuses", "packages[1]"}


def test_inactive_frequency_is_simulated_with_a_warning_note() -> None:
    doc = account_doc([acct_package("Internet Old", "2026-01-01", [
        acct_service("s1", "Internet 100", [("Active", "2026-01-01")])])])
    bill, bill_doc = run(catalog(), doc, "2026-02-01")
    assert bill.total == 40
    assert bill_doc["notes"] == ["packages[0].frequency: package frequency 'Internet Old' is "
                                 "inactive; an existing account-package keeps billing, but it "
                                 "can no longer be sold"]


def test_spec_example_account_names_its_unknown_usage_service(
        spec_catalog: dict[str, Any], spec_account: dict[str, Any]) -> None:
    with pytest.raises(ScenarioError) as caught:
        account_from_document(spec_account, catalog_from_document(spec_catalog))
    assert caught.value.problems == [Problem("usage[0].service_id", "unknown service_id 's3'")]


def test_catalog_references_are_checked_with_their_paths(spec_catalog: dict[str, Any]) -> None:
    broken = copy.deepcopy(spec_catalog)
    usd = broken["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["recurring"][0]["amounts"]["Gone"] = "1.00"
    usd["recurring"][0]["tiers"]["Active"][0]["end"] = 20
    usd["recurring"][0]["tiers"]["Active"].append({"end": 10, "amount": "80.00"})
    usd["transitions"][0]["transition"] = "teleport"
    usd["recurring"][0]["discounts"][0]["status"] = "Gone"
    broken["packages"][0]["frequencies"][0]["counting_rule"] = "Nope"
    with pytest.raises(CatalogError) as caught:
        catalog_from_document(broken)
    base = "packages[0].frequencies[0]"
    row = f"{base}.price_books.standard.USD.recurring[0]"
    assert sorted((p.path, p.message) for p in caught.value.problems) == sorted([
        (f"{base}.counting_rule", "unknown counting rule 'Nope'"),
        (f"{row}.amounts.Gone", "unknown status 'Gone'"),
        (f"{row}.tiers.Active[1].end", "only the last tier may be open-ended"),
        (f"{row}.tiers.Active[2].end", "end must be more than 20, the end of tier 2"),
        (f"{row}.tiers.Active[2].end", "the last tier must be open-ended (null)"),
        (f"{row}.discounts[0].status", "unknown status 'Gone'"),
        (f"{base}.price_books.standard.USD.transitions[0].transition",
         "unknown transition 'teleport'"),
    ])


def test_unchecked_snapshot_builds_frequencies_on_first_use(
        spec_catalog: dict[str, Any]) -> None:
    broken = copy.deepcopy(spec_catalog)
    broken["packages"][0]["frequencies"][0]["rate_plan"] = "Gone"
    snapshot = catalog_from_document(broken, check=False)  # no error yet
    assert "Home Bundle Monthly" in snapshot.frequencies
    with pytest.raises(CatalogError, match="unknown rate plan 'Gone'"):
        snapshot.frequencies["Home Bundle Monthly"]
    fine = catalog_from_document(spec_catalog, check=False)
    frequency = fine.frequencies["Home Bundle Monthly"]
    assert fine.frequencies["Home Bundle Monthly"] is frequency
    assert frequency.charges("standard", "USD") is not None
    assert frequency.bill_frequency.months == 1 and frequency.package == "Home Bundle"


def test_simulating_zero_periods_gives_an_empty_bill(spec_catalog: dict[str, Any]) -> None:
    doc = account_doc([acct_package("Home Bundle Monthly", "2026-01-01", [])])
    snapshot = catalog_from_document(spec_catalog)
    from app.engine import simulate

    bill = simulate(snapshot, account_from_document(doc, snapshot), dt.date(2026, 1, 1), 0)
    assert bill.periods == () and bill.total == 0
    with pytest.raises(ValueError):
        simulate(snapshot, account_from_document(doc, snapshot), dt.date(2026, 1, 1), -1)


def test_simulation_leaves_the_garbage_collector_as_it_found_it(
        spec_catalog: dict[str, Any]) -> None:
    import gc

    from app.engine import simulate

    snapshot = catalog_from_document(spec_catalog)
    doc = account_doc([acct_package("Home Bundle Monthly", "2026-01-01", [])])
    account = account_from_document(doc, snapshot)
    assert gc.isenabled()
    simulate(snapshot, account, dt.date(2026, 1, 1), 2)
    assert gc.isenabled()
    gc.disable()
    try:
        simulate(snapshot, account, dt.date(2026, 1, 1), 2)
        assert not gc.isenabled()
    finally:
        gc.enable()
