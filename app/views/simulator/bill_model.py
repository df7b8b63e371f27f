"""Item models over a bill document: its lines (one period or all, detailed or as printed) and
the totals per period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.views.common.money import format_money

Index = QModelIndex | QPersistentModelIndex
Doc = dict[str, Any]
DISPLAY = Qt.ItemDataRole.DisplayRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CREDIT_BRUSH = QBrush(QColor("#1b5e20"))
INCLUDED_BRUSH = QBrush(QColor("#777777"))  # tax already inside the prices: not added

KIND_LABELS = {
    "recurring": "Recurring", "tier": "Tier", "discount": "Discount",
    "transition": "Transition", "penalty": "Penalty", "one_time": "One-time",
    "usage": "Usage", "contract_fee": "Contract fee", "tax": "Tax", "package": "Package",
}

LINE_ROLE = Qt.ItemDataRole.UserRole + 10  # the line dict of a row
PERIOD_ROLE = Qt.ItemDataRole.UserRole + 11  # the period index of a row


@lru_cache(maxsize=8192)
def _formatted(amount: str, currency: str, minor_units: int, locale: str) -> str:
    return format_money(Decimal(amount), currency, minor_units)


def money_text(value: Any, currency: str, minor_units: int) -> str:
    """``format_money`` remembered per amount: a bill repeats amounts, and babel takes about
    half a millisecond per call, too slow to format every cell on every recomputation."""
    if value is None or value == "":
        return ""
    return _formatted(str(value), currency, minor_units, QLocale().name())


def kind_label(kind: Any) -> str:
    return KIND_LABELS.get(str(kind), str(kind or "").replace("_", " ").capitalize())


def period_label(period: Doc) -> str:
    """``2026-02-01 – 2026-02-28`` (the end shown inclusive, as on an invoice)."""
    try:
        start = dt.date.fromisoformat(period["start"])
        last = dt.date.fromisoformat(period["end"]) - dt.timedelta(days=1)
    except (KeyError, ValueError):
        return f"{period.get('start')} – {period.get('end')}"
    return f"{start.isoformat()} – {last.isoformat()}"


def service_dates(line: Doc) -> str:
    """The days a line covers, its last day inclusive as on an invoice: ``2026-01-20 –
    2026-01-31`` (one day: ``2026-01-20``); empty when the line has no dates."""
    if not line.get("from") or not line.get("to"):
        return ""
    try:
        first = dt.date.fromisoformat(str(line["from"]))
        last = dt.date.fromisoformat(str(line["to"])) - dt.timedelta(days=1)
    except ValueError:
        return f"{line.get('from')} – {line.get('to')}"
    if last <= first:
        return first.isoformat()
    return f"{first.isoformat()} – {last.isoformat()}"


def quantity_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return format(number.normalize(), "f") if number == number.to_integral() else str(value)


class BillLinesModel(QAbstractTableModel):
    """The lines of one period (or of all periods, with a Period column), detailed or printed.

    Detailed lines are the engine's invoice lines; printed lines are the customer's invoice
    (rollup packages as one line).
    """

    DETAIL_COLUMNS = ("Kind", "Package", "Service", "Dates", "Qty", "Unit price", "Amount",
                      "GL code")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bill: Doc | None = None
        self.currency = "USD"
        self.minor_units = 2
        self.period: int | None = None  # None: all periods
        self.printed = False
        self._rows: list[tuple[int, Doc]] = []
        self._columns: tuple[tuple[bool, bool] | None, tuple[str, ...]] = (None, ())

    # --- configuration ---

    def columns(self) -> tuple[str, ...]:
        key = (self.printed, self.period is None)
        if self._columns[0] != key:
            columns: tuple[str, ...] = self.DETAIL_COLUMNS
            if self.printed:
                columns = ("Kind", "Package", "Description", "Dates", "Qty", "Unit price",
                           "Amount")
            self._columns = (key, (("Period",) if self.period is None else ()) + columns)
        return self._columns[1]

    def set_bill(self, bill: Doc | None, minor_units: int = 2) -> None:
        currency = (bill or {}).get("currency", self.currency)
        old_rows, old_columns = self._rows, self.columns()
        self.bill, self.currency, self.minor_units = bill, currency, minor_units
        if self.period is not None and (bill is None or self.period >= len(bill["periods"])):
            self.period = None
        rows = self._collect()
        if len(rows) == len(old_rows) and self.columns() == old_columns:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(rows) - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_period(self, period: int | None) -> None:
        self.beginResetModel()
        self.period = period
        self._rows = self._collect()
        self.endResetModel()

    def set_printed(self, printed: bool) -> None:
        self.beginResetModel()
        self.printed = printed
        self._rows = self._collect()
        self.endResetModel()

    def _collect(self) -> list[tuple[int, Doc]]:
        if self.bill is None:
            return []
        key = "printed_lines" if self.printed else "lines"
        rows = []
        for i, period in enumerate(self.bill.get("periods", [])):
            if self.period is None or self.period == i:
                lines = period.get(key)
                if lines is None:
                    lines = period.get("lines", [])
                rows += [(i, line) for line in lines]
        return rows

    def line(self, row: int) -> tuple[int, Doc] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def money(self, value: Any) -> str:
        return money_text(value, self.currency, self.minor_units)

    # --- Qt model interface ---

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns())

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY) -> Any:
        columns = self.columns()
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(columns):
            return None
        if role == DISPLAY:
            return columns[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and columns[section] in (
                "Qty", "Unit price", "Amount"):
            return RIGHT
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        period_index, line = self._rows[index.row()]
        column = self.columns()[index.column()]
        if role == LINE_ROLE:
            return line
        if role == PERIOD_ROLE:
            return period_index
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("Qty", "Unit price",
                                                                    "Amount"):
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == "Amount":
            if line.get("kind") == "tax" and (line.get("tax_inclusive") or line.get("included")):
                return INCLUDED_BRUSH
            amount = line.get("amount")
            if amount is not None and Decimal(str(amount)) < 0:
                return CREDIT_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.data(index, DISPLAY)
            explanation = line.get("explanation")
            return f"{text}\n{explanation}" if explanation else text
        if role != DISPLAY:
            return None
        if column == "Period":
            assert self.bill is not None
            return str(self.bill["periods"][period_index].get("start", ""))
        included_tax = line.get("kind") == "tax" and bool(
            line.get("tax_inclusive") or line.get("included"))
        if column == "Kind":  # a tax-inclusive charge says so in its explanation
            return kind_label(line.get("kind")) + (" (included)" if included_tax else "")
        if column == "Package":
            return line.get("package") or ""
        if column == "Service":
            service, description = line.get("service"), line.get("description")
            owner = line.get("account_service")
            if owner and owner != service:  # a transition or penalty, charged on a fee
                return f"{description or service} — for {owner} ({line.get('service_id')})"
            if service and description and description != service:
                return f"{description} ({service})"  # a discount names itself first
            return service or description or ""
        if column == "Description":
            return line.get("description") or line.get("service") or ""
        if column == "Qty":
            return quantity_text(line.get("quantity"))
        if column == "Unit price":
            return "" if included_tax else self.money(line.get("unit_price"))
        if column == "Amount":
            if line.get("kind") == "tax" and (line.get("tax_inclusive") or line.get("included")):
                return f"({self.money(line.get('amount'))}) incl."  # already in the prices
            return self.money(line.get("amount"))
        if column == "Dates":
            return service_dates(line)
        return line.get("gl_code") or ""


class PeriodTotalsModel(QAbstractTableModel):
    """Subtotal, tax and total of each period, and of the whole bill on the last row."""

    COLUMNS = ("Period", "Subtotal", "Tax", "Total")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bill: Doc | None = None
        self.currency = "USD"
        self.minor_units = 2

    def set_bill(self, bill: Doc | None, minor_units: int = 2) -> None:
        same = (bill is not None and self.bill is not None
                and len(bill.get("periods", [])) == len(self.bill.get("periods", [])))
        if same:
            self.bill, self.minor_units = bill, minor_units
            self.currency = (bill or {}).get("currency", self.currency)
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self.bill, self.minor_units = bill, minor_units
        self.currency = (bill or {}).get("currency", self.currency)
        self.endResetModel()

    def periods(self) -> list[Doc]:
        return [] if self.bill is None else list(self.bill.get("periods", []))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() or self.bill is None:
            return 0
        return len(self.periods()) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == DISPLAY:
            return self.COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section > 0:
            return RIGHT
        return None

    def sums(self) -> dict[str, Decimal]:
        total = {key: Decimal(0) for key in ("subtotal", "tax", "total")}
        for period in self.periods():
            for key in total:
                total[key] += Decimal(str(period.get(key, "0")))
        if self.bill is not None and self.bill.get("total") is not None:
            total["total"] = Decimal(str(self.bill["total"]))
        return total

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        periods = self.periods()
        last = index.row() == len(periods)
        if role == Qt.ItemDataRole.FontRole and last:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return RIGHT
        if role == PERIOD_ROLE:
            return None if last else index.row()
        if role != DISPLAY:
            return None
        key = self.COLUMNS[index.column()].lower()
        if last:
            if index.column() == 0:
                return f"All {len(periods)} periods"
            value: Any = self.sums()[key]
        else:
            if index.column() == 0:
                return period_label(periods[index.row()])
            value = periods[index.row()].get(key)
        return money_text(value, self.currency, self.minor_units)
