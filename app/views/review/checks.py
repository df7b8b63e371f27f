"""The Checks tab: the saved catalog's problems (validation errors) and smells (lint warnings).

Runs :func:`app.catalog.jobs.check_catalog` (the checks of ``catalog-editor validate``) on
``store.export_catalog``; one row per problem: severity, JSON path, message.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.catalog.database import store
from app.catalog.database.store import Database
from app.catalog.document.paths import describe_path
from app.catalog.errors import Problem
from app.catalog.jobs import check_catalog
from app.views.common.list_table_model import ListTableModel
from app.views.review.changes import changes_table, fit_columns

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Severity", "Where", "Message")
SEVERITY_COLOURS = {"error": QColor("#b3261e"), "warning": QColor("#8a5a00")}


class ProblemsModel(ListTableModel):
    """Problems, one row each: severity, where (in the catalog's words; the JSON path in the
    tooltip), message."""

    columns = COLUMNS
    doc: dict[str, Any] | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.items

    def set_problems(self, problems: list[Problem], doc: dict[str, Any] | None = None) -> None:
        self.doc = doc
        self.set_items(problems)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        problem = self.item(index)
        if problem is None:
            return None
        column = index.column()
        if column == 1 and self.doc is not None and problem.path:
            if role == Qt.ItemDataRole.DisplayRole:
                return describe_path(self.doc, problem.path) or problem.path
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{problem.path}\n(double-click or Enter: open it)"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(problem, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return SEVERITY_COLOURS.get(problem.severity)
        return None

    @staticmethod
    def cell(problem: Problem, column: int) -> str:
        if column == 0:
            return problem.severity
        if column == 1:
            return problem.path or "(catalog)"
        if column == 2:
            return problem.message
        return ""

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.cell(p, k) for k in range(len(COLUMNS))) for p in self.problems]


class LintView(QWidget):
    """The checks of the saved catalog; Refresh, and refreshed after every change.

    Signals:
        openRequested(str): a problem was activated (double-click, Enter): the window shows the
            field at fault, at this JSON path.
    """

    openRequested = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.summary = QLabel(self)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.clicked.connect(self.refresh)
        self.model = ProblemsModel(self)
        self.table = changes_table(self.model, self)
        self.table.activated.connect(self._activated)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._stale = False
        self.refresh()

    def refresh(self) -> None:
        doc = store.export_catalog(self.db)
        problems = check_catalog(doc)
        self._stale = False
        self.model.set_problems(problems, doc)
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        if not problems:
            self.summary.setText("No problems found in the saved catalog.")
        else:
            self.summary.setText(f"{errors} error{'s' if errors != 1 else ''}, "
                                 f"{warnings} warning{'s' if warnings != 1 else ''} in the "
                                 "saved catalog.")
        fit_columns(self.table)

    def _activated(self, index: QModelIndex) -> None:
        problem = self.model.item(index)
        if problem is not None:
            self.openRequested.emit(problem.path)

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
        if self._stale:
            self.refresh()
