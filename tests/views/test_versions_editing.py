"""Scheduling, editing and deleting a catalog version in the window (the Scheduled changes
tab and its "Schedule a price change" dialog), and what the Simulator then bills."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.catalog.database import sharing, store
from app.views.catalog.dialogs.price_change import PriceChangeDialog
from app.views.catalog.versions_view import ScheduledChangesView
from app.views.main_window import MainWindow
from tests.views.test_versions_window import cells, scenario

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


@pytest.fixture
def window(qtbot: Any, demo_db: Any) -> MainWindow:
    win = MainWindow(demo_db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.show()
    win.tabs.setCurrentWidget(win.versions_view)
    return win


def type_amount(qtbot: Any, edit: Any, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def choose(row: Any, *values: str) -> None:
    for combo, value in zip(row.combos, values, strict=False):
        index = combo.findText(value)
        assert index >= 0, f"{value} is not offered in {combo.accessibleName()}"
        combo.setCurrentIndex(index)


def run_modal(qtbot: Any, drive: Any, start: Any) -> Any:
    """Start the modal dialog ``start()`` and drive it with ``drive(dialog)`` while it is
    open (any failure rejects the dialog, then is raised here)."""
    failures: list[BaseException] = []

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PriceChangeDialog):
            QTimer.singleShot(20, step)
            return
        try:
            drive(dialog)
        except BaseException as exc:  # noqa: BLE001 - reported below, after the dialog closed
            failures.append(exc)
            dialog.reject()

    QTimer.singleShot(0, step)
    result = start()
    if failures:
        raise failures[0]
    return result


def test_schedule_edit_and_delete_a_price_change(qtbot: Any, window: MainWindow) -> None:
    view = window.versions_view
    # the demo's own 2027 change is a draft: delete it (after confirming) to schedule ours
    assert not view.edit_button.isEnabled()  # nothing selected
    view.select_row(0)
    assert not view.delete_button.isEnabled()
    assert "catalog's own prices" in view.delete_button.toolTip()
    view.select_row(1)
    assert view.edit_button.isEnabled() and view.delete_button.isEnabled()
    asked: list[str] = []
    assert not view.delete_change(confirm=lambda q: asked.append(q) or False)
    assert len(view.model.rows) == 2
    assert view.delete_change(confirm=lambda q: True)
    assert asked == ["Delete the scheduled catalog version 2027 prices (from 2027-01-01)? "
                     "Its 2 price change(s) will no longer apply."]
    assert [r[1] for r in cells(view.model)] == ["2026-01-01"]
    assert window.version_label.text().startswith("Editing catalog version 2026-01-01")
    assert "scheduled" not in window.version_label.text()

    def fill(dialog: PriceChangeDialog) -> None:
        dialog.date_edit.setDate(QDate(2027, 1, 1))
        qtbot.keyClicks(dialog.name_edit, "2027 prices")
        qtbot.mouseClick(dialog.move_radio, Qt.MouseButton.LeftButton)
        dialog.move_date.setDate(QDate(2027, 3, 1))
        row = dialog.rows[0]
        choose(row, "Fiber TV Bundle Monthly", "standard", "USD", "Internet 500", "Active")
        assert row.current.text() == "$55.00"
        assert row.amount.unit_label() == "USD"
        for wrong, said in (("-5", "-5 is negative: an amount cannot be below zero."),
                            ("12,50", "decimal separator is '.'")):
            type_amount(qtbot, row.amount, wrong)
            assert said in row.note.text() and row.note.is_problem()
            assert not dialog.ok_button.isEnabled()
            assert said in dialog.error.text()
        type_amount(qtbot, row.amount, "62.00")
        assert row.note.text() == "= $62.00" and not row.note.is_problem()
        assert dialog.ok_button.isEnabled() and dialog.error.isHidden()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert run_modal(qtbot, fill, view.schedule_change)
    assert cells(view.model)[1] == [
        "2027-01-01", "2027 prices", "draft", "existing subscriptions move on 2027-03-01",
        "Fiber TV Bundle Monthly / Internet 500 (standard, USD): Active 62.00"]
    assert view.selected() is not None and view.selected().name == "2027 prices"
    assert window.version_label.text().endswith(
        "scheduled: 2027 prices from 2027-01-01 (draft)")

    # the Simulator bills a scenario started in 2026 by the new price from March 2027
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: window.simulator_view is not None, timeout=20_000)
    sim: Any = window.simulator_view
    sim._load(None, scenario("2026-05-01"))
    sim.bill_panel.from_edit.setDate(QDate(2027, 1, 1))
    sim.bill_panel.periods_spin.setValue(3)
    qtbot.waitUntil(lambda: sim.outcome is not None and sim.outcome.ok
                    and sim.outcome.bill["periods"][0]["start"] == "2027-01-01")
    doc, problems = sim.before_after()
    assert problems == [] and doc is not None
    assert [(p["before"], p["after"], p["differs"]) for p in doc["periods"]] == [
        ("58.85", "58.85", False), ("58.85", "58.85", False), ("58.85", "66.34", True)]
    march = [ln for ln in sim.outcome.bill["periods"][2]["lines"]
             if ln["service_id"] == "net" and ln["kind"] == "recurring"]
    assert Decimal(march[0]["amount"]) == Decimal("62.00")
    assert march[0]["catalog_version"] == "2027 prices"

    # edit its policy: existing subscribers keep their price; March is billed as before
    window.tabs.setCurrentWidget(view)
    view.select_row(1)

    def grandfather(dialog: PriceChangeDialog) -> None:
        assert dialog.move_radio.isChecked()
        assert dialog.move_date.date() == QDate(2027, 3, 1)
        assert not dialog.date_edit.isEnabled() and dialog.name_edit.text() == "2027 prices"
        assert dialog.rows[0].amount.text() == "62.00"
        qtbot.mouseClick(dialog.keep_radio, Qt.MouseButton.LeftButton,
                         pos=QPoint(8, dialog.keep_radio.height() // 2))  # on its label
        assert not dialog.move_date.isEnabled()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert run_modal(qtbot, grandfather, view.edit_change)
    assert cells(view.model)[1][3] == "existing subscriptions keep their price (grandfathered)"
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: sim.before_after()[0] is not None and not any(
        p["differs"] for p in sim.before_after()[0]["periods"]))

    # delete it: the catalog has one version's prices again
    window.tabs.setCurrentWidget(view)
    view.select_row(1)
    assert view.delete_change(confirm=lambda q: True)
    assert len(view.model.rows) == 1
    assert store.catalog_versions(window.db)[1:] == []


def test_a_published_version_cannot_be_edited(qtbot: Any, window: MainWindow,
                                              tmp_path: Path) -> None:
    view = window.versions_view
    assert window.export_catalog(str(tmp_path / "catalog.json"))  # exporting publishes
    view.select_row(1)
    for button in (view.edit_button, view.delete_button):
        assert not button.isEnabled()
        assert "2027 prices is published (exported), so it is read-only" in button.toolTip()
    assert not view.edit_change(ask=lambda *a, **k: pytest.fail("asked"))
    assert "is published" in view.last_message.text()
    # a version published by another process meanwhile: the store refuses, the tab says why
    view.model.rows[1] = dataclasses.replace(view.model.rows[1], published=False)
    view.update_buttons()
    assert view.edit_button.isEnabled()
    original = view.model.rows[1]

    def ask(parent: Any, **kw: Any) -> Any:
        dialog = PriceChangeDialog(parent, **kw)
        qtbot.addWidget(dialog)
        dialog.keep_radio.setChecked(True)
        return dialog.values()

    assert not view.edit_change(ask=ask)
    assert view.last_message.text().startswith(
        "catalog version 2027-01-01 is published (exported ")
    assert "editing it is refused" in view.last_message.text()
    assert cells(view.model)[1][2] == "published (read-only)"  # read again
    assert original.policy == "move"
    assert store.catalog_versions(window.db)[1].policy == "move"


def test_the_dialog_refuses_a_date_not_after_the_last_version(qtbot: Any,
                                                              demo_db: Any) -> None:
    versions = store.catalog_versions(demo_db)
    view = ScheduledChangesView(demo_db)
    qtbot.addWidget(view)
    dialog = PriceChangeDialog(None, choices=view._choices(None),
                               after=versions[-1].effective_date)
    qtbot.addWidget(dialog)
    dialog.date_edit.setDate(QDate(2026, 6, 1))
    assert not dialog.ok_button.isEnabled()
    assert "must come after the last version (2027-01-01)" in dialog.error.text()
    dialog.date_edit.setDate(QDate(2028, 1, 1))
    row = dialog.rows[0]
    choose(row, "Fiber TV Bundle Monthly", "standard", "USD", "Internet 500", "Active")
    assert row.current.text() == "$60.00 (2027 prices)"  # the 2027 version's price is the current one
    qtbot.mouseClick(dialog.move_radio, Qt.MouseButton.LeftButton)
    dialog.move_date.setDate(QDate(2027, 12, 1))
    type_amount(qtbot, row.amount, "61")
    assert "cannot move before the effective date (2028-01-01)" in dialog.error.text()
    dialog.move_date.setDate(QDate(2028, 2, 1))
    assert dialog.ok_button.isEnabled()
    value = dialog.values()
    assert (value.effective_date, value.policy, value.existing_from) == (
        dt.date(2028, 1, 1), "move", dt.date(2028, 2, 1))
    assert value.prices == [{"frequency": "Fiber TV Bundle Monthly", "price_book": "standard",
                             "currency": "USD", "service": "Internet 500",
                             "amounts": {"Active": "61"}}]


def test_jpy_refuses_decimals(qtbot: Any, demo_db: Any) -> None:
    view = ScheduledChangesView(demo_db)
    qtbot.addWidget(view)
    choices = view._choices(None)
    for currency in choices.minor_units:  # as if every currency were like JPY (no decimals)
        choices.minor_units[currency] = 0
    dialog = PriceChangeDialog(None, choices=choices, after=dt.date(2027, 1, 1))
    qtbot.addWidget(dialog)
    row = dialog.rows[0]
    type_amount(qtbot, row.amount, "1500.5")
    assert "has decimals, but" in row.note.text() and not dialog.ok_button.isEnabled()


def test_a_read_only_window_cannot_schedule(qtbot: Any, tmp_path: Path,
                                            demo_catalog: Any) -> None:
    path = tmp_path / "catalog.sqlite"
    first = sharing.open_for_window(path)
    store.import_catalog(first, demo_catalog, source="demo")
    second = sharing.open_for_window(path)
    try:
        assert second.read_only
        view = ScheduledChangesView(second)
        qtbot.addWidget(view)
        view.select_row(1)
        for button in (view.schedule_button, view.edit_button, view.delete_button):
            assert not button.isEnabled()
            assert button.toolTip().startswith("Read-only: another window has this database")
        assert not view.schedule_change(ask=lambda *a, **k: pytest.fail("asked"))
    finally:
        for db in (second, first):
            sharing.release_owner(db)
            db.close()
