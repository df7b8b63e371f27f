"""Screenshots of issues 12 and 13: a second window on a database another window has open
(read-only, with the banner), the Scheduled changes tab of the demo catalog and its "Schedule a
price change" dialog (with a refused amount). Run:
QT_QPA_PLATFORM=offscreen python scripts/screenshots_sharing.py (writes
docs/screenshots/second-window-read-only.png, scheduled-changes.png and
schedule-price-change.png)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from app.catalog.database import sharing
from app.catalog.database.store import import_catalog
from app.package_data import demo_catalog
from app.views.catalog.dialogs.price_change import PriceChangeDialog
from app.views.main_window import MainWindow

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    path = Path(tempfile.mkdtemp()) / "catalog.sqlite"
    first_db = sharing.open_for_window(path)
    import_catalog(first_db, demo_catalog(), source="demo")
    first = MainWindow(first_db)
    first.resize(1280, 800)
    first.show()
    first.tabs.setCurrentIndex(first.tabs.indexOf(first.versions_view))
    first.versions_view.select_row(1)
    app.processEvents()
    first.grab().save(str(OUT / "scheduled-changes.png"))
    view = first.versions_view
    dialog = PriceChangeDialog(first, choices=view._choices(None),
                               after=view.model.rows[-1].effective_date)
    dialog.date_edit.setDate(QDate(2028, 1, 1))
    dialog.name_edit.setText("2028 prices")
    dialog.move_radio.setChecked(True)
    dialog.move_date.setDate(QDate(2028, 3, 1))
    for i, (values, amount) in enumerate((
            (("Fiber TV Bundle Monthly", "standard", "USD", "Internet 500", "Active"), "62.00"),
            (("Fiber Internet Monthly", "standard", "USD", "Internet 500", "Active"), "12,50"))):
        row = dialog.rows[i] if i < len(dialog.rows) else dialog.add_row()
        for combo, value in zip(row.combos, values, strict=True):
            combo.setCurrentText(value)
        row.amount.setText(amount)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(OUT / "schedule-price-change.png"))
    dialog.close()
    second_db = sharing.open_for_window(path)
    second = MainWindow(second_db)
    second.resize(1280, 800)
    second.show()
    row = second.editor.panel.model.row_of_name("Fiber Internet")
    second.editor.panel.select(row, 0, quiet=False)
    app.processEvents()
    second.grab().save(str(OUT / "second-window-read-only.png"))
    for window in (second, first):
        window.close()
    for db in (second_db, first_db):
        sharing.release_owner(db)
        db.close()


if __name__ == "__main__":
    main()
