"""Documents in exactly the contract's spelling (exchange-format.md, "Field notes"): optional
keys given as null, a usage bucket by name, x- keys at every level; each is read, imported,
exported and billed as the contract says."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from app.catalog.database import store
from app.catalog.document.contract import normalize
from app.cli import cli

LINE = ("packages", 0, "frequencies", 0, "price_books", "standard", "USD")


def at(doc: Any, *path: str | int) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def optional_keys(doc: dict[str, Any]) -> list[tuple[Any, str]]:
    """(object, key) for optional keys of the spec's example, given or left out by it."""
    charges = at(doc, *LINE)
    recurring = charges["recurring"][0]
    frequency = doc["packages"][0]["frequencies"][0]
    found: list[tuple[Any, str]] = [(doc, key) for key in (
        "companies", "custom_fields", "promo_codes", "price_plans", "contracts", "tax_rates",
        "counting_rules")]  # the lists nothing in the example refers to (or refers to here)
    found += [(doc["currencies"][0], "name"), (doc["price_books"][0], "countries")]
    found += [(status, "cancelled") for status in doc["statuses"]]
    found += [(service, key) for service in doc["services"]
              for key in ("gl_code", "tax_category", "tax_inclusive")]
    found += [(frequency, "custom_fields"), (recurring, "tiers"),
              (recurring["discounts"][0], "promo_code"),
              (recurring["discounts"][0], "period_days"),
              (charges["transitions"][0]["penalty"], "threshold_days"),
              (charges["one_time"][0], "settings"), (charges["one_time"][0], "tiers")]
    return found


