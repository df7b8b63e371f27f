"""The tab pages of Edit Package Frequency, driven through the real window with the demo
catalog: the Recurring grid (amount editors, hints, undo, the modals behind its icons), the
Transition, One Time, Counting Rule and Custom Fields tabs."""

from __future__ import annotations

import copy
import importlib
from typing import Any

import pytest
from model_testers import check_model
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QTableView

from app.views.catalog.tabs.recurring import HINT_ROLE
from app.views.common.money import MoneyEdit
from app.views.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def patch_ask(monkeypatch: pytest.MonkeyPatch, module: str, cls: str, answer: Any) -> list[dict]:
    calls: list[dict] = []

    def ask(_cls: Any, _parent: Any, **kwargs: Any) -> Any:
        calls.append(copy.deepcopy(kwargs))
        return answer(**kwargs)

    target = getattr(importlib.import_module(f"app.views.catalog.dialogs.{module}"), cls)
    monkeypatch.setattr(target, "ask", classmethod(ask))
    return calls


def open_editor(view: QTableView, index: QModelIndex) -> MoneyEdit:
    view.setCurrentIndex(index)
    view.edit(index)
    editors = [e for e in view.findChildren(MoneyEdit) if e.isVisible()]
    assert editors
    return editors[-1]


def type_cell(qtbot: Any, view: QTableView, index: QModelIndex, text: str) -> None:
    editor = open_editor(view, index)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    press_return(qtbot, editor)


def press_return(qtbot: Any, editor: MoneyEdit) -> None:
    """Return commits the cell; the view does it from the event loop, so let it run."""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(5)


def cell(view: QTableView, service: str, column: str) -> QModelIndex:
    model = view.model()
    rows = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return model.index(rows.index(service), columns.index(column))


def click(qtbot: Any, view: QTableView, index: QModelIndex) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())


def choose(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def select(window: MainWindow, package: str, frequency: int | None = 0) -> None:
    row = window.editor.panel.model.row_of_name(package)
    assert row is not None
    window.editor.panel.select(row, frequency, quiet=False)


def frequency_doc(window: MainWindow) -> dict[str, Any]:
    editor = window.editor
    assert editor.draft is not None and editor.frequency_row is not None
    return editor.draft.frequency(editor.frequency_row)


# --- Recurring


def test_recurring_grid_is_services_by_billable_status(window: MainWindow) -> None:
    select(window, "Mobile")
    rec = window.editor.frequency_panel.recurring_tab
    check_model(rec.model)
    model = rec.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    # Cancelled is never charged, so it has no column; Mobile Data is a usage service
    assert headers == ["Pre-Active", "Active", "Suspended", "Usage Bucket", "Settings",
                       "Discounts"]
    assert [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())] == [
        "Mobile Line", "Mobile Data"]
    assert cell(rec.view, "Mobile Line", "Active").data() == "$15.00"
    assert cell(rec.view, "Mobile Data", "Usage Bucket").data() == "10 GB included"
    assert cell(rec.view, "Mobile Line", "Usage Bucket").data() is None


