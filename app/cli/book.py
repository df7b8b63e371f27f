"""``catalog-editor simulate-book``: the bills of a whole book of accounts, on every core.

    simulate-book (--catalog CATALOG.json | --db PATH) --accounts BOOK.jsonl|BOOK.csv
                  --from DATE --periods N [--workers N | --cluster ADDRESS]
                  [--out TOTALS.jsonl]

A JSON Lines book holds one account document per line; a CSV book has a column ``account``
holding each account document as JSON. The catalog snapshot is built once, before the worker
processes start (on Linux they are forked and share it read-only; elsewhere each worker builds
it once); the accounts go to the workers in chunks. Out come one line per account (name,
currency, total of every period, the problems that kept it from being billed) and, on
stderr, a summary: accounts, account-periods, seconds, the rate in all and per worker. With
``--cluster tcp://HOST:8786`` the chunks run on that Dask cluster instead (:mod:`app.cli.cluster`),
with the same output in the same order.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from app.cli.simulate import BadInput, _load_catalog_document, _parse_date

CHUNK = 250

_catalog: Any = None  # the snapshot each worker simulates with (set before the fork)


def _set_catalog(doc: Any) -> None:
    global _catalog
    from app.engine import catalog_from_document

    _catalog = catalog_from_document(doc, check=False)


def _init_worker(catalog_path: str | None, db_path: str | None) -> None:
    if _catalog is None:  # spawned, not forked: build the snapshot once in this worker
        _set_catalog(_load_catalog_document(catalog_path, db_path)[0])


def simulate_chunk(lines: list[str], start: dt.date, periods: int,
                   catalog: Any = None) -> tuple[list[dict[str, Any]], float]:
    """Totals of each account (a JSON document per line) over ``periods`` bills on ``catalog``
    (by default this process's snapshot), and the CPU seconds this thread spent on them (a Dask
    worker may run several chunks at once, one per thread)."""
    from app.engine import ScenarioError, account_from_document, simulate

    catalog = _catalog if catalog is None else catalog
    began = time.thread_time()
    out: list[dict[str, Any]] = []
    for text in lines:
        name = None
        try:
            doc = json.loads(text)
            name = doc.get("account", {}).get("name") if isinstance(doc, dict) else None
            account = account_from_document(doc, catalog)
            bill = simulate(catalog, account, start, periods)
        except ScenarioError as exc:
            out.append({"account": name, "problems": [str(p) for p in exc.problems[:3]]})
            continue
        except (ValueError, AttributeError, TypeError) as exc:
            out.append({"account": name, "problems": [f"not an account document: {exc}"]})
            continue
        out.append({"account": bill.account, "currency": bill.currency,
                    "total": str(bill.total), "periods": [str(p.total) for p in bill.periods]})
    return out, time.thread_time() - began


def _book_lines(path: str) -> list[str]:
    try:
        if path.lower().endswith(".csv"):
            with open(path, newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                if reader.fieldnames is None or "account" not in reader.fieldnames:
                    raise BadInput(f"{path}: a CSV book needs a column 'account' (the account "
                                   "document as JSON)")
                return [row["account"] for row in reader if row.get("account")]
        with open(path, encoding="utf-8") as handle:
            return [line for line in handle if line.strip()]
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None


def chunks(lines: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(lines), size):
        yield lines[i:i + size]


def chunk_size(accounts: int, workers: int) -> int:
    """Accounts per chunk: about four chunks per worker, at most :data:`CHUNK`."""
    return max(1, min(CHUNK, accounts // (workers * 4) or 1))


@click.command("simulate-book")
@click.option("--catalog", "catalog_path", default=None, metavar="CATALOG.json",
              help="The catalog document (or --db).")
@click.option("--db", "db_path", default=None, metavar="PATH", help="A catalog database.")
@click.option("--accounts", "book_path", required=True, metavar="BOOK.jsonl",
              help="One account document per line (JSON Lines), or a CSV with a column "
                   "'account'.")
@click.option("--from", "start_text", required=True, metavar="DATE", help="First bill date.")
@click.option("--periods", type=click.IntRange(1, 120), required=True, help="Bills per account.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Worker processes [default: one per core].")
@click.option("--cluster", "cluster", default=None, metavar="ADDRESS",
              help="Run on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786) "
                   "instead of local processes; its workers need catalog-editor of this version "
                   "and Dask (pip install 'catalog-editor[dask]').")
@click.option("--out", "out", default="-", metavar="FILE",
              help="Per-account totals as JSON Lines [default: standard output].")
def simulate_book(catalog_path: str | None, db_path: str | None, book_path: str,
                  start_text: str, periods: int, workers: int | None, cluster: str | None,
                  out: str) -> None:
    """Simulate every account of a book; per-account totals out, a summary on stderr.

    Locally on --workers processes, or with --cluster on a Dask cluster's workers: the same
    totals in the same order either way."""
    if (catalog_path is None) == (db_path is None):
        raise BadInput("simulate-book: give exactly one of --catalog and --db")
    if cluster is not None and workers is not None:
        raise BadInput("simulate-book: give --workers or --cluster, not both (the cluster's "
                       "workers are the cluster's)")
    start = _parse_date(start_text)
    lines = _book_lines(book_path)
    doc, _source = _load_catalog_document(catalog_path, db_path)
    began = time.perf_counter()
    if cluster is not None:
        from app.cli.cluster import simulate_on_cluster

        results, cpu, described = simulate_on_cluster(cluster, doc, lines, start, periods)
    else:
        workers = workers or os.cpu_count() or 1
        _set_catalog(doc)
        del doc  # only the snapshot goes into the workers
        results, cpu = _simulate_locally(lines, start, periods, workers, catalog_path, db_path)
        described = f"{workers} worker(s)"
    elapsed = time.perf_counter() - began
    _write_results(results, out, periods, elapsed, cpu, described)


def _simulate_locally(lines: list[str], start: dt.date, periods: int, workers: int,
                      catalog_path: str | None, db_path: str | None
                      ) -> tuple[list[dict[str, Any]], float]:
    fork = "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
    context = multiprocessing.get_context("fork" if fork else "spawn")
    results: list[dict[str, Any]] = []
    cpu = 0.0
    chunk = chunk_size(len(lines), workers)
    if workers == 1:
        for part in chunks(lines, chunk):
            rows, seconds = simulate_chunk(part, start, periods)
            results.extend(rows)
            cpu += seconds
    else:
        gc.freeze()  # the snapshot: left alone by the collectors of the forked workers
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                 initargs=(catalog_path, db_path)) as pool:
            futures = [pool.submit(simulate_chunk, part, start, periods)
                       for part in chunks(lines, chunk)]
            for future in futures:
                rows, seconds = future.result()
                results.extend(rows)
                cpu += seconds
    return results, cpu


def _write_results(results: list[dict[str, Any]], out: str, periods: int, elapsed: float,
                   cpu: float, described: str) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
    if out == "-":
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")
    billed = [r for r in results if "total" in r]
    by_currency: dict[str, Decimal] = {}
    for r in billed:
        by_currency[r["currency"]] = by_currency.get(r["currency"], Decimal(0)) + Decimal(
            r["total"])
    done = len(billed) * periods
    rate = done / elapsed if elapsed else 0.0
    per_cpu = done / cpu if cpu else 0.0
    totals = ", ".join(f"{c} {v}" for c, v in sorted(by_currency.items()))
    click.echo(f"{len(results)} accounts, {len(results) - len(billed)} not billed; "
               f"{done} account-periods in {elapsed:.2f} s with {described}: "
               f"{rate:,.0f} account-periods/s; {per_cpu:,.0f} per CPU second of a worker "
               f"({cpu:.2f} CPU s); totals {totals or 'none'}", err=True)
