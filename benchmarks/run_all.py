"""Run every benchmark in turn and print their figures: ``make bench``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHMARKS = ["bench_store.py", "bench_history.py", "bench_large_file.py", "bench_engine.py",
              "bench_window.py", "bench_simulator.py", "crash_points.py"]


def main() -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    status = 0
    for name in BENCHMARKS:
        path = HERE / name
        if not path.exists():
            continue
        print(f"== {name}", flush=True)
        status |= subprocess.call([sys.executable, str(path)], env=env)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
