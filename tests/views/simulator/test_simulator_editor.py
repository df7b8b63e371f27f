"""The simulator's scenario editor, driven through its widgets: every edit recomputes the bill
without a button, and a bad scenario is shown beside the field at fault."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from model_testers import checked
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QDateEdit, QSpinBox, QTableView, QWidget

from app.catalog.database import accounts
from app.views.common.money import MoneyEdit
from app.views.simulator.name_dialog import NameDialog
from app.views.simulator.question_dialog import QuestionDialog
from app.views.simulator.view import SimulatorView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def _no_modal_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    def unexpected(*_args: Any, **_kwargs: Any) -> str:
        raise AssertionError("a modal question was asked")
    monkeypatch.setattr(QuestionDialog, "ask", classmethod(unexpected))


def _testers(view: SimulatorView) -> list[Any]:
    editor = view.editor
    models = [editor.packages_panel.packages_model, editor.packages_panel.services_model,
              editor.timeline_panel.model, editor.usage_panel.model,
              editor.account_form.promo_model, view.list_panel.model,
              view.bill_panel.lines_model, view.bill_panel.totals_model,
              view.bill_panel.problems_model]
    return checked(models)


@pytest.fixture
def view(qtbot: Any, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> SimulatorView:
    widget = SimulatorView(demo_db)
    qtbot.addWidget(widget)
    _testers(widget)
    widget.resize(1400, 900)
    widget.show()
    monkeypatch.setattr(NameDialog, "ask", classmethod(lambda cls, *a, **k: "Jane Doe"))
    qtbot.mouseClick(widget.list_panel.new_button, Qt.MouseButton.LeftButton)
    return widget


def _add_package(view: SimulatorView, frequency: str) -> None:
    panel = view.editor.packages_panel
    panel.add_package_menu.aboutToShow.emit()
    action = next(a for a in panel.add_package_menu.actions() if a.data() == frequency)
    action.trigger()


def _bill_lines(view: SimulatorView) -> list[dict[str, Any]]:
    assert view.outcome is not None and view.outcome.bill is not None
    return [line for p in view.outcome.bill["periods"] for line in p["lines"]]


def _wait_for_bill(qtbot: Any, view: SimulatorView, check: Any) -> None:
    """The bill updates by itself (no button) shortly after an edit."""
    qtbot.waitUntil(lambda: view.outcome is not None and view.outcome.bill is not None
                    and check(_bill_lines(view)), timeout=2000)


def _edit_cell(qtbot: Any, table: QTableView, row: int, column: int, kind: type[QWidget],
               fill: Any) -> None:
    """Open the cell's editor as a double-click would, fill it, press Enter."""
    index = table.model().index(row, column)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = next(w for w in table.findChildren(kind) if w.isVisible())  # not a closed one
    fill(editor)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the view commits and closes the editor from the event loop (a queued call)
    qtbot.waitUntil(lambda: table.state() != QTableView.State.EditingState)


def test_new_scenario_is_saved_and_listed(view: SimulatorView, demo_db: Any) -> None:
    assert accounts.list_accounts(demo_db) == ["Jane Doe"]
    assert view.list_panel.current_name() == "Jane Doe"
    assert "Jane Doe" in view.title.text()
    assert view.editor.account_form.name_edit.text() == "Jane Doe"


def test_adding_a_package_bills_its_recurring_services(qtbot: Any, view: SimulatorView) -> None:
    view.editor.packages_panel.add_package_menu.aboutToShow.emit()
    offered = {a.data() for a in view.editor.packages_panel.add_package_menu.actions()}
    assert "Fiber Home 50 6-Month (2023)" not in offered  # inactive: not sold any more
    assert "Fiber TV Bundle Monthly" in offered
    _add_package(view, "Fiber TV Bundle Monthly")
    services = view.scenario.doc["packages"][0]["services"]
    assert [s["service"] for s in services] == ["Internet 500", "TV Basic", "TV Box Rental",
                                                "Modem Rental"]
    assert all(s["statuses"][0]["status"] == "Active" for s in services)
    _wait_for_bill(qtbot, view, lambda lines: {ln["service"] for ln in lines
                                               if ln["kind"] == "recurring"}
                   == {s["service"] for s in services})
    assert view.bill_panel.stack.currentIndex() == 0  # the bill, not the problems page
    assert "unsaved changes" in view.title.text()


