"""The snapshot document held in memory: after every kind of write it is exactly the catalog
as exported (as the contract reads it), and a package save re-reads that package only."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.catalog.database import export, store
from app.catalog.document import contract
from app.catalog.errors import ImportFailure
from app.engine.packed import PackedList, unpacked


def as_read(doc: Any) -> Any:
    """A document as the contract reads it: the held document is kept so (the nulls the
    contract drops cut out), so that checking it never needs a second whole copy."""
    return contract.normalize(doc)[0]


def held_matches_the_database(db: Any) -> None:
    assert store.snapshot_document(db) == as_read(store.export_catalog(db))


def test_a_price_saved_shows_in_the_held_document_without_a_full_export(
        demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    before = store.snapshot_document(demo_db)
    package = store.package_document(demo_db, "Mobile")
    row = package["frequencies"][0]["price_books"]["standard"]["USD"]["recurring"][0]
    row["amounts"]["Active"] = "77.70"
    full_exports: list[int] = []
    real = export.catalog_document
    monkeypatch.setattr(export, "catalog_document",
                        lambda conn: full_exports.append(1) or real(conn))
    revision = store.snapshot_revision(demo_db)
    store.save_package(demo_db, package, original_name="Mobile")
    after = store.snapshot_document(demo_db)
    assert full_exports == [] and store.snapshot_revision(demo_db) == revision + 1
    [mobile] = [p for p in after["packages"] if p["name"] == "Mobile"]
    assert mobile == as_read({"packages": [
        {k: v for k, v in package.items() if k != store.VERSION_KEY}]})["packages"][0]
    # the document handed out before is untouched: a snapshot a view may keep
    [old] = [p for p in before["packages"] if p["name"] == "Mobile"]
    assert old["frequencies"][0]["price_books"]["standard"]["USD"]["recurring"][0][
        "amounts"]["Active"] != "77.70"
    monkeypatch.undo()
    held_matches_the_database(demo_db)


def test_renames_new_packages_and_deletions_keep_it_exact(demo_db: Any) -> None:
    store.snapshot_document(demo_db)
    names = [p["name"] for p in store.snapshot_document(demo_db)["packages"]]
    package = store.package_document(demo_db, "Mobile")
    package["name"] = "Mobile 2026"
    store.save_package(demo_db, package, original_name="Mobile")
    assert [p["name"] for p in store.snapshot_document(demo_db)["packages"]] == [
        "Mobile 2026" if n == "Mobile" else n for n in names]  # in its place
    held_matches_the_database(demo_db)

    clone = copy.deepcopy(package)
    clone["name"] = "Mobile copy"
    for i, freq in enumerate(clone["frequencies"]):
        freq["name"] = f"Mobile copy {i}"
        freq["sku"] = None
    store.save_package(demo_db, clone)
    assert store.snapshot_document(demo_db)["packages"][-1]["name"] == "Mobile copy"
    held_matches_the_database(demo_db)

    store.delete_frequency(demo_db, "Mobile copy 0")
    held_matches_the_database(demo_db)
    store.delete_package(demo_db, "Mobile copy")
    held_matches_the_database(demo_db)


def test_a_refused_save_leaves_the_held_document_as_the_database(demo_db: Any) -> None:
    before = store.snapshot_document(demo_db)
    package = store.package_document(demo_db, "Mobile")
    package["frequencies"][0]["price_books"]["standard"]["USD"]["recurring"][0][
        "amounts"]["Active"] = "12,50"
    with pytest.raises(ImportFailure):
        store.save_package(demo_db, package, original_name="Mobile")
    assert store.snapshot_document(demo_db) is before
    held_matches_the_database(demo_db)


def test_setup_saves_and_imports_are_followed(demo_db: Any, demo_catalog: Any) -> None:
    store.snapshot_document(demo_db)
    reference = store.reference_document(demo_db)
    reference["currencies"][0]["minor_units"] = 3
    store.save_reference(demo_db, reference)
    assert store.snapshot_document(demo_db)["currencies"][0]["minor_units"] == 3
    held_matches_the_database(demo_db)

    reference = store.reference_document(demo_db)
    old = reference["services"][0]["name"]
    reference["services"][0]["name"] = f"{old} renamed"
    store.save_reference(demo_db, reference, renames={"services": {old: f"{old} renamed"}})
    held_matches_the_database(demo_db)  # the packages name the service: read again

    imported = copy.deepcopy(demo_catalog)
    imported["packages"][0]["enabled"] = not imported["packages"][0]["enabled"]
    store.import_catalog(demo_db, imported)
    assert store.snapshot_document(demo_db)["packages"][0]["enabled"] == \
        imported["packages"][0]["enabled"]
    held_matches_the_database(demo_db)


def test_the_catalog_as_exported_from_the_held_document_is_the_export(
        tmp_path: Any, spec_catalog: dict[str, Any]) -> None:
    """The Changes tab compares exports with ``catalog_as_exported`` (the held document with
    its extension keys given back) instead of a second export: it must be the export as the
    contract reads it, to the byte, x- keys included, and leave the held document as it
    was."""
    import orjson
    from catalog.document.test_contract import with_extensions, with_nulls

    nulls, _ = with_nulls(spec_catalog)
    doc, count = with_extensions(nulls)
    db = store.open_catalog(tmp_path / "x.sqlite")
    store.import_catalog(db, doc)
    held = store.snapshot_document(db)
    held_bytes = orjson.dumps(unpacked(held))
    exported = store.catalog_as_exported(db)
    assert orjson.dumps(unpacked(exported)) == orjson.dumps(
        contract.as_read_with_extensions(store.export_catalog(db)))
    assert str(unpacked(exported)).count("x-origin") == count
    assert orjson.dumps(unpacked(store.snapshot_document(db))) == held_bytes  # not changed
    assert "x-origin" not in str(unpacked(held))
    # and after a save patches the held document
    package = store.package_document(db, doc["packages"][0]["name"])
    package["frequencies"][0]["price_books"]["standard"]["USD"]["recurring"][0]["amounts"][
        "Active"] = "61.00"
    store.save_package(db, package, original_name=package["name"])
    assert orjson.dumps(unpacked(store.catalog_as_exported(db))) == orjson.dumps(
        contract.as_read_with_extensions(store.export_catalog(db)))
    db.close()


def test_the_catalog_as_exported_without_extension_keys_is_the_held_document(
        demo_db: Any) -> None:
    assert store.catalog_as_exported(demo_db) is store.snapshot_document(demo_db)
    assert store.catalog_as_exported(demo_db) == as_read(store.export_catalog(demo_db))


def test_the_packages_saved_are_found_by_name_in_the_held_document(demo_db: Any) -> None:
    """What the Simulator rebuilds after a save: the held document and the saved packages,
    equal to those the document holds, found through its index."""
    assert store.snapshot_packages(demo_db, frozenset({"Mobile"}))[1] == [
        p for p in store.snapshot_document(demo_db)["packages"] if p["name"] == "Mobile"]
    package = store.package_document(demo_db, "Mobile")
    package["name"] = "Mobile 2026"
    store.save_package(demo_db, package, original_name="Mobile")
    doc, found = store.snapshot_packages(demo_db, frozenset({"Mobile", "Mobile 2026", "TV"}))
    assert doc is store.snapshot_document(demo_db)
    assert [p["name"] for p in found] == ["Mobile 2026"]
    assert found[0] == next(p for p in doc["packages"] if p["name"] == "Mobile 2026")
    assert isinstance(doc["packages"], PackedList)  # held as bytes, decoded when read
    store.delete_package(demo_db, "Mobile 2026")
    assert store.snapshot_packages(demo_db, frozenset({"Mobile 2026"}))[1] == []
