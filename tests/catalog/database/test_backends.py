"""The store on both backends (SQLite and PostgreSQL, see tests/backends.py): the same models,
migrations and SQL give the same catalog back, exactly."""

from __future__ import annotations

import copy
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.catalog.database import store
from app.catalog.document import contract
from app.catalog.errors import InUseError

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from generate_catalog import generate_catalog  # noqa: E402


def _recurring(package: dict[str, Any]) -> dict[str, Any]:
    charges = package["frequencies"][0]["price_books"]["standard"]["USD"]
    row: dict[str, Any] = charges["recurring"][0]
    return row


def test_the_demo_catalog_round_trips_exactly(backend_db: Any,
                                              demo_catalog: dict[str, Any]) -> None:
    store.import_catalog(backend_db, demo_catalog)
    assert store.export_catalog(backend_db) == demo_catalog
    # the held document is the export as the contract reads it (the nulls it drops cut out,
    # so that checking it needs no second copy)
    assert store.snapshot_document(backend_db) == contract.normalize(
        store.export_catalog(backend_db))[0]


def test_a_generated_catalog_round_trips_exactly(backend_db: Any, make_db: Any) -> None:
    generated = generate_catalog(60, 150, seed=7)
    store.import_catalog(backend_db, generated)
    exported = store.export_catalog(backend_db)
    assert len(exported["packages"]) == 60
    on_sqlite = make_db()  # the same document from either backend
    store.import_catalog(on_sqlite, generated)
    assert exported == store.export_catalog(on_sqlite)
    store.import_catalog(backend_db, exported)  # again, in place: nothing changes
    assert store.export_catalog(backend_db) == exported


def test_spec_catalog_survives_reopening(backend_target: str, open_backend: Any,
                                         spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(open_backend(), spec_catalog)
    assert store.export_catalog(open_backend()) == spec_catalog


@pytest.mark.parametrize("amount", ["0.000001", "12.50", "1000000000.123456", "0", "7.000"])
def test_amounts_keep_their_exact_digits(backend_db: Any, demo_catalog: dict[str, Any],
                                         amount: str) -> None:
    store.import_catalog(backend_db, demo_catalog)
    name = demo_catalog["packages"][0]["name"]
    package = store.package_document(backend_db, name)
    status = next(iter(_recurring(package)["amounts"]))
    _recurring(package)["amounts"][status] = amount
    store.save_package(backend_db, package, original_name=name)
    again = store.package_document(backend_db, name)
    assert _recurring(again)["amounts"][status] == amount
    assert Decimal(_recurring(again)["amounts"][status]) == Decimal(amount)


def test_save_load_and_delete_a_package(backend_db: Any, demo_catalog: dict[str, Any]) -> None:
    store.import_catalog(backend_db, demo_catalog)
    name = demo_catalog["packages"][0]["name"]
    package = store.package_document(backend_db, name)
    package["name"] = "Renamed Package"
    package["enabled"] = not package["enabled"]
    store.save_package(backend_db, package, original_name=name)
    names = [p.name for p in store.package_summaries(backend_db)]
    assert "Renamed Package" in names and name not in names
    saved = store.package_document(backend_db, "Renamed Package")
    assert saved["enabled"] == package["enabled"]

    clone = copy.deepcopy(saved)
    clone["name"] = "Brand New"
    for i, frequency in enumerate(clone["frequencies"]):
        frequency["name"] = f"Brand New {i}"
        frequency["sku"] = f"BN-{i}"
    store.save_package(backend_db, clone)
    assert store.package_document(backend_db, "Brand New")["frequencies"][0]["name"] == \
        "Brand New 0"
    store.delete_package(backend_db, "Brand New")
    with pytest.raises(KeyError):
        store.package_document(backend_db, "Brand New")
    exported = store.export_catalog(backend_db)
    assert [p["name"] for p in exported["packages"]][0] == "Renamed Package"


def test_reference_objects_save_rename_and_refuse_removal_in_use(
        backend_db: Any, demo_catalog: dict[str, Any]) -> None:
    store.import_catalog(backend_db, demo_catalog)
    reference, loaded = store.reference_for_editing(backend_db)
    old = reference["services"][0]["name"]
    reference["services"][0]["name"] = "Renamed Service"
    store.save_reference(backend_db, reference, renames={"services": {old: "Renamed Service"}},
                         expected_versions=loaded)
    exported = store.export_catalog(backend_db)
    assert exported["services"][0]["name"] == "Renamed Service"
    assert all(old not in p["services"] for p in exported["packages"])
    assert any("Renamed Service" in p["services"] for p in exported["packages"])
    used = store.reference_document(backend_db)
    used["services"] = used["services"][1:]
    with pytest.raises(InUseError):
        store.save_reference(backend_db, used)
    assert store.export_catalog(backend_db) == exported  # all or nothing


def test_the_export_history_on_both_backends(backend_db: Any,
                                             demo_catalog: dict[str, Any]) -> None:
    store.import_catalog(backend_db, demo_catalog)
    store.record_export(backend_db, "out.json", "json", store.export_catalog(backend_db))
    last = store.last_export(backend_db)
    assert last is not None and last.document == demo_catalog


def test_the_command_line_imports_and_exports_on_either_backend(
        backend_target: str, tmp_path: Path, demo_catalog: dict[str, Any]) -> None:
    import json

    from click.testing import CliRunner

    from app.cli import cli

    source = tmp_path / "demo.json"
    source.write_text(json.dumps(demo_catalog), encoding="utf-8")
    out = tmp_path / "out.json"
    runner = CliRunner()
    done = runner.invoke(cli, ["import", "--db", backend_target, str(source)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(cli, ["export", "--db", backend_target, "--out", str(out)])
    assert done.exit_code == 0, done.output
    exported = json.loads(out.read_text(encoding="utf-8"))
    # an export publishes every catalog version (docs/versions.md): the only difference
    assert [v.pop("published") for v in exported["versions"]] == [True, True]
    assert exported == demo_catalog
