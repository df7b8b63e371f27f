"""The Simulator's catalog lookups patched after a save are those of the catalog saved."""

from __future__ import annotations

import copy
from typing import Any

from app.views.simulator.catalog import CatalogLookup


def _names(infos: list[Any]) -> list[str]:
    return [f.name for f in infos]


def test_a_package_saved_again_keeps_its_place_in_every_list(demo_catalog: dict[str, Any]) \
        -> None:
    old = CatalogLookup(demo_catalog)
    listed = old.frequencies_on_sale()
    doc = copy.deepcopy(demo_catalog)
    package = doc["packages"][1]
    package["frequencies"][0]["currencies"] = ["EUR"]  # a change the lists show
    patched = old.replacing(doc, [package], set())
    fresh = CatalogLookup(doc)
    assert list(patched.frequencies) == list(fresh.frequencies)  # the same order
    assert patched.frequencies == fresh.frequencies
    assert _names(patched.frequencies_on_sale()) == _names(fresh.frequencies_on_sale())
    assert patched.frequencies_on_sale() == fresh.frequencies_on_sale()
    assert old.frequencies_on_sale() == listed  # the lookup before is untouched
    name = package["frequencies"][0]["name"]
    assert patched.frequencies[name].currencies == ("EUR",)
    assert old.frequencies[name].currencies != ("EUR",)


def test_frequencies_taken_off_sale_added_and_packages_removed(demo_catalog: dict[str, Any]) \
        -> None:
    old = CatalogLookup(demo_catalog)
    old.frequencies_on_sale()
    doc = copy.deepcopy(demo_catalog)
    off = doc["packages"][0]
    off["frequencies"][0]["active"] = False
    removed = doc["packages"].pop(2)
    added = copy.deepcopy(doc["packages"][0])
    added["name"] = "Brand new"
    for i, f in enumerate(added["frequencies"]):
        f["name"] = f"Brand new {i}"
        f["active"] = True
    doc["packages"].append(added)
    patched = old.replacing(doc, [off, added], {removed["name"]})
    fresh = CatalogLookup(doc)
    assert patched.frequencies == fresh.frequencies
    assert list(patched.frequencies) == list(fresh.frequencies)
    assert _names(patched.frequencies_on_sale()) == _names(fresh.frequencies_on_sale())
    assert off["frequencies"][0]["name"] not in _names(patched.frequencies_on_sale())
    assert not set(patched.frequencies) & {f["name"] for f in removed["frequencies"]}
    assert "Brand new 0" in _names(patched.frequencies_on_sale())
