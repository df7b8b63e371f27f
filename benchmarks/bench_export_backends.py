"""Export speed (the catalog document read from the database) on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_export_backends.py [--packages N --frequencies M]
        [--pg-url postgresql://...] [--baseline OLD_EXPORT.py]

Imports the generated catalog (10,000 packages, 30,000 frequencies) into SQLite (and, with
``--pg-url``, into a fresh database on that server, dropped afterwards), then times the full
export (``export.catalog_document``) and the export of one package, best of 3. ``--baseline``
names another version of ``app/catalog/database/export.py`` (for example ``git show
HEAD~1:app/catalog/database/export.py > /tmp/old.py``), timed alternately with the current one
on the same data (SQLite only), so both figures come from one machine under the same load.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from generate_catalog import generate_catalog  # noqa: E402

from app.catalog.database import export, store  # noqa: E402


def best_of(n: int, func: Callable[[], Any]) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def load_module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("baseline_export", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(label: str, db: Any, modules: dict[str, Any], one_id: int) -> None:
    for name, module in modules.items():
        with db.engine.connect() as conn:
            full = best_of(3, lambda m=module, c=conn: m.catalog_document(c))
            one = best_of(5, lambda m=module, c=conn: m.packages_document(c, {one_id}))
        print(f"{label:<12} {name:<9} full export {full:7.2f} s   one package "
              f"{one * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--frequencies", type=int, default=30_000)
    parser.add_argument("--pg-url")
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    doc = generate_catalog(args.packages, args.frequencies)
    print(f"catalog: {len(doc['packages'])} packages, "
          f"{sum(len(p['frequencies']) for p in doc['packages'])} frequencies")
    modules = {"current": export}
    if args.baseline:
        modules = {"baseline": load_module(args.baseline), "current": export}
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_catalog(Path(tmp) / "large.sqlite")
        start = time.perf_counter()
        store.import_catalog(db, doc)
        print(f"import into SQLite: {time.perf_counter() - start:.1f} s")
        measure("SQLite", db, modules, 1)
        measure("SQLite", db, dict(reversed(list(modules.items()))), 1)  # the other order
        db.close()
    if args.pg_url:
        from backends import create_pg_database, drop_pg_database, unique_name

        name = unique_name("ce_bench")
        db = store.open_catalog(create_pg_database(args.pg_url, name))
        try:
            start = time.perf_counter()
            store.import_catalog(db, doc)
            print(f"import into PostgreSQL: {time.perf_counter() - start:.1f} s")
            assert store.export_catalog(db) == store.export_catalog(db)
            measure("PostgreSQL", db, {"current": export}, 1)
        finally:
            db.close()
            drop_pg_database(args.pg_url, name)


if __name__ == "__main__":
    main()
