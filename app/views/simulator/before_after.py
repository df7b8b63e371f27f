"""Before and after a scheduled catalog version, for the current scenario: the bills under
the catalog without its last scheduled version and with it, period by period, side by side;
the periods that differ are marked (``*``, bold) and followed by the lines that differ, and a
period left unchanged says why (the subscriptions that keep their version)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.views.common.list_table_model import Index, ListTableModel

COLUMNS = ("Period", "Before", "After", "Difference", "Why")
CHANGED = QColor(255, 236, 179)


def rows_of(doc: dict[str, Any]) -> list[tuple[bool, bool, tuple[str, ...]]]:
    """(is a period row, differs, cells) per row: each period, then its differing lines."""
    rows: list[tuple[bool, bool, tuple[str, ...]]] = []
    for p in doc["periods"]:
        mark = "* " if p["differs"] else ""
        why = "; ".join(p.get("notes") or ()) if not p["differs"] else \
            f"{len(p['lines'])} line(s) differ"
        rows.append((True, p["differs"], (f"{mark}{p['start']}..{p['end']}", p["before"],
                                          p["after"], p["difference"], why)))
        for d in p["lines"]:
            rows.append((False, True, (f"    {d['service'] or d['kind']} ({d['kind']})",
                                       d["before"], d["after"], d["difference"],
                                       d["explanation"])))
    rows.append((True, doc["difference"] != "0.00" and doc["difference"] != "0",
                 ("Total", doc["before_total"], doc["after_total"], doc["difference"], "")))
    return rows


def bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class ComparisonModel(ListTableModel):
    """The rows of :func:`rows_of` for one comparison document."""

    columns = COLUMNS

    def __init__(self, doc: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = rows_of(doc)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        period, differs, cells = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cells[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and 1 <= index.column() <= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and differs:
            return QBrush(CHANGED)
        if role == Qt.ItemDataRole.FontRole and period and differs:
            return bold_font()
        return None


class BeforeAfterDialog(QDialog):
    """The comparison document of :func:`app.catalog.versions.compare_account`."""

    def __init__(self, doc: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Before and after the scheduled catalog version")
        before = doc["before_version"] or "one version"
        after = doc["after_version"] or "one version"
        changed = sum(1 for p in doc["periods"] if p["differs"])
        self.summary = QLabel(
            f"Before: catalog version {before}. After: catalog version {after} "
            f"({doc['currency']}). {changed} of {len(doc['periods'])} bill(s) differ; "
            f"total {doc['before_total']} -> {doc['after_total']} ({doc['difference']}).")
        self.summary.setWordWrap(True)
        self.model = ComparisonModel(doc, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(980, 420)
