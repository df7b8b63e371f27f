"""File > Export as Kill Bill XML: the dialog shows the publication report, takes the catalog
name and effective date, and the file written is one Kill Bill's loader accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDateTime, QTimer, QTimeZone
from PySide6.QtWidgets import QApplication

from app.catalog.database.publishing import last_publication
from app.views.catalog.dialogs.killbill_export import KillBillExportDialog
from app.views.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def make_window(qtbot: Any, db: Any) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.resize(1100, 700)
    win.show()
    return win


def test_dialog_shows_the_report_and_refuses_an_empty_name(qtbot: Any) -> None:
    dialog = KillBillExportDialog(None, catalog_name="Fiber",
                                  report=["Kill Bill check: ...", "error: bills differently"],
                                  blocking=True)  # fmt: skip
    qtbot.addWidget(dialog)
    assert "error: bills differently" in dialog.report.toPlainText()
    assert dialog.export_button.text() == "Export anyway"
    qtbot.keyClicks(dialog.name_edit, "")
    dialog.name_edit.clear()
    assert not dialog.export_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "  Fiber 2 ")
    assert dialog.export_button.isEnabled()
    assert dialog.values()[0] == "Fiber 2"


def test_export_to_kill_bill_from_the_window(
    qtbot: Any, demo_db: Any, tmp_path: Path, kb_loader: Any
) -> None:
    window = make_window(qtbot, demo_db)
    seen: dict[str, Any] = {}

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, KillBillExportDialog)
        seen["report"] = dialog.report.toPlainText()
        dialog.name_edit.clear()
        qtbot.keyClicks(dialog.name_edit, "Fiber")
        when = QDateTime.fromString("2026-03-01T00:00:00Z", "yyyy-MM-ddTHH:mm:ssZ")
        when.setTimeZone(QTimeZone.utc())
        dialog.date_edit.setDateTime(when)
        dialog.export_button.click()

    QTimer.singleShot(0, fill)
    path = tmp_path / "catalog.xml"
    assert window.export_killbill(str(path))
    assert "a subscriber with only Static IP would pay 10.00 instead of 0.00" in seen["report"]
    text = path.read_text("utf-8")
    assert "<catalogName>Fiber</catalogName>" in text
    assert "<effectiveDate>2026-03-01T00:00:00+00:00</effectiveDate>" in text
    record = last_publication(demo_db)
    assert record is not None and record.catalog_name == "Fiber"
    assert record.effective_date.startswith("2026-03-01")
    kb_loader.assert_accepted({"window export": path.read_bytes()})


def test_cancel_writes_nothing(qtbot: Any, demo_db: Any, tmp_path: Path) -> None:
    window = make_window(qtbot, demo_db)

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, KillBillExportDialog)
        dialog.reject()

    QTimer.singleShot(0, cancel)
    path = tmp_path / "catalog.xml"
    assert not window.export_killbill(str(path))
    assert not path.exists() and last_publication(demo_db) is None


def test_kill_bill_import_previews_the_replacement_and_refuses_a_bad_price(
    qtbot: Any, demo_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.catalog.database import store
    from app.views.catalog.dialogs.import_preview import ImportPreviewDialog

    shared = Path(__file__).resolve().parents[3].parent / "shared" / "external" / "killbill"
    sample = shared / "catalogs" / "WeaponsHire.xml"
    if not sample.exists():
        pytest.skip("shared/external/killbill is not beside the repository")
    window = make_window(qtbot, demo_db)
    before = store.export_catalog(demo_db)
    asked: list[int] = []

    def ask(_parent: Any, *, source: str, changes: list[Any]) -> bool:
        asked.append(len(changes))
        return False  # Cancel: nothing replaced

    monkeypatch.setattr(ImportPreviewDialog, "ask", staticmethod(ask))
    assert not window.import_catalog(str(sample), preview=True)
    assert asked and asked[0] > 0  # the packages it would replace were listed first
    assert store.export_catalog(demo_db) == before
    bad = tmp_path / "bad.xml"
    bad.write_bytes(sample.read_bytes().replace(b"<value>", b"<value>-", 1))
    assert not window.import_catalog(str(bad), preview=False)
    assert window.last_report is not None and "negative price" in window.last_report.text()
    assert store.export_catalog(demo_db) == before
