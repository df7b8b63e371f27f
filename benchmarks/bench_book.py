"""``catalog-editor simulate-book`` on one worker and on two: rate per core and speed-up.

    .venv/bin/python benchmarks/bench_book.py --catalog CATALOG.json [--accounts 100000]
        [--periods 12] [--book /tmp/book.jsonl]

Writes a book of generated accounts (``generate_book.py``; kept when ``--book`` names an
existing file), then runs the installed command with ``--workers 1`` and ``--workers 2`` and
prints, for each, the wall-clock time, account-periods per second, account-periods per CPU
second of a worker (what one core does, whatever else the machine runs), and the speed-up.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        book = Path(args.book) if args.book else Path(tmp) / "book.jsonl"
        if not book.exists():
            subprocess.run([sys.executable, str(HERE / "generate_book.py"), "--catalog",
                            args.catalog, "--accounts", str(args.accounts), "--out", str(book)],
                           check=True)
        walls = {}
        for workers in (1, 2):
            began = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "app", "simulate-book", "--catalog", args.catalog,
                 "--accounts", str(book), "--from", "2026-01-01", "--periods",
                 str(args.periods), "--workers", str(workers), "--out", str(Path(tmp) / "t")],
                capture_output=True, text=True, check=True)
            total = time.perf_counter() - began
            found = SUMMARY.search(done.stderr)
            assert found, done.stderr
            periods, wall, per_cpu = int(found[1]), float(found[2]), found[3]
            walls[workers] = wall
            print(f"{workers} worker(s): {periods:,} account-periods in {wall:.1f} s "
                  f"({periods / wall:,.0f}/s; {per_cpu} per CPU second of a worker); "
                  f"whole command {total:.1f} s", flush=True)
        print(f"speed-up on 2 workers: {walls[1] / walls[2]:.2f}x (wall clock; a machine "
              "shared with other work shows less than its cores can give)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
