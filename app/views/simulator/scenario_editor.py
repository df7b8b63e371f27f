"""The scenario editor: account, account-packages with their services and status timelines,
and usage records, over one :class:`ScenarioDocument` and its undo stack."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.catalog.errors import Problem
from app.views.simulator.account_form import AccountForm
from app.views.simulator.catalog import CatalogLookup
from app.views.simulator.packages_panel import PackagesPanel
from app.views.simulator.problem_label import ProblemLabel
from app.views.simulator.scenario import Path, ScenarioDocument, parse_path
from app.views.simulator.timeline_panel import TimelinePanel
from app.views.simulator.usage_panel import UsagePanel


def group_problems(problems: list[Problem]) -> dict[Path, list[str]]:
    grouped: dict[Path, list[str]] = defaultdict(list)
    for problem in problems:
        message = problem.message
        if problem.severity != "error":
            message = f"Note: {message}"
        grouped[parse_path(problem.path)].append(message)
    return dict(grouped)


def _under(grouped: dict[Path, list[str]], key: str) -> dict[Path, list[str]]:
    return {path[1:]: messages for path, messages in grouped.items() if path[:1] == (key,)}


class ScenarioEditor(QScrollArea):
    """Every field of an account scenario, with each problem shown beside its field.

    Signals: none (edits are undo commands on ``stack``; the document announces them).
    """

    def __init__(self, scenario: ScenarioDocument, stack: QUndoStack, lookup: CatalogLookup,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.stack = stack
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.general_problem = ProblemLabel()
        self.account_form = AccountForm(scenario, stack, lookup)
        self.packages_panel = PackagesPanel(scenario, stack, lookup)
        self.timeline_panel = TimelinePanel(scenario, stack, lookup)
        self.usage_panel = UsagePanel(scenario, stack, lookup)
        self.packages_panel.currentServiceChanged.connect(self.timeline_panel.bind)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.general_problem)
        account_box = QGroupBox("Account")
        QVBoxLayout(account_box).addWidget(self.account_form)
        layout.addWidget(account_box)
        packages_box = QGroupBox("Packages and services")
        packages_layout = QVBoxLayout(packages_box)
        packages_layout.addWidget(self.packages_panel)
        packages_layout.addWidget(self.timeline_panel)
        layout.addWidget(packages_box)
        usage_box = QGroupBox("Usage")
        QVBoxLayout(usage_box).addWidget(self.usage_panel)
        layout.addWidget(usage_box)
        layout.addStretch(1)
        self.setWidget(content)
        self.timeline_panel.bind(self.packages_panel.current_service_path())

    def set_lookup(self, lookup: CatalogLookup) -> None:
        self.account_form.set_lookup(lookup)
        self.packages_panel.set_lookup(lookup)
        self.timeline_panel.set_lookup(lookup)
        self.usage_panel.set_lookup(lookup)

    def show_problems(self, problems: list[Problem]) -> None:
        """Spread problems (JSON paths into the account document) over the fields at fault."""
        grouped = group_problems(problems)
        self.account_form.show_problems(_under(grouped, "account"))
        self.packages_panel.show_problems(_under(grouped, "packages"))
        self.timeline_panel.show_problems(grouped)
        self.usage_panel.show_problems(_under(grouped, "usage"))
        general = [m for path, messages in grouped.items()
                   if path[:1] not in (("account",), ("packages",), ("usage",))
                   for m in messages]
        self.general_problem.show_messages(general)

    def focus_path(self, path: Path) -> None:
        """Bring the field or row a problem path names into view and give it focus."""
        self._focus(path)
        QTimer.singleShot(0, self, lambda: self._focus(path))  # again once the layout has settled

    def _focus(self, path: Path) -> None:
        if path[:1] == ("account",):
            self.account_form.focus_field(str(path[1]) if len(path) > 1 else "name")
            self.ensureWidgetVisible(self.account_form)
        elif path[:1] == ("packages",):
            self.packages_panel.focus_path(path[1:])
            if len(path) > 4 and path[4] == "statuses":
                row = path[5] if len(path) > 5 and isinstance(path[5], int) else 0
                self.timeline_panel.focus_row(int(row))
                self.ensureWidgetVisible(self.timeline_panel)
            else:
                self.ensureWidgetVisible(self.packages_panel)
        elif path[:1] == ("usage",):
            if len(path) > 1 and isinstance(path[1], int):
                self.usage_panel.focus_row(path[1])
            self.ensureWidgetVisible(self.usage_panel)
