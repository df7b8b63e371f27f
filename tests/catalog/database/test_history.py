"""The export history: compact shared parts, any two exports compared, pruning, migration 0006."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import func, select, text

from app.catalog.database import history, store
from app.catalog.document.diff import diff_catalogs
from app.models import schema as m
from app.models.database import alembic_config, open_database


def _with_price(doc: dict[str, Any], amount: str) -> dict[str, Any]:
    new = copy.deepcopy(doc)
    usd = new["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["recurring"][0]["amounts"]["Active"] = amount
    return new


def _stored_bytes(db: Any) -> int:
    with db.engine.connect() as conn:
        parts = conn.execute(select(func.sum(func.length(m.ExportPart.data)))).scalar() or 0
        manifests = conn.execute(
            select(func.sum(func.length(m.CatalogExport.manifest)))).scalar() or 0
    return int(parts) + int(manifests)


def test_exports_of_an_unchanged_catalog_share_their_parts(demo_db: Any) -> None:
    doc = store.export_catalog(demo_db)
    first = history.record_export(demo_db, "/tmp/a.json", "json", doc)
    after_one = _stored_bytes(demo_db)
    for i in range(9):
        history.record_export(demo_db, f"/tmp/{i}.json", "json", doc)
    entries = history.list_exports(demo_db)
    assert [e.number for e in entries][0] == first and len(entries) == 10
    # nine more exports of the same catalog cost only their manifests (under 1 KiB each)
    assert entries[0].stored == after_one
    assert all(e.stored < min(1024, after_one / 5) for e in entries[1:])
    assert all(e.size == entries[0].size for e in entries)
    assert sum(e.stored for e in entries) == _stored_bytes(demo_db)
    # the size figure is the document as compact JSON
    assert entries[0].size == len(json.dumps(doc, separators=(",", ":"),
                                             ensure_ascii=False).encode())


def test_any_export_reads_back_exactly_and_any_two_compare(demo_db: Any) -> None:
    doc = store.export_catalog(demo_db)
    a = history.record_export(demo_db, "a.json", "json", doc)
    b = history.record_export(demo_db, "b.json", "json", _with_price(doc, "61.00"))
    c = history.record_export(demo_db, "c.json", "killbill-xml", _with_price(doc, "62.50"))
    assert history.export_document(demo_db, a).document == doc
    record = history.export_document(demo_db, c)
    assert record.document == _with_price(doc, "62.50") and record.format == "killbill-xml"
    assert store.last_export(demo_db) == record
    old, new = history.documents_to_compare(demo_db, a, c)
    changes = diff_catalogs(old, new)
    assert [(ch.field, ch.old, ch.new) for ch in changes] == [
        ("amounts.Active", doc["packages"][0]["frequencies"][0]["price_books"]["standard"]
         ["USD"]["recurring"][0]["amounts"]["Active"], "62.50")]
    # the shortcut (unchanged packages not read) finds what comparing whole documents finds
    full = diff_catalogs(history.export_document(demo_db, b).document,
                         history.export_document(demo_db, c).document)
    assert diff_catalogs(*history.documents_to_compare(demo_db, b, c)) == full


def test_prune_keeps_the_last_exports_and_frees_their_parts(demo_db: Any) -> None:
    doc = store.export_catalog(demo_db)
    numbers = [history.record_export(demo_db, f"{i}.json", "json",
                                     _with_price(doc, f"{70 + i}.00")) for i in range(4)]
    assert history.prune_exports(demo_db, keep=2) == 2
    assert [e.number for e in history.list_exports(demo_db)] == numbers[2:]
    assert history.export_document(demo_db, numbers[2]).document == _with_price(doc, "72.00")
    with demo_db.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(m.ExportPart)).scalar()
    # the parts of the forgotten exports that no kept export uses are gone
    assert stored == len(set(history.split_document(_with_price(doc, "72.00"))[1])
                         | set(history.split_document(_with_price(doc, "73.00"))[1]))
    assert history.prune_exports(demo_db, keep=5) == 0
    tomorrow = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
    assert history.prune_exports(demo_db, before=tomorrow) == 2
    assert history.list_exports(demo_db) == [] and store.last_export(demo_db) is None


def test_migration_converts_full_copies_into_parts(tmp_path: Path,
                                                   spec_catalog: dict[str, Any]) -> None:
    path = tmp_path / "v2.sqlite"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "0002")
    older = _with_price(spec_catalog, "41.00")
    with sqlite3.connect(path) as conn:
        for moment, doc in (("2026-10-01 09:00:00", older), ("2026-11-01 09:00:00",
                                                              spec_catalog)):
            conn.execute("INSERT INTO catalog_export (exported_at, path, format, document_json)"
                         " VALUES (?, 'out.json', 'json', ?)",
                         (moment, json.dumps(doc, sort_keys=True)))
    conn.close()
    db = open_database(path)
    entries = history.list_exports(db)
    assert [e.exported_at for e in entries] == [dt.datetime(2026, 10, 1, 9),
                                               dt.datetime(2026, 11, 1, 9)]
    assert history.export_document(db, entries[0].number).document == older
    assert history.export_document(db, entries[1].number).document == spec_catalog
    assert entries[0].size > 1000 and 0 < entries[1].stored < entries[0].stored
    with db.engine.connect() as conn:
        columns = {r[1] for r in conn.execute(text("PRAGMA table_info(catalog_export)"))}
    assert "document_json" not in columns
    db.close()


def test_an_export_against_the_catalog_now_reads_only_the_packages_that_differ(
        tmp_path: Path, demo_catalog: dict[str, Any]) -> None:
    """The Changes tab's "since the export" compares the export with the held document (x-
    keys given back, nulls read as the contract reads them): it finds what comparing the
    whole export with a fresh export finds, and reads only the packages that changed."""
    from app.catalog.document import contract

    doc = copy.deepcopy(demo_catalog)
    doc["packages"][1]["x-origin"] = {"sheet": "B"}  # extension keys, on some packages
    doc["packages"][2]["frequencies"][0]["x_rev"] = 7
    doc["services"][0]["x-note"] = "kept"
    db = store.open_catalog(tmp_path / "c.sqlite")
    store.import_catalog(db, doc)
    assert history.export_against(db, None, store.catalog_as_exported(db)) == (
        None, store.catalog_as_exported(db))
    history.record_export(db, "a.json", "json", store.export_catalog(db))
    record, now = history.export_against(db, None, store.catalog_as_exported(db))
    assert record is not None and diff_catalogs(record.document, now) == []
    # every package unchanged: none read, each a name on both sides
    assert all(p == {"name": p["name"]} for p in now["packages"] + record.document["packages"])

    names = [p["name"] for p in doc["packages"]]
    for name, amount in ((names[0], "61.00"), (names[1], "62.00")):
        package = store.package_document(db, name)
        usd = package["frequencies"][0]["price_books"]["standard"]["USD"]
        usd["recurring"][0]["amounts"]["Active"] = amount
        store.save_package(db, package, original_name=name)
    store.delete_package(db, names[3])
    record, now = history.export_against(db, None, store.catalog_as_exported(db))
    assert record is not None
    full = diff_catalogs(contract.as_read_with_extensions(history.last_export(db).document),
                         contract.as_read_with_extensions(store.export_catalog(db)))
    changes = diff_catalogs(record.document, now)
    assert changes == full
    assert [(c.action, c.field, c.new) for c in changes] == [
        ("changed", "amounts.Active", "61.00"), ("changed", "amounts.Active", "62.00"),
        ("removed", None, None)]
    read = [p["name"] for p in now["packages"] if p != {"name": p["name"]}]
    assert read == names[:2]
    assert now["packages"][1]["x-origin"] == {"sheet": "B"}  # kept, and not a change
    db.close()
