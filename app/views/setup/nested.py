"""A nested list of the selected Setup object (a rate plan's rates, a bucket's tiers, a price
book's countries...): a small table with add and remove."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.views.common.fields import note
from app.views.common.icons import icon
from app.views.setup.delegates import SetupDelegate
from app.views.setup.kinds import NestedSpec
from app.views.setup.models import NestedListModel, SetupEditor


class NestedListEditor(QGroupBox):
    """The table of one nested list with + and − buttons.

    Signals:
        message(str): why an entry could not be added (shown by the Setup view).
    """

    message = Signal(str)

    def __init__(self, editor: SetupEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = NestedListModel(editor, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(SetupDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.add_button = QToolButton(self)
        self.add_button.setText("+")
        self.add_button.setIcon(icon("add"))
        self.remove_button = QToolButton(self)
        self.remove_button.setText("−")
        self.remove_button.setIcon(icon("remove"))
        self.note = note("")
        remove = QAction("Remove", self.table)
        remove.setShortcut(QKeySequence.StandardKey.Delete)
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.table.addAction(remove)

        tools = QHBoxLayout()
        tools.addWidget(self.add_button)
        tools.addWidget(self.remove_button)
        tools.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(tools)
        self.add_button.clicked.connect(self.add_entry)
        self.remove_button.clicked.connect(self.remove_selected)
        self.model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._update_buttons())

    def set_target(
        self, kind: str | None, row: int, spec: NestedSpec | None, owner_label: str = ""
    ) -> None:
        self.model.set_target(kind, row, spec)
        self.setTitle(
            f"{spec.label} of {owner_label}" if spec and owner_label else spec.label if spec else ""
        )
        self.note.setText(spec.note if spec else "")
        self.add_button.setToolTip(f"Add to {spec.label.lower()}" if spec else "")
        self.remove_button.setToolTip("Remove the selected entry")
        self._update_buttons()

    def _update_buttons(self) -> None:
        valid = self.model.kind is not None and self.model.row >= 0
        self.add_button.setEnabled(valid)
        self.remove_button.setEnabled(valid and self.table.currentIndex().isValid())

    def add_entry(self) -> None:
        result = self.model.add()
        if isinstance(result, str):
            self.message.emit(result)
            return
        index = self.model.index(result, 0)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove(index.row())
            self._update_buttons()
