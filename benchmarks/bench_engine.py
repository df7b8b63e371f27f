"""Engine benchmark: account-periods simulated per second on one core.

    .venv/bin/python benchmarks/bench_engine.py [--accounts N] [--packages P]
        [--frequencies F] [--periods 12] [--db]

Generates a large catalog (10,000 packages, 30,000 package frequencies by default) and N
account scenarios of 1 to 20 services, then simulates ``--periods`` monthly periods for each
account, in this one process. Prints the time to build the catalog snapshot (lazily, and with
every reference checked), to load the scenarios, and the simulation rate (target: at least
5,000 account-periods per second), per CPU second and per wall-clock second.
With ``--db`` it also imports the catalog into a temporary SQLite database (slow, not timed
against any target) and times ``app.catalog.database.store.load_catalog_document`` plus the snapshot
(target: under 2 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generate_catalog import generate_accounts, generate_catalog  # noqa: E402

from app.engine import (  # noqa: E402
    Catalog,
    account_from_document,
    catalog_from_document,
    simulate,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--frequencies", type=int, default=30_000)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", action="store_true", help="also time the database load")
    parser.add_argument("--versions", action="store_true",
                        help="schedule a price change of every recurring USD price (standard "
                             "book) from 2026-04-01, existing subscriptions moving 2026-05-15")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    doc = generate_catalog(args.packages, args.frequencies, args.seed)
    if args.versions:
        _schedule_price_change(doc)
    t1 = time.perf_counter()
    print(f"catalog: {args.packages:,} packages, {args.frequencies:,} frequencies "
          f"(generated in {t1 - t0:.2f} s)")
    wall, cpu = _timed(lambda: catalog_from_document(doc, check=False))
    print(f"catalog snapshot, frequencies built on first use: {wall:.2f} s ({cpu:.2f} s CPU)")
    holder: list[Catalog] = []
    wall, cpu = _timed(lambda: holder.append(catalog_from_document(doc)))
    catalog = holder[0]
    print(f"catalog snapshot, every reference checked:      {wall:.2f} s ({cpu:.2f} s CPU)")

    if args.db:
        _time_database(doc)

    raw = generate_accounts(doc, args.accounts, args.seed)
    t3 = time.perf_counter()
    accounts = [account_from_document(a, catalog) for a in raw]
    t4 = time.perf_counter()
    services = sum(len(p.services) for a in accounts for p in a.packages)
    print(f"accounts: {len(accounts):,} scenarios, {services:,} account-services, "
          f"loaded in {t4 - t3:.2f} s")

    start = dt.date(2026, 1, 1)
    lines = 0

    def run_all() -> None:
        nonlocal lines
        for account in accounts:
            bill = simulate(catalog, account, start, args.periods)
            lines += sum(len(p.lines) for p in bill.periods)

    gc.collect()
    wall, cpu = _timed(run_all)
    account_periods = len(accounts) * args.periods
    print(f"simulated {account_periods:,} account-periods ({lines:,} lines) in {wall:.2f} s "
          f"({cpu:.2f} s CPU)")
    rate = account_periods / cpu
    print(f"account-periods per second on one core: {rate:,.0f} per CPU second, "
          f"{account_periods / wall:,.0f} per wall-clock second"
          f"  [target >= 5,000: {'met' if rate >= 5000 else 'NOT met'}]")
    return 0


def _schedule_price_change(doc: dict) -> None:  # type: ignore[type-arg]
    """Every recurring price of the standard book in USD up by 10 % from 2026-04-01; existing
    subscriptions move on 2026-05-15 (inside a period: their May bills are split)."""
    from decimal import Decimal

    prices = []
    for package in doc["packages"]:
        for f in package["frequencies"]:
            usd = (f.get("price_books") or {}).get("standard", {}).get("USD")
            for row in (usd or {}).get("recurring", []):
                amounts = {s: str((Decimal(a) * Decimal("1.1")).quantize(Decimal("0.01")))
                           for s, a in (row.get("amounts") or {}).items()}
                if amounts:
                    prices.append({"frequency": f["name"], "price_book": "standard",
                                   "currency": "USD", "service": row["service"],
                                   "amounts": amounts})
    doc["versions"] = [{"effective_date": "2025-01-01"},
                       {"effective_date": "2026-04-01", "prices": prices,
                        "existing_subscriptions": {"policy": "move", "from": "2026-05-15"}}]
    print(f"scheduled: {len(prices):,} recurring prices changed from 2026-04-01")


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``work`` (CPU time is what one core spent on it, which
    other processes on a shared machine do not inflate)."""
    w0, c0 = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - w0, time.process_time() - c0


def _time_database(doc: dict) -> None:  # type: ignore[type-arg]
    from app.catalog.database.store import import_catalog, load_catalog_document
    from app.models.database import open_database

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        db = open_database(path)
        t0 = time.perf_counter()
        import_catalog(db, doc, source="benchmark")
        t1 = time.perf_counter()
        db.close()
        print(f"database import: {t1 - t0:.2f} s")
        t2 = time.perf_counter()
        loaded = load_catalog_document(str(path))
        t3 = time.perf_counter()
        catalog_from_document(loaded, check=False)  # as `simulate --db` does
        t4 = time.perf_counter()
        print(f"catalog snapshot from the database: {t4 - t2:.2f} s (reading the document "
              f"{t3 - t2:.2f} s + snapshot {t4 - t3:.2f} s)"
              f"  [target < 2 s: {'met' if t4 - t2 < 2 else 'NOT met'}]")


if __name__ == "__main__":
    raise SystemExit(main())
