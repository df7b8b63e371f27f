"""The seed guides end to end in the real window, with the demo catalog: build a package and
two frequencies as an administrator would (prices in two currencies and two price books,
progressive and bracket tiers, stacked and reordered discounts, a transition with a penalty, a
one-time charge, custom fields), save, reopen the database, and find exactly what a person
would have written by hand in the catalog JSON."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from model_testers import check_model
from PySide6.QtCore import QDate, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QComboBox, QInputDialog, QMessageBox, QTableView

from app.catalog.database import store
from app.models.database import open_database
from app.views.common.money import MoneyEdit
from app.views.main_window import MainWindow

# the offscreen platform's warnings about window features it lacks; nothing a user would see
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")

SETTINGS = {"gl_code": None, "tax_category": None, "rate_plan": None, "tax_inclusive": None}


def patch_ask(monkeypatch: pytest.MonkeyPatch, module: str, cls: str, answer: Any) -> list[dict]:
    """Replace a modal's ``ask`` with ``answer(**kwargs)``; returns the calls' arguments."""
    import importlib

    calls: list[dict] = []

    def ask(_cls: Any, _parent: Any, **kwargs: Any) -> Any:
        calls.append(copy.deepcopy(kwargs))
        return answer(**kwargs)

    target = getattr(importlib.import_module(f"app.views.catalog.dialogs.{module}"), cls)
    monkeypatch.setattr(target, "ask", classmethod(ask))
    return calls


def type_cell(qtbot: Any, view: QTableView, index: QModelIndex, text: str) -> None:
    """Open the cell's editor, type ``text`` and press Return, as a user would."""
    view.setCurrentIndex(index)
    view.edit(index)
    editors = [e for e in view.findChildren(MoneyEdit) if e.isVisible()]
    assert editors, "no amount editor opened"
    editor = editors[-1]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(1)


def cell(view: QTableView, service: str, column: str) -> QModelIndex:
    model = view.model()
    rows = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return model.index(rows.index(service), columns.index(column))


def click(qtbot: Any, view: QTableView, index: QModelIndex) -> None:
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def choose(combo: QComboBox, data: Any) -> None:
    """Pick an entry of a combo box as the user does (``activated`` is the user's signal)."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def tick(qtbot: Any, box: Any) -> None:
    """Click a check box on its indicator."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def window_on(qtbot: Any, db: Any) -> MainWindow:
    window = MainWindow(db)
    # closing at the end of the test must not ask about unsaved changes
    qtbot.addWidget(window, before_close_func=lambda w: w.editor._drop_draft())
    window.resize(1280, 800)
    window.show()
    return window


