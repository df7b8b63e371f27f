"""Export history size on the large generated catalog (10,000 packages, 30,000 frequencies).

    .venv/bin/python benchmarks/bench_history.py [--packages N --frequencies M --exports K]

Imports the catalog, then exports it K times (default 10) with one price changed between
exports, as an administrator publishing small changes would; prints the database size after
the import and after the exports (checkpointed, so the write-ahead log is counted), what each
export stored, the time to record one, and the time to compare the first and the last export.
Target: the K exports together add less than the catalog's own rows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_catalog import generate_catalog  # noqa: E402

from app.catalog.database import history, store  # noqa: E402
from app.catalog.document.diff import diff_catalogs  # noqa: E402


def _size(db: store.Database, path: Path) -> float:
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--frequencies", type=int, default=30_000)
    parser.add_argument("--exports", type=int, default=10)
    args = parser.parse_args()
    doc = generate_catalog(args.packages, args.frequencies)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite"
        empty = store.open_catalog(path)
        before = _size(empty, path)
        store.import_catalog(empty, doc)
        db = empty
        rows = _size(db, path) - before
        print(f"{'catalog rows (database after import)':<44} {rows:8.1f} MiB")
        first = last = 0
        record_times = []
        for i in range(args.exports):
            if i:
                name = doc["packages"][i]["name"]
                package = store.package_document(db, name)
                for book in package["frequencies"][0]["price_books"].values():
                    for charges in book.values():
                        for line in charges.get("recurring", []):
                            line["amounts"] = {k: f"{i}.25" for k in line.get("amounts", {})}
                store.save_package(db, package, original_name=name)
            exported = store.export_catalog(db)
            start = time.perf_counter()
            number = history.record_export(db, f"/tmp/export-{i}.json", "json", exported)
            record_times.append(time.perf_counter() - start)
            first = first or number
            last = number
            del exported
        grown = _size(db, path) - before - rows
        for e in history.list_exports(db):
            print(f"  export {e.number:>2}: document {e.size / 2**20:7.1f} MiB, "
                  f"stored {e.stored / 2**20:7.2f} MiB")
        verdict = "meets" if grown < rows else "MISSES"
        print(f"{f'database growth for {args.exports} exports':<44} {grown:8.1f} MiB  "
              f"({verdict} target < {rows:.1f} MiB of catalog rows)")
        print(f"{'record one export (split, compress, store)':<44} "
              f"{max(record_times):8.2f} s  (slowest)")
        start = time.perf_counter()
        old, new = history.documents_to_compare(db, first, last)
        changes = diff_catalogs(old, new)
        print(f"{'diff first and last export':<44} {time.perf_counter() - start:8.2f} s  "
              f"({len(changes)} changes)")
        start = time.perf_counter()
        history.export_document(db, first)
        print(f"{'read back one whole export':<44} {time.perf_counter() - start:8.2f} s")
        db.close()


if __name__ == "__main__":
    main()
