"""Catalog database speed on the large generated catalog (10,000 packages, 30,000 frequencies).

    .venv/bin/python benchmarks/bench_store.py [--packages N --frequencies M]

Prints: validation, import, export, and catalog snapshot load from the database (export to the
catalog document + the engine's snapshot), the last with its target (under 2 s).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_catalog import generate_catalog  # noqa: E402

from app.catalog.database import store  # noqa: E402
from app.engine import catalog_from_document  # noqa: E402


def timed(label: str, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {elapsed:8.2f} s")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--frequencies", type=int, default=30_000)
    args = parser.parse_args()
    doc, _ = timed("generate catalog", generate_catalog, args.packages, args.frequencies)
    rows = sum(
        len(c.get("recurring", [])) + len(c.get("one_time", [])) + len(c.get("transitions", []))
        for p in doc["packages"] for f in p["frequencies"]
        for book in f["price_books"].values() for c in book.values()
    )
    print(f"catalog: {len(doc['packages'])} packages, "
          f"{sum(len(p['frequencies']) for p in doc['packages'])} frequencies, {rows} charge rows")
    timed("validate (schema + references + rules)", store.validate_document, doc)
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_catalog(Path(tmp) / "large.sqlite")
        timed("import into SQLite (all or nothing)", store.import_catalog, db, doc)
        size = (Path(tmp) / "large.sqlite").stat().st_size / 2**20
        print(f"{'database size':<44} {size:8.1f} MiB")
        exported, t_export = timed("export to the catalog document", store.export_catalog, db)
        _, t_lazy = timed("engine snapshot (built on first use)", catalog_from_document,
                          exported, check=False)
        _, t_full = timed("engine snapshot (every reference checked)", catalog_from_document,
                          exported)
        print(f"{'snapshot load, cold (export + snapshot)':<44} {t_export + t_lazy:8.2f} s")
        timed("snapshot document: builds the cache", store.snapshot_document, db)
        # What `simulate --db` and the Simulator tab pay: a fresh process, the cache warm.
        probe = (
            "import sys, time; t = time.perf_counter()\n"
            "from app.catalog import store; from app.engine import catalog_from_document\n"
            "t = time.perf_counter(); db = store.open_catalog(sys.argv[1])\n"
            "doc = store.snapshot_document(db)\n"
            "catalog = catalog_from_document(doc, check=False)\n"
            "print(time.perf_counter() - t)\n"  # before the document is torn down at exit
        )
        warm = min(
            float(subprocess.run([sys.executable, "-c", probe, str(Path(tmp) / "large.sqlite")],
                                 capture_output=True, text=True, check=True).stdout)
            for _ in range(3)
        )
        verdict = "meets" if warm < 2 else "MISSES"
        print(f"{'snapshot load from the database, cached':<44} {warm:8.2f} s  "
              f"({verdict} target < 2 s; fresh process, best of 3)")
        timed("package summaries (Packages panel)", store.package_summaries, db)
        db.close()


if __name__ == "__main__":
    main()
