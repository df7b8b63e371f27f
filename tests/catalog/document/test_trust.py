"""Names and values a person can trust: invisible and control characters, look-alike names,
absurd sizes and tax rates, refused or warned about by the validator and therefore by
`catalog-editor validate`, the import and the window."""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest

from app.catalog.database import store
from app.catalog.document.trust import trust_problems
from app.catalog.document.validation import validate_catalog
from app.catalog.errors import ImportFailure


def problems(doc: dict[str, Any], severity: str) -> list[str]:
    return [str(p) for p in validate_catalog(doc) if p.severity == severity]


def with_second_package(doc: dict[str, Any], name: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    twin = copy.deepcopy(doc["packages"][0])
    twin["name"] = name
    for n, freq in enumerate(twin["frequencies"]):
        freq["name"] = f"Twin {n}"
    doc["packages"].append(twin)
    return doc


@pytest.mark.parametrize("odd_value", [2**70, {7: "seven"}, "lone \ud800 surrogate"],
                         ids=["integer past 64 bits", "key that is not text", "lone surrogate"])
def test_a_hidden_character_is_found_beside_any_value_json_can_hold(
        spec_catalog: dict[str, Any], odd_value: object) -> None:
    """The quick search for suspect text reads the document as JSON text; a value one JSON
    writer cannot write must not hide the zero-width space of a name elsewhere."""
    spec_catalog["packages"][0]["name"] += "\u200b"
    spec_catalog["packages"][0]["frequencies"][0]["custom_fields"] = {"odd": odd_value}
    found = [str(p) for p in trust_problems(spec_catalog)]
    assert any(f.startswith("packages[0].name: contains invisible characters (U+200B")
               for f in found), found


@pytest.mark.parametrize("name, what", [
    ("Gold\x00", "control characters (U+0000"),
    ("Gold\x1b[2J", "control characters (U+001B"),
    ("Gold\u202eesrever", "text-direction controls (U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("Gold\u2066x\u2069", "text-direction controls (U+2066"),
    ("Go\nld", "control characters (U+000A"),
])
def test_names_with_control_or_direction_characters_are_refused(
        db: Any, spec_catalog: dict[str, Any], name: str, what: str) -> None:
    spec_catalog["packages"][0]["name"] = name
    errors = problems(spec_catalog, "error")
    assert any(e.startswith("packages[0].name: contains " + what) for e in errors), errors
    with pytest.raises(ImportFailure) as refused:
        store.import_catalog(db, spec_catalog)
    assert "packages[0].name" in str(refused.value.problems[0])
    assert store.export_catalog(db)["packages"] == []


def test_terminal_escapes_in_any_text_are_refused(spec_catalog: dict[str, Any]) -> None:
    """Not only names: a custom field's choices are texts too."""
    field = spec_catalog["custom_fields"][0]
    field.update(type="choice", options=["plain", "Red \x1b[31malert\x1b[0m"])
    errors = problems(spec_catalog, "error")
    assert any(e.startswith("custom_fields[0].options[1]: contains control characters "
                            "(U+001B") for e in errors), errors


def test_a_zero_width_space_in_a_name_is_a_warning_and_a_look_alike_twin_is_refused(
        spec_catalog: dict[str, Any]) -> None:
    name = spec_catalog["packages"][0]["name"]
    alone = copy.deepcopy(spec_catalog)
    alone["packages"][0]["name"] = name + "\u200b"
    assert any("contains invisible characters (U+200B ZERO WIDTH SPACE)" in w
               for w in problems(alone, "warning"))
    assert not problems(alone, "error")
    twins = with_second_package(spec_catalog, name + "\u200b")
    errors = problems(twins, "error")
    assert any(e.startswith("packages[1].name:") and "looks exactly like" in e
               and "packages[0].name" in e for e in errors), errors


def test_the_same_name_in_nfc_and_nfd_is_refused(spec_catalog: dict[str, Any]) -> None:
    nfc = unicodedata.normalize("NFC", "Café Plus")
    nfd = unicodedata.normalize("NFD", "Café Plus")
    assert nfc != nfd
    spec_catalog["packages"][0]["name"] = nfc
    errors = problems(with_second_package(spec_catalog, nfd), "error")
    assert any("looks exactly like" in e and "NFC/NFD" in e for e in errors), errors


def test_names_differing_only_in_case_or_width_are_a_warning(
        spec_catalog: dict[str, Any]) -> None:
    spec_catalog["packages"][0]["name"] = "Gold"
    for twin in ("GOLD", "Ｇｏｌｄ"):
        doc = with_second_package(spec_catalog, twin)
        assert not [e for e in problems(doc, "error") if "looks" in e]
        assert any(w.startswith("packages[1].name:") and "looks like 'Gold'" in w
                   for w in problems(doc, "warning"))


def test_a_ten_megabyte_sku_is_refused_quickly(db: Any, spec_catalog: dict[str, Any]) -> None:
    spec_catalog["packages"][0]["frequencies"][0]["sku"] = "X" * 10_000_000
    errors = problems(spec_catalog, "error")
    assert any(e.startswith("packages[0].frequencies[0].sku: 10,000,000 characters long")
               for e in errors), errors[:3]
    with pytest.raises(ImportFailure):
        store.import_catalog(db, spec_catalog)


@pytest.mark.parametrize("rate, warned", [("7", True), ("1.5", True), ("1", False),
                                          ("0.07", False), ("0", False)])
def test_tax_rates_over_100_percent_are_a_warning(spec_catalog: dict[str, Any], rate: str,
                                                  warned: bool) -> None:
    spec_catalog["tax_rates"][0]["rate"] = rate
    warnings = [w for w in problems(spec_catalog, "warning") if w.startswith("tax_rates[0]")]
    assert bool(warnings) is warned
    if warned:
        assert "fractions (0.07 for 7 %)" in warnings[0]


def test_a_clean_catalog_has_no_trust_problems(spec_catalog: dict[str, Any],
                                               demo_catalog: dict[str, Any]) -> None:
    from app.catalog.document.trust import trust_problems

    assert trust_problems(spec_catalog) == []
    assert trust_problems(demo_catalog) == []


@pytest.mark.parametrize("mark", ["\u0600", "\u06dd", "\u070f", "\u0890", "\u08e2",
                                  "\U000110bd", "\U00013430", "\U0001bca0"],
                         ids=lambda c: f"U+{ord(c):04X}")
def test_every_format_character_in_a_name_is_reported(
        spec_catalog: dict[str, Any], mark: str) -> None:
    """Format characters outside the common zero-width ones (Arabic number signs, the Syriac
    abbreviation mark, Egyptian hieroglyph and shorthand format controls) are as invisible
    in a name: the quick search of the document must not let them through unseen."""
    spec_catalog["packages"][0]["name"] = "Gold" + mark
    warnings = problems(spec_catalog, "warning")
    assert any(w.startswith(f"packages[0].name: contains invisible characters (U+{ord(mark):04X}")
               for w in warnings), warnings
