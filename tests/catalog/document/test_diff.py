"""diff_catalogs: what an administrator sees in the Changes view and `catalog-editor diff`."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.catalog.document.diff import Change, changes_to_document, diff_catalogs, format_changes

sys.path.insert(0, str(Path(__file__).parent.parent))
from strategies import catalogs  # noqa: E402

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def example() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "spec_example_catalog.json").read_text("utf-8"))
    return loaded


def charges(doc: dict[str, Any], book: str = "standard", cur: str = "USD") -> dict[str, Any]:
    found: dict[str, Any] = doc["packages"][0]["frequencies"][0]["price_books"][book][cur]
    return found


def test_three_price_changes_and_a_removed_discount_are_exactly_four_changes(
    example: dict[str, Any],
) -> None:
    new = copy.deepcopy(example)
    row = charges(new)["recurring"][0]
    row["amounts"]["Active"] = "45.00"
    row["tiers"]["Active"][1]["amount"] = "85.00"
    charges(new)["one_time"][0]["amount"] = "120.00"
    row["discounts"] = []

    changes = diff_catalogs(example, new)

    assert len(changes) == 4
    base = "packages[0].frequencies[0].price_books.standard.USD"
    row_name = "Home Bundle Monthly / standard / USD / Internet 100"
    assert changes == [
        Change("recurring price", row_name, "changed", "amounts.Active", "50.00", "45.00",
               f"{base}.recurring[0].amounts.Active"),
        Change("recurring price", row_name, "changed", "tiers.Active",
               [{"end": 9, "amount": "100.00"}, {"end": None, "amount": "90.00"}],
               [{"end": 9, "amount": "100.00"}, {"end": None, "amount": "85.00"}],
               f"{base}.recurring[0].tiers.Active"),
        Change("discount", f"{row_name} / Free 3 months", "removed", None,
               example["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
               ["recurring"][0]["discounts"][0], None,
               f"{base}.recurring[0].discounts[0]"),
        Change("one-time charge", "Home Bundle Monthly / standard / USD / Installation",
               "changed", "amount", "100.00", "120.00", f"{base}.one_time[0].amount"),
    ]  # fmt: skip
    lines = format_changes(changes).splitlines()
    assert len(lines) == 4
    assert lines[0] == (f'~ recurring price "{row_name}": amounts.Active "50.00" -> "45.00"')
    assert lines[2] == f'- discount "{row_name} / Free 3 months" removed'


def test_identical_catalogs_have_no_changes(example: dict[str, Any]) -> None:
    assert diff_catalogs(example, copy.deepcopy(example)) == []
    assert format_changes([]) == "No changes."


def test_reordering_packages_and_reference_objects_is_not_a_change(
    example: dict[str, Any],
) -> None:
    new = copy.deepcopy(example)
    second = copy.deepcopy(new["packages"][0])
    second["name"] = "Second"
    second["frequencies"][0]["name"] = "Second Monthly"
    example["packages"].append(copy.deepcopy(second))
    new["packages"].insert(0, second)
    new["statuses"].reverse()
    new["services"].reverse()
    assert diff_catalogs(example, new) == []


def test_reordering_discounts_is_a_change_of_the_discount_order(example: dict[str, Any]) -> None:
    row = charges(example)["recurring"][0]
    second = dict(row["discounts"][0], name="Then 20% off", type="percent", amount="20")
    row["discounts"].append(second)
    new = copy.deepcopy(example)
    charges(new)["recurring"][0]["discounts"].reverse()
    changes = diff_catalogs(example, new)
    assert [(c.kind, c.field, c.old, c.new) for c in changes] == [
        ("recurring price", "discount order", ["Free 3 months", "Then 20% off"],
         ["Then 20% off", "Free 3 months"]),
    ]  # fmt: skip


def test_added_and_removed_objects_are_one_change_each(example: dict[str, Any]) -> None:
    new = copy.deepcopy(example)
    package = new["packages"].pop()
    package["name"] = "Renamed Bundle"
    package["frequencies"][0]["name"] = "Renamed Monthly"
    new["packages"].append(package)
    new["price_books"] = new["price_books"][:1]
    changes = diff_catalogs(example, new)
    assert [(c.kind, c.name, c.action) for c in changes] == [
        ("price_book", "DE", "removed"),
        ("package", "Renamed Bundle", "added"),
        ("package", "Home Bundle", "removed"),
    ]
    assert changes[1].new == package and changes[2].old == example["packages"][0]


def test_field_changes_carry_old_and_new_values(example: dict[str, Any]) -> None:
    new = copy.deepcopy(example)
    new["services"][0]["gl_code"] = "4010"
    new["services"][1]["gl_code"] = "4600"  # absent before: null -> "4600"
    new["promo_codes"][0]["discount"]["amount"] = "15"
    new["packages"][0]["frequencies"][0]["bill_frequency"] = {"months": 2}
    new["packages"][0]["frequencies"][0]["custom_fields"]["Marketing code"] = "WINTER"
    changes = diff_catalogs(example, new)
    assert [(c.kind, c.name, c.field, c.old, c.new) for c in changes] == [
        ("service", "Internet 100", "gl_code", "4000", "4010"),
        ("service", "Installation", "gl_code", None, "4600"),
        ("promo_code", "SPRING", "discount.amount", "10", "15"),
        ("package_frequency", "Home Bundle Monthly", "bill_frequency", "monthly", {"months": 2}),
        ("package_frequency", "Home Bundle Monthly", "custom_fields.Marketing code", "FALL26",
         "WINTER"),
    ]  # fmt: skip
    assert changes[3].path == "packages[0].frequencies[0].bill_frequency"


def test_omitted_defaults_equal_their_values(example: dict[str, Any]) -> None:
    new = copy.deepcopy(example)
    new["statuses"][0]["cancelled"] = False
    new["price_books"][0]["countries"] = []
    new["services"][1]["gl_code"] = None
    assert diff_catalogs(example, new) == []


def test_new_currency_charges_are_one_change(example: dict[str, Any]) -> None:
    new = copy.deepcopy(example)
    freq = new["packages"][0]["frequencies"][0]
    freq["price_books"]["DE"] = {"USD": copy.deepcopy(freq["price_books"]["standard"]["USD"])}
    changes = diff_catalogs(example, new)
    assert [(c.kind, c.name, c.action, c.path) for c in changes] == [
        ("price book charges", "Home Bundle Monthly / DE / USD", "added",
         "packages[0].frequencies[0].price_books.DE.USD"),
    ]  # fmt: skip


def test_changes_document_is_json_with_a_summary(example: dict[str, Any]) -> None:
    new = copy.deepcopy(example)
    new["currencies"].append({"code": "EUR", "minor_units": 2})
    new["services"].pop()
    charges(new)["recurring"][0]["amounts"]["Active"] = "51.00"
    document = changes_to_document(diff_catalogs(example, new))
    assert json.loads(json.dumps(document)) == document
    assert document["summary"] == {"added": 1, "removed": 1, "changed": 1}
    assert document["changes"][0] == {
        "kind": "currency", "name": "EUR", "action": "added", "field": None, "old": None,
        "new": {"code": "EUR", "minor_units": 2}, "path": "currencies[1]",
    }  # fmt: skip


def test_a_name_with_a_newline_stays_on_one_line(example: dict[str, Any]) -> None:
    new = copy.deepcopy(example)
    new["companies"].append({"name": "Evil\nCorp\x1b[31m"})
    text = format_changes(diff_catalogs(example, new))
    assert text.splitlines() == ['+ company "Evil\\nCorp\\x1b[31m" added']


def test_non_documents_do_not_crash() -> None:
    assert diff_catalogs({}, {}) == []
    changes = diff_catalogs({"packages": "oops"}, {"packages": [{"name": "A"}, 3]})
    assert [c.action for c in changes] == ["added", "added"]


def test_import_then_export_through_the_database_has_no_changes(
    db: Any, demo_catalog: dict[str, Any]
) -> None:
    """After an export, the next diff is empty: the database keeps every field."""
    from app.catalog.database.store import export_catalog, import_catalog

    import_catalog(db, demo_catalog, source="demo")
    assert diff_catalogs(demo_catalog, export_catalog(db)) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=catalogs(), seed=st.randoms(use_true_random=False))
def test_shuffling_lists_of_named_objects_changes_nothing(doc: dict[str, Any], seed: Any) -> None:
    shuffled = copy.deepcopy(doc)
    for key in ("currencies", "statuses", "services", "packages", "rate_plans", "promo_codes"):
        seed.shuffle(shuffled.get(key) or [])
    for package in shuffled["packages"]:
        seed.shuffle(package["frequencies"])
    assert diff_catalogs(doc, shuffled) == []
    assert diff_catalogs(doc, doc) == []
