"""The Changes tab: what differs between the catalog now and the catalog as last exported.

The differences come from :func:`app.catalog.document.diff.diff_catalogs` (old: the document
recorded by ``store.record_export``; new: ``store.export_catalog``). :class:`ChangesModel` is
also the table of the import preview (:mod:`app.views.catalog.dialogs.import_preview`).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database import store
from app.catalog.document.diff import Change, diff_catalogs
from app.models.database import Database
from app.views.common.background import BackgroundTask, TaskRunner
from app.views.common.list_table_model import ListTableModel

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Kind", "Name", "Action", "Field", "Old value", "New value")
ACTION_COLOURS = {"added": QColor("#1b7a2e"), "removed": QColor("#b3261e"),
                  "changed": QColor("#8a5a00")}
MAX_SHOWN = 80
NAME_WIDTH = {1: 360}  # the name column may be wider than the others


def _plain(value: object) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def show_value(value: object, limit: int | None = MAX_SHOWN) -> str:
    """A value as one line: strings bare, anything else as JSON; "" for no value."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(_plain(value), ensure_ascii=False, default=str)
    text = " ".join(text.split()) if limit is not None else text
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


class ChangesModel(ListTableModel):
    """The changes, one row each: kind, name, action, field, old value, new value."""

    columns = COLUMNS

    @property
    def changes(self) -> list[Change]:
        return self.items

    def set_changes(self, changes: list[Change]) -> None:
        self.set_items(changes)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        change = self.item(index)
        if change is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(change, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 4:
                return show_value(change.old, None) or None
            if column == 5:
                return show_value(change.new, None) or None
            return change.path
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return ACTION_COLOURS.get(change.action)
        return None

    @staticmethod
    def cell(change: Change, column: int) -> str:
        if column == 0:
            return change.kind
        if column == 1:
            return change.name
        if column == 2:
            return change.action
        if column == 3:
            return change.field or ""
        if column == 4:
            return show_value(change.old)
        if column == 5:
            return show_value(change.new)
        return ""

    def rows(self) -> list[tuple[str, ...]]:
        """Every row as shown (for tests and copying)."""
        return [tuple(self.cell(c, k) for k in range(len(COLUMNS))) for c in self.changes]


def changes_table(model: QAbstractItemModel, parent: QWidget | None = None) -> QTableView:
    """A read-only, row-selecting table over a changes (or problems) model."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def fit_columns(table: QTableView, widest: int = 280,
                limits: dict[int, int] | None = None) -> None:
    """Columns as wide as their contents but at most ``widest`` pixels (``limits``: for some
    columns), so that every column stays in view; long text is elided (the tooltip has it)."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count()):
        limit = (limits or {}).get(column, widest)
        if header.sectionSize(column) > limit:
            header.resizeSection(column, limit)


def local_time(moment: dt.datetime) -> str:
    """A stored (naive UTC) time in the local time zone, to the minute."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def summary(changes: list[Change]) -> str:
    if not changes:
        return "No changes."
    counts = {a: sum(1 for c in changes if c.action == a) for a in ("added", "removed",
                                                                    "changed")}
    parts = [f"{n} {action}" for action, n in counts.items() if n]
    total = len(changes)
    return f"{total} change{'s' if total != 1 else ''}: " + ", ".join(parts) + "."


def changes_since_export(task: BackgroundTask, db: Database) -> tuple[str, list[Change]]:
    """The Changes tab's work, off the GUI thread: the header and the changes."""
    task.report(0, 3, "reading the last export")
    record = store.last_export(db)
    task.report(1, 3, "reading the catalog")
    current = store.snapshot_document(db)
    task.report(2, 3, "comparing")
    if record is None:
        # an empty catalog with the same header (format, version): every object is new
        empty = {k: v for k, v in current.items() if not isinstance(v, list)}
        return "Never exported: everything is new", diff_catalogs(empty, current)
    header = (f"Changes since the export of {local_time(record.exported_at)} to "
              f"{record.path}")
    return header, diff_catalogs(record.document, current)


class ChangesView(QWidget):
    """What changed since the last export, worked out off the GUI thread (a progress bar and
    Cancel show meanwhile); refreshed when shown and after every change.

    Signals:
        compared(): the list is complete.
    """

    compared = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.summary = QLabel(self)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.clicked.connect(self.refresh)
        self.runner = TaskRunner(self)
        self.progress, self.cancel_button = self.runner.progress, self.runner.cancel_button
        self.cancel_button.clicked.connect(self.cancel)
        self.runner.done.connect(self._finished)
        self.runner.error.connect(
            lambda message: self.summary.setText(f"The comparison failed: {message}"))
        self.model = ChangesModel(self)
        self.table = changes_table(self.model, self)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh()

    def is_running(self) -> bool:
        return self.runner.is_running()

    def refresh(self) -> None:
        """Compare again, in the background (the rows shown stay until the new ones come)."""
        self.summary.setText("Comparing with the last export…")
        db = self.db
        self.runner.start(lambda t: changes_since_export(t, db))

    def cancel(self) -> None:
        if self.runner.cancel():
            self.summary.setText("Comparison cancelled.")

    def _finished(self, result: tuple[str, list[Change]]) -> None:
        header, changes = result
        self.header.setText(header)
        self.model.set_changes(changes)
        self.summary.setText(summary(changes))
        fit_columns(self.table, 180, NAME_WIDTH)
        self.compared.emit()

    def set_database(self, db: Database) -> None:
        self.db = db
        self.refresh()

    def on_catalog_changed(self, changes: store.Changes) -> None:
        """The catalog changed: refresh now when shown (else when next shown)."""
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        # an export does not change the catalog: read again every time the tab is shown
        super().showEvent(event)
        self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.cancel()
