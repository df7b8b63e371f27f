"""The simulated bill: lines of one period or all, detailed or as printed for the customer, the
explanation of the selected line, totals per period, the chart, and export to PDF and CSV.

When the scenario cannot be billed, the panel lists the problems instead (each one leads to the
field at fault) rather than showing an empty bill.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.catalog import versions_all
from app.catalog.errors import Problem
from app.views.common.money import format_money
from app.views.simulator.bill_chart import BillChart
from app.views.simulator.bill_model import (
    LINE_ROLE,
    PERIOD_ROLE,
    BillLinesModel,
    PeriodTotalsModel,
    kind_label,
    period_label,
    quantity_text,
    service_dates,
)
from app.views.simulator.compute import Outcome
from app.views.simulator.delegates import from_qdate, to_qdate
from app.views.simulator.scenario import describe_path, parse_path

Index = QModelIndex | QPersistentModelIndex
MAX_COLUMN_WIDTH = 200
PACKAGE_COLUMN_WIDTH = 130  # the service names (beside it) need the room more

PRICE_SOURCES = {
    "account_service": "the custom price set on the account-service (rule 1)",
    "price_plan": "the account's price plan (rule 2)",
    "catalog": "the package frequency's price in the account's price book (rule 3)",
    "catalog_standard": "the standard price book, as the account's price book has no price "
                        "(rule 4)",
}
SHOWN_KEYS = ("package", "service", "service_id", "kind", "status", "quantity", "unit_price",
              "amount", "gl_code", "price_source", "explanation", "description")
KEY_LABELS = {"tier": "Tier",
              "discount": "Discount", "price_book": "Price book", "rollup": "Rolled up into",
              "account_package": "Account-package", "tax_category": "Tax category",
              "tax_inclusive": "Tax included in price", "included": "Tax included in price"}


class ProblemsModel(QAbstractListModel):
    """The problems that keep a scenario from being billed, each with its JSON path."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problems: list[Problem] = []
        self.places: list[str] = []

    def set_problems(self, problems: list[Problem], doc: dict[str, Any] | None = None) -> None:
        """Problems, each shown with where it is in the editor's words (``doc`` names the
        packages and services its path goes through)."""
        self.beginResetModel()
        self.problems = list(problems)
        self.places = [describe_path(parse_path(p.path), doc or {}) if p.path else ""
                       for p in self.problems]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.problems)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.problems):
            return None
        problem = self.problems[index.row()]
        place = self.places[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{place}: {problem.message}" if place else problem.message
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem.path or "the whole scenario"
        if role == Qt.ItemDataRole.UserRole:
            return problem.path
        if role == Qt.ItemDataRole.DecorationRole:
            return QWidget().style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return None


def explanation_html(line: dict[str, Any], period: dict[str, Any] | None, currency: str,
                     minor_units: int) -> str:
    """Everything the engine says about one line, in words."""
    def money(value: Any) -> str:
        return escape(format_money(Decimal(str(value)), currency, minor_units))

    title = line.get("description") or line.get("service") or kind_label(line.get("kind"))
    rows = []
    if period is not None:
        rows.append(("Period", period_label(period)))
    if line.get("package"):
        rows.append(("Package", str(line["package"])))
    if line.get("service_id"):
        owner = line.get("account_service") or line.get("service")
        rows.append(("Account-service", f"{line['service_id']} ({owner})"))
        if line.get("account_service") and line.get("service") != line["account_service"]:
            rows.append(("Charged on", f"{line.get('service')} (the fee service)"))
    if line.get("from") and line.get("to"):
        rows.append(("Service dates", service_dates(line)))
    if line.get("status"):
        rows.append(("Status", str(line["status"])))
    if line.get("price_source"):
        rows.append(("Price from", PRICE_SOURCES.get(line["price_source"],
                                                     str(line["price_source"]))))
    for key, label in KEY_LABELS.items():
        if key in line and line[key] is not None and key not in SHOWN_KEYS:
            value = line[key]
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif key == "account_package" and isinstance(value, int):
                value = f"#{value + 1}"
            rows.append((label, str(value)))
    if line.get("gl_code"):
        rows.append(("GL code", str(line["gl_code"])))
    amount = line.get("amount")
    parts = [f"<p><b>{escape(str(title))}</b> — {escape(kind_label(line.get('kind')))}</p>"]
    if line.get("explanation"):
        parts.append(f"<p>{escape(str(line['explanation']))}</p>")
    if amount is not None and (line.get("included") or line.get("tax_inclusive")) \
            and line.get("kind") == "tax":
        parts.append(f"<p><b>{money(amount)} included</b> in the tax-inclusive prices above: "
                     "shown for information, not added to the total.</p>")
    elif amount is not None:
        parts.append(f"<p>{formula(line, currency, minor_units)}</p>")
    parts.append("<table cellspacing='0' cellpadding='2'>")
    parts += [f"<tr><td style='color:#555; padding-right:12px'>{escape(k)}</td>"
              f"<td>{escape(v)}</td></tr>" for k, v in rows]
    parts.append("</table>")
    if line.get("kind") == "package" and period is not None:
        rolled = [ln for ln in period.get("lines", [])
                  if ln.get("rollup") == line.get("description")
                  and ln.get("package") == line.get("package") and ln.get("kind") != "tax"]
        if rolled:
            parts.append(f"<p>Rollup Services is on for this package: the customer sees one "
                         f"line for these {len(rolled)}:</p><table cellspacing='0' "
                         "cellpadding='2'>")
            parts += [f"<tr><td style='padding-right:12px'>"
                      f"{escape(str(ln.get('description') or ln.get('service')))}</td>"
                      f"<td style='padding-right:12px'>{escape(kind_label(ln.get('kind')))}"
                      f"</td><td align='right'>{money(ln.get('amount', 0))}</td></tr>"
                      for ln in rolled]
            parts.append("</table>")
    return "".join(parts)


def formula(line: dict[str, Any], currency: str, minor_units: int) -> str:
    """How the amount comes out of the quantity, the unit price and the proration by days:
    ``1 × $65.00 × 12/31 days → <b>$25.16</b>``. The parts are shown only when they give the
    amount (rounded once); otherwise the amount alone (the explanation says how)."""
    def money(value: Any) -> str:
        return escape(format_money(Decimal(str(value)), currency, minor_units))

    amount = Decimal(str(line["amount"]))
    result = f"<b>{money(amount)}</b>"
    unit, qty = line.get("unit_price"), line.get("quantity")
    if unit is None or qty in (None, ""):
        return result
    try:
        worked = Decimal(str(qty)) * Decimal(str(unit))
    except ArithmeticError:
        return result
    calc = f"{escape(quantity_text(qty))} × {money(unit)}"
    days, period_days = line.get("days"), line.get("period_days")
    if isinstance(days, int) and isinstance(period_days, int) and period_days \
            and days != period_days:
        worked = worked * days / period_days
        calc += f" × {days}/{period_days} days"
    quantum = Decimal(1).scaleb(-minor_units)
    if worked.quantize(quantum, ROUND_HALF_UP) != amount:
        return result
    return f"{calc} → {result}"


MAX_PERIODS = 1200  # as ``catalog-editor simulate --periods``
DEFAULT_PERIODS = versions_all.DEFAULT_PERIODS  # also the before/after of all scenarios


def _out_of_range(text: str) -> bool:
    digits = text.strip()
    return digits.isdigit() and not 1 <= int(digits) <= MAX_PERIODS


class HorizonSpin(QSpinBox):
    """The number of periods to bill, 1 to :data:`MAX_PERIODS`. A number out of range is
    refused, never cut short: the box keeps its value and says why (typing 2000 does not give
    200). The value applies when typing ends (Enter, or leaving the box), not at every digit.

    Signals:
        refused(str): the text that was typed and refused ("" once a value is accepted again).
    """

    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(1, MAX_PERIODS)
        self.setValue(DEFAULT_PERIODS)
        self.setKeyboardTracking(False)
        self.setCorrectionMode(QSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setAccessibleName("Number of periods")
        self.setToolTip(f"How many bills to simulate, 1 to {MAX_PERIODS}; saved with the "
                        "scenario")
        self._typed = ""
        self.editingFinished.connect(self._finished)
        self.lineEdit().textEdited.connect(self._edited)
        self.valueChanged.connect(lambda _v: self.refused.emit(""))

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if _out_of_range(text):
            return QValidator.State.Intermediate, text, pos  # kept as typed, not applied
        return super().validate(text, pos)

    def _edited(self, text: str) -> None:
        self._typed = text.strip() if _out_of_range(text) else ""

    def _finished(self) -> None:
        if self._typed:
            typed, self._typed = self._typed, ""
            self.refused.emit(typed)


class BillPanel(QWidget):
    """The bill of the scenario under edit.

    Signals:
        rangeChanged(): the user changed the first date or the number of periods; the bill
            must be recomputed.
        horizonChanged(int): the user changed the number of periods (saved with the scenario).
        problemActivated(str): a problem's JSON path was chosen in the problems list.
        exportPdfRequested(), exportCsvRequested(): the export buttons.
    """

    rangeChanged = Signal()
    horizonChanged = Signal(int)
    problemActivated = Signal(str)
    exportPdfRequested = Signal()
    exportCsvRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcome: Outcome | None = None
        self.minor_units = 2
        self.from_edit = QDateEdit()
        self.from_edit.setCalendarPopup(True)
        self.from_edit.setDisplayFormat("yyyy-MM-dd")
        self.from_edit.setToolTip("The bill starts with the period that contains this date")
        self.periods_spin = HorizonSpin()
        self.periods_note = QLabel()
        self.periods_note.setWordWrap(True)
        self.periods_note.setStyleSheet("color: #b3261e;")
        self.periods_note.hide()
        self.period_combo = QComboBox()
        self.period_combo.setMinimumContentsLength(22)
        self.period_combo.setAccessibleName("Period shown")
        self.detailed_button = QPushButton("Detailed")
        self.printed_button = QPushButton("Printed invoice")
        self.view_group = QButtonGroup(self)
        for i, button in enumerate((self.detailed_button, self.printed_button)):
            button.setCheckable(True)
            self.view_group.addButton(button, i)
        self.detailed_button.setChecked(True)
        self.printed_button.setToolTip("What the customer sees: packages with Rollup Services "
                                       "on print as one line")
        self.pdf_button = QPushButton("Export PDF…")
        self.csv_button = QPushButton("Export CSV…")

        self.lines_model = BillLinesModel(self)
        self.lines_view = QTableView()
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_view.verticalHeader().setVisible(False)
        self.lines_view.verticalHeader().setDefaultSectionSize(22)
        self.lines_view.setAlternatingRowColors(True)
        self.lines_view.setWordWrap(False)
        self.lines_view.horizontalHeader().setHighlightSections(False)
        # size columns from the rows on screen only: a year of lines is hundreds of rows
        self.lines_view.horizontalHeader().setResizeContentsPrecision(0)
        self.explanation = QTextBrowser()
        self.explanation.setPlaceholderText("Select a line to see how it was computed.")
        self.explanation.setMinimumHeight(90)
        self.totals_model = PeriodTotalsModel(self)
        self.totals_view = QTableView()
        self.totals_view.setModel(self.totals_model)
        self.totals_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.totals_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.totals_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals_view.verticalHeader().setVisible(False)
        self.totals_view.verticalHeader().setDefaultSectionSize(22)
        self.totals_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.chart = BillChart()
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #8a6d00;")
        self.notes.hide()
        self.timing = QLabel()
        self.timing.setStyleSheet("color: #777;")
        self.timing.setMinimumWidth(0)
        self.timing.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.problems_model = ProblemsModel(self)
        self.problems_view = QListView()
        self.problems_view.setModel(self.problems_model)
        self.problems_view.setWordWrap(True)
        self.problems_title = QLabel()
        self.problems_title.setWordWrap(True)
        self.problems_title.setStyleSheet("color: #b3261e; font-weight: bold;")

        self._build()
        self.from_edit.dateChanged.connect(lambda _d: self.rangeChanged.emit())
        self.periods_spin.valueChanged.connect(lambda _v: self.rangeChanged.emit())
        self.periods_spin.valueChanged.connect(lambda v: self.horizonChanged.emit(v))
        self.periods_spin.refused.connect(self._periods_refused)
        self.period_combo.currentIndexChanged.connect(self._period_chosen)
        self.view_group.idToggled.connect(self._view_toggled)
        self.lines_view.selectionModel().currentRowChanged.connect(self._line_selected)
        self.lines_model.modelReset.connect(self._line_selected)
        self.lines_model.modelReset.connect(self._fit_columns)
        self.totals_view.clicked.connect(self._totals_clicked)
        self.problems_view.activated.connect(self._problem_chosen)
        self.problems_view.clicked.connect(self._problem_chosen)
        self.pdf_button.clicked.connect(self.exportPdfRequested)
        self.csv_button.clicked.connect(self.exportCsvRequested)
        self.show_outcome(None)

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("&From"))
        bar.itemAt(0).widget().setBuddy(self.from_edit)  # type: ignore[union-attr]
        bar.addWidget(self.from_edit)
        periods_label = QLabel("P&eriods")
        periods_label.setBuddy(self.periods_spin)
        bar.addWidget(periods_label)
        bar.addWidget(self.periods_spin)
        bar.addSpacing(12)
        show_label = QLabel("&Show")
        show_label.setBuddy(self.period_combo)
        bar.addWidget(show_label)
        bar.addWidget(self.period_combo, 1)

        bill_page = QWidget()
        bill_layout = QVBoxLayout(bill_page)
        bill_layout.setContentsMargins(0, 0, 0, 0)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.lines_view)
        split.addWidget(self.explanation)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        bill_layout.addWidget(split, 1)
        bill_layout.addWidget(self.totals_view)

        self.tabs = QTabWidget()
        self.tabs.addTab(bill_page, "&Bill")
        self.tabs.addTab(self.chart, "C&hart")

        problems_page = QWidget()
        problems_layout = QVBoxLayout(problems_page)
        problems_layout.addWidget(self.problems_title)
        problems_layout.addWidget(self.problems_view, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(problems_page)

        # The view toggle sits with the exports, not in the top bar: one row each stays under
        # about 500 px, so the Simulator fits a 1024-px-wide window.
        exports = QHBoxLayout()
        exports.addWidget(self.detailed_button)
        exports.addWidget(self.printed_button)
        exports.addWidget(self.timing, 1)
        exports.addWidget(self.pdf_button)
        exports.addWidget(self.csv_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.periods_note)
        layout.addWidget(self.notes)
        layout.addWidget(self.stack, 1)
        layout.addLayout(exports)

    # --- the range ---

    def start(self) -> dt.date:
        return dt.date.fromisoformat(from_qdate(self.from_edit.date()))

    def periods(self) -> int:
        return self.periods_spin.value()

    def set_periods(self, value: int) -> None:
        """Set the number of periods without announcing a change (the scenario's own)."""
        self.periods_spin.blockSignals(True)
        self.periods_spin.setValue(value)
        self.periods_spin.blockSignals(False)
        self.periods_note.hide()

    def _periods_refused(self, typed: str) -> None:
        if not typed:
            self.periods_note.hide()
            return
        self.periods_note.setText(
            f"Periods: {typed} refused: a bill covers 1 to {MAX_PERIODS} periods (the same "
            f"limit as catalog-editor simulate). Still showing {self.periods()}.")
        self.periods_note.show()

    def shown_period(self) -> int | None:
        """The period chosen in Show (an index into the bill's periods); None: all."""
        index = self.period_combo.currentIndex()
        return None if index <= 0 else index - 1

    def set_start(self, value: dt.date) -> None:
        """Set the first date without announcing a range change (the caller recomputes)."""
        self.from_edit.blockSignals(True)
        self.from_edit.setDate(to_qdate(value.isoformat()))
        self.from_edit.blockSignals(False)

    # --- showing an outcome ---

    def show_outcome(self, outcome: Outcome | None, minor_units: int = 2,
                     scenario: dict[str, Any] | None = None) -> None:
        """Show a bill, or the problems that prevent one (``scenario`` names their places)."""
        self.outcome = outcome
        self.minor_units = minor_units
        bill = outcome.bill if outcome is not None else None
        if outcome is not None and bill is None:
            count = len(outcome.problems)
            self.problems_title.setText(
                f"This scenario cannot be billed yet: {count} problem"
                f"{'s' if count != 1 else ''}. Each is marked beside its field; choose one "
                "to go there.")
            self.problems_title.setStyleSheet("color: #b3261e; font-weight: bold;")
            self.problems_model.set_problems(outcome.problems, scenario)
            self.stack.setCurrentIndex(1)
        elif bill is not None and scenario is not None and not scenario.get("packages"):
            self.problems_title.setText("Nothing to bill yet: add a package to this scenario "
                                        "(Add package) and its bill appears here.")
            self.problems_title.setStyleSheet("color: #555; font-weight: bold;")
            self.problems_model.set_problems([])
            self.stack.setCurrentIndex(1)
        else:
            self.stack.setCurrentIndex(0)
            self.problems_model.set_problems([])
        for button in (self.pdf_button, self.csv_button):
            button.setEnabled(bill is not None)
        self._fill_period_combo(bill)
        selected = self.lines_view.currentIndex().row()
        self.lines_model.set_bill(bill, minor_units)
        self.totals_model.set_bill(bill, minor_units)
        self.chart.set_bill(bill, minor_units)
        if 0 <= selected < self.lines_model.rowCount():
            self.lines_view.setCurrentIndex(self.lines_model.index(selected, 0))
        self._line_selected()
        notes = list((bill or {}).get("notes", []))
        if outcome is not None and bill is not None:
            notes += [str(p) for p in outcome.problems]  # warnings that did not stop the bill
        self.notes.setText("\n".join(f"Note: {n}" for n in notes))
        self.notes.setVisible(bool(notes))
        self.timing.setText("" if outcome is None else
                            f"Computed in {outcome.milliseconds:.0f} ms")
        rows = min(self.totals_model.rowCount(), 6)
        self.totals_view.setFixedHeight(self.totals_view.horizontalHeader().height()
                                        + rows * self.totals_view.verticalHeader()
                                        .defaultSectionSize() + 4)

    def _fit_columns(self) -> None:
        """Size the columns to the lines on screen (when the rows or columns change)."""
        header = self.lines_view.horizontalHeader()
        header.setStretchLastSection(False)
        columns = self.lines_model.columns()
        for column in range(header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.lines_view.resizeColumnsToContents()
        for column in range(header.count()):  # long names elide; the tooltip has them whole
            widest = PACKAGE_COLUMN_WIDTH if columns[column] == "Package" else MAX_COLUMN_WIDTH
            header.resizeSection(column, min(header.sectionSize(column), widest))
        for name in ("Service", "Description"):  # the names take the room left
            if name in columns:
                header.setSectionResizeMode(columns.index(name), QHeaderView.ResizeMode.Stretch)

    def _fill_period_combo(self, bill: dict[str, Any] | None) -> None:
        labels = ["All periods"] + [period_label(p) for p in (bill or {}).get("periods", [])]
        current = [self.period_combo.itemText(i) for i in range(self.period_combo.count())]
        if labels == current:
            return
        chosen = self.period_combo.currentIndex()
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        self.period_combo.addItems(labels)
        self.period_combo.setCurrentIndex(chosen if 0 <= chosen < len(labels) else 0)
        self.period_combo.blockSignals(False)
        self.lines_model.period = None if self.period_combo.currentIndex() <= 0 else \
            self.period_combo.currentIndex() - 1

    def _period_chosen(self, index: int) -> None:
        self.lines_model.set_period(None if index <= 0 else index - 1)
        if index > 0:
            self.totals_view.selectRow(index - 1)
        else:
            self.totals_view.clearSelection()

    def _totals_clicked(self, index: QModelIndex) -> None:
        period = index.data(PERIOD_ROLE)
        self.period_combo.setCurrentIndex(0 if period is None else int(period) + 1)

    def _view_toggled(self, button_id: int, checked: bool) -> None:
        if checked:
            self.lines_model.set_printed(button_id == 1)

    def _line_selected(self, *_args: Any) -> None:
        index = self.lines_view.currentIndex()
        line = index.data(LINE_ROLE) if index.isValid() else None
        if not isinstance(line, dict) or self.lines_model.bill is None:
            self.explanation.clear()
            return
        period_index = index.data(PERIOD_ROLE)
        period = self.lines_model.bill["periods"][int(period_index)]
        self.explanation.setHtml(explanation_html(line, period, self.lines_model.currency,
                                                  self.minor_units))

    def _problem_chosen(self, index: QModelIndex) -> None:
        path = index.data(Qt.ItemDataRole.UserRole)
        if path is not None:
            self.problemActivated.emit(str(path))

    def select_line(self, row: int) -> None:
        if 0 <= row < self.lines_model.rowCount():
            self.lines_view.setCurrentIndex(self.lines_model.index(row, 0))
