"""What a unit of work costs on an SQLite file: one package saved, one package loaded, the
package list and the whole catalog read, on a generated catalog (default 1,000 packages).

    .venv/bin/python benchmarks/bench_connections.py [--packages N --frequencies M --repeat R]

The window opens a fresh connection for each unit of work and closes it at the end (no pool),
so that nothing else in the process (a file dialog, a backup copy) can drop SQLite's locks
between two saves; the last connection to close also checkpoints the WAL. These figures are
what that costs: each is the median of ``--repeat`` runs, in milliseconds. Run it on the same
machine and data before and after a change of the engine's pool: ``--pool queue`` opens the
database with SQLAlchemy's default pool for files (what the application used before), the
default ``--pool none`` as the application does now; ``--pool both`` runs the two in turn, on
two copies of the same database, round after round, so that a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_catalog import generate_catalog  # noqa: E402

from app.catalog.database import store  # noqa: E402


def median_ms(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=1_000)
    parser.add_argument("--frequencies", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--pool", choices=("none", "queue", "both"), default="none")
    args = parser.parse_args()
    doc = generate_catalog(args.packages, args.frequencies)
    pools = ("none", "queue") if args.pool == "both" else (args.pool,)
    print(f"catalog: {args.packages} packages, {args.frequencies} frequencies; median of "
          f"{args.repeat} runs (whole catalog: of {max(3, args.repeat // 5)})")
    with tempfile.TemporaryDirectory(dir=str(ROOT)) as tmp:  # on the disk, not a tmpfs
        first = Path(tmp) / "none.sqlite"
        with _pool("none"):
            db = store.open_catalog(first)
            store.import_catalog(db, doc)
            db.close()
        dbs = {}
        for pool in pools:
            path = Path(tmp) / f"{pool}.sqlite"
            if path != first:
                shutil.copyfile(first, path)
            with _pool(pool):
                dbs[pool] = store.open_catalog(path)
        name = doc["packages"][len(doc["packages"]) // 2]["name"]
        package = store.package_document(dbs[pools[0]], name)
        counter = [0]

        def save(db: store.Database) -> None:
            edited = copy.deepcopy(package)
            counter[0] += 1
            edited["frequencies"][0]["sku"] = f"SKU-{counter[0]}"
            store.save_package(db, edited, original_name=name)

        rows: tuple[tuple[str, Callable[[store.Database], object]], ...] = (
            ("save one package (check, write, patch)", save),
            ("load one package (package_document)", lambda db: store.package_document(db, name)),
            ("one empty unit of work (connect, SELECT 1)", _select_one),
            ("package list (package_summaries)", store.package_summaries),
            ("whole catalog (export_catalog)", store.export_catalog),
        )
        print(f"{'':<48} " + " ".join(f"{_POOL_NAMES[p]:>12}" for p in pools))
        for label, func in rows:
            repeat = args.repeat if "whole" not in label else max(3, args.repeat // 5)
            times: dict[str, list[float]] = {p: [] for p in pools}
            for _ in range(repeat):
                for pool in pools:
                    times[pool].append(median_ms(lambda p=pool, f=func: f(dbs[p]), 1))
            print(f"{label:<48} " + " ".join(
                f"{statistics.median(times[p]):9.2f} ms" for p in pools))
        for db in dbs.values():
            db.close()
    return 0


_POOL_NAMES = {"none": "no pool", "queue": "QueuePool"}


@contextlib.contextmanager
def _pool(kind: str) -> Iterator[None]:
    """Open databases with no pool (the application) or with SQLAlchemy's default pool."""
    from sqlalchemy.pool import NullPool, QueuePool

    from app.models import database

    database.NullPool = QueuePool if kind == "queue" else NullPool  # type: ignore[misc]
    try:
        yield
    finally:
        database.NullPool = NullPool  # type: ignore[misc]


def _select_one(db: store.Database) -> None:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


if __name__ == "__main__":
    raise SystemExit(main())
