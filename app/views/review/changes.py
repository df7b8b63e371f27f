"""The Changes tab: what differs between the catalog now and the catalog as last exported,
or between any export and the catalog now, or between any two exports, or between two
catalog versions (:func:`app.catalog.versions.diff_versions`, as ``diff --versions``).

The exports are listed on top (:class:`~app.views.review.exports_model.ExportsModel`); the
differences come from :func:`app.catalog.document.diff.diff_catalogs` (old: an export from
:mod:`app.catalog.database.history`; new: another export or ``store.export_catalog``).
:class:`ChangesModel` is also the table of the import preview
(:mod:`app.views.catalog.dialogs.import_preview`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database import history, store
from app.catalog.database.store import Database
from app.catalog.document.diff import Change, diff_catalogs
from app.views.common.background import BackgroundTask, TaskRunner
from app.views.common.list_table_model import ListTableModel
from app.views.review.exports_model import ExportsModel, local_time

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


def summary(changes: list[Change]) -> str:
    if not changes:
        return "No changes."
    counts = {a: sum(1 for c in changes if c.action == a) for a in ("added", "removed",
                                                                    "changed")}
    parts = [f"{n} {action}" for action, n in counts.items() if n]
    total = len(changes)
    return f"{total} change{'s' if total != 1 else ''}: " + ", ".join(parts) + "."


def compare_exports(task: BackgroundTask, db: Database,
                    chosen: list[history.ExportEntry]) -> tuple[str, list[Change]]:
    """The Changes tab's work, off the GUI thread: the header and the changes. ``chosen``: the
    exports picked (none: the last export and the catalog now; one: that export and the
    catalog now; two or more: the oldest and the newest picked)."""
    if len(chosen) >= 2:
        old, new = chosen[0], chosen[-1]
        task.report(0, 2, "reading the two exports")
        before, after = history.documents_to_compare(db, old.number, new.number)
        task.report(1, 2, "comparing")
        return (f"Changes from export {old.number} ({local_time(old.exported_at)}, {old.path}) "
                f"to export {new.number} ({local_time(new.exported_at)}, {new.path})",
                diff_catalogs(before, after))
    # the held document with its x- keys, as an export has them (not a second whole catalog),
    # and of the export only the packages that differ from it
    task.report(0, 2, "reading the catalog and the export")
    record, current = history.export_against(db, chosen[0].number if chosen else None,
                                             store.catalog_as_exported(db))
    task.report(1, 2, "comparing")
    if record is None:
        # an empty catalog with the same header (format, version): every object is new
        empty = {k: v for k, v in current.items() if not isinstance(v, list)}
        return "Never exported: everything is new", diff_catalogs(empty, current)
    number = f"export {record.number}" if chosen else "the export"
    return (f"Changes since {number} of {local_time(record.exported_at)} to {record.path}",
            diff_catalogs(record.document, current))


def compare_versions(task: BackgroundTask, db: Database,
                     first: str, second: str) -> tuple[str, list[Change]]:
    """What catalog version ``second`` changes from ``first`` (dates), off the GUI thread."""
    from app.catalog.versions import diff_versions

    task.report(0, 2, "reading the catalog")
    doc = store.catalog_as_exported(db)
    task.report(1, 2, "comparing")
    names = {v["effective_date"]: v.get("name") for v in doc.get("versions") or ()}

    def label(date: str) -> str:
        return f"{date} ({names[date]})" if names.get(date) else date

    return (f"Changes from catalog version {label(first)} to {label(second)}",
            diff_versions(doc, first, second))


class ChangesView(QWidget):
    """What changed since the last export, or between the exports picked in the list above
    (one: that export and the catalog now; two: the older and the newer), worked out off the
    GUI thread (a progress bar and Cancel show meanwhile); refreshed when shown and after
    every change.

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
        self.exports_model = ExportsModel(self)
        self.exports_table = changes_table(self.exports_model, self)
        self.exports_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.exports_table.setToolTip("Select one export to compare it with the catalog now, "
                                      "or two exports to compare them")
        self.exports_table.selectionModel().selectionChanged.connect(
            lambda *_: self.compare())
        self.runner = TaskRunner(self)
        self.progress, self.cancel_button = self.runner.progress, self.runner.cancel_button
        self.cancel_button.clicked.connect(self.cancel)
        self.runner.done.connect(self._finished)
        self.runner.error.connect(
            lambda message: self.summary.setText(f"The comparison failed: {message}"))
        self.model = ChangesModel(self)
        self.table = changes_table(self.model, self)
        self.versions_chosen: tuple[str, str] | None = None  # comparing versions, not exports
        self.first_version = QComboBox(self)
        self.second_version = QComboBox(self)
        self.first_version.setAccessibleName("From catalog version")
        self.second_version.setAccessibleName("To catalog version")
        self.versions_button = QPushButton("Compare versions", self)
        self.versions_button.clicked.connect(lambda: self.compare_versions())
        versions_row = QHBoxLayout()
        for combo in (self.first_version, self.second_version):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        versions_row.addWidget(QLabel("Compare catalog version", self))
        versions_row.addWidget(self.first_version)
        versions_row.addWidget(QLabel("with", self))
        versions_row.addWidget(self.second_version)
        versions_row.addWidget(self.versions_button)
        versions_row.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addWidget(self.refresh_button)
        below = QWidget(self)
        lower = QVBoxLayout(below)
        lower.setContentsMargins(0, 0, 0, 0)
        lower.addWidget(self.header)
        lower.addLayout(top)
        lower.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.exports_table)
        self.splitter.addWidget(below)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([140, 460])
        layout = QVBoxLayout(self)
        layout.addLayout(versions_row)
        layout.addWidget(QLabel("Exports (select one to compare with the catalog now, or two "
                                "to compare them):", self))
        layout.addWidget(self.splitter, 1)
        self.refresh()

    def selected_exports(self) -> list[history.ExportEntry]:
        rows = sorted({i.row() for i in self.exports_table.selectionModel().selectedRows()})
        return [self.exports_model.entries[r] for r in rows]

    def select_exports(self, numbers: list[int]) -> None:
        """Select the exports numbered ``numbers`` in the list (the comparison follows)."""
        selection = self.exports_table.selectionModel()
        with_signals = selection.blockSignals(True)
        selection.clearSelection()
        for row, entry in enumerate(self.exports_model.entries):
            if entry.number in numbers:
                selection.select(self.exports_model.index(row, 0),
                                 QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
        selection.blockSignals(with_signals)
        if numbers or self.versions_chosen is None:
            self.compare()
        else:
            self.compare_versions(*self.versions_chosen)

    def refresh(self) -> None:
        """Read the exports again (keeping the selection) and compare, in the background (the
        rows shown stay until the new ones come)."""
        chosen = [e.number for e in self.selected_exports()]
        self._fill_versions()
        self.exports_model.set_items(history.list_exports(self.db))
        fit_columns(self.exports_table, 180)
        self.select_exports(chosen)

    def is_running(self) -> bool:
        return self.runner.is_running()

    def _fill_versions(self) -> None:
        """The catalog's versions in the two lists (the last two chosen by default)."""
        versions = store.catalog_versions(self.db)
        for combo, default in ((self.first_version, -2), (self.second_version, -1)):
            old = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for v in versions:
                date = v.effective_date.isoformat()
                combo.addItem(date if v.name == date else f"{date} ({v.name})", date)
            index = combo.findData(old) if old is not None else -1
            if index < 0 and len(versions) >= 2:
                index = len(versions) + default
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        enough = len(versions) >= 2
        for widget in (self.first_version, self.second_version, self.versions_button):
            widget.setEnabled(enough)
        self.versions_button.setToolTip(
            "What the second version changes from the first" if enough else
            "The catalog has one version: schedule a price change to compare versions")
        if self.versions_chosen is not None and not {*self.versions_chosen} <= {
                v.effective_date.isoformat() for v in versions}:
            self.versions_chosen = None  # a version compared was deleted

    def compare_versions(self, first: str | None = None, second: str | None = None) -> None:
        """Show what catalog version ``second`` changes from ``first`` (dates; default: the
        two chosen in the lists)."""
        first = first or self.first_version.currentData()
        second = second or self.second_version.currentData()
        if not first or not second:
            return
        self.versions_chosen = (first, second)
        selection = self.exports_table.selectionModel()
        with_signals = selection.blockSignals(True)
        selection.clearSelection()  # the exports are not what is compared now
        selection.blockSignals(with_signals)
        self.exports_table.viewport().update()
        self.summary.setText("Comparing…")
        db = self.db
        self.runner.start(lambda t: compare_versions(t, db, first, second))

    def compare(self) -> None:
        self.versions_chosen = None
        chosen = self.selected_exports()
        self.summary.setText("Comparing…")
        db = self.db
        self.runner.start(lambda t: compare_exports(t, db, chosen))

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