def expected_package() -> dict[str, Any]:
    """The package as a catalog administrator would write it by hand in the exchange format."""
    discount_a = {"kind": "discount", "name": "Free first 3 months", "gl_code": "4990",
                  "active": True, "start": "2026-01-01", "end": None, "prorate": True,
                  "status": "Active", "type": "price", "amount": "0.00", "period_months": 3}
    discount_b = {"kind": "discount", "name": "Then 20% off", "gl_code": None,
                  "active": True, "start": "2026-01-01", "end": None, "prorate": False,
                  "status": "Active", "type": "percent", "amount": "20", "period_months": 3}
    monthly = {
        "name": "Fiber Max Monthly", "sku": "FMX-M", "active": True,
        "bill_frequency": "monthly", "contract": "12-month agreement", "rate_plan": None,
        "tiering": "progressive", "counting_rule": None, "currencies": ["USD", "EUR"],
        "custom_fields": {"Marketing code": "MAX26", "Download speed (Mbps)": 1000,
                          "Sales channel": "Retail", "Show on website": True,
                          "Launch date": "2026-03-01"},
        "price_books": {
            "standard": {
                "USD": {
                    "recurring": [{
                        # tiered: the tiers bill Active, no flat amount stays beside them
                        "service": "Internet 500", "amounts": {},
                        "tiers": {"Active": [{"end": 2, "amount": "80.00"},
                                             {"end": None, "amount": "70.00"}]},
                        "settings": SETTINGS, "usage_bucket": None,
                        "discounts": [discount_a, discount_b]}],
                    "transitions": [{
                        "service": "Internet 500", "transition": "reactivation",
                        "charge_service": "Reactivation Fee", "amount": "25.00",
                        "penalty": {"amount": "10.00", "threshold_months": 1}}],
                    "one_time": [{"service": "Installation", "amount": None,
                                  "tiers": [{"end": 1, "amount": "99.00"},
                                            {"end": None, "amount": "49.00"}],
                                  "settings": {}}],
                },
                "EUR": {
                    "recurring": [{
                        "service": "Internet 500", "amounts": {"Active": "75.00"},
                        "tiers": {}, "settings": SETTINGS, "usage_bucket": None,
                        "discounts": []}],
                    "transitions": [], "one_time": [],
                },
            },
            "EU": {
                "EUR": {
                    "recurring": [{
                        "service": "Internet 500", "amounts": {"Active": "69.90"},
                        "tiers": {}, "settings": SETTINGS, "usage_bucket": None,
                        "discounts": []}],
                    "transitions": [], "one_time": [],
                },
            },
        },
    }
    annual = {
        "name": "Fiber Max Annual", "sku": None, "active": False,
        "bill_frequency": "annual", "contract": None, "rate_plan": None,
        "tiering": "bracket", "counting_rule": "Active fiber packages", "currencies": ["USD"],
        "custom_fields": {"Show on website": False},
        "price_books": {"standard": {"USD": {
            "recurring": [{
                "service": "Internet 500", "amounts": {},
                "tiers": {"Pre-Active": [{"end": None, "amount": "0.00"}],
                          "Active": [{"end": 9, "amount": "800.00"},
                                     {"end": None, "amount": "720.00"}]},
                "settings": SETTINGS, "usage_bucket": None, "discounts": []}],
            "transitions": [], "one_time": []}}},
    }
    return {"name": "Fiber Max", "enabled": True, "company": "Northwind Fiber",
            "rollup_services": True, "billing_activation_service": None,
            "services": ["Internet 500", "Installation", "Reactivation Fee"],
            "frequencies": [monthly, annual]}


