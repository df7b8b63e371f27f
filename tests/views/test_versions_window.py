"""Catalog versions in the window: the Scheduled changes tab and the version being edited;
the Simulator's before/after view of the current scenario (the same application-layer job as
`simulate --compare-versions`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from app.catalog.database import store
from app.views.main_window import MainWindow
from app.views.simulator.view import SimulatorView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def scenario(start: str) -> dict[str, Any]:
    return {"format": "account", "version": 1,
            "account": {"name": f"From {start}", "country": "US", "currency": "USD",
                        "price_book": "standard", "bill_day": 1, "price_plan": None,
                        "promo_codes": []},
            "packages": [{"frequency": "Fiber TV Bundle Monthly", "start": start,
                          "cancelled": None, "services": [
                              {"id": "net", "service": "Internet 500", "quantity": 1,
                               "price": None,
                               "statuses": [{"status": "Active", "from": start}]}]}],
            "usage": []}


@pytest.fixture
def window(qtbot: Any, demo_db: Any) -> MainWindow:
    win = MainWindow(demo_db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.show()
    return win


def cells(model: Any) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_the_scheduled_changes_tab_lists_versions_and_what_is_edited(
        window: MainWindow, tmp_path: Path) -> None:
    window.tabs.setCurrentIndex(window.tabs.count() - 1)
    view = window.versions_view
    assert window.tabs.currentWidget() is view
    assert cells(view.model) == [
        ["2026-01-01", "2026-01-01", "draft", "the catalog's own prices", "—"],
        ["2027-01-01", "2027 prices", "draft", "existing subscriptions move on 2027-03-01",
         "Fiber TV Bundle Monthly / Internet 500 (standard, USD): Active 60.00\n"
         "Fiber Internet Monthly / Internet 500 (standard, USD): Active 69.00"]]
    assert window.version_label.text() == (
        "Editing catalog version 2026-01-01 (draft, from 2026-01-01); scheduled: 2027 prices "
        "from 2027-01-01 (draft)")
    assert window.export_catalog(str(tmp_path / "catalog.json"))  # exporting publishes
    assert [row[2] for row in cells(view.model)] == ["published (read-only)"] * 2
    assert "scheduled: 2027 prices from 2027-01-01 (published)" in window.version_label.text()
    with pytest.raises(store.PublishedVersionError, match="read-only"):
        store.edit_version(window.db, dt.date(2027, 1, 1), policy="grandfathered")


def simulator(qtbot: Any, db: Any, start: str) -> SimulatorView:
    view = SimulatorView(db)
    qtbot.addWidget(view)
    view._load(None, scenario(start))
    view.bill_panel.from_edit.setDate(QDate(2027, 1, 1))
    view.bill_panel.periods_spin.setValue(3)
    qtbot.waitUntil(lambda: view.outcome is not None and view.outcome.ok
                    and view.outcome.bill["periods"][0]["start"] == "2027-01-01")
    return view


def test_before_after_for_a_scenario_started_in_2026(qtbot: Any, demo_db: Any) -> None:
    view = simulator(qtbot, demo_db, "2026-05-01")
    qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    dialog = view.compare_dialog
    assert dialog is not None and dialog.isVisible()
    rows = cells(dialog.model)
    assert rows[0][:4] == ["2027-01-01..2027-02-01", "58.85", "58.85", "0.00"]
    assert rows[0][4] == ("Fiber TV Bundle Monthly: moves to catalog version 2027 prices on "
                          "2027-03-01")
    assert rows[2][:4] == ["* 2027-03-01..2027-04-01", "58.85", "64.20", "5.35"]
    assert rows[3][:4] == ["    Internet 500 (recurring)", "55.00", "60.00", "5.00"]
    assert "price for existing subscriptions from 2027-03-01" in rows[3][4]
    assert dialog.model.index(2, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert dialog.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "1 of 3 bill(s) differ" in dialog.summary.text()
    # the window's bill names the version of each line, as `simulate` does
    march = [ln for ln in view.outcome.bill["periods"][2]["lines"] if ln["service_id"] == "net"]
    assert march[0]["catalog_version"] == "2027 prices"


def test_before_after_for_a_scenario_started_in_february_2027(qtbot: Any,
                                                               demo_db: Any) -> None:
    view = simulator(qtbot, demo_db, "2027-02-01")
    doc, problems = view.before_after()
    assert problems == [] and doc is not None
    assert [(p["before"], p["after"], p["differs"]) for p in doc["periods"]] == [
        ("0.00", "0.00", False), ("48.15", "53.50", True), ("48.15", "53.50", True)]
    february = [ln for ln in view.outcome.bill["periods"][1]["lines"]
                if ln["service_id"] == "net" and ln["kind"] == "recurring"]
    assert february[0]["explanation"].endswith(
        "catalog version 2027 prices, price for new subscriptions from 2027-01-01")
