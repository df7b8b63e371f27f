"""replace_packages: a snapshot with some packages swapped bills exactly as one built afresh
from the edited document, and shares everything else."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from app.engine import (
    CatalogError,
    account_from_document,
    bill_to_document,
    catalog_from_document,
    replace_packages,
    simulate,
)
from app.package_data import resource


def demo_account() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resource("demo", "account.json").read_text("utf-8"))
    return loaded


def bill(catalog: Any, account: dict[str, Any]) -> dict[str, Any]:
    return bill_to_document(simulate(catalog, account_from_document(account, catalog),
                                     dt.date(2026, 1, 1), 6))


def test_an_edited_package_bills_as_a_fresh_snapshot_does(demo_catalog: Any) -> None:
    account = demo_account()
    used = account["packages"][0]["frequency"]
    old = catalog_from_document(demo_catalog, check=False)
    before = bill(old, account)
    other_package = next(p for p in demo_catalog["packages"]
                         if all(f["name"] != used for f in p["frequencies"]))
    other = other_package["frequencies"][0]["name"]
    built = old.frequencies[other]
    edited = copy.deepcopy(demo_catalog)
    [package] = [p for p in edited["packages"]
                 if any(f["name"] == used for f in p["frequencies"])]
    [freq] = [f for f in package["frequencies"] if f["name"] == used]
    for charges in (c for book in freq["price_books"].values() for c in book.values()):
        for row in charges.get("recurring", []):
            for status in row.get("amounts", {}):
                row["amounts"][status] = "99.00"
    patched = replace_packages(old, [package])
    assert bill(patched, account) == bill(catalog_from_document(edited), account)
    assert bill(patched, account) != before
    assert bill(old, account) == before  # the old snapshot is unchanged
    assert patched.frequencies[other] is built  # shared, not rebuilt


def test_removed_packages_and_their_frequencies_are_gone(demo_catalog: Any) -> None:
    old = catalog_from_document(demo_catalog, check=False)
    package = demo_catalog["packages"][0]
    patched = replace_packages(old, [], removed=[package["name"]])
    assert package["name"] not in patched.packages
    assert all(f["name"] not in patched.frequencies for f in package["frequencies"])
    assert len(patched.packages) == len(old.packages) - 1


def test_a_dangling_reference_in_a_replaced_package_is_reported_when_used(
        demo_catalog: Any) -> None:
    old = catalog_from_document(demo_catalog, check=False)
    package = copy.deepcopy(demo_catalog["packages"][0])
    package["frequencies"][0]["contract"] = "No such contract"
    patched = replace_packages(old, [package])
    with pytest.raises(CatalogError, match="No such contract"):
        patched.frequencies[package["frequencies"][0]["name"]]
