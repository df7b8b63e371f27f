"""Fault-injection figures: a crash (``os._exit`` in a forked child, like ``kill -9``) right
after each SQL statement of creating a database and of migrating one from revision 0001, then a
reopen. Prints, per case: crash points tried, what the crash left (the old revision, a whole
intermediate revision, the new one) and how many reopens failed (bricked).

The same crash points run in the test suite (tests/models/test_crash_points.py); this prints the
counts. Run: ``.venv/bin/python benchmarks/crash_points.py``.
"""

from __future__ import annotations

import collections
import importlib.util
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HARNESS = HERE.parent / "tests" / "models" / "test_crash_points.py"


def _harness() -> Any:
    spec = importlib.util.spec_from_file_location("crash_points_harness", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    h = _harness()
    from app.models.database import head_revision, open_database

    with tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "head.sqlite"
        open_database(reference).close()
        head_schema = h.schema_of(reference)
        for case, points, old in (("create", h.CREATE_POINTS, "nothing"),
                                  ("migrate 0001", h.MIGRATE_POINTS, "0001")):
            left: collections.Counter[str] = collections.Counter()
            bricked = 0
            for n in points:
                path = Path(tmp) / f"{case.split()[0]}-{n}.sqlite"
                if case != "create":
                    h._make_revision_0001(path)
                try:
                    left[h._crash_and_reopen(path, n, head_schema)] += 1
                except Exception as exc:  # noqa: BLE001 - a bricked database is the figure
                    bricked += 1
                    print(f"  {case} crash point {n}: BRICKED ({exc})")
            new = left.pop(head_revision(), 0)
            old_count = left.pop(old, 0)
            between = ", ".join(f"{k}: {v}" for k, v in sorted(left.items())) or "none"
            print(f"{case}: {len(points)} crash points; left old state {old_count}, "
                  f"a whole intermediate revision {sum(left.values())} ({between}), new "
                  f"revision {new}; bricked {bricked}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
