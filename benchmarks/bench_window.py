"""The catalog editor window on the large generated catalog (10,000 packages, 30,000 frequencies).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_window.py \
        [--packages N --frequencies M]

Generates the catalog, imports it into a temporary database (not timed), then prints:
- time to a usable window: MainWindow constructed, shown, and the packages listed (target 2 s);
- time to apply a filter: ``setFilterFixedString`` + ``processEvents`` (target 100 ms), for a
  narrow filter (one package name), a broad one (matches every frequency of one kind), one that
  matches nothing and clearing it; and the same typed into the filter box (which also expands
  the matches when there are few).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from generate_catalog import generate_catalog  # noqa: E402

from app.catalog.database import store  # noqa: E402
from app.models.database import open_database  # noqa: E402

WINDOW_TARGET = 2.0
FILTER_TARGET = 0.1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--frequencies", type=int, default=30_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CONFIG_HOME"] = str(Path(folder) / "config")  # no remembered layout
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([])
        db = open_database(Path(folder) / "large.sqlite")
        doc = generate_catalog(packages=args.packages, frequencies=args.frequencies)
        store.import_catalog(db, doc, source="generated")
        print(f"catalog: {len(doc['packages'])} packages, "
              f"{sum(len(p['frequencies']) for p in doc['packages'])} frequencies "
              "(imported, not timed)")

        from app.views.main_window import MainWindow

        start = time.perf_counter()
        window = MainWindow(db)
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        panel = window.editor.panel
        listed = panel.proxy.rowCount()
        usable = time.perf_counter() - start
        verdict = "ok" if usable < WINDOW_TARGET else "OVER TARGET"
        print(f"usable window: {usable:.3f} s ({listed} packages listed; target "
              f"{WINDOW_TARGET:.0f} s: {verdict})")

        name = doc["packages"][len(doc["packages"]) // 2]["name"]
        kind = doc["packages"][0]["frequencies"][0]["name"].split()[-1]
        worst = 0.0
        for label, text in (("narrow", name), ("broad", kind), ("none", "zzzz-no-match"),
                            ("clear", "")):
            start = time.perf_counter()
            panel.proxy.setFilterFixedString(text)
            app.processEvents()
            elapsed = time.perf_counter() - start
            if label in ("narrow", "none"):
                worst = max(worst, elapsed)
            print(f"filter {label:6} {text!r:32} {elapsed * 1000:7.1f} ms "
                  f"({panel.proxy.rowCount()} packages shown)")
        for label, text in (("typed narrow", name), ("typed clear", "")):
            start = time.perf_counter()
            panel.filter_edit.setText(text)
            app.processEvents()
            elapsed = time.perf_counter() - start
            print(f"filter {label:12} {text!r:26} {elapsed * 1000:7.1f} ms "
                  f"({panel.proxy.rowCount()} packages shown)")
        verdict = "ok" if worst < FILTER_TARGET else "OVER TARGET"
        print(f"filter (narrowing): {worst * 1000:.1f} ms worst; target "
              f"{FILTER_TARGET * 1000:.0f} ms: {verdict}")
        window.editor._drop_draft()
        window.close()
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