def test_amount_editor_keeps_what_is_typed_and_refuses_it_with_a_message(
        qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber Internet")
    rec = window.editor.frequency_panel.recurring_tab
    index = cell(rec.view, "Internet 100", "Active")
    editor = open_editor(rec.view, index)
    assert editor.minor_units() == 2 and editor.unit_label() == "USD"
    editor.selectAll()
    qtbot.keyClicks(editor, "-4a9.999")
    assert editor.text() == "-4a9.999"  # nothing dropped, nothing reordered
    press_return(qtbot, editor)
    assert editor.isVisible() and "negative" in rec.amount_note.text()
    assert index.data() == "$45.00"
    editor.selectAll()
    qtbot.keyClicks(editor, "49.99")
    assert rec.amount_note.text() == "Internet 100 while Active: = $49.99"
    press_return(qtbot, editor)
    assert index.data() == "$49.99"
    assert frequency_doc(window)["price_books"]["standard"]["USD"]["recurring"][0][
        "amounts"]["Active"] == "49.99"


def test_clearing_an_amount_removes_the_charge_for_that_status(
        qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber Internet")
    rec = window.editor.frequency_panel.recurring_tab
    editor = open_editor(rec.view, cell(rec.view, "Internet 100", "Suspended"))
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    press_return(qtbot, editor)
    amounts = frequency_doc(window)["price_books"]["standard"]["USD"]["recurring"][0]["amounts"]
    assert amounts == {"Pre-Active": "0.00", "Active": "45.00"}


def test_undo_and_redo_restore_amounts(qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber Internet")
    rec = window.editor.frequency_panel.recurring_tab
    index = cell(rec.view, "Internet 100", "Active")
    type_cell(qtbot, rec.view, index, "47.50")
    assert index.data() == "$47.50"
    assert window.editor.is_dirty()
    window.activateWindow()
    rec.view.setFocus()
    qtbot.keySequence(rec.view, QKeySequence.StandardKey.Undo)
    assert index.data() == "$45.00"
    assert not window.editor.is_dirty()
    qtbot.keySequence(rec.view, QKeySequence.StandardKey.Redo)
    assert index.data() == "$47.50"
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)


def test_other_price_book_shows_the_standard_price_as_hint(
        qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber Internet")
    fp = window.editor.frequency_panel
    rec = fp.recurring_tab
    qtbot.mouseClick(rec.bar.buttons["EUR"], Qt.MouseButton.LeftButton)
    choose(rec.bar.book_combo, "EU")
    # Internet 500 has no price in the Europe book: the standard EUR price shows as a hint
    index = cell(rec.view, "Internet 500", "Active")
    assert index.data() == ""
    assert index.data(HINT_ROLE) == "€60.00 standard"
    editor = open_editor(rec.view, index)
    assert editor.placeholderText() == "€60.00 standard"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    # a price of its own in the Europe book hides the hint
    assert cell(rec.view, "Internet 100", "Active").data(HINT_ROLE) is None
    # the Europe book has no transition charges: the standard book's show, marked as such
    fp.tabs.setCurrentWidget(fp.transition_tab)
    tab = fp.transition_tab
    assert tab.model.inherited
    assert tab.model.index(0, 3).data() == "€45.00 standard"
    assert not tab.remove_button.isEnabled()


def test_usage_bucket_settings_and_discount_icons_open_their_modals(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    select(window, "Mobile")
    rec = window.editor.frequency_panel.recurring_tab
    setting = {"bucket": "10 GB included", "unit": "MB", "tiers": [
        {"threshold": "10240", "flat_charge": "5.00"}]}
    calls = patch_ask(monkeypatch, "usage_bucket", "UsageBucketDialog",
                      lambda **k: {"usage_bucket": setting})
    click(qtbot, rec.view, cell(rec.view, "Mobile Data", "Usage Bucket"))
    assert calls[0]["service"] == "Mobile Data"
    assert [b["name"] for b in calls[0]["buckets"]] == ["10 GB included"]
    assert calls[0]["current"] == {"bucket": "10 GB included", "unit": None, "tiers": None}
    row = frequency_doc(window)["price_books"]["standard"]["USD"]["recurring"][1]
    assert row["usage_bucket"] == setting

    calls = patch_ask(monkeypatch, "settings", "ServiceSettingsDialog",
                      lambda **k: dict(k["settings"], gl_code="4999", tax_inclusive=True))
    click(qtbot, rec.view, cell(rec.view, "Mobile Line", "Settings"))
    assert calls[0]["one_time"] is False
    assert "Standard data" in calls[0]["rate_plans"]
    assert "telecom" in calls[0]["tax_categories"]
    row = frequency_doc(window)["price_books"]["standard"]["USD"]["recurring"][0]
    assert row["settings"] == {"gl_code": "4999", "tax_category": None, "rate_plan": None,
                               "tax_inclusive": True}
    assert cell(rec.view, "Mobile Line", "Settings").data() == "2 overrides"

    # a cancelled modal changes nothing
    patch_ask(monkeypatch, "discounts", "DiscountsDialog", lambda **k: None)
    before = copy.deepcopy(frequency_doc(window))
    click(qtbot, rec.view, cell(rec.view, "Mobile Line", "Discounts"))
    assert frequency_doc(window) == before


def test_tiers_button_per_status_when_tiered(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    select(window, "Home Phone")  # progressive tiering in the demo
    rec = window.editor.frequency_panel.recurring_tab
    index = cell(rec.view, "Phone Line", "Active")
    assert not (rec.model.flags(index) & Qt.ItemFlag.ItemIsEditable)
    calls = patch_ask(monkeypatch, "tiers", "TieredChargesDialog", lambda **k: {
        "Active": [{"end": 4, "amount": "30.00"}, {"end": None, "amount": "25.00"}]})
    click(qtbot, rec.view, index)
    assert calls[0]["statuses"] == ["Active"]
    assert index.data() == "2 tiers: $30.00 → $25.00"


# --- Transition


def test_transition_tab_add_edit_remove(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    select(window, "Business Lines")
    fp = window.editor.frequency_panel
    tab = fp.transition_tab
    fp.tabs.setCurrentWidget(tab)
    check_model(tab.model)
    count = tab.model.rowCount()
    charge = {"service": "Static IP", "transition": "activation",
              "charge_service": "Activation Fee", "amount": "15.00", "penalty": None}
    calls = patch_ask(monkeypatch, "transition", "AddTransitionDialog",
                      lambda **k: charge)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert calls[0]["current"] is None
    assert calls[0]["fee_services"] == ["Activation Fee", "Reactivation Fee"]
    assert "Activation Fee" not in calls[0]["services"]
    assert tab.model.rowCount() == count + 1
    row = tab.model.rowCount() - 1
    assert tab.model.index(row, 3).data() == "$15.00"
    tab.view.setCurrentIndex(tab.model.index(row, 0))
    patch_ask(monkeypatch, "transition", "AddTransitionDialog", lambda **k: dict(
        k["current"], penalty={"amount": "5.00", "threshold_days": 10}))
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    assert tab.model.index(row, 4).data() == "$5.00 after 10 days"
    assert frequency_doc(window)["price_books"]["standard"]["USD"]["transitions"][-1][
        "penalty"] == {"amount": "5.00", "threshold_days": 10}
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == count


# --- One Time


def test_one_time_tab_lists_only_one_time_services(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    select(window, "Fiber TV")
    fp = window.editor.frequency_panel
    tab = fp.one_time_tab
    fp.tabs.setCurrentWidget(tab)
    check_model(tab.model)
    services = [r["service"] for r in tab.model.rows]
    offered = [tab.service_combo.itemText(i) for i in range(tab.service_combo.count())]
    assert set(services) | set(offered) == {"Installation"}
    if services:
        tab.view.setCurrentIndex(tab.model.index(0, 0))
        qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 0
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.model.index(0, 0).data() == "Installation"
    type_cell(qtbot, tab.view, tab.model.index(0, 1), "120")
    calls = patch_ask(monkeypatch, "settings", "ServiceSettingsDialog",
                      lambda **k: dict(k["settings"], gl_code="4601"))
    settings_column = tab.model.columns.index("Settings")
    click(qtbot, tab.view, tab.model.index(0, settings_column))
    assert calls[0]["one_time"] is True
    charge = frequency_doc(window)["price_books"]["standard"]["USD"]["one_time"][0]
    assert charge == {"service": "Installation", "amount": "120", "tiers": None,
                      "settings": {"gl_code": "4601"}}


# --- Counting Rule and Custom Fields


def test_counting_rule_tab_shows_the_rule_read_only(window: MainWindow) -> None:
    select(window, "Business Lines")
    fp = window.editor.frequency_panel
    assert fp.tabs.isTabVisible(3)
    tab = fp.counting_rule_tab
    assert tab.rule_label.text() == "Business lines in service"
    assert tab.counts_label.text() == "Services on the account"
    assert tab.items_label.text() == "Business Line"
    assert tab.statuses_label.text() == "Active, Suspended"
    assert not tab.findChildren(QLineEdit)
    select(window, "Fiber Internet")
    assert not fp.tabs.isTabVisible(3)


def test_custom_fields_have_typed_inputs_and_required_marks(
        qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber Internet")
    tab = window.editor.frequency_panel.custom_fields_tab
    assert list(tab.inputs) == ["Marketing code", "Download speed (Mbps)", "Sales channel",
                                "Show on website", "Launch date"]  # not account_package ones
    assert tab.inputs["Download speed (Mbps)"].text() == "500"
    assert isinstance(tab.inputs["Show on website"], QCheckBox)
    assert tab.inputs["Show on website"].isChecked()
    required = {name for name, w in tab.inputs.items()
                if any(c.objectName() == "requiredMarker" for c in w.parentWidget().children())}
    assert required == {"Show on website"}
    number = tab.inputs["Download speed (Mbps)"]
    assert isinstance(number, QLineEdit)
    number.setFocus()
    number.selectAll()
    qtbot.keyClicks(number, "1e2x.5")
    assert number.text() == "12.5"
    tab.commit()
    assert frequency_doc(window)["custom_fields"]["Download speed (Mbps)"] == 12.5
    qtbot.mouseClick(tab.inputs["Show on website"], Qt.MouseButton.LeftButton,
                     pos=QPoint(8, tab.inputs["Show on website"].height() // 2))
    assert frequency_doc(window)["custom_fields"]["Show on website"] is False
