"""Before and after the scheduled catalog version for every saved scenario at once: one row
per scenario (the first bill that changes, the totals before and after over its horizon, the
difference); the scenarios whose bills change are bold and highlighted, and a double-click
opens that scenario's own before/after (:class:`BeforeAfterDialog`). Each scenario is
compared from its own start over its saved horizon, as the Simulator shows it alone
(:func:`app.catalog.versions_all.compare_scenarios`), in the background (:class:`TaskRunner`):
the scenarios are read first, on the GUI thread; the engine works on the catalog snapshot."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog.jobs import Billing
from app.catalog.versions_all import ScenarioComparison, compare_scenarios
from app.views.common.background import BackgroundTask, TaskRunner
from app.views.common.list_table_model import Index, ListTableModel
from app.views.simulator.before_after import CHANGED, BeforeAfterDialog, bold_font

COLUMNS = ("Scenario", "Bills", "First changed", "Total before", "Total after", "Difference")


def cells_of(r: ScenarioComparison) -> tuple[str, ...]:
    bills = f"{r.periods} from {r.start.isoformat()}" if r.start else str(r.periods)
    if not r.ok:
        first = r.problems[0] if r.problems else "cannot be billed"
        return (r.name, bills, f"cannot be compared: {first}", "", "", "")
    return (f"* {r.name}" if r.changes else r.name, bills, r.first_changed or "no change",
            r.before_total or "", r.after_total or "", r.difference or "")


class AllScenariosModel(ListTableModel):
    """One row per saved scenario (``items``: :class:`ScenarioComparison`)."""

    columns = COLUMNS

    @property
    def results(self) -> list[ScenarioComparison]:
        return self.items

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        result = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cells_of(result)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and result.changes:
            return QBrush(CHANGED)
        if role == Qt.ItemDataRole.ForegroundRole and not result.ok:
            return QBrush(Qt.GlobalColor.darkRed)
        if role == Qt.ItemDataRole.FontRole and result.changes:
            return bold_font()
        return None


class AllScenariosDialog(QDialog):
    """Every saved scenario before and after; ``scenarios`` are (name, document) pairs."""

    def __init__(self, billing: Billing, scenarios: list[tuple[str, Any]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Before and after the scheduled catalog version: all scenarios")
        self.summary = QLabel(f"Comparing {len(scenarios)} saved scenario(s)…")
        self.summary.setWordWrap(True)
        self.model = AllScenariosModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.single_dialog: BeforeAfterDialog | None = None
        self.runner = TaskRunner(self)
        self.runner.done.connect(self._show_results)
        self.runner.error.connect(lambda message: self.summary.setText(
            f"The comparison failed: {message}"))
        self.runner.cancel_button.clicked.connect(self._cancelled)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        progress = QHBoxLayout()
        progress.addWidget(self.runner.progress, 1)
        progress.addWidget(self.runner.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(progress)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(900, 360)
        total = len(scenarios)

        def work(task: BackgroundTask) -> list[ScenarioComparison]:
            return compare_scenarios(
                billing, scenarios,
                step=lambda i, name: task.report(i, total, f"Comparing {name}"))

        self.runner.start(work)

    def _show_results(self, results: list[ScenarioComparison]) -> None:
        self.model.set_items(results)
        self.view.resizeColumnsToContents()
        changed = sum(1 for r in results if r.changes)
        failed = sum(1 for r in results if not r.ok)
        text = (f"{changed} of {len(results)} saved scenario(s) change under the scheduled "
                "catalog version (marked *, bold). Each is billed from its own start over its "
                "saved horizon; double-click one for its bills side by side.")
        if failed:
            text += f" {failed} cannot be compared (the problem is in its row)."
        self.summary.setText(text if results else "No saved scenarios to compare.")

    def _cancelled(self) -> None:
        self.runner.cancel()
        self.summary.setText("Comparison cancelled.")

    def open_row(self, row: int) -> BeforeAfterDialog | None:
        """That scenario's own before/after (None: it could not be compared)."""
        if not 0 <= row < len(self.model.results):
            return None
        result = self.model.results[row]
        if result.comparison is None:
            return None
        self.single_dialog = BeforeAfterDialog(result.comparison, self)
        self.single_dialog.setWindowTitle(f"Before and after: {result.name}")
        self.single_dialog.show()
        return self.single_dialog

    def done(self, code: int) -> None:
        self.runner.cancel()
        super().done(code)
