"""The simulator's bill: periods, detailed and printed views, explanations, totals, the chart
and the PDF and CSV exports, over a demo account billed by the real engine."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from model_testers import checked
from PySide6.QtCore import Qt

from app.catalog.database import accounts
from app.views.common.money import format_money
from app.views.simulator.bill_chart import GROUPS, totals_by_group
from app.views.simulator.bill_export import pdf_text, render_pdf_page
from app.views.simulator.bill_model import LINE_ROLE
from app.views.simulator.question_dialog import QuestionDialog
from app.views.simulator.view import SimulatorView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

JANE = {
    "format": "account", "version": 1,
    "account": {"name": "Jane Doe", "country": "US", "currency": "USD",
                "price_book": "standard", "bill_day": 1, "price_plan": None,
                "promo_codes": ["WELCOME10"]},
    "packages": [
        {"frequency": "Fiber TV Bundle Monthly", "start": "2026-01-15", "cancelled": None,
         "services": [
             {"id": "s1", "service": "Internet 500", "quantity": 1, "price": None,
              "statuses": [{"status": "Pre-Active", "from": "2026-01-15"},
                           {"status": "Active", "from": "2026-01-20"}]},
             {"id": "s2", "service": "TV Basic", "quantity": 1, "price": None,
              "statuses": [{"status": "Active", "from": "2026-01-15"},
                           {"status": "Suspended", "from": "2026-02-10"},
                           {"status": "Active", "from": "2026-02-20"}]}]},
        {"frequency": "Mobile Monthly", "start": "2026-01-15", "cancelled": None,
         "services": [
             {"id": "s3", "service": "Mobile Line", "quantity": 2, "price": "12.00",
              "statuses": [{"status": "Active", "from": "2026-01-15"}]}]},
    ],
    "usage": [],
}


@pytest.fixture(autouse=True)
def _no_modal_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    def unexpected(*_args: Any, **_kwargs: Any) -> str:
        raise AssertionError("a modal question was asked")
    monkeypatch.setattr(QuestionDialog, "ask", classmethod(unexpected))


@pytest.fixture
def view(qtbot: Any, demo_db: Any) -> SimulatorView:
    accounts.save_account(demo_db, JANE)
    widget = SimulatorView(demo_db)
    qtbot.addWidget(widget)
    panel = widget.bill_panel
    checked((panel.lines_model, panel.totals_model, panel.problems_model))
    widget.resize(1400, 900)
    widget.show()
    assert widget.outcome is not None and widget.outcome.bill is not None
    return widget


def _bill(view: SimulatorView) -> dict[str, Any]:
    assert view.outcome is not None and view.outcome.bill is not None
    return view.outcome.bill


def test_all_periods_then_one_period(qtbot: Any, view: SimulatorView) -> None:
    panel = view.bill_panel
    bill = _bill(view)
    assert panel.start() == dt.date(2026, 1, 15)  # follows the scenario's first start
    assert len(bill["periods"]) == 3 == panel.periods()
    combo = panel.period_combo
    assert combo.currentText() == "All periods" and combo.count() == 4
    model = panel.lines_model
    assert model.rowCount() == sum(len(p["lines"]) for p in bill["periods"])
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Period"

    combo.setCurrentIndex(2)  # the second period
    assert combo.currentText() == "2026-02-01 – 2026-02-28"
    assert model.rowCount() == len(bill["periods"][1]["lines"])
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers == ["Kind", "Package", "Service", "Dates", "Qty", "Unit price", "Amount",
                       "GL code"]
    # TV Basic has no Suspended price: the suspended days are not charged
    tv = [model.index(r, 0).data(LINE_ROLE) for r in range(model.rowCount())
          if model.index(r, 2).data() == "TV Basic" and model.index(r, 0).data() == "Recurring"]
    assert [(ln["from"], ln["to"]) for ln in tv] == [("2026-02-01", "2026-02-10"),
                                                     ("2026-02-20", "2026-03-01")]
    assert panel.totals_view.selectionModel().isRowSelected(1)

    panel.periods_spin.setValue(5)  # no button: the bill follows
    qtbot.waitUntil(lambda: len(_bill(view)["periods"]) == 5)
    assert combo.count() == 6


def test_selecting_a_line_explains_it_in_full(qtbot: Any, view: SimulatorView) -> None:
    panel = view.bill_panel
    model = panel.lines_model
    row = next(r for r in range(model.rowCount())
               if model.index(r, 0).data(LINE_ROLE)["kind"] == "discount")
    qtbot.mouseClick(panel.lines_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.lines_view.visualRect(model.index(row, 2)).center())
    text = panel.explanation.toPlainText()
    line = model.index(row, 0).data(LINE_ROLE)
    assert line["explanation"] in text
    assert line["discount"] in text and "Discount" in text
    mobile = next(r for r in range(model.rowCount())
                  if model.index(r, 0).data(LINE_ROLE)["service"] == "Mobile Line")
    panel.lines_view.setCurrentIndex(model.index(mobile, 0))
    text = panel.explanation.toPlainText()
    assert "custom price set on the account-service" in text  # the price source, in words
    assert "2 × $12.00" in text


def test_printed_view_rolls_the_bundle_up(qtbot: Any, view: SimulatorView) -> None:
    panel = view.bill_panel
    panel.period_combo.setCurrentIndex(2)
    bill = _bill(view)["periods"][1]
    qtbot.mouseClick(panel.printed_button, Qt.MouseButton.LeftButton)
    model = panel.lines_model
    rows = [model.index(r, 0).data(LINE_ROLE) for r in range(model.rowCount())]
    bundle = [ln for ln in rows if ln.get("description") == "Fiber TV Bundle"]
    assert len(bundle) == 1  # one line for the whole rollup package
    detailed = [ln for ln in bill["lines"] if ln.get("rollup") == "Fiber TV Bundle"]
    assert len(detailed) > 1
    assert Decimal(bundle[0]["amount"]) == sum(Decimal(ln["amount"]) for ln in detailed)
    assert any(ln.get("description") == "Mobile Line" for ln in rows)  # not rolled up
    assert "Description" in [model.headerData(i, Qt.Orientation.Horizontal)
                             for i in range(model.columnCount())]
    qtbot.mouseClick(panel.detailed_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == len(bill["lines"])


def test_totals_per_period_and_for_the_bill(view: SimulatorView) -> None:
    model = view.bill_panel.totals_model
    bill = _bill(view)
    assert model.rowCount() == len(bill["periods"]) + 1
    for i, period in enumerate(bill["periods"]):
        assert Decimal(period["subtotal"]) + Decimal(period["tax"]) == Decimal(period["total"])
        assert model.index(i, 3).data() == format_money(Decimal(period["total"]), "USD", 2)
    last = model.rowCount() - 1
    assert model.index(last, 3).data() == format_money(Decimal(bill["total"]), "USD", 2)
    assert Decimal(bill["total"]) == sum(Decimal(p["total"]) for p in bill["periods"])
    view.bill_panel.totals_view.clicked.emit(model.index(2, 0))
    assert view.bill_panel.period_combo.currentIndex() == 3


def test_chart_stacks_each_period_total_by_kind(view: SimulatorView) -> None:
    bill = _bill(view)
    groups = totals_by_group(bill)
    for sums, period in zip(groups, bill["periods"], strict=True):
        assert sum(sums.values()) == Decimal(period["total"])
    assert groups[0]["one_time"] > 0 and groups[1]["discounts"] < 0
    view.bill_panel.tabs.setCurrentWidget(view.bill_panel.chart)
    chart = view.bill_panel.chart.chart()
    bars = chart.series()[0]
    assert [b.label() for b in bars.barSets()] == [label for _k, label, *_r in GROUPS]
    assert bars.barSets()[0].count() == len(bill["periods"])
    assert "USD" in chart.title()
    # edits while the chart is hidden are drawn when it shows again
    view.bill_panel.tabs.setCurrentIndex(0)
    view.bill_panel.periods_spin.setValue(6)
    view.recompute()
    view.bill_panel.tabs.setCurrentWidget(view.bill_panel.chart)
    assert view.bill_panel.chart.chart().series()[0].barSets()[0].count() == 6


def test_pdf_export_is_an_invoice_with_the_total(view: SimulatorView, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 qtbot: Any) -> None:
    target = tmp_path / "jane.pdf"
    monkeypatch.setattr("app.views.file_dialogs.get_save_file_name",
                        lambda *a, **k: (str(target), "PDF (*.pdf)"))
    qtbot.mouseClick(view.bill_panel.pdf_button, Qt.MouseButton.LeftButton)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    text = pdf_text(target)
    totals = [format_money(Decimal(p["total"]), "USD", 2) for p in _bill(view)["periods"]]
    assert "Invoice estimate" in text and "Jane Doe" in text
    assert all(f"Total due: {total}" in text for total in totals)  # one bill per period
    assert "Fiber TV Bundle" in " ".join(text.split())  # printed view: the bundle as one line
    image = render_pdf_page(target, 400)
    assert image.width() == 400 and not image.isNull()


def test_csv_export_has_one_row_per_line(view: SimulatorView, tmp_path: Path) -> None:
    target = tmp_path / "jane.csv"
    assert view.export_csv(str(target))
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    bill = _bill(view)
    assert len(rows) == sum(len(p["lines"]) for p in bill["periods"])
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal(bill["total"])
    assert rows[0]["period_start"] == "2026-01-01" and rows[0]["currency"] == "USD"
    assert f"{len(rows)} bill lines" in view.status.text()


def test_exports_are_refused_while_there_is_no_bill(qtbot: Any, view: SimulatorView,
                                                    tmp_path: Path) -> None:
    form = view.editor.account_form
    form.bill_day_spin.setValue(5)
    view.scenario.set(("packages", 0, "frequency"), "No Such Frequency")
    view.recompute()
    assert not view.bill_panel.pdf_button.isEnabled()
    assert not view.export_csv(str(tmp_path / "x.csv"))
    assert not (tmp_path / "x.csv").exists()