def test_quantity_and_custom_price_edited_in_place(qtbot: Any, view: SimulatorView) -> None:
    _add_package(view, "Fiber TV Bundle Monthly")
    table = view.editor.packages_panel.services_view

    def tv_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [ln for ln in lines if ln["service"] == "TV Basic" and ln["kind"] == "recurring"]

    _wait_for_bill(qtbot, view, lambda lines: len(tv_lines(lines)) > 0)
    catalog_price = Decimal(tv_lines(_bill_lines(view))[-1]["unit_price"])

    _edit_cell(qtbot, table, 1, 2, QSpinBox, lambda spin: spin.setValue(3))
    _wait_for_bill(qtbot, view, lambda lines: tv_lines(lines)[-1]["quantity"] == "3")
    assert Decimal(tv_lines(_bill_lines(view))[-1]["amount"]) == 3 * catalog_price

    # a third decimal in USD is refused with a message, and the cell stays open as typed
    index = table.model().index(1, 3)
    table.setCurrentIndex(index)
    table.edit(index)
    edit = next(w for w in table.findChildren(MoneyEdit) if w.isVisible())
    edit.clear()
    qtbot.keyClicks(edit, "9.999")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.wait(5)
    assert table.state() == QTableView.State.EditingState and edit.text() == "9.999"
    assert "USD has 2 at most" in edit.problem()
    assert table.model().index(1, 3).data() in ("", None)
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: table.state() != QTableView.State.EditingState)

    def type_price(edit: MoneyEdit) -> None:
        edit.clear()
        qtbot.keyClicks(edit, "9.99")
    _edit_cell(qtbot, table, 1, 3, MoneyEdit, type_price)
    _wait_for_bill(qtbot, view, lambda lines: tv_lines(lines)[-1]["unit_price"] == "9.99")
    line = tv_lines(_bill_lines(view))[-1]
    assert line["price_source"] == "account_service"
    assert table.model().index(1, 3).data() == "$9.99"

    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the price
    _wait_for_bill(qtbot, view, lambda lines: tv_lines(lines)[-1]["price_source"] == "catalog")


def test_status_timeline_out_of_order_is_shown_at_the_row(qtbot: Any,
                                                          view: SimulatorView) -> None:
    _add_package(view, "Fiber TV Bundle Monthly")
    panel = view.editor.packages_panel
    panel.start_edit.setDate(QDate(2026, 1, 15))
    panel.select_service(1)  # TV Basic
    timeline = view.editor.timeline_panel
    assert "TV Basic" in timeline.title.text()
    qtbot.mouseClick(timeline.add_button, Qt.MouseButton.LeftButton)
    change = view.scenario.doc["packages"][0]["services"][1]["statuses"][1]
    assert change == {"status": "Suspended", "from": "2026-02-15"}  # the catalog's next move
    _wait_for_bill(qtbot, view, lambda lines: any(
        ln["service"] == "TV Basic" and ln["status"] == "Suspended" for ln in lines)
        or any(ln["service"] == "TV Basic" and ln.get("to") == "2026-02-15" for ln in lines))

    _edit_cell(qtbot, timeline.view, 1, 0, QDateEdit,
               lambda edit: edit.setDate(QDate(2026, 1, 10)))
    qtbot.waitUntil(lambda: view.outcome is not None and view.outcome.bill is None)
    model = timeline.model
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "date order" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert timeline.problem.isVisible() and "date order" in timeline.problem.text()
    services = panel.services_model
    assert services.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    # the bill says why there is no bill, and leads to the field
    bill = view.bill_panel
    assert bill.stack.currentIndex() == 1 and bill.problems_model.rowCount() == 1
    assert "cannot be billed" in bill.problems_title.text()
    where = bill.problems_model.index(0, 0).data()
    assert where.startswith("Package 1 (Fiber TV Bundle Monthly) › TV Basic (s2) › "
                            "status change 2 › date: ")
    timeline.view.clearSelection()
    bill.problems_view.clicked.emit(bill.problems_model.index(0, 0))
    assert timeline.view.currentIndex().row() == 1

    view.undo_action.trigger()
    qtbot.waitUntil(lambda: view.outcome is not None and view.outcome.bill is not None)
    assert not timeline.problem.isVisible()
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None


