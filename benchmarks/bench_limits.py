"""Reads, checks and writes of a large catalog beside their physical limits, in one run.

    .venv/bin/python benchmarks/bench_limits.py [--packages 10000 --frequencies 30000 |
        --catalog CATALOG.json]

For each operation the product's figure and the limit measured here and now (CPU seconds of
this process, which other load on a shared machine inflates less than wall-clock time):

- read: ``safe_json.load_json_document`` against ``orjson.loads`` of the same bytes;
- validate: ``validate_catalog`` (schema + references + business rules) against the compiled
  schema alone, with fastjsonschema and with jsonschema-rs side by side;
- import: ``store.import_catalog`` (validation included) into an empty database against a
  bare ``executemany`` of the very rows it wrote, every table in one transaction;
- export: ``store.export_catalog`` plus writing the file as the product writes it, against
  ``SELECT *`` of every table plus ``orjson.dumps`` of the document.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def cpu(work: Callable[[], Any]) -> tuple[float, Any]:
    began = time.process_time()
    result = work()
    return time.process_time() - began, result


def row(what: str, product: float, limit: float, limit_name: str) -> None:
    ratio = product / limit if limit else float("inf")
    verdict = "within 3x" if ratio <= 3 else "OVER 3x"
    print(f"{what:<10} product {product:7.2f} s   limit {limit:7.2f} s ({limit_name})   "
          f"{ratio:5.2f}x  {verdict}", flush=True)


def export_file_bytes(doc: dict[str, Any]) -> bytes:
    """The catalog file as ``catalog-editor export`` writes it (whichever way this tree does)."""
    try:
        from app.catalog.database.export import document_bytes
    except ImportError:  # before orjson writing
        import json

        return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return document_bytes(doc)


def measure(data: bytes) -> dict[str, tuple[float, float, str]]:
    """``{operation: (product CPU s, limit CPU s, what the limit is)}`` for one catalog file."""
    import orjson

    from app.catalog.database import store
    from app.catalog.document import schema_pass, validation
    from app.catalog.document.safe_json import load_json_document

    out: dict[str, tuple[float, float, str]] = {}
    t_limit, _ = cpu(lambda: orjson.loads(data))
    t_read, doc = cpu(lambda: load_json_document(data, source="catalog"))
    out["read"] = (t_read, t_limit, "orjson.loads")

    schema = schema_pass._schema()
    limits = []
    try:
        import fastjsonschema

        compiled = fastjsonschema.compile(
            dict(schema, **{"$schema": "http://json-schema.org/draft-07/schema#"}),
            formats={"date": schema_pass._is_iso_date}, use_default=False)
        t_fast, _ = cpu(lambda: compiled(doc))
        limits.append((t_fast, "fastjsonschema"))
    except ImportError:
        pass
    try:
        import jsonschema_rs

        rs = jsonschema_rs.validator_for(schema, formats={"date": schema_pass._is_iso_date},
                                         validate_formats=True)
        t_rs, rs_ok = cpu(lambda: rs.is_valid(doc))
        assert rs_ok, "jsonschema-rs refuses the catalog"
        limits.append((t_rs, "jsonschema-rs"))
    except ImportError:
        pass
    print(f"{'':<10} the schema alone: " + ", ".join(f"{n} {t:.2f} s" for t, n in limits))
    t_validate, problems = cpu(lambda: validation.validate_catalog(doc))
    assert not [p for p in problems if p.severity == "error"], problems[:3]
    best, best_name = min(limits)
    out["validate"] = (t_validate, best, f"{best_name}, the schema alone")

    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        target = Path(tmp) / "product.sqlite"
        db = store.open_catalog(target)
        t_import, _ = cpu(lambda: store.import_catalog(db, doc, source="bench"))
        db.close()
        out["import"] = (t_import, bare_executemany(target, Path(tmp) / "bare.sqlite"),
                         "bare executemany of the same rows")
        db = store.open_catalog(target)
        t_export, _ = cpu(lambda: export_file_bytes(store.export_catalog(db)))
        t_select = select_all(target)
        t_dumps, _ = cpu(lambda: orjson.dumps(doc))
        out["export"] = (t_export, t_select + t_dumps,
                         f"SELECT * {t_select:.2f} s + orjson.dumps {t_dumps:.2f} s")
        store.snapshot_document(db)  # held from now on, as in the window
        package = store.package_document(db, doc["packages"][0]["name"])
        t_save, _ = cpu(lambda: store.save_package(db, package,
                                                   original_name=package["name"]))
        out["save one"] = (t_save, 0.0, "")
        db.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--frequencies", type=int, default=30_000)
    parser.add_argument("--sizes", help="packages, comma-separated (3 frequencies each): "
                        "a table of how each cost grows, e.g. 1000,3000,10000")
    parser.add_argument("--catalog", help="a catalog JSON file instead of generating one")
    args = parser.parse_args()

    import orjson

    if args.catalog:
        runs = [(Path(args.catalog).name, Path(args.catalog).read_bytes())]
    else:
        from generate_catalog import generate_catalog

        sizes = ([(int(n), 3 * int(n)) for n in args.sizes.split(",")] if args.sizes
                 else [(args.packages, args.frequencies)])
        runs = [(f"{p // 1000}k/{f // 1000}k" if p >= 1000 else f"{p}/{f}",
                 orjson.dumps(generate_catalog(p, f), option=orjson.OPT_INDENT_2))
                for p, f in sizes]
    results = []
    for label, data in runs:
        print(f"catalog {label}: {len(data) / 2**20:.0f} MiB of JSON", flush=True)
        measured = measure(data)
        for what, (product, limit, name) in measured.items():
            if limit:
                row(what, product, limit, name)
            else:
                print(f"{what:<10} product {product:7.3f} s", flush=True)
        results.append((label, measured))
    if len(results) > 1:
        print("\nCPU seconds, product (x its limit), by catalog size (packages/frequencies)")
        print(f"{'':<10}" + "".join(f"{label:>20}" for label, _ in results) + "   growth")
        for what in results[0][1]:
            cells = []
            for _label, measured in results:
                product, limit, _name = measured[what]
                cells.append(f"{product:8.3f} ({product / limit:4.1f}x)" if limit
                             else f"{product:8.3f}        ")
            first, last = results[0][1][what][0], results[-1][1][what][0]
            growth = f"{last / first:6.1f}x" if first else "   -"
            print(f"{what:<10}" + "".join(f"{c:>20}" for c in cells) + f"   {growth}")
    return 0


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT IN ('alembic_version', 'catalog_cache')")]


def bare_executemany(source: Path, target: Path) -> float:
    """CPU seconds to insert every catalog row of ``source`` into an empty copy of its schema
    with plain ``executemany``, one transaction (rows read beforehand, not timed)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    dst.execute("PRAGMA journal_mode = WAL")
    dst.execute("PRAGMA synchronous = NORMAL")
    dst.execute("PRAGMA foreign_keys = ON")
    tables = _tables(src)
    for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                              "name NOT LIKE 'sqlite_%'"):
        dst.execute(sql)
    for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                              "sql IS NOT NULL"):
        dst.execute(sql)
    order = [r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    data = {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in tables}  # noqa: S608
    began = time.process_time()
    with dst:
        dst.execute("PRAGMA defer_foreign_keys = ON")
        for t in order:
            if t in data and data[t]:
                marks = ",".join("?" * len(data[t][0]))
                dst.executemany(f"INSERT INTO {t} VALUES ({marks})", data[t])  # noqa: S608
    elapsed = time.process_time() - began
    src.close()
    dst.close()
    return elapsed


def select_all(source: Path) -> float:
    conn = sqlite3.connect(source)
    tables = _tables(conn)
    began = time.process_time()
    for t in tables:
        conn.execute(f"SELECT * FROM {t}").fetchall()  # noqa: S608
    elapsed = time.process_time() - began
    conn.close()
    return elapsed


if __name__ == "__main__":
    raise SystemExit(main())
