"""The status timeline of one account-service: dated status changes, edited in place."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from app.views.simulator.catalog import CatalogLookup
from app.views.simulator.delegates import ChoiceDelegate, DateDelegate, from_qdate, to_qdate
from app.views.simulator.packages_panel import make_table
from app.views.simulator.problem_label import ProblemLabel, rows_with_problems
from app.views.simulator.scenario import InsertItem, Path, RemoveItem, ScenarioDocument
from app.views.simulator.scenario_models import StatusTimelineModel


def next_status(lookup: CatalogLookup, last: str | None) -> str:
    """The status a service most likely moves to from ``last`` (the catalog's first transition
    out of it), else the default status."""
    for transition in lookup.doc.get("transitions", []):
        if transition.get("from") == last:
            return str(transition["to"])
    return lookup.default_status()


class TimelinePanel(QWidget):
    """Dated status changes of the account-service chosen in the packages panel.

    Each row says "from this date, the service is in this status"; rows stay in the order
    entered, so a change dated before the previous one is shown as a problem, not re-sorted.

    Signals: none.
    """

    def __init__(self, scenario: ScenarioDocument, stack: QUndoStack, lookup: CatalogLookup,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.stack = stack
        self.lookup = lookup
        self.model = StatusTimelineModel(scenario, stack, lookup, None, self)
        self.view = make_table(self.model, self)
        self.view.setItemDelegateForColumn(0, DateDelegate(self.view))
        self.view.setItemDelegateForColumn(1, ChoiceDelegate(self.view))
        self.view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.title = QLabel("<b>Status timeline</b>")
        self.add_button = QPushButton("Add change")
        self.remove_button = QPushButton("Remove change")
        self.problem = ProblemLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(self.problem)
        self.add_button.clicked.connect(self.add_change)
        self.remove_button.clicked.connect(self.remove_change)
        self._problems: dict[Path, list[str]] = {}
        scenario.changed.connect(self._refresh_title)
        self.bind(None)

    def bind(self, service_path: Path | None) -> None:
        """Show the timeline of the account-service at ``service_path`` (or nothing)."""
        self.service_path = service_path
        self.model.bind(None if service_path is None else (*service_path, "statuses"))
        self._refresh_title()
        self._apply_problems()

    def _refresh_title(self, *_args: Any) -> None:
        path = self.service_path
        svc = None if path is None else self.scenario.get(path)
        enabled = isinstance(svc, dict)
        for widget in (self.view, self.add_button, self.remove_button):
            widget.setEnabled(enabled)
        self.title.setText(f"<b>Status timeline of {svc['id']} {svc['service']}</b>"
                           if isinstance(svc, dict) else "<b>Status timeline</b>")

    def set_lookup(self, lookup: CatalogLookup) -> None:
        self.lookup = lookup
        self.model.set_lookup(lookup)

    def add_change(self) -> None:
        if self.service_path is None:
            return
        statuses: list[Any] = self.scenario.get((*self.service_path, "statuses")) or []
        if statuses:
            last = statuses[-1]
            date = to_qdate(last.get("from"))
            start = from_qdate(date.addMonths(1)) if date.isValid() else last.get("from")
            status = next_status(self.lookup, last.get("status"))
        else:
            start = self.scenario.get((*self.service_path[:2], "start")) or from_qdate(
                QDate.currentDate())
            status = self.lookup.default_status()
        self.stack.push(InsertItem(self.scenario, (*self.service_path, "statuses"),
                                   len(statuses), {"status": status, "from": start},
                                   f"Add status change to {status}"))
        self.view.setCurrentIndex(self.model.index(len(statuses) - 1, 0))

    def remove_change(self) -> None:
        index = self.view.currentIndex()
        if self.service_path is not None and index.isValid():
            self.stack.push(RemoveItem(self.scenario, (*self.service_path, "statuses"),
                                       index.row(), "Remove status change"))

    def show_problems(self, problems: dict[Path, list[str]]) -> None:
        """Every problem of the scenario, keyed by full path; this panel picks its service's."""
        self._problems = problems
        self._apply_problems()

    def _apply_problems(self) -> None:
        mine: dict[Path, list[str]] = {}
        if self.service_path is not None:
            prefix = (*self.service_path, "statuses")
            mine = {path[len(prefix):]: found for path, found in self._problems.items()
                    if path[:len(prefix)] == prefix}
        rows, messages = rows_with_problems(mine, "Change")
        self.model.set_problems(rows)
        self.problem.show_messages(messages)

    def focus_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.setFocus()
