"""File > Backups…: the backup copies of the open database, to restore or delete.

:class:`BackupsDialog` lists them (newest first) and asks for an action; it changes nothing
itself. :func:`show_backups` opens it over the main window and carries out what it asks for
through :mod:`app.models.backups`, then reopens the database so every view shows the restored
catalog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database import backups

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Taken", "Schema revision", "Size", "File")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


class BackupsModel(QAbstractTableModel):
    """The backups of one database, newest first."""

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.rows: list[backups.Backup] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self.rows = backups.list_backups(self.db_path)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                                Qt.ItemDataRole.ToolTipRole):
            return None
        b = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(b.path)
        return (f"{b.created:%Y-%m-%d %H:%M:%S}", b.revision, _size(b.size),
                b.path.name)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None


class BackupsDialog(QDialog):
    """The list of backups with Restore and Delete.

    Signals:
        restoreRequested(str): the user asked to restore this backup file.
        deleteRequested(str): the user asked to delete this backup file.
    """

    restoreRequested = Signal(str)
    deleteRequested = Signal(str)

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.model = BackupsModel(db_path, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.note = QLabel(
            f"Backups of {db_path} are taken before every upgrade and every restore, in the "
            f"same folder. The newest {backups.KEEP_BACKUPS} are kept.", self)
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton("&Restore…", self)
        self.delete_button = QPushButton("&Delete…", self)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(lambda: self._request(self.restoreRequested))
        self.delete_button.clicked.connect(lambda: self._request(self.deleteRequested))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update())
        self.model.modelReset.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(720, 320)
        self._update()

    def selected(self) -> backups.Backup | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _update(self) -> None:
        chosen = self.selected() is not None
        self.restore_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _request(self, signal: Any) -> None:
        chosen = self.selected()
        if chosen is not None:
            signal.emit(str(chosen.path))


def _ask(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def show_backups(window: Any) -> BackupsDialog | None:
    """Open the Backups dialog over the main window (non-modal) and act on its requests."""
    location = str(window.db.location)
    if "://" in location:
        QMessageBox.information(window, "Backups", "Backups are kept for SQLite files only; "
                                "back up a database server with its own tools (pg_dump).")
        return None
    db_path = Path(location)
    dialog = BackupsDialog(db_path, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def restore(backup: str) -> None:
        if not _ask(dialog, "Restore backup",
                    f"Replace the catalog in {db_path.name} with the backup "
                    f"{Path(backup).name}?\n\nThe current content is backed up first."):
            return
        if not window.confirm_leave():
            return
        window.db.close()
        try:
            safety = backups.restore_backup(db_path, backup)
        except backups.BackupError as exc:
            QMessageBox.warning(dialog, "Not restored", str(exc))
            return
        finally:
            dialog.model.refresh()
        if window.open_database(location):  # may upgrade it, taking one more backup
            saved = f" The previous content is in {safety.path.name}." if safety else ""
            window.statusBar().showMessage(f"Restored {Path(backup).name}.{saved}", 15000)
        dialog.model.refresh()

    def delete(backup: str) -> None:
        if not _ask(dialog, "Delete backup", f"Delete the backup {Path(backup).name}?"):
            return
        try:
            backups.delete_backup(db_path, backup)
        except backups.BackupError as exc:
            QMessageBox.warning(dialog, "Not deleted", str(exc))
        dialog.model.refresh()

    dialog.restoreRequested.connect(restore)
    dialog.deleteRequested.connect(delete)
    dialog.open()
    window.backups_dialog = dialog
    return dialog


def announce_backup(window: Any) -> None:
    """Tell the user, once, that opening the database upgraded it and where the backup is."""
    path = getattr(window.db, "backup_path", None)
    if path is None:
        return
    text = (f"{window.db.location} was upgraded to this version of Catalog Editor. The "
            f"previous version is backed up in {path} (File > Backups… to restore it).")
    window.statusBar().showMessage(text, 30000)
    box = QMessageBox(QMessageBox.Icon.Information, "Database upgraded", text,
                      QMessageBox.StandardButton.Ok, window)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    window.backup_notice = box
