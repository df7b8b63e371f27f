"""Catalog versions in the database: import/export round trip, scheduling, and published
versions read-only."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from app.catalog import jobs
from app.catalog.database import store
from app.catalog.database.versions import PublishedVersionError
from app.catalog.errors import ImportFailure

CHANGE = [{"frequency": "Fiber TV Bundle Monthly", "price_book": "standard", "currency": "USD",
           "service": "TV Basic", "amounts": {"Active": "27.00"}}]


def test_versions_survive_import_and_export(db: Any, demo_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, demo_catalog)
    exported = store.export_catalog(db)
    assert exported["versions"] == demo_catalog["versions"]
    assert exported == demo_catalog


def test_a_document_without_versions_is_one_version(db: Any,
                                                    demo_catalog: dict[str, Any]) -> None:
    doc = copy.deepcopy(demo_catalog)
    del doc["versions"]
    store.import_catalog(db, doc)
    assert "versions" not in store.export_catalog(db)
    assert store.catalog_versions(db) == []


def test_schedule_a_version_then_export_publishes_it(db: Any, demo_catalog: dict[str, Any],
                                                      tmp_path: Path) -> None:
    doc = copy.deepcopy(demo_catalog)
    del doc["versions"]
    store.import_catalog(db, doc)
    store.schedule_version(db, dt.date(2027, 6, 1), CHANGE, policy="move",
                           existing_from=dt.date(2027, 7, 1), first_date=dt.date(2026, 1, 1))
    listed = store.catalog_versions(db)
    assert [(v.effective_date, v.published) for v in listed] == [
        (dt.date(2026, 1, 1), False), (dt.date(2027, 6, 1), False)]
    assert listed[1].policy_text == "existing subscriptions move on 2027-07-01"
    store.edit_version(db, dt.date(2027, 6, 1), policy="grandfathered")  # a draft: editable
    jobs.write_export(db, str(tmp_path / "out.json"))
    assert all(v.published for v in store.catalog_versions(db))
    with pytest.raises(PublishedVersionError, match="catalog version 2027-06-01 is published"):
        store.edit_version(db, dt.date(2027, 6, 1), prices=[])
    with pytest.raises(PublishedVersionError, match="read-only: deleting it is refused"):
        store.delete_version(db, dt.date(2027, 6, 1))
    assert store.catalog_versions(db)[1].policy == "grandfathered"
    exported = store.export_catalog(db)
    assert exported["versions"][1]["published"] is True


def test_a_new_version_must_come_after_the_last(db: Any, demo_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, demo_catalog)
    with pytest.raises(ImportFailure, match="would come before catalog version 2027-01-01"):
        store.schedule_version(db, dt.date(2026, 6, 1), CHANGE)


def test_a_change_of_a_price_the_frequency_lacks_is_refused(
        db: Any, demo_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, demo_catalog)
    wrong = [{**CHANGE[0], "service": "TV Premium"}]
    with pytest.raises(ImportFailure, match="has no recurring price for 'TV Premium'"):
        store.schedule_version(db, dt.date(2027, 6, 1), wrong)
    assert len(store.catalog_versions(db)) == 2


def test_a_service_renamed_in_setup_stays_in_the_scheduled_prices(
        db: Any, demo_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, demo_catalog)
    reference = store.reference_document(db)
    [net] = [s for s in reference["services"] if s["name"] == "Internet 500"]
    net["name"] = "Internet 500 Fiber"
    for plan in reference["price_plans"]:  # what Setup renames along with it
        for price in plan["prices"]:
            if price["service"] == "Internet 500":
                price["service"] = "Internet 500 Fiber"
    store.save_reference(db, reference, renames={"services": {"Internet 500":
                                                              "Internet 500 Fiber"}})
    changes = store.catalog_versions(db)[1].prices
    assert {c["service"] for c in changes} == {"Internet 500 Fiber"}
    assert store.check_catalog(store.export_catalog(db)).problems == []
