"""Run every benchmark in turn and print their figures: ``make bench``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHMARKS: list[tuple[str, list[str]]] = [
    ("bench_limits.py", ["--sizes", "1000,3000,10000"]),  # how each cost grows
    ("bench_edit.py", []),  # what follows an edit in the window, 10,000 packages
    ("bench_engine.py", []),
    ("bench_window.py", []),
    ("bench_simulator.py", []),
    ("bench_store.py", []),
    ("bench_history.py", []),
    ("bench_large_file.py", []),
    ("bench_connections.py", ["--pool", "both"]),  # a unit of work with and without a pool
    ("crash_points.py", []),
    ("bench_kills.py", []),  # kill -9 during import, save, migration
]


def main() -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    status = 0
    for name, arguments in BENCHMARKS:
        path = HERE / name
        if not path.exists():
            continue
        print(f"== {name} {' '.join(arguments)}", flush=True)
        status |= subprocess.call([sys.executable, str(path), *arguments], env=env)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
