"""What an edit costs in the window on a large catalog: Save, the Simulator, Checks, Changes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_edit.py \
        [--packages 10000 --frequencies 30000 | --db CATALOG.sqlite] [--repeat 3]

Imports a generated catalog into a temporary database (not timed; ``--db`` copies a prepared
one instead, the original is not touched) with one saved account scenario using the package
that is edited, opens the main window, then times, as a user meets them:

- Save of one price edit before the Simulator tab was ever opened;
- the Simulator tab, first open (its bill shown);
- Save of one price edit once the Simulator tab exists (hidden behind the Catalog tab);
- edit -> updated bill: Save in the Catalog tab, then the Simulator tab shown with the new bill;
- the Checks tab, first open, until every check has reported; the Changes tab, later opens;
- Save with every tab built;
- the window's peak memory (resident set, from ``getrusage``), and that of the process the
  Checks of a large catalog run in.

Views that work in the background are waited for (the event loop keeps running, so the figure
is when the result is on screen, not when the GUI thread was free again). Each figure is the
median of ``--repeat`` edits where an edit can be repeated, in wall-clock seconds and in CPU
seconds of the process (all its threads; on a shared machine the wall clock also counts the
time other programs had the cores).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PRICE_PATH = ("frequencies", 0, "price_books", "standard", "USD", "recurring", 0, "amounts",
              "Active")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(folder: Path, args: argparse.Namespace) -> Path:
    """A database with the catalog and one account scenario using the edited package."""
    from app.catalog.database import accounts, store

    target = folder / "large.sqlite"
    if args.db:
        shutil.copy(args.db, target)
        db = store.open_catalog(target)
    else:
        from generate_catalog import generate_catalog

        db = store.open_catalog(target)
        store.import_catalog(db, generate_catalog(args.packages, args.frequencies),
                             source="generated")
    package = store.package_document(db, "Package 00000")
    frequency = package["frequencies"][0]["name"]
    service = package["frequencies"][0]["price_books"]["standard"]["USD"]["recurring"][0]
    account = {
        "format": "account", "version": 1,
        "account": {"name": "Benchmark", "country": "US", "currency": "USD",
                    "price_book": "standard", "bill_day": 1, "price_plan": None,
                    "promo_codes": []},
        "packages": [{"frequency": frequency, "start": "2026-01-01", "cancelled": None,
                      "services": [{"id": "s1", "service": service["service"], "quantity": 1,
                                    "price": None,
                                    "statuses": [{"status": "Active", "from": "2026-01-01"}]}]}],
        "usage": [],
    }
    if "Benchmark" not in accounts.list_accounts(db):
        accounts.save_account(db, account)
    db.close()
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--frequencies", type=int, default=30_000)
    parser.add_argument("--db", help="a prepared catalog database (copied, not modified)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        folder = Path(tmp)
        os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([])
        path = prepare(folder, args)
        print(f"catalog: {args.db or f'{args.packages} packages, {args.frequencies} frequencies'}"
              f" (prepared, not timed); peak memory so far {peak_mb():.0f} MB")

        from app.catalog.database import store
        from app.views.main_window import CHANGES_TAB, CHECKS_TAB, MainWindow

        db = store.open_catalog(path)
        window = MainWindow(db)
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        editor = window.editor
        price = [40]

        def wait(done: Callable[[], bool], limit: float = 600.0) -> None:
            end = time.perf_counter() + limit
            while not done():
                app.processEvents()
                if time.perf_counter() > end:
                    raise TimeoutError("the view never finished")
                time.sleep(0.001)

        def edit_price() -> None:
            """A new Active price on the first row of the first frequency, as typed."""
            editor._open_package("Package 00000", 0)
            price[0] += 1
            assert editor.draft is not None
            editor.draft.set(PRICE_PATH, f"{price[0]}.00", "Edit price")

        def edit_and_save() -> tuple[float, float]:
            edit_price()
            began, cpu = time.perf_counter(), time.process_time()
            assert editor.save()
            app.processEvents()
            return time.perf_counter() - began, time.process_time() - cpu

        def busy(view: Any) -> bool:
            running = getattr(view, "is_running", None)
            return bool(running()) if running is not None else False

        def bill_total() -> str:
            view: Any = window.simulator_view
            outcome = view.outcome
            if outcome is None or outcome.bill is None:
                return ""
            return str(outcome.bill["periods"][0]["lines"][0]["amount"])

        def record(label: str, values: list[tuple[float, float]]) -> None:
            wall = statistics.median(v[0] for v in values)
            cpu = statistics.median(v[1] for v in values)
            print(f"{label:<52} {wall:8.3f} s wall {cpu:8.3f} s CPU  (median of "
                  f"{len(values)}; peak memory so far {peak_mb():.0f} MB)", flush=True)

        def clock() -> tuple[float, float]:
            return time.perf_counter(), time.process_time()

        def since(start: tuple[float, float]) -> tuple[float, float]:
            return time.perf_counter() - start[0], time.process_time() - start[1]

        record("Save of one price edit, Simulator never opened",
               [edit_and_save() for _ in range(args.repeat)])

        began = clock()
        window.tabs.setCurrentIndex(2)
        wait(lambda: window.simulator_view is not None and not busy(window.simulator_view)
             and bill_total() != "")
        record("Simulator tab, first open", [since(began)])

        window.tabs.setCurrentIndex(0)
        app.processEvents()
        saves = [edit_and_save() for _ in range(args.repeat)]
        record("Save of one price edit once the Simulator tab exists", saves)
        record("    the first of them, right after the cache write", saves[:1])

        after_save: list[tuple[float, float]] = []

        def edit_to_bill() -> tuple[float, float]:
            window.tabs.setCurrentIndex(0)
            app.processEvents()
            edit_price()
            began = clock()
            assert editor.save()
            saved = clock()
            window.tabs.setCurrentIndex(2)
            wait(lambda: bill_total().startswith(f"{price[0]}."))
            after_save.append(since(saved))
            return since(began)

        record("edit -> updated bill visible in the Simulator",
               [edit_to_bill() for _ in range(args.repeat)])
        record("    of which after the Save, to the bill shown", after_save)

        began = clock()
        window.tabs.setCurrentIndex(CHECKS_TAB)
        wait(lambda: window.lint_view is not None and not busy(window.lint_view))
        record("Checks tab, first open (every check reported)", [since(began)])
        lint: Any = window.lint_view
        print(f"    {lint.model.rowCount()} problems listed")

        def open_changes() -> tuple[float, float]:
            window.tabs.setCurrentIndex(0)
            app.processEvents()
            began = clock()
            window.tabs.setCurrentIndex(CHANGES_TAB)
            wait(lambda: window.changes_view is not None and not busy(window.changes_view))
            return since(began)

        open_changes()
        record("Changes tab, every later open", [open_changes() for _ in range(args.repeat)])

        window.tabs.setCurrentIndex(0)
        app.processEvents()
        record("Save with every tab built", [edit_and_save() for _ in range(args.repeat)])
        for view in (window.lint_view, window.changes_view, window.simulator_view):
            wait(lambda v=view: not busy(v))  # type: ignore[misc]
        print(f"{'peak memory of the window (whole process)':<52} {peak_mb():8.0f} MB")
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if children:  # the Checks of a large catalog run in a process of their own
            print(f"{'peak memory of its largest child (the checks)':<52} {children:8.0f} MB")
        editor._drop_draft()
        window.close()
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
