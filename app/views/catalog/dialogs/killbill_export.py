"""Kill Bill export: the catalog name and effective date of the version to publish, and the
publication report (what is left out, who would be billed differently, what is not
expressed) before anything is written. Export accepts, Cancel rejects."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class KillBillExportDialog(QDialog):
    """Publishing options and the report; no signals beyond QDialog's."""

    def __init__(self, parent: QWidget | None = None, *, catalog_name: str,
                 report: list[str], blocking: bool) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Export to Kill Bill")
        self.name_edit = QLineEdit(catalog_name, self)
        self.date_edit = QDateTimeEdit(QDateTime.currentDateTimeUtc(), self)
        self.date_edit.setTimeZone(QTimeZone.utc())
        self.date_edit.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.date_edit.setCalendarPopup(True)
        form = QFormLayout()
        form.addRow("Catalog name:", self.name_edit)
        form.addRow("Effective date:", self.date_edit)
        text = ("Kill Bill would refuse part of this catalog or bill some subscribers "
                "differently from the simulator: see the errors below." if blocking else
                "Kill Bill accepts this catalog and bills what the simulator shows.")  # fmt: skip
        self.verdict = QLabel(text, self)
        self.verdict.setWordWrap(True)
        self.report = QPlainTextEdit("\n".join(report), self)
        self.report.setReadOnly(True)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            "Export anyway" if blocking else "Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(
            lambda text: self.export_button.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 500)

    def values(self) -> tuple[str, dt.datetime]:
        stamp = self.date_edit.dateTime().toSecsSinceEpoch()
        return self.name_edit.text().strip(), dt.datetime.fromtimestamp(stamp, dt.UTC)

    @classmethod
    def ask(cls, parent: QWidget | None, *, catalog_name: str, report: list[str],
            blocking: bool) -> tuple[str, dt.datetime] | None:  # fmt: skip
        """Show the dialog (modal); (catalog name, effective date) when the user exports."""
        dialog = cls(parent, catalog_name=catalog_name, report=report, blocking=blocking)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.values()
        finally:
            dialog.deleteLater()
