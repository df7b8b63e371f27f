"""Fault-injection figures: kill -9 at random points of an import (``catalog-editor import``),
a package save (``store.save_package``) and a migration (``open_database`` on a revision 0001
file), each in a forked child; then ``PRAGMA integrity_check``, a normal open and the export
compared with the catalog before and after. Prints, per kind: kills tried, how many children
finished before their kill point, the states found (old, new, a whole intermediate revision for
migrations, mixed), damaged files and bytes lost.

    .venv/bin/python benchmarks/bench_kills.py [--kills 100] [--seed 12]

The suite runs the same harness (``tests/kill_harness.py``) with 10 kills per kind.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from kill_harness import KINDS, run  # noqa: E402

from app.package_data import demo_catalog  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    total_lost = 0
    for kind in KINDS:
        with tempfile.TemporaryDirectory() as tmp:
            began = time.perf_counter()
            tally = run(kind, Path(tmp), demo_catalog(), args.kills, args.seed)
            print(f"{tally.line(kind)} ({time.perf_counter() - began:.0f} s)", flush=True)
            total_lost += tally.bytes_lost + tally.damaged + tally.states["mixed"]
    return 1 if total_lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
