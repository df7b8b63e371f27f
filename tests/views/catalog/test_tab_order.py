"""Tab goes through each form in the order the form shows its fields (issue 14: "Tab jumps
from the form into the Packages panel"): the package form, the frequency panel and its tabs,
and the modals, each pressed through with the real Tab key."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.views.catalog.dialogs.discounts import DiscountsDialog
from app.views.catalog.dialogs.settings import ServiceSettingsDialog
from app.views.catalog.dialogs.tiers import TieredChargesDialog
from app.views.catalog.dialogs.transition import AddTransitionDialog
from app.views.catalog.dialogs.usage_bucket import UsageBucketDialog
from app.views.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def _name(owner: Any, widget: QWidget | None) -> str:
    """The attribute of ``owner`` (or of its tabs, header, bar) that holds ``widget``."""
    places = [("", owner)] + [(f"{k}.", v) for k, v in vars(owner).items()
                              if k in ("header", "bar", "recurring_tab", "buttons")]
    for prefix, place in places:
        for key, value in vars(place).items():
            if value is widget:
                return prefix + key
    if widget is not None and hasattr(widget, "text") and widget.text():
        return f"button '{widget.text().replace('&', '')}'"
    return type(widget).__name__


def tab_through(qtbot: Any, owner: Any, start: QWidget, count: int) -> list[str]:
    """Focus ``start``, press Tab ``count - 1`` times: the names of the widgets focused."""
    start.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start)
    seen = [_name(owner, start)]
    for _ in range(count - 1):
        widget = QApplication.focusWidget()
        assert widget is not None
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        seen.append(_name(owner, QApplication.focusWidget()))
    return seen


@pytest.fixture
def window(qtbot: Any, demo_db: Any) -> MainWindow:
    win = MainWindow(demo_db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.resize(1280, 800)
    with qtbot.waitActive(win):
        win.show()
    return win


def test_the_package_form_in_its_own_order(qtbot: Any, window: MainWindow) -> None:
    editor = window.editor
    editor.panel.select(editor.panel.model.row_of_name("Fiber Internet"), None, quiet=False)
    form = editor.form
    assert editor.pages.currentWidget() is form
    assert tab_through(qtbot, form, form.enabled_box, 10) == [
        "enabled_box", "name_edit", "company_combo", "rollup_box", "activation_combo",
        "add_service_button", "remove_service_button", "services_view",
        "name_edit", "company_combo"]  # Save and Discard are off: back to the top, not away
    form.name_edit.setFocus()
    qtbot.waitUntil(form.name_edit.hasFocus)
    qtbot.keyClicks(form.name_edit, " 2")  # an edit: Save and Discard, at the top, join in
    qtbot.keyClick(form.name_edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(form.header.save_button.isEnabled)
    assert tab_through(qtbot, form, form.header.save_button, 4) == [
        "header.save_button", "header.discard_button", "enabled_box", "name_edit"]


def test_the_frequency_panel_then_its_tab(qtbot: Any, window: MainWindow) -> None:
    editor = window.editor
    editor.panel.select(editor.panel.model.row_of_name("Fiber Internet"), 0, quiet=False)
    panel = editor.frequency_panel
    assert editor.pages.currentWidget() is panel
    assert tab_through(qtbot, panel, panel.name_edit, 8) == [
        "name_edit", "sku_edit", "active_box", "bill_combo", "contract_combo", "tiering_combo",
        "activation_edit", "QTabBar"]  # the form's two columns, then the tabs
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.recurring_tab.bar.book_combo


def _show(qtbot: Any, dialog: QWidget) -> None:
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()


def test_the_transition_modal(qtbot: Any) -> None:
    dialog = AddTransitionDialog(None, services=["Internet 100", "Activation Fee"],
                                 transitions=["activation"], fee_services=["Activation Fee"],
                                 current=None, minor_units=2)
    _show(qtbot, dialog)
    dialog.penalty_box.setChecked(True)
    assert tab_through(qtbot, dialog, dialog.service_combo, 11) == [
        "service_combo", "transition_combo", "charge_combo", "amount_edit", "penalty_box",
        "penalty_amount", "threshold_spin", "threshold_unit", "add_button", "button 'Cancel'",
        "service_combo"]  # was trapped in the penalty box: the buttons were out of reach


def test_the_discounts_modal(qtbot: Any) -> None:
    dialog = DiscountsDialog(
        None, service="Internet 100",
        discounts=[{"kind": "discount", "name": "Free month", "gl_code": None, "active": True,
                    "start": "2026-01-01", "end": None, "prorate": True, "status": "Active",
                    "type": "price", "amount": "0.00", "period_months": 1}],
        statuses=["Active"], promo_codes=["SPRING"], minor_units=2, currency="USD",
        promo_configs={"SPRING": {"type": "percent", "amount": "10", "period_months": 3}})
    _show(qtbot, dialog)
    dialog.list.setCurrentIndex(dialog.model.index(0, 0))
    seen = tab_through(qtbot, dialog, dialog.list, 20)
    # a date's day, month and year take a Tab each, as everywhere in Qt
    steps = [name for i, name in enumerate(seen) if i == 0 or name != seen[i - 1]]
    assert steps[:16] == [
        "list", "add_button", "remove_button", "kind_combo", "name_edit", "gl_edit",
        "active_check", "start_edit", "end_check", "prorate_check", "status_combo",
        "type_combo", "period_spin", "period_unit", "amount_edit", "save_button"]


def test_the_settings_modal(qtbot: Any) -> None:
    dialog = ServiceSettingsDialog(None, service="Internet 100",
                                   settings={"gl_code": None, "tax_category": None,
                                             "rate_plan": None, "tax_inclusive": None},
                                   rate_plans=["Standard data"], tax_categories=["telecom"],
                                   one_time=False)
    _show(qtbot, dialog)
    assert tab_through(qtbot, dialog, dialog.gl_edit, 7) == [
        "gl_edit", "tax_combo", "rate_plan_combo", "tax_inclusive_combo", "ok_button",
        "button 'Cancel'", "gl_edit"]


def test_the_tiers_modal(qtbot: Any) -> None:
    dialog = TieredChargesDialog(None, title="Internet 100 — Active", statuses=["Active"],
                                 tiers={}, minor_units=2, currency="USD")
    _show(qtbot, dialog)
    assert tab_through(qtbot, dialog, dialog.list, 6) == [
        "list", "end_edit", "MoneyEdit", "update_button", "button 'Cancel'", "list"]


def test_the_usage_bucket_modal(qtbot: Any) -> None:
    dialog = UsageBucketDialog(None, service="Data", buckets=[
        {"name": "100 GB", "service": "Data", "unit": "GB",
         "tiers": [{"threshold": "100", "flat_charge": "0"}]}], current=None, minor_units=2)
    _show(qtbot, dialog)
    assert tab_through(qtbot, dialog, dialog.bucket_combo, 4) == [
        "bucket_combo", "ok_button", "button 'Cancel'", "bucket_combo"]  # no bucket: no more
    dialog.bucket_combo.setCurrentIndex(1)
    seen = tab_through(qtbot, dialog, dialog.bucket_combo, 6)
    assert seen[:3] == ["bucket_combo", "unit_edit", "table"]  # nothing to reset yet
