"""The saved scenarios: a list with New, Rename, Duplicate, Delete, Import and Export."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex


class ScenarioListModel(QAbstractListModel):
    """Names of the saved scenarios."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []

    def set_names(self, names: list[str]) -> None:
        if names != self.names:
            self.beginResetModel()
            self.names = list(names)
            self.endResetModel()

    def row_of(self, name: str | None) -> int:
        return self.names.index(name) if name in self.names else -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.names)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.names):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.names[index.row()]
        return None


class ScenarioListPanel(QWidget):
    """The saved scenarios and the buttons that manage them.

    Signals:
        scenarioChosen(str): the user picked a saved scenario to open.
        newRequested(), renameRequested(), duplicateRequested(), deleteRequested(),
        importRequested(), exportRequested(), demoRequested(): the buttons.
    """

    scenarioChosen = QtSignal(str)
    newRequested = QtSignal()
    renameRequested = QtSignal()
    duplicateRequested = QtSignal()
    deleteRequested = QtSignal()
    importRequested = QtSignal()
    exportRequested = QtSignal()
    demoRequested = QtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ScenarioListModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.new_button = QPushButton("&New")
        self.rename_button = QPushButton("Rena&me…")
        self.duplicate_button = QPushButton("D&uplicate…")
        self.delete_button = QPushButton("&Delete")
        self.import_button = QPushButton("&Import…")
        self.export_button = QPushButton("E&xport…")
        self.demo_button = QPushButton("Load demo scenario")
        self.demo_button.setToolTip("Open a ready-made account over the demo catalog")
        self.empty_label = QLabel("No saved scenarios yet. Start a new one, import an account "
                                  "file, or load the demo scenario.")
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #666;")
        buttons = QGridLayout()
        for i, button in enumerate((self.new_button, self.rename_button,
                                    self.duplicate_button, self.delete_button,
                                    self.import_button, self.export_button)):
            buttons.addWidget(button, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Scenarios</b>"))
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.demo_button)
        layout.addLayout(buttons)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        for button, signal in ((self.new_button, self.newRequested),
                               (self.rename_button, self.renameRequested),
                               (self.duplicate_button, self.duplicateRequested),
                               (self.delete_button, self.deleteRequested),
                               (self.import_button, self.importRequested),
                               (self.export_button, self.exportRequested),
                               (self.demo_button, self.demoRequested)):
            button.clicked.connect(signal)
        self._quiet = False
        self.set_names([], None, demo_available=False)

    def set_names(self, names: list[str], current: str | None,
                  demo_available: bool = False) -> None:
        """Show ``names`` with ``current`` selected, without announcing a choice."""
        self._quiet = True
        self.model.set_names(names)
        self.select(current)
        self._quiet = False
        empty = not names
        self.empty_label.setVisible(empty)
        self.demo_button.setVisible(empty and demo_available)
        for button in (self.rename_button, self.duplicate_button, self.delete_button):
            button.setEnabled(self.current_name() is not None)

    def select(self, name: str | None) -> None:
        quiet, self._quiet = self._quiet, True
        row = self.model.row_of(name)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row))
        else:
            self.view.selectionModel().clear()
        self._quiet = quiet
        for button in (self.rename_button, self.duplicate_button, self.delete_button):
            button.setEnabled(row >= 0)

    def current_name(self) -> str | None:
        index = self.view.currentIndex()
        selected = self.view.selectionModel().isSelected(index) if index.isValid() else False
        return self.model.names[index.row()] if selected else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._quiet and current.isValid():
            self.scenarioChosen.emit(self.model.names[current.row()])