def test_currency_the_frequency_does_not_sell_is_shown_at_the_frequency(
        qtbot: Any, view: SimulatorView) -> None:
    _add_package(view, "Fiber TV Bundle Monthly")  # sold in USD only
    _wait_for_bill(qtbot, view, lambda lines: bool(lines))
    form = view.editor.account_form
    form.currency_combo.setCurrentIndex(form.currency_combo.findData("EUR"))
    form.currency_combo.activated.emit(form.currency_combo.currentIndex())
    qtbot.waitUntil(lambda: view.outcome is not None and view.outcome.bill is None)
    row = view.editor.packages_panel.form_rows["frequency"]
    assert row.problem.isVisible() and "EUR" in row.problem.text()
    assert bool(row.field.property("problem"))
    assert view.editor.packages_panel.packages_model.index(0, 0).data(
        Qt.ItemDataRole.BackgroundRole) is not None


def test_promo_code_ticked_with_the_keyboard(qtbot: Any, view: SimulatorView) -> None:
    form = view.editor.account_form
    index = next(form.promo_model.index(i) for i in range(form.promo_model.rowCount())
                 if form.promo_model.index(i).data() == "WELCOME10")
    form.promo_view.setCurrentIndex(index)
    qtbot.keyClick(form.promo_view, Qt.Key.Key_Space)
    assert view.scenario.doc["account"]["promo_codes"] == ["WELCOME10"]
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    view.stack.undo()
    assert view.scenario.doc["account"]["promo_codes"] == []


def test_save_with_the_standard_shortcut_clears_the_dirty_marker(
        qtbot: Any, view: SimulatorView, demo_db: Any) -> None:
    _add_package(view, "Mobile Monthly")
    name = view.editor.account_form.name_edit
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Jane Roe")
    assert view.scenario.doc["account"]["name"] == "Jane Roe"
    assert view.save_button.isEnabled()
    qtbot.keySequence(name, QKeySequence(QKeySequence.StandardKey.Save))
    assert not view.save_button.isEnabled() and "unsaved" not in view.title.text()
    assert accounts.list_accounts(demo_db) == ["Jane Roe"]
    assert accounts.load_account(demo_db, "Jane Roe")["packages"][0]["frequency"] == \
        "Mobile Monthly"
    assert view.list_panel.current_name() == "Jane Roe"


def test_a_name_taken_by_another_scenario_is_refused_beside_the_name(
        qtbot: Any, view: SimulatorView, demo_db: Any) -> None:
    doc = view.scenario.snapshot()
    doc["account"]["name"] = "Bob"
    accounts.save_account(demo_db, doc)
    name = view.editor.account_form.name_edit
    name.selectAll()
    qtbot.keyClicks(name, "Bob")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    row = view.editor.account_form.rows["name"]
    assert row.problem.isVisible() and "already exists" in row.problem.text()
    assert "Not saved" in view.status.text()
    assert accounts.list_accounts(demo_db) == ["Bob", "Jane Doe"]


def test_usage_record_added_and_billed(qtbot: Any, view: SimulatorView) -> None:
    _add_package(view, "Mobile Monthly")
    panel = view.editor.packages_panel
    panel.start_edit.setDate(QDate(2026, 1, 1))
    panel.add_service_menu.aboutToShow.emit()
    next(a for a in panel.add_service_menu.actions() if a.data() == "Mobile Data").trigger()
    usage = view.editor.usage_panel
    qtbot.mouseClick(usage.add_button, Qt.MouseButton.LeftButton)
    record = view.scenario.doc["usage"][0]
    data_id = view.scenario.doc["packages"][0]["services"][-1]["id"]
    assert record["service_id"] == data_id and record["date"] == "2026-01-10"

    def type_quantity(edit: MoneyEdit) -> None:
        edit.clear()
        qtbot.keyClicks(edit, "40")
    _edit_cell(qtbot, usage.view, 0, 2, MoneyEdit, type_quantity)
    _wait_for_bill(qtbot, view, lambda lines: any(
        ln["kind"] == "usage" and Decimal(ln["amount"]) > 0 for ln in lines))
    # the service picker offers the account-services by id and name
    _edit_cell(qtbot, usage.view, 0, 1, QComboBox,
               lambda combo: combo.setCurrentIndex(combo.findData(data_id)))
    assert usage.model.index(0, 1).data() == f"{data_id} · Mobile Data"


def test_row_problems_are_grouped_and_labelled_for_the_panel() -> None:
    from app.views.simulator.problem_label import rows_with_problems

    rows, messages = rows_with_problems(
        {(1, "date"): ["date is before the package starts"], (): ["two records overlap"],
         (1, "quantity"): ["not a number"]}, "Record")
    assert rows == {1: ["date is before the package starts", "not a number"]}
    assert messages == ["Record 2: date is before the package starts", "two records overlap",
                        "Record 2: not a number"]
