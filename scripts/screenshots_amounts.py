"""Screenshots of issue 14's screens: a refused amount in the Recurring grid, and a flat
amount under tiering shown as billed. Run: QT_QPA_PLATFORM=offscreen python
scripts/screenshots_amounts.py (writes docs/screenshots/editor-amount-refused.png and
editor-tiered-flat.png)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.catalog.database.store import import_catalog
from app.models.database import open_database
from app.package_data import demo_catalog
from app.views.common.money import MoneyEdit
from app.views.main_window import MainWindow

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    db = open_database(Path(tempfile.mkdtemp()) / "catalog.sqlite")
    import_catalog(db, demo_catalog(), source="demo")
    win = MainWindow(db)
    win.resize(1280, 800)
    win.show()
    editor = win.editor
    row = editor.panel.model.row_of_name("Fiber Internet")
    editor.panel.select(row, 0, quiet=False)
    rec = editor.frequency_panel.recurring_tab
    model = rec.model
    index = model.index(0, 1)
    rec.view.setCurrentIndex(index)
    rec.view.edit(index)
    app.processEvents()
    edit = [e for e in rec.view.findChildren(MoneyEdit) if e.isVisible()][-1]
    edit.selectAll()
    QTest.keyClicks(edit, "12.345")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    app.processEvents()
    win.grab().save(str(OUT / "editor-amount-refused.png"))
    QTest.keyClick(edit, Qt.Key.Key_Escape)
    app.processEvents()
    panel = editor.frequency_panel
    panel.tiering_combo.setCurrentIndex(panel.tiering_combo.findData("progressive"))
    panel.tiering_combo.activated.emit(panel.tiering_combo.currentIndex())
    app.processEvents()
    win.grab().save(str(OUT / "editor-tiered-flat.png"))
    editor._drop_draft()
    win.close()
    db.close()


if __name__ == "__main__":
    main()
