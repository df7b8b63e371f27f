"""The Checks tab: the saved catalog's problems (validation errors) and smells (lint warnings).

Runs the checks of ``catalog-editor validate`` (``store.check_catalog``, then the lint smells in
steps, each fault once) on the saved catalog, off the GUI thread; one row per problem:
severity, where (in the catalog's words), message, frequency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.catalog.checks import checked_steps
from app.catalog.checks import frequency_of as frequency_of
from app.catalog.database import store
from app.catalog.database.store import Database
from app.catalog.errors import Problem
from app.views.common.background import BackgroundTask, TaskRunner
from app.views.common.list_table_model import ListTableModel
from app.views.review.changes import changes_table, fit_columns

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Severity", "Where", "Message", "Frequency")
SEVERITY_COLOURS = {"error": QColor("#b3261e"), "warning": QColor("#8a5a00")}


@dataclass(frozen=True)
class CheckRow:
    """One problem and the package frequency (or package) its path points into."""

    problem: Problem
    frequency: str = ""
    where: str = ""  # the path in the catalog's words


class ProblemsModel(ListTableModel):
    """Problems, one row each: severity, where (in the catalog's words; the JSON path in the
    tooltip), message, frequency."""

    columns = COLUMNS

    @property
    def problems(self) -> list[Problem]:
        return [r.problem for r in self.items]

    def set_problems(self, rows: list[CheckRow] | list[Problem]) -> None:
        self.set_items([r if isinstance(r, CheckRow) else CheckRow(r) for r in rows])

    def add_rows(self, rows: list[CheckRow]) -> None:
        """More rows at the end (a step of the checks)."""
        if not rows:
            return
        first = len(self.items)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.items.extend(rows)
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.item(index)
        if row is None:
            return None
        column = index.column()
        if column == 1 and row.problem.path:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.where or row.problem.path
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{row.problem.path}\n(double-click or Enter: open it)"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return SEVERITY_COLOURS.get(row.problem.severity)
        return None

    @staticmethod
    def cell(row: CheckRow, column: int) -> str:
        problem = row.problem
        if column == 0:
            return problem.severity
        if column == 1:
            return problem.path or "(catalog)"
        if column == 2:
            return problem.message
        if column == 3:
            return row.frequency
        return ""

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.cell(r, k) for k in range(len(COLUMNS))) for r in self.items]


def check_in_steps(task: BackgroundTask, db: Database) -> list[CheckRow]:
    """The Checks tab's work, off the GUI thread (for a large catalog in a process of its own:
    :func:`app.catalog.checks.checked_steps`): validation, then lint in steps, each step's
    rows delivered as soon as they are ready; the whole list, in document order, at the
    end."""
    rows: list[CheckRow] = []
    for done, steps, what, found in checked_steps(db, cancelled=lambda: task.cancelled):
        task.report(done, steps, what)
        if found:
            part = [CheckRow(*r) for r in found]
            rows.extend(part)
            task.deliver(part)
    return rows


class SeverityFilter(QSortFilterProxyModel):
    """Rows of one severity (or all) whose frequency, path or message holds a text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.severity = ""
        self.text = ""

    def set_filter(self, severity: str, text: str) -> None:
        self.beginFilterChange()
        self.severity, self.text = severity, text.casefold()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ProblemsModel)
        row = model.items[source_row]
        if self.severity and row.problem.severity != self.severity:
            return False
        return not self.text or self.text in row.frequency.casefold() or \
            self.text in row.problem.path.casefold()


class LintView(QWidget):
    """The checks of the saved catalog, worked out off the GUI thread: rows appear as each
    step finishes, a progress bar and Cancel show while it runs. Refresh, and refreshed after
    every change (when shown; else when next shown). Filtered by severity and by frequency.

    Signals:
        checked(): every check has reported (the list is complete).
        openRequested(str): a problem was activated (double-click, Enter): the window shows the
            field at fault, at this JSON path.
    """

    checked = Signal()
    openRequested = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.summary = QLabel(self)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.clicked.connect(self.refresh)
        self.runner = TaskRunner(self)
        self.progress, self.cancel_button = self.runner.progress, self.runner.cancel_button
        self.cancel_button.clicked.connect(self.cancel)
        self.runner.done.connect(self._finished)
        self.runner.error.connect(
            lambda message: self.summary.setText(f"The checks failed: {message}"))
        self.severity_combo = QComboBox(self)
        for label, value in (("All severities", ""), ("Errors", "error"),
                             ("Warnings", "warning")):
            self.severity_combo.addItem(label, value)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by frequency or path")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = ProblemsModel(self)
        self.proxy = SeverityFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = changes_table(self.proxy, self)
        self.table.activated.connect(self._activated)
        self.severity_combo.currentIndexChanged.connect(lambda _i: self._filter())
        self.filter_edit.textChanged.connect(lambda _t: self._filter())
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addWidget(self.refresh_button)
        filters = QHBoxLayout()
        filters.addWidget(self.severity_combo)
        filters.addWidget(self.filter_edit, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self._stale = False
        self.refresh()

    def is_running(self) -> bool:
        return self.runner.is_running()

    def _filter(self) -> None:
        self.proxy.set_filter(self.severity_combo.currentData() or "", self.filter_edit.text())

    def refresh(self) -> None:
        """Check the saved catalog again, in the background."""
        self._stale = False
        self.model.set_problems([])
        self.summary.setText("Checking the saved catalog…")
        db = self.db
        self.runner.start(lambda t: check_in_steps(t, db), self.model.add_rows)

    def cancel(self) -> None:
        """Stop the checks under way (the rows found so far stay)."""
        if self.runner.cancel():
            self.summary.setText(f"Checks cancelled; {self.model.rowCount()} found so far.")
            self._stale = True

    def _finished(self, rows: list[CheckRow]) -> None:
        self.model.set_problems(rows)
        problems = [r.problem for r in rows]
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        if not problems:
            self.summary.setText("No problems found in the saved catalog.")
        else:
            self.summary.setText(f"{errors} error{'s' if errors != 1 else ''}, "
                                 f"{warnings} warning{'s' if warnings != 1 else ''} in the "
                                 "saved catalog.")
        fit_columns(self.table)
        self.checked.emit()

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.item(self.proxy.mapToSource(index))
        if row is not None:
            self.openRequested.emit(row.problem.path)

    def set_database(self, db: Database) -> None:
        self.db = db
        self.refresh()

    def on_catalog_changed(self, changes: store.Changes) -> None:
        """Refresh now when shown, else when next shown."""
        if not changes.catalog:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and not self.is_running():
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.cancel()  # nobody looks: stop, and check again when shown
