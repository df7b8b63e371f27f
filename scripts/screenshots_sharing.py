"""Screenshots of issues 12 and 13: a second window on a database another window has open
(read-only, with the banner), the Scheduled changes tab of the demo catalog and its "Schedule a
price change" dialog (with a refused amount). Run:
QT_QPA_PLATFORM=offscreen python scripts/screenshots_sharing.py (writes
docs/screenshots/second-window-read-only.png, scheduled-changes.png,
schedule-price-change.png and before-after-all.png, the Simulator's before/after of two saved
scenarios)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from app.catalog.database import accounts, sharing
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
    before_after_all(app, first)
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


def before_after_all(app: QApplication, window: MainWindow) -> None:
    """Two saved scenarios (a 2026 Fiber TV subscriber whose bills change from March 2027,
    a phone line untouched) in the Simulator's before/after for all scenarios."""
    for name, frequency, service in (("TV since May 2026", "Fiber TV Bundle Monthly",
                                      "Internet 500"),
                                     ("Phone since May 2026", "Home Phone Monthly",
                                      "Phone Line")):
        accounts.save_account(window.db, {
            "format": "account", "version": 1,
            "account": {"name": name, "country": "US", "currency": "USD",
                        "price_book": "standard", "bill_day": 1, "price_plan": None,
                        "promo_codes": []},
            "packages": [{"frequency": frequency, "start": "2026-05-01", "cancelled": None,
                          "services": [{"id": "s1", "service": service, "quantity": 1,
                                        "price": None, "statuses": [
                                            {"status": "Active", "from": "2026-05-01"}]}]}],
            "usage": [], "simulation": {"periods": 12}})
    window.tabs.setCurrentIndex(2)  # the Simulator, built on first show
    while window.simulator_view is None:
        app.processEvents()
    simulator: Any = window.simulator_view
    dialog = simulator.show_before_after_all()
    while dialog.model.rowCount() < 2:
        app.processEvents()
    app.processEvents()
    dialog.grab().save(str(OUT / "before-after-all.png"))
    dialog.close()


if __name__ == "__main__":
    main()