def with_nulls(spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The spec's example with optional keys given as null (those it leaves out, and some it
    gives), and its twin with the same keys left out: the contract says they mean the same."""
    nulls, left_out = copy.deepcopy(spec), copy.deepcopy(spec)
    for (obj, key), (twin, _key) in zip(optional_keys(nulls), optional_keys(left_out),
                                        strict=True):
        obj[key] = None
        twin.pop(key, None)
    at(nulls, *LINE)["recurring"].append({"service": "Data", "amounts": None, "tiers": None,
                                          "settings": None, "usage_bucket": None,
                                          "discounts": None})
    at(left_out, *LINE)["recurring"].append({"service": "Data"})
    return nulls, left_out


def with_extensions(doc: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """``doc`` with an ``x-`` and an ``x_`` key in every object, at every level."""
    out = copy.deepcopy(doc)
    count = 0

    def walk(value: Any, path: str) -> None:
        nonlocal count
        if isinstance(value, dict):
            for child_key, child in list(value.items()):
                walk(child, f"{path}.{child_key}")
            value["x-origin"] = {"tool": "pricing-sheet", "at": path or "(document)"}
            value["x_rev"] = count
            count += 1
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(out, "")
    return out, count


def import_file(tmp_path: Path, doc: Any, name: str = "in.json") -> tuple[str, Any]:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    db = str(tmp_path / "c.sqlite")
    return db, CliRunner().invoke(cli, ["import", "--db", db, str(path)])


def export(tmp_path: Path, db: str) -> Any:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["export", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_spec_example_with_nulls_wherever_optional_imports_as_leaving_them_out(
        tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    nulls, left_out = with_nulls(spec_catalog)
    assert [str(p) for p in store.validate_document(nulls) if p.severity == "error"] == []
    db, result = import_file(tmp_path, nulls)
    assert result.exit_code == 0, result.output
    exported = export(tmp_path, db)
    reference = store.open_catalog(tmp_path / "ref.sqlite")
    store.import_catalog(reference, left_out)
    assert exported == store.export_catalog(reference)
    reference.close()
    # "tiers": null on a recurring line was refused before
    assert at(exported, *LINE)["recurring"][0]["amounts"] == {"Pre-Active": "0.00",
                                                              "Active": "50.00"}


def test_null_is_still_refused_where_a_key_is_required(spec_catalog: dict[str, Any]) -> None:
    doc = copy.deepcopy(spec_catalog)
    doc["packages"][0]["frequencies"][0]["price_books"] = None
    doc["usage_buckets"][0]["tiers"] = None
    problems = [str(p) for p in store.validate_document(doc) if p.severity == "error"]
    assert "packages[0].frequencies[0].price_books: expected an object, got null" in problems
    assert "usage_buckets[0]: missing required field 'tiers'" in problems
    # a null where it has a meaning of its own is kept: the open end of the last tier
    tiers = at(spec_catalog, *LINE)["recurring"][0]["tiers"]["Active"]
    assert tiers[-1]["end"] is None
    normalized, _ = normalize(spec_catalog)
    assert at(normalized, *LINE)["recurring"][0]["tiers"]["Active"][-1] == {"end": None,
                                                                           "amount": "90.00"}


def test_a_usage_bucket_by_name(tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    doc = copy.deepcopy(spec_catalog)
    at(doc, *LINE)["recurring"].append({"service": "Data", "usage_bucket": "100 GB"})
    db, result = import_file(tmp_path, doc)
    assert result.exit_code == 0, result.output
    data = next(r for r in at(export(tmp_path, db), *LINE)["recurring"]
                if r["service"] == "Data")
    assert data["usage_bucket"]["bucket"] == "100 GB"
    at(doc, *LINE)["recurring"][-1]["usage_bucket"] = "200 GB"
    problems = [p for p in store.validate_document(doc) if p.severity == "error"]
    assert problems and "200 GB" in problems[0].message
    assert problems[0].path.startswith(
        "packages[0].frequencies[0].price_books.standard.USD.recurring[1].usage_bucket")


def test_x_keys_at_every_level_are_kept_through_import_and_export(
        tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    extended, count = with_extensions(spec_catalog)
    assert count > 40
    db, result = import_file(tmp_path, extended)
    assert result.exit_code == 0, result.output
    exported = export(tmp_path, db)
    assert exported == extended
    # an edit elsewhere keeps them; a misspelt key (no x- prefix) is still refused
    misspelt = copy.deepcopy(extended)
    misspelt["packages"][0]["colour"] = "red"
    _db, refused = import_file(tmp_path, misspelt, "misspelt.json")
    assert refused.exit_code == 2 and "colour" in refused.output
    assert export(tmp_path, db) == extended


def test_x_keys_and_nulls_do_not_change_the_bill(tmp_path: Path, spec_catalog: dict[str, Any],
                                                 spec_account: dict[str, Any]) -> None:
    spec_account["usage"] = []
    account_variant, _ = with_extensions(spec_account)
    account_variant["account"]["price_plan"] = None
    account_variant["packages"][0]["cancelled"] = None
    account_variant["account"]["promo_codes"] = None  # optional lists given as null
    account_variant["usage"] = None
    account_variant["packages"][0]["services"][1]["quantity"] = None  # 1, as when left out

    def bill(catalog: Any, account: Any) -> Any:
        (tmp_path / "c.json").write_text(json.dumps(catalog), encoding="utf-8")
        (tmp_path / "a.json").write_text(json.dumps(account), encoding="utf-8")
        result = CliRunner().invoke(cli, [
            "simulate", "--catalog", str(tmp_path / "c.json"), "--account",
            str(tmp_path / "a.json"), "--from", "2026-02-01", "--periods", "3"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    plain = bill(spec_catalog, spec_account)
    assert plain["total"] != "0.00"
    assert bill(with_extensions(spec_catalog)[0], account_variant) == plain
    nulls, left_out = with_nulls(spec_catalog)
    assert bill(with_extensions(nulls)[0], account_variant) == bill(left_out, spec_account)


def test_the_engine_copy_of_a_database_has_no_extension_keys(
        tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    """What the Simulator tab and `simulate --db` bill from is the catalog without them."""
    extended = store.open_catalog(tmp_path / "x.sqlite")
    store.import_catalog(extended, with_extensions(spec_catalog)[0])
    plain = store.open_catalog(tmp_path / "plain.sqlite")
    store.import_catalog(plain, spec_catalog)
    assert "x-origin" in json.dumps(store.export_catalog(extended))
    assert store.snapshot_document(extended) == normalize(store.export_catalog(plain))[0]
    extended.close()
    plain.close()


def test_strings_that_look_like_null_keys_do_not_change_what_is_read(
        spec_catalog: dict[str, Any]) -> None:
    """The fast reading over the compact text (``":null`` found, the key read back to its
    quote) reads exactly what the walk over the document reads, whatever the strings hold."""
    nulls, _left_out = with_nulls(spec_catalog)
    tricky = ['say ":null here', '\\', 'a\\":null', '":null', '{"gl_code":null}', '\\\\"',
              'é":null']
    for text in tricky:
        doc = copy.deepcopy(nulls)
        doc["packages"][0]["description"] = text
        doc["services"][0]["unit"] = text
        doc["packages"][0]["frequencies"][0]["custom_fields"] = {text: None, "plain": text}
        fast, _ = normalize(doc)
        walked, extensions = normalize(dict(doc, **{"x-walk": True}))  # an x- key: the walk
        assert list(extensions.values()) == [{"x-walk": True}]
        assert fast == walked, text
        assert fast["packages"][0]["description"] == text
        assert fast["packages"][0]["frequencies"][0]["custom_fields"] == {text: None,
                                                                          "plain": text}
