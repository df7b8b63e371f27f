"""The held catalog's packages kept as compact JSON (app.engine.packed): read like the list they
pack, and the engine bills from them exactly as from the plain document."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from app.engine import catalog_from_document
from app.engine.packed import PackedList, unpacked
from app.engine.snapshot import CatalogError


def test_a_packed_list_reads_like_the_list_it_packs(demo_catalog: dict[str, Any]) -> None:
    plain = demo_catalog["packages"]
    packed = PackedList.of(plain)
    assert len(packed) == len(plain) and packed == plain and plain == packed
    assert list(packed) == plain and packed[-1] == plain[-1] and packed[1:3] == plain[1:3]
    assert packed.names() == [p["name"] for p in plain]
    assert packed.text(0) == orjson.dumps(plain[0])
    packed[0]["name"] = "changed"  # a decoded item is the reader's own copy
    assert packed[0]["name"] == plain[0]["name"]
    assert unpacked({"packages": packed, "x": 1}) == {"packages": plain, "x": 1}


def test_replacing_items_shares_the_rest_and_leaves_the_list_as_it_was(
        demo_catalog: dict[str, Any]) -> None:
    plain = demo_catalog["packages"]
    packed = PackedList.of(plain)
    renamed = dict(plain[1], name="Renamed")
    extra = dict(plain[0], name="Extra")
    out = packed.replacing({1: ("Renamed", orjson.dumps(renamed)), 0: None},
                           [("Extra", orjson.dumps(extra))])
    assert out == [renamed, *plain[2:], extra]
    assert out.names() == ["Renamed", *(p["name"] for p in plain[2:]), "Extra"]
    assert packed == plain  # unchanged
    copied = packed.copy()
    copied[0] = {"name": "held as an object"}
    assert copied[0] == {"name": "held as an object"} and packed[0] == plain[0]
    assert copied.names()[0] == "held as an object"


def test_the_engine_builds_the_same_frequencies_from_packed_packages(
        demo_catalog: dict[str, Any]) -> None:
    """What the Simulator bills from the held document (packed) is what it would bill from the
    plain one: every frequency built from its package's bytes equals the one built from the
    dict, and a frequency is decoded only when a simulation first uses it."""
    packed_doc = dict(demo_catalog, packages=PackedList.of(demo_catalog["packages"]))
    plain = catalog_from_document(demo_catalog, check=False)
    packed = catalog_from_document(packed_doc, check=False)
    assert packed.packages == plain.packages
    names = list(plain.frequencies)
    assert names and list(packed.frequencies) == names
    assert not packed.frequencies._built  # type: ignore[attr-defined]
    for name in names:
        assert packed.frequencies[name] == plain.frequencies[name], name
    checked = catalog_from_document(packed_doc)  # every reference checked, from the bytes
    assert dict(checked.frequencies) == dict(plain.frequencies)


def test_a_dangling_reference_is_reported_the_same_from_packed_packages(
        demo_catalog: dict[str, Any]) -> None:
    broken = copy.deepcopy(demo_catalog)
    frequency = broken["packages"][1]["frequencies"][0]
    frequency["currencies"] = [*frequency.get("currencies", []), "XXX"]
    with pytest.raises(CatalogError) as plain:
        catalog_from_document(broken)
    packed_doc = dict(broken, packages=PackedList.of(broken["packages"]))
    with pytest.raises(CatalogError) as packed:
        catalog_from_document(packed_doc)
    assert packed.value.problems == plain.value.problems
    assert any("unknown currency 'XXX'" in p.message for p in packed.value.problems)
