"""``catalog-editor simulate-book`` on one worker and on two: rate per core and speed-up.

    .venv/bin/python benchmarks/bench_book.py --catalog CATALOG.json [--accounts 100000]
        [--periods 12] [--book /tmp/book.jsonl] [--runs 1,2,dask]

Writes a book of generated accounts (``generate_book.py``; kept when ``--book`` names an
existing file), then runs the installed command with ``--workers 1`` and ``--workers 2`` and
prints, for each, the wall-clock time, account-periods per second, account-periods per CPU
second of a worker (what one core does, whatever else the machine runs), and the speed-up.
``--runs`` picks the runs, in order: a number of local workers, or ``dask``: a Dask
``LocalCluster`` of two worker processes started here, and the command with ``--cluster`` on it
(its wall clock includes connecting, scattering the catalog and each worker's snapshot).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUMMARY = re.compile(r"(\d+) account-periods in ([\d.]+) s .*?; ([\d,]+) per CPU second")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--book", help="the book to write (or reuse when it exists)")
    parser.add_argument("--runs", default="1,2",
                        help="comma-separated: local worker counts and/or 'dask' [1,2]")
    args = parser.parse_args()
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        book = Path(args.book) if args.book else Path(tmp) / "book.jsonl"
        if not book.exists():
            subprocess.run([sys.executable, str(HERE / "generate_book.py"), "--catalog",
                            args.catalog, "--accounts", str(args.accounts), "--out", str(book)],
                           check=True)
        walls = {}
        for workers in runs:
            with contextlib.ExitStack() as stack:
                if workers == "dask":
                    from distributed import LocalCluster

                    cluster = stack.enter_context(LocalCluster(
                        n_workers=2, threads_per_worker=1, processes=True,
                        dashboard_address=None))
                    where = ["--cluster", cluster.scheduler_address]
                else:
                    where = ["--workers", workers]
                began = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "app", "simulate-book", "--catalog", args.catalog,
                     "--accounts", str(book), "--from", "2026-01-01", "--periods",
                     str(args.periods), *where, "--out", str(Path(tmp) / f"totals-{workers}")],
                    capture_output=True, text=True, check=True)
                total = time.perf_counter() - began
            found = SUMMARY.search(done.stderr)
            assert found, done.stderr
            periods, wall, per_cpu = int(found[1]), float(found[2]), found[3]
            walls[workers] = wall
            label = "Dask LocalCluster, 2 workers" if workers == "dask" else f"{workers} worker(s)"
            print(f"{label}: {periods:,} account-periods in {wall:.1f} s "
                  f"({periods / wall:,.0f}/s; {per_cpu} per CPU second of a worker); "
                  f"whole command {total:.1f} s", flush=True)
        outputs = {(Path(tmp) / f"totals-{w}").read_bytes() for w in runs}
        print("per-account totals: " + ("the same in every run" if len(outputs) == 1 else
                                       "DIFFERENT between the runs"))
        if "1" in walls and "2" in walls:
            print(f"speed-up on 2 workers: {walls['1'] / walls['2']:.2f}x (wall clock; a "
                  "machine shared with other work shows less than its cores can give)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
