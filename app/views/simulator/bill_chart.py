"""The total of each simulated period as a stacked bar: recurring charges, discounts (below the
axis), one-time charges and fees, usage and tax, with the period total drawn over the bars."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QShowEvent
from PySide6.QtWidgets import QToolTip, QWidget

from app.views.common.money import format_money
from app.views.simulator.bill_model import period_label

Doc = dict[str, Any]

# Chart group -> (label, colour, the line kinds it sums).
GROUPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("recurring", "Recurring", "#1e88e5", ("recurring", "tier")),
    ("discounts", "Discounts", "#43a047", ("discount",)),
    ("one_time", "One-time and fees", "#fb8c00",
     ("one_time", "transition", "penalty", "contract_fee")),
    ("usage", "Usage", "#8e24aa", ("usage",)),
    ("tax", "Tax", "#757575", ("tax",)),
)


def nice_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``rough``."""
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 5, 10):
        if factor * power >= rough:
            return float(factor * power)
    return float(10 * power)


def totals_by_group(bill: Doc) -> list[dict[str, Decimal]]:
    """Per period, the sum of its detailed lines in each chart group (exact decimals)."""
    kinds = {kind: key for key, _label, _colour, group in GROUPS for kind in group}
    out = []
    for period in bill.get("periods", []):
        sums = {key: Decimal(0) for key, *_rest in GROUPS}
        for line in period.get("lines", []):
            if line.get("kind") == "tax" and line.get("tax_inclusive"):
                continue  # already inside the charges it covers
            key = kinds.get(str(line.get("kind")), "one_time")
            sums[key] += Decimal(str(line.get("amount", "0")))
        out.append(sums)
    return out


class BillChart(QChartView):
    """Stacked bars of each period's total by kind of charge.

    Signals: none. Hovering a bar shows its exact amount.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.currency = "USD"
        self.minor_units = 2
        self.groups: list[dict[str, Decimal]] = []
        self.totals: list[Decimal] = []
        self._pending: tuple[Doc | None, int] | None = None
        self.set_bill(None)

    def set_bill(self, bill: Doc | None, minor_units: int = 2) -> None:
        """Chart ``bill``; while the chart is hidden, only remember it (drawn when shown)."""
        self._pending = (bill, minor_units)
        if self.isVisible() or self.chart() is None or not self.chart().series():
            self._draw()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        if self._pending is not None:
            self._draw()
        super().showEvent(event)

    def _draw(self) -> None:
        if self._pending is None:
            return
        (bill, minor_units), self._pending = self._pending, None
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.currency = (bill or {}).get("currency", self.currency)
        self.minor_units = minor_units
        if bill is None or not bill.get("periods"):
            chart.setTitle("No bill to chart")
            self._replace(chart)
            self.groups, self.totals = [], []
            return
        chart.setTitle(f"Total per period ({self.currency})")
        self.groups = totals_by_group(bill)
        self.totals = [Decimal(str(p.get("total", "0"))) for p in bill["periods"]]
        series = QStackedBarSeries()
        # QtCharts draws with floats: the conversion happens here, for display only.
        for key, label, colour, _kinds in GROUPS:
            bar = QBarSet(label)
            bar.setColor(QColor(colour))
            bar.setBorderColor(QColor(colour))
            for sums in self.groups:
                bar.append(float(sums[key]))
            bar.hovered.connect(lambda state, i, k=key: self._hovered(state, i, k))
            series.append(bar)
        chart.addSeries(series)
        line = QLineSeries()
        line.setName("Period total")
        line.setPen(QPen(QColor("#212121"), 2))
        line.setPointsVisible(True)
        for i, total in enumerate(self.totals):
            line.append(QPointF(i, float(total)))
        chart.addSeries(line)
        categories = [self._category(p) for p in bill["periods"]]
        x_axis = QBarCategoryAxis()
        x_axis.append(categories)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        y_axis = QValueAxis()
        low = min([0.0] + [float(s["discounts"]) for s in self.groups])
        high = max([0.0] + [float(sum(v for v in s.values() if v > 0)) for s in self.groups]
                   + [float(t) for t in self.totals])
        step = nice_step(max(high - low, 1.0) / 5)
        y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        y_axis.setTickAnchor(0.0)
        y_axis.setTickInterval(step)
        y_axis.setRange(math.floor(low / step) * step, math.ceil(high * 1.05 / step) * step)
        y_axis.setLabelFormat("%.0f")
        y_axis.setTitleText(self.currency)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for s in (series, line):
            s.attachAxis(x_axis)
            s.attachAxis(y_axis)
        self._replace(chart)

    @staticmethod
    def _category(period: Doc) -> str:
        """``Jan 2026`` for a calendar month, else ``15 Jan – 14 Feb 2026``."""
        try:
            start = dt.date.fromisoformat(period["start"])
            end = dt.date.fromisoformat(period["end"])
        except (KeyError, ValueError):
            return period_label(period)
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        if start.day == 1 and end == following:
            return start.strftime("%b %Y")
        last = end - dt.timedelta(days=1)
        return f"{start:%d %b} – {last:%d %b %Y}"

    def _replace(self, chart: QChart) -> None:
        old = self.chart()
        self.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()

    def _hovered(self, state: bool, index: int, key: str) -> None:
        if not state or not 0 <= index < len(self.groups):
            QToolTip.hideText()
            return
        label = next(lbl for k, lbl, *_rest in GROUPS if k == key)
        amount = format_money(self.groups[index][key], self.currency, self.minor_units)
        total = format_money(self.totals[index], self.currency, self.minor_units)
        QToolTip.showText(self.cursor().pos(), f"{label}: {amount}\nPeriod total: {total}", self)