def test_seed_guides_end_to_end_export_as_written_by_hand(
        qtbot: Any, demo_db: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_on(qtbot, demo_db)
    editor = window.editor
    panel = editor.panel
    before = store.export_catalog(demo_db)

    # seed 000: Create Package: Enabled, Name, Company, Rollup Services, Services with + and -
    panel.add_package_action.trigger()
    form = editor.form
    check_model(form.services_model)  # through the services added, renamed and removed below
    assert editor.pages.currentWidget() is form
    assert not form.header.save_button.isEnabled()  # the name is required
    qtbot.keyClicks(form.name_edit, "Fiber Max")
    assert form.header.save_button.isEnabled()
    choose(form.company_combo, "Northwind Fiber")
    tick(qtbot, form.rollup_box)
    qtbot.mouseClick(form.add_service_button, Qt.MouseButton.LeftButton)
    first = form.services_model.index(0, 0)
    assert form.services_model.setData(first, "Internet 500")
    for service in ("Installation", "Activation Fee", "Reactivation Fee"):
        form.add_service(service)
    form.services_view.setCurrentIndex(form.services_model.index(2, 0))  # Activation Fee
    qtbot.mouseClick(form.remove_service_button, Qt.MouseButton.LeftButton)
    assert form.services_model.services() == ["Internet 500", "Installation", "Reactivation Fee"]
    window.save_action.trigger()
    assert not editor.is_dirty()
    assert "Fiber Max" in [p.name for p in store.package_summaries(demo_db)]

    # seed 004: a new package frequency, its fields
    panel.add_frequency_action.trigger()
    fp = editor.frequency_panel
    assert editor.pages.currentWidget() is fp
    assert fp.name_edit.text() == "Fiber Max Monthly"
    assert not fp.active_box.isEnabled()  # no currency enabled yet
    fp.sku_edit.setFocus()
    qtbot.keyClicks(fp.sku_edit, "FMX-M")
    fp.commit()
    choose(fp.contract_combo, "12-month agreement")

    # Recurring tab: enable two currencies, price them, then the Europe price book
    rec = fp.recurring_tab
    tick(qtbot, rec.bar.boxes["USD"])
    tick(qtbot, rec.bar.boxes["EUR"])
    assert fp.active_box.isEnabled()
    tick(qtbot, fp.active_box)
    assert fp.selection.currency == "USD"
    type_cell(qtbot, rec.view, cell(rec.view, "Internet 500", "Active"), "80.00")
    qtbot.mouseClick(rec.bar.buttons["EUR"], Qt.MouseButton.LeftButton)
    assert fp.selection.currency == "EUR"
    type_cell(qtbot, rec.view, cell(rec.view, "Internet 500", "Active"), "75.00")
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda *a, **k: ("Europe (EU)", True))
    choose(rec.bar.book_combo, "__add__")
    assert fp.selection.book == "EU"
    active = cell(rec.view, "Internet 500", "Active")
    assert active.data(Qt.ItemDataRole.UserRole + 10) == "€75.00 standard"
    type_cell(qtbot, rec.view, active, "69.90")
    choose(rec.bar.book_combo, "standard")
    qtbot.mouseClick(rec.bar.buttons["USD"], Qt.MouseButton.LeftButton)

    # stacked discounts, then reordered with the modal's up/down
    discount_a = expected_package()["frequencies"][0]["price_books"]["standard"]["USD"][
        "recurring"][0]["discounts"][0]
    discount_b = expected_package()["frequencies"][0]["price_books"]["standard"]["USD"][
        "recurring"][0]["discounts"][1]
    patch_ask(monkeypatch, "discounts", "DiscountsDialog",
              lambda **k: [discount_b, discount_a])
    click(qtbot, rec.view, cell(rec.view, "Internet 500", "Discounts"))
    calls = patch_ask(monkeypatch, "discounts", "DiscountsDialog",
                      lambda **k: list(reversed(k["discounts"])))
    click(qtbot, rec.view, cell(rec.view, "Internet 500", "Discounts"))
    assert [d["name"] for d in calls[0]["discounts"]] == ["Then 20% off", "Free first 3 months"]
    assert calls[0]["statuses"] == ["Pre-Active", "Active", "Suspended"]
    assert cell(rec.view, "Internet 500", "Discounts").data() == "2 discounts"

    # progressive tiers on the Active status (the tiers button of that cell)
    choose(fp.tiering_combo, "progressive")
    assert fp.tabs.isTabVisible(3) is False  # Counting Rule tab: bracket only
    tiers = [{"end": 2, "amount": "80.00"}, {"end": None, "amount": "70.00"}]
    calls = patch_ask(monkeypatch, "tiers", "TieredChargesDialog",
                      lambda **k: {"Active": tiers})
    click(qtbot, rec.view, cell(rec.view, "Internet 500", "Active"))
    assert calls[0]["statuses"] == ["Active"] and calls[0]["minor_units"] == 2

    # Transition tab: Add Transition with a penalty
    tr = fp.transition_tab
    fp.tabs.setCurrentWidget(tr)
    charge = {"service": "Internet 500", "transition": "reactivation",
              "charge_service": "Reactivation Fee", "amount": "25.00",
              "penalty": {"amount": "10.00", "threshold_months": 1, "threshold_days": None}}
    calls = patch_ask(monkeypatch, "transition", "AddTransitionDialog",
                      lambda **k: charge)
    qtbot.mouseClick(tr.add_button, Qt.MouseButton.LeftButton)
    assert "Reactivation Fee" in calls[0]["fee_services"]
    assert "Internet 500" not in calls[0]["fee_services"]
    assert tr.model.rowCount() == 1

    # One Time tab: pick the service, +Add, amount, tiers
    ot = fp.one_time_tab
    fp.tabs.setCurrentWidget(ot)
    assert [ot.service_combo.itemData(i) for i in range(ot.service_combo.count())] == [
        "Installation"]
    qtbot.mouseClick(ot.add_button, Qt.MouseButton.LeftButton)
    type_cell(qtbot, ot.view, ot.model.index(0, 1), "99.00")
    calls = patch_ask(monkeypatch, "tiers", "TieredChargesDialog",
                      lambda **k: {"Amount": [{"end": 1, "amount": "99.00"},
                                              {"end": None, "amount": "49.00"}]})
    click(qtbot, ot.view, ot.model.index(0, 2))
    assert calls[0]["statuses"] == ["Amount"]

    # Custom Fields tab: typed inputs
    cf = fp.custom_fields_tab
    fp.tabs.setCurrentWidget(cf)
    qtbot.keyClicks(cf.inputs["Marketing code"], "MAX26")
    qtbot.keyClicks(cf.inputs["Download speed (Mbps)"], "1000")
    cf.commit()
    choose(cf.inputs["Sales channel"], "Retail")
    tick(qtbot, cf.inputs["Show on website"])
    cf.inputs["Launch date"].setDate(QDate(2026, 3, 1))
    window.save_action.trigger()
    assert not editor.is_dirty(), fp.header.errors.text()

    # a second frequency: annual, bracket tiers across statuses with a typed counting rule
    panel.add_frequency_action.trigger()
    fp.name_edit.selectAll()
    qtbot.keyClicks(fp.name_edit, "Fiber Max Annual")
    fp.commit()
    choose(fp.bill_combo, "annual")
    tick(qtbot, rec.bar.boxes["USD"])
    choose(fp.tiering_combo, "bracket")
    assert fp.tabs.isTabVisible(3)
    assert not fp.header.save_button.isEnabled()  # bracket needs a counting rule
    qtbot.keyClicks(fp.rule_edit, "Active fiber packages")
    fp.commit()
    assert fp.counting_rule_tab.items_label.text() == "Fiber Internet, Fiber TV Bundle"
    calls = patch_ask(monkeypatch, "tiers", "TieredChargesDialog", lambda **k: {
        "Pre-Active": [{"end": None, "amount": "0.00"}], "Active": [
            {"end": 9, "amount": "800.00"}, {"end": None, "amount": "720.00"}],
        "Suspended": []})
    click(qtbot, rec.view, cell(rec.view, "Internet 500", "All statuses"))
    assert calls[0]["statuses"] == ["Pre-Active", "Active", "Suspended"]
    window.save_action.trigger()
    assert not editor.is_dirty(), fp.header.errors.text()

    exported = store.export_catalog(demo_db)
    assert exported["packages"][-1] == expected_package()
    assert exported["packages"][:-1] == before["packages"]
    assert {k: v for k, v in exported.items() if k != "packages"} == {
        k: v for k, v in before.items() if k != "packages"}

    # reopen the database in a new window: everything is as it was
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.close()
    demo_db.close()
    reopened = open_database(db_path)
    try:
        assert store.export_catalog(reopened) == exported
        again = window_on(qtbot, reopened)
        row = again.editor.panel.model.row_of_name("Fiber Max")
        assert row is not None
        again.editor.panel.select(row, 0, quiet=False)
        fp2 = again.editor.frequency_panel
        assert fp2.name_edit.text() == "Fiber Max Monthly"
        assert fp2.sku_edit.text() == "FMX-M"
        assert fp2.tiering_combo.currentData() == "progressive"
        view = fp2.recurring_tab.view
        assert cell(view, "Internet 500", "Active").data() == "2 tiers: $80.00 → $70.00"
        assert cell(view, "Internet 500", "Discounts").data() == "2 discounts"
        assert fp2.custom_fields_tab.inputs["Marketing code"].text() == "MAX26"
    finally:
        reopened.close()
