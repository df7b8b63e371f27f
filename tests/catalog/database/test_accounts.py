"""Saved simulator scenarios: account documents in and out of the database."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.catalog.database import accounts, store
from app.catalog.errors import ImportFailure, InUseError


def _jane() -> dict[str, Any]:
    """A demo-catalog account touching every table: promo code, price plan, two packages,
    a custom price, a status timeline, usage."""
    return {
        "format": "account", "version": 1,
        "account": {"name": "Jane Doe", "country": "US", "currency": "USD",
                    "price_book": "standard", "bill_day": 5, "price_plan": "Staff",
                    "promo_codes": ["WELCOME10"]},
        "packages": [
            {"frequency": "Fiber TV Bundle Monthly", "start": "2026-01-15", "cancelled": None,
             "services": [
                 {"id": "s1", "service": "Internet 500", "quantity": 1, "price": None,
                  "statuses": [{"status": "Pre-Active", "from": "2026-01-15"},
                               {"status": "Active", "from": "2026-01-20"}]},
                 {"id": "s2", "service": "TV Basic", "quantity": 2, "price": "19.990",
                  "statuses": [{"status": "Active", "from": "2026-01-15"},
                               {"status": "Suspended", "from": "2026-02-10"}]}]},
            {"frequency": "Mobile Monthly", "start": "2026-02-01", "cancelled": "2026-04-01",
             "services": [
                 {"id": "s3", "service": "Mobile Data", "quantity": 1, "price": None,
                  "statuses": [{"status": "Active", "from": "2026-02-01"}]}]},
        ],
        "usage": [{"service_id": "s3", "quantity": "12.5", "unit": "GB", "date": "2026-02-10"},
                  {"service_id": "s3", "quantity": "3", "unit": None, "date": "2026-03-02"}],
    }


def test_scenario_round_trips_exactly(demo_db: Any) -> None:
    doc = _jane()
    accounts.save_account(demo_db, doc)
    assert accounts.load_account(demo_db, "Jane Doe") == doc
    assert accounts.list_accounts(demo_db) == ["Jane Doe"]


def test_spec_example_account_round_trips(db: Any, spec_catalog: dict[str, Any],
                                          spec_account: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    accounts.save_account(db, spec_account)
    assert accounts.load_account(db, "Jane Doe") == spec_account


def test_optional_keys_are_filled_with_their_defaults(demo_db: Any) -> None:
    doc = _jane()
    del doc["account"]["price_plan"], doc["account"]["promo_codes"], doc["usage"]
    del doc["packages"][1]["cancelled"], doc["packages"][0]["services"][0]["quantity"]
    accounts.save_account(demo_db, doc)
    back = accounts.load_account(demo_db, "Jane Doe")
    assert back["account"]["price_plan"] is None and back["account"]["promo_codes"] == []
    assert back["usage"] == [] and back["packages"][1]["cancelled"] is None
    assert back["packages"][0]["services"][0]["quantity"] == 1


def test_saving_in_place_replaces_the_whole_scenario(demo_db: Any) -> None:
    accounts.save_account(demo_db, _jane())
    changed = _jane()
    del changed["packages"][0]
    changed["usage"] = []
    changed["account"]["promo_codes"] = []
    changed["account"]["name"] = "Jane Smith"
    accounts.save_account(demo_db, changed, original_name="Jane Doe")
    assert accounts.list_accounts(demo_db) == ["Jane Smith"]
    assert accounts.load_account(demo_db, "Jane Smith") == changed
    assert store.frequency_users(demo_db, "Fiber TV Bundle Monthly") == []
    assert store.frequency_users(demo_db, "Mobile Monthly") == ["Jane Smith"]


def test_unknown_names_are_refused_with_their_paths_and_nothing_is_written(
        demo_db: Any) -> None:
    accounts.save_account(demo_db, _jane())
    bad = _jane()
    bad["account"]["currency"] = "GBP"
    bad["account"]["promo_codes"] = ["NOPE"]
    bad["packages"][0]["frequency"] = "Fiber TV Bundle Weekly"
    bad["packages"][1]["services"][0]["service"] = "Hologram"
    bad["packages"][0]["services"][1]["statuses"][1]["status"] = "Frozen"
    with pytest.raises(ImportFailure) as err:
        accounts.save_account(demo_db, bad, original_name="Jane Doe")
    paths = {p.path for p in err.value.problems}
    assert paths == {"account.currency", "account.promo_codes[0]", "packages[0].frequency",
                     "packages[1].services[0].service",
                     "packages[0].services[1].statuses[1].status"}
    assert any("Frozen" in p.message for p in err.value.problems)
    assert accounts.load_account(demo_db, "Jane Doe") == _jane()


def test_schema_faults_name_the_field(demo_db: Any) -> None:
    bad = _jane()
    bad["account"]["bill_day"] = 31
    bad["packages"][0]["services"][0]["price"] = "-5"
    del bad["packages"][1]["start"]
    with pytest.raises(ImportFailure) as err:
        accounts.save_account(demo_db, bad)
    paths = {p.path for p in err.value.problems}
    assert {"account.bill_day", "packages[0].services[0].price", "packages[1].start"} <= paths
    assert accounts.list_accounts(demo_db) == []


def test_dates_and_ids_the_database_would_refuse_are_problems(demo_db: Any) -> None:
    bad = _jane()
    bad["packages"][1]["cancelled"] = "2026-01-01"
    bad["packages"][1]["services"][0]["id"] = "s1"
    bad["usage"][0]["date"] = "2026-02-30"
    with pytest.raises(ImportFailure) as err:
        accounts.save_account(demo_db, bad)
    paths = {p.path for p in err.value.problems}
    assert paths == {"packages[1].cancelled", "packages[1].services[0].id", "usage[0].date"}


def test_names_are_unique(demo_db: Any) -> None:
    accounts.save_account(demo_db, _jane())
    with pytest.raises(ImportFailure) as err:
        accounts.save_account(demo_db, _jane())
    assert err.value.problems[0].path == "account.name"
    other = _jane()
    other["account"]["name"] = "Bob"
    accounts.save_account(demo_db, other)
    other["account"]["name"] = "Jane Doe"
    with pytest.raises(ImportFailure):
        accounts.save_account(demo_db, other, original_name="Bob")
    assert accounts.list_accounts(demo_db) == ["Bob", "Jane Doe"]


def test_rename_duplicate_delete(demo_db: Any) -> None:
    accounts.save_account(demo_db, _jane())
    accounts.rename_account(demo_db, "Jane Doe", "Jane D.")
    accounts.duplicate_account(demo_db, "Jane D.", "jane copy")
    assert accounts.list_accounts(demo_db) == ["jane copy", "Jane D."]  # case-insensitive
    copy_doc = accounts.load_account(demo_db, "jane copy")
    expected = _jane()
    expected["account"]["name"] = "jane copy"
    assert copy_doc == expected
    with pytest.raises(ImportFailure):
        accounts.rename_account(demo_db, "Jane D.", "jane copy")
    with pytest.raises(ImportFailure):
        accounts.duplicate_account(demo_db, "Jane D.", "  ")
    accounts.delete_account(demo_db, "Jane D.")
    assert accounts.list_accounts(demo_db) == ["jane copy"]
    with pytest.raises(KeyError):
        accounts.load_account(demo_db, "Jane D.")
    with pytest.raises(KeyError):
        accounts.delete_account(demo_db, "Jane D.")
    assert accounts.free_account_name(demo_db, "jane copy") == "jane copy (2)"


def test_a_saved_scenario_keeps_its_frequency_from_being_deleted(demo_db: Any) -> None:
    accounts.save_account(demo_db, _jane())
    with pytest.raises(InUseError):
        store.delete_frequency(demo_db, "Mobile Monthly")
    accounts.delete_account(demo_db, "Jane Doe")
    store.delete_frequency(demo_db, "Mobile Monthly")


def test_renamed_catalog_objects_are_followed(demo_db: Any) -> None:
    accounts.save_account(demo_db, _jane())
    reference = store.reference_document(demo_db)
    reference = copy.deepcopy(reference)
    for status in reference["statuses"]:
        if status["name"] == "Suspended":
            status["name"] = "On hold"
    for transition in reference["transitions"]:
        for key in ("from", "to"):
            if transition[key] == "Suspended":
                transition[key] = "On hold"
    for rule in reference["counting_rules"]:
        rule["statuses"] = ["On hold" if s == "Suspended" else s for s in rule["statuses"]]
    store.save_reference(demo_db, reference, renames={"statuses": {"Suspended": "On hold"}})
    back = accounts.load_account(demo_db, "Jane Doe")
    assert back["packages"][0]["services"][1]["statuses"][1]["status"] == "On hold"
