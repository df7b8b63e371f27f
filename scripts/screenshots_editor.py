"""Screenshots of the catalog editor window on the demo catalog, rendered offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_editor.py [OUT_FOLDER]

Writes docs/screenshots/editor-main.png, editor-package.png, editor-recurring.png,
editor-transition.png, editor-one-time.png, editor-counting-rule.png,
editor-custom-fields.png and changes.png (the Changes tab comparing two exports).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.models.database import Database
    from app.views.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CONFIG_HOME"] = str(Path(folder) / "config")  # no remembered layout
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([])
        from app.catalog.database import store
        from app.models.database import open_database
        from app.package_data import demo_catalog
        from app.views.main_window import MainWindow

        db = open_database(Path(folder) / "demo.sqlite")
        store.import_catalog(db, demo_catalog(), source="demo catalog")
        window = MainWindow(db)
        window.resize(1280, 800)
        window.show()
        editor = window.editor
        panel = editor.panel
        fp = editor.frequency_panel

        def select(package: str, frequency: int | None) -> None:
            row = panel.model.row_of_name(package)
            assert row is not None, package
            panel.select(row, frequency, quiet=False)
            app.processEvents()

        def shot(name: str) -> None:
            app.processEvents()
            path = out / f"editor-{name}.png"
            window.grab().save(str(path))
            print(path)

        select("Fiber Internet", 0)
        shot("main")
        select("Fiber Internet", None)
        shot("package")
        select("Fiber Internet", 0)
        fp.selection.select(book="EU", currency="EUR")
        shot("recurring")
        fp.selection.select(book="standard", currency="USD")
        fp.tabs.setCurrentWidget(fp.transition_tab)
        fp.transition_tab.view.selectRow(2)
        shot("transition")
        fp.tabs.setCurrentWidget(fp.one_time_tab)
        shot("one-time")
        fp.tabs.setCurrentWidget(fp.custom_fields_tab)
        shot("custom-fields")
        select("Business Lines", 0)
        fp.tabs.setCurrentWidget(fp.counting_rule_tab)
        shot("counting-rule")
        editor._drop_draft()
        changes_shot(app, window, db, out)
        window.close()
        db.close()
    return 0


def changes_shot(app: QApplication, window: MainWindow, db: Database, out: Path) -> None:
    """The Changes tab comparing two exports, with a price change between them."""
    from app.catalog.database import store
    from app.views.main_window import CHANGES_TAB
    from app.views.review.changes import ChangesView

    store.record_export(db, "/srv/catalogs/catalog-2026-11.json", "json",
                        store.export_catalog(db))
    doc = store.package_document(db, "Fiber Internet")
    usd = doc["frequencies"][0]["price_books"]["standard"]["USD"]
    row = next(r for r in usd["recurring"] if r["service"] == "Internet 100")
    row["amounts"]["Active"] = "49.00"
    store.save_package(db, doc, original_name="Fiber Internet")
    store.record_export(db, "/srv/catalogs/catalog-2026-12.json", "json",
                        store.export_catalog(db))
    window.tabs.setCurrentIndex(CHANGES_TAB)
    view = window.changes_view
    assert isinstance(view, ChangesView)
    view.select_exports([e.number for e in view.exports_model.entries])
    app.processEvents()
    path = out / "changes.png"
    window.grab().save(str(path))
    print(path)


if __name__ == "__main__":
    raise SystemExit(main())
