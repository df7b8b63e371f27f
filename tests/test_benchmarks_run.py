"""The benchmarks still run: ``make bench`` is how issue 16's figures are measured, and a
benchmark that fails at its start (as ``bench_limits.py`` did for three stops, after a module
moved) prints no figures at all. Each is run here on a tiny generated catalog."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_benchmark(name: str, *args: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / name), *args],
                          capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_bench_limits_prints_each_operation_beside_its_limit_and_the_growth_table() -> None:
    out = run_benchmark("bench_limits.py", "--sizes", "20,40")
    for what in ("read", "validate", "import", "export"):
        lines = [line for line in out.splitlines() if line.startswith(what)]
        assert any("limit" in line and "x" in line for line in lines), out
    table = out.split("by catalog size", 1)[1]
    assert "20/60" in table and "40/120" in table and "growth" in table


def test_bench_edit_times_every_step_that_follows_an_edit_in_the_window() -> None:
    out = run_benchmark("bench_edit.py", "--packages", "20", "--frequencies", "60",
                        "--repeat", "1")
    for what in ("Save of one price edit, Simulator never opened", "Simulator tab, first open",
                 "edit -> updated bill visible in the Simulator", "Checks tab, first open",
                 "Changes tab, every later open", "Save with every tab built",
                 "the first of them, right after the cache write",
                 "peak memory of the window"):
        assert what in out, out
