"""Usage records of a scenario: how much of a usage service was used, on which day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from app.views.simulator.catalog import CatalogLookup
from app.views.simulator.delegates import (
    ChoiceDelegate,
    DateDelegate,
    DecimalDelegate,
    from_qdate,
    to_qdate,
)
from app.views.simulator.packages_panel import make_table
from app.views.simulator.problem_label import ProblemLabel, rows_with_problems
from app.views.simulator.scenario import InsertItem, Path, RemoveItem, ScenarioDocument
from app.views.simulator.scenario_models import UsageModel


class UsagePanel(QWidget):
    """The scenario's usage records, edited in place (date, account-service, quantity, unit).

    Signals: none.
    """

    def __init__(self, scenario: ScenarioDocument, stack: QUndoStack, lookup: CatalogLookup,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.stack = stack
        self.lookup = lookup
        self.model = UsageModel(scenario, stack, lookup, ("usage",), self)
        self.view = make_table(self.model, self)
        self.view.setItemDelegateForColumn(0, DateDelegate(self.view))
        self.view.setItemDelegateForColumn(1, ChoiceDelegate(self.view))
        self.view.setItemDelegateForColumn(2, DecimalDelegate(self.view, decimals=6))
        header = self.view.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton("Add usage")
        self.remove_button = QPushButton("Remove usage")
        self.problem = ProblemLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Usage records</b>"))
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(self.problem)
        self.add_button.clicked.connect(self.add_record)
        self.remove_button.clicked.connect(self.remove_record)

    def set_lookup(self, lookup: CatalogLookup) -> None:
        self.lookup = lookup
        self.model.set_lookup(lookup)

    def _usage_service(self) -> tuple[str, str | None] | None:
        """The first account-service of a usage service (else the first one at all)."""
        first = None
        for pkg in self.scenario.doc["packages"]:
            for svc in pkg["services"]:
                found = self.lookup.services.get(svc["service"], {})
                if found.get("base_type") == "usage":
                    return svc["id"], found.get("unit")
                first = first or (svc["id"], found.get("unit"))
        return first

    def add_record(self) -> None:
        records = self.scenario.doc["usage"]
        target = self._usage_service()
        if records:
            last = to_qdate(records[-1]["date"])
            date = from_qdate(last.addDays(7)) if last.isValid() else records[-1]["date"]
        else:
            starts = [p["start"] for p in self.scenario.doc["packages"]]
            first = to_qdate(min(starts)) if starts else QDate.currentDate()
            date = from_qdate(first.addDays(9)) if first.isValid() else dt.date.today().isoformat()
        record = {"service_id": target[0] if target else "", "quantity": "1",
                  "unit": target[1] if target else None, "date": date}
        self.stack.push(InsertItem(self.scenario, ("usage",), len(records), record,
                                   "Add usage record"))
        self.view.setCurrentIndex(self.model.index(len(records) - 1, 2))

    def remove_record(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.stack.push(RemoveItem(self.scenario, ("usage",), index.row(),
                                       "Remove usage record"))

    def show_problems(self, problems: dict[Path, list[str]]) -> None:
        """Problems keyed by path relative to ``usage``."""
        rows, messages = rows_with_problems(problems, "Record")
        self.model.set_problems(rows)
        self.problem.show_messages(messages)

    def focus_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.setFocus()
