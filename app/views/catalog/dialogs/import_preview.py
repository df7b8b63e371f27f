"""Import preview: before an import replaces a catalog that has packages, list what would
change (:func:`app.catalog.document.diff.diff_catalogs` of the catalog now and the file) with
Apply and Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.catalog.document.diff import Change
from app.views.review.changes import (
    NAME_WIDTH,
    ChangesModel,
    changes_table,
    fit_columns,
    summary,
)


class ImportPreviewDialog(QDialog):
    """The changes an import would make; Apply accepts, Cancel rejects."""

    def __init__(self, parent: QWidget | None = None, *, source: str,
                 changes: list[Change]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import catalog")
        self.header = QLabel(f"Importing {source} replaces the whole catalog.", self)
        self.header.setWordWrap(True)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        if changes:
            note = summary(changes) + " Apply them?"
        else:
            note = "The file holds the same catalog: nothing changes."
        self.summary = QLabel(note, self)
        self.model = ChangesModel(self)
        self.model.set_changes(changes)
        self.table = changes_table(self.model, self)
        fit_columns(self.table, 180, NAME_WIDTH)
        self.buttons = QDialogButtonBox(self)
        self.apply_button = self.buttons.addButton(
            "Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.cancel_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 500)

    @classmethod
    def ask(cls, parent: QWidget | None, *, source: str, changes: list[Change]) -> bool:
        """Show the preview (modal); True when the user chose Apply."""
        dialog = cls(parent, source=source, changes=changes)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()
