"""Import and export through the database: round trips, all-or-nothing, accounts kept attached."""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from shared_files import KILLBILL, needs_shared

from app.catalog.database import store
from app.catalog.document import contract
from app.catalog.errors import ImportFailure, InUseError
from app.models.database import open_database

sys.path.insert(0, str(Path(__file__).parent.parent))
from strategies import catalogs  # noqa: E402


def _add_account(db: Any, frequency: str, name: str = "Jane Doe") -> None:
    with db.engine.begin() as conn:
        fid = conn.exec_driver_sql(
            "SELECT id FROM package_frequency WHERE name = ?", (frequency,)).scalar()
        conn.exec_driver_sql(
            "INSERT INTO account (name, country, currency_id, price_book_id, bill_day, position) "
            "VALUES (?, 'US', (SELECT min(id) FROM currency), (SELECT min(id) FROM price_book), "
            "1, 0)", (name,))
        conn.exec_driver_sql(
            "INSERT INTO account_package (account_id, frequency_id, start, position) "
            "VALUES ((SELECT id FROM account WHERE name = ?), ?, '2026-01-01', 0)", (name, fid))


def test_spec_example_round_trips_exactly(db: Any, spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    assert store.export_catalog(db) == spec_catalog


@pytest.mark.skipif(importlib.util.find_spec("app.resources") is None, reason="no resources")
def test_demo_catalog_round_trips_exactly(db: Any, demo_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, demo_catalog)
    assert store.export_catalog(db) == demo_catalog


def test_reimport_is_idempotent_and_survives_reopening(db_path: Path,
                                                       spec_catalog: dict[str, Any]) -> None:
    db = open_database(db_path)
    store.import_catalog(db, spec_catalog)
    store.import_catalog(db, spec_catalog)
    db.close()
    db = open_database(db_path)
    assert store.export_catalog(db) == spec_catalog
    db.close()


def test_failing_import_leaves_database_unchanged(db: Any, spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    broken = copy.deepcopy(spec_catalog)
    broken["packages"][0]["services"].append("No Such Service")
    broken["packages"][0]["frequencies"][0]["sku"] = "CHANGED"
    with pytest.raises(ImportFailure) as err:
        store.import_catalog(db, broken, source="broken.json")
    assert any("packages[0].services[4]" in p.path for p in err.value.problems)
    assert "broken.json" in err.value.message
    assert store.export_catalog(db) == spec_catalog


def test_database_error_mid_import_rolls_everything_back(
    db: Any, spec_catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    store.import_catalog(db, spec_catalog)
    changed = copy.deepcopy(spec_catalog)
    changed["currencies"].append({"code": "EUR", "minor_units": 2})
    changed["packages"][0]["frequencies"][0]["sku"] = "CHANGED"

    def explode(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store.writer, "write_counting_rules", explode)
    with pytest.raises(RuntimeError):
        store.import_catalog(db, changed)
    assert store.export_catalog(db) == spec_catalog


def test_accounts_stay_attached_across_reimport(db: Any, spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    _add_account(db, "Home Bundle Monthly")
    repriced = copy.deepcopy(spec_catalog)
    usd = repriced["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["recurring"][0]["amounts"]["Active"] = "55.00"
    store.import_catalog(db, repriced)
    assert store.frequency_users(db, "Home Bundle Monthly") == ["Jane Doe"]
    assert store.export_catalog(db) == repriced


def test_import_removing_a_used_frequency_is_refused(db: Any, spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    _add_account(db, "Home Bundle Monthly")
    without = copy.deepcopy(spec_catalog)
    without["packages"][0]["frequencies"][0]["name"] = "Home Bundle Monthly v2"
    with pytest.raises(ImportFailure, match="Jane Doe"):
        store.import_catalog(db, without)
    assert store.export_catalog(db) == spec_catalog


def test_save_package_renames_in_place(db: Any, spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    _add_account(db, "Home Bundle Monthly")
    package = store.package_document(db, "Home Bundle")
    package["name"] = "Home Bundle 2026"
    package["frequencies"][0]["name"] = "Home Bundle 2026 Monthly"
    changes = store.save_package(db, package, original_name="Home Bundle",
                                 frequency_renames={"Home Bundle Monthly":
                                                    "Home Bundle 2026 Monthly"})
    assert "Home Bundle 2026" in changes.packages
    assert store.frequency_users(db, "Home Bundle 2026 Monthly") == ["Jane Doe"]
    assert [p.name for p in store.package_summaries(db)] == ["Home Bundle 2026"]


def test_services_of_a_package_in_use_cannot_change(db: Any,
                                                    spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    _add_account(db, "Home Bundle Monthly")
    package = store.package_document(db, "Home Bundle")
    package["services"].remove("Installation")
    package["frequencies"][0]["price_books"]["standard"]["USD"]["one_time"] = []
    with pytest.raises(InUseError, match="Disable it and create a new package"):
        store.save_package(db, package, original_name="Home Bundle")


def test_delete_refused_while_in_use(db: Any, spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    _add_account(db, "Home Bundle Monthly")
    with pytest.raises(InUseError, match="Jane Doe"):
        store.delete_frequency(db, "Home Bundle Monthly")
    with pytest.raises(InUseError, match="untick Enabled"):
        store.delete_package(db, "Home Bundle")
    assert store.export_catalog(db) == spec_catalog


def test_delete_unused_frequency(db: Any, spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    store.delete_frequency(db, "Home Bundle Monthly")
    assert store.package_summaries(db)[0].frequencies == []


def test_new_package_with_taken_name_is_refused(db: Any, spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    package = store.package_document(db, "Home Bundle")
    with pytest.raises(ImportFailure, match="already exists"):
        store.save_package(db, package)


def test_save_reference_renames_a_service_everywhere(db: Any,
                                                     spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    reference = store.reference_document(db)
    reference["services"][0]["name"] = "Internet 200"
    reference["counting_rules"][0]["items"] = ["Internet 200"]
    reference["rate_plans"][0]["rates"][0]["service"] = "Data"
    reference["price_plans"][0]["prices"][0]["service"] = "Internet 200"
    store.save_reference(db, reference, renames={"services": {"Internet 100": "Internet 200"}})
    exported = store.export_catalog(db)
    assert exported["packages"][0]["services"][0] == "Internet 200"
    usd = exported["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    assert usd["recurring"][0]["service"] == "Internet 200"


def test_removing_a_service_in_use_is_refused(db: Any, spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    reference = store.reference_document(db)
    reference["services"] = [s for s in reference["services"] if s["name"] != "Installation"]
    with pytest.raises(InUseError):
        store.save_reference(db, reference)
    assert store.export_catalog(db) == spec_catalog


def test_export_history(db: Any, spec_catalog: dict[str, Any]) -> None:
    assert store.last_export(db) is None
    store.import_catalog(db, spec_catalog)
    store.record_export(db, "/tmp/out.json", "json", store.export_catalog(db))
    record = store.last_export(db)
    assert record is not None and record.path == "/tmp/out.json"
    assert record.document == spec_catalog


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=catalogs())
def test_export_of_import_is_identity(make_db: Any, doc: dict[str, Any]) -> None:
    problems = [p for p in store.validate_document(doc) if p.severity == "error"]
    assert problems == [], problems
    db = make_db()
    store.import_catalog(db, doc)
    assert store.export_catalog(db) == doc


def test_import_over_a_different_catalog(db: Any, spec_catalog: dict[str, Any],
                                         demo_catalog: dict[str, Any]) -> None:
    """Every object of the first catalog goes, children and all, without tripping a key."""
    store.import_catalog(db, spec_catalog)
    store.import_catalog(db, demo_catalog)
    assert store.export_catalog(db) == demo_catalog
    store.import_catalog(db, spec_catalog)
    assert store.export_catalog(db) == spec_catalog


@needs_shared("external", "killbill", "catalogs")
def test_import_over_each_killbill_sample(db: Any, demo_catalog: dict[str, Any]) -> None:
    from app.catalog.killbill import killbill_to_catalog

    samples = sorted((KILLBILL / "catalogs").rglob("*.xml"))
    assert samples
    for sample in samples:
        doc, _notes = killbill_to_catalog(sample.read_bytes())
        store.import_catalog(db, doc, source=sample.name)
        assert store.export_catalog(db) == doc, sample.name
    store.import_catalog(db, demo_catalog)
    assert store.export_catalog(db) == demo_catalog


def test_snapshot_document_is_cached_and_never_stale(db: Any,
                                                     spec_catalog: dict[str, Any]) -> None:
    store.import_catalog(db, spec_catalog)
    assert store.snapshot_document(db) == contract.normalize(spec_catalog)[0]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM catalog_cache").scalar() == 2
    assert store.snapshot_document(db) == contract.normalize(spec_catalog)[0]  # the cache
    package = store.package_document(db, "Home Bundle")
    usd = package["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["recurring"][0]["amounts"]["Active"] = "61.00"
    store.save_package(db, package, original_name="Home Bundle")
    fresh = store.snapshot_document(db)
    assert fresh == contract.normalize(store.export_catalog(db))[0]
    fresh_usd = fresh["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    assert fresh_usd["recurring"][0]["amounts"]["Active"] == "61.00"
    store.delete_frequency(db, "Home Bundle Monthly")
    assert store.snapshot_document(db)["packages"][0]["frequencies"] == []


def test_a_save_leaves_the_cached_copy_in_place_but_no_one_reads_it_stale(
        tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    """A save does not delete the cached copy (that cost the first save of a session most of
    a second at 30,000 frequencies): its revision bump makes it stale, and another process,
    opening the file afresh, reads the catalog as saved, then caches that."""
    path = tmp_path / "shared.sqlite"
    first = store.open_catalog(path)
    store.import_catalog(first, spec_catalog)
    store.snapshot_document(first)  # the cached copy written

    def cache_rows() -> list[int]:
        with first.engine.connect() as conn:
            return sorted(conn.exec_driver_sql("SELECT id FROM catalog_cache").scalars())

    def revision() -> int:
        with first.engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)

    def at(revision: int) -> list[int]:  # the head row and one row of packages
        base = (revision + 1) * 2 ** 20
        return [-(base + 2), -(base + 1)]

    assert cache_rows() == at(revision())
    package = store.package_document(first, "Home Bundle")
    usd = package["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["recurring"][0]["amounts"]["Active"] = "61.00"
    store.save_package(first, package, original_name="Home Bundle")
    assert cache_rows() == at(revision() - 1)  # still there, one revision behind
    other = store.open_catalog(path)  # as another process: nothing held, an engine of its own
    doc = store.snapshot_document(other)
    assert doc["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"][
        "recurring"][0]["amounts"]["Active"] == "61.00"
    assert cache_rows() == at(revision())  # replaced by the copy of the saved catalog
    third = store.open_catalog(path)
    assert store.snapshot_document(third) == doc  # read from that copy
    for db in (first, other, third):
        db.close()


def test_import_and_save_leave_the_callers_document_untouched(
        db: Any, spec_catalog: dict[str, Any]) -> None:
    given = copy.deepcopy(spec_catalog)
    store.import_catalog(db, given)
    assert given == spec_catalog
    package = store.package_document(db, "Home Bundle")
    before = copy.deepcopy(package)
    store.save_package(db, package, original_name="Home Bundle")
    assert package == before


def test_the_cached_copy_is_read_a_few_packages_at_a_time_and_an_earlier_one_is_not_read(
        tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    """The cached copy is rows of JSON lines (the document without its packages, then rows of
    packages, one per line), so that a large catalog is never read or written whole; a copy
    left by the previous release (one whole document under the id ``-(revision + 1)``) is not
    read: the catalog is read from its tables and cached again."""
    import orjson

    from app.engine.packed import PackedList, unpacked

    path = tmp_path / "cached.sqlite"
    first = store.open_catalog(path)
    store.import_catalog(first, spec_catalog)
    expected = contract.normalize(store.export_catalog(first))[0]
    assert unpacked(store.snapshot_document(first)) == expected

    def rows() -> list[str]:
        with first.engine.connect() as conn:
            return list(conn.exec_driver_sql(
                "SELECT document_json FROM catalog_cache ORDER BY id DESC").scalars())

    head, *parts = rows()
    assert orjson.loads(head)["packages"] == [p["name"] for p in expected["packages"]]
    assert [orjson.loads(line) for part in parts for line in part.split("\n")] == \
        expected["packages"]
    second = store.open_catalog(path)
    held = store.snapshot_document(second)
    assert isinstance(held["packages"], PackedList) and unpacked(held) == expected
    with first.engine.begin() as conn:  # as the previous release wrote it
        revision = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        conn.exec_driver_sql("DELETE FROM catalog_cache")
        wrong = dict(expected, currencies=[])
        conn.exec_driver_sql(
            "INSERT INTO catalog_cache (id, built_at, document_json) VALUES (?, ?, ?)",
            (-(revision + 1), "2026-01-01 00:00:00", orjson.dumps(wrong).decode()))
    third = store.open_catalog(path)
    assert unpacked(store.snapshot_document(third)) == expected
    assert len(rows()) == 2  # cached again, the earlier copy gone
    for db in (first, second, third):
        db.close()
