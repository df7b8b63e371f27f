"""The Checks tab: validation problems and lint warnings of the saved catalog, worked out off
the GUI thread."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from app.catalog.database import store
from app.views.review.checks import LintView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def make_view(qtbot: Any, db: Any) -> LintView:
    view = LintView(db)
    qtbot.addWidget(view)
    QAbstractItemModelTester(view.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    QAbstractItemModelTester(view.proxy, QAbstractItemModelTester.FailureReportingMode.Fatal)
    return view


def settled(qtbot: Any, view: LintView) -> None:
    qtbot.waitUntil(lambda: not view.is_running(), timeout=20_000)


def deactivate_all_frequencies(db: Any, name: str) -> store.Changes:
    doc = store.package_document(db, name)
    for freq in doc["frequencies"]:
        freq["active"] = False
    return store.save_package(db, doc, original_name=name)


def test_a_clean_catalog_has_no_problems(qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    settled(qtbot, view)
    assert view.model.rowCount() == 0
    assert view.summary.text() == "No problems found in the saved catalog."
    assert not view.progress.isVisibleTo(view) and not view.cancel_button.isVisibleTo(view)


def test_shows_the_warning_of_an_enabled_package_that_cannot_be_sold(
        qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    view.show()
    settled(qtbot, view)
    changes = deactivate_all_frequencies(demo_db, "Mobile")
    view.on_catalog_changed(changes)
    assert view.is_running() and view.cancel_button.isVisible()
    with qtbot.waitSignal(view.checked, timeout=20_000):
        pass
    rows = view.model.rows()
    assert len(rows) == 1
    severity, path, message, frequency = rows[0]
    assert severity == "warning"
    assert path.startswith("packages[") and path.endswith("].enabled")
    assert frequency == "Mobile"  # the package: the path points at no frequency
    assert "'Mobile' is enabled but has no active frequency" in message
    assert view.summary.text() == "0 errors, 1 warning in the saved catalog."
    assert view.model.data(view.model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == message


def test_refreshes_when_shown_after_a_change_and_on_the_button(
        qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    settled(qtbot, view)
    view.on_catalog_changed(deactivate_all_frequencies(demo_db, "Mobile"))
    assert view.model.rowCount() == 0  # hidden: read when shown
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and not view.is_running())
    deactivate_all_frequencies(demo_db, "Home Phone")
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 and not view.is_running())


def test_filters_by_severity_and_frequency_as_typed(qtbot: Any, demo_db: Any) -> None:
    doc = store.package_document(demo_db, "Mobile")
    doc["enabled"] = False  # its active frequencies cannot be sold: a warning on each
    store.save_package(demo_db, doc, original_name="Mobile")
    deactivate_all_frequencies(demo_db, "Home Phone")
    view = make_view(qtbot, demo_db)
    view.show()
    settled(qtbot, view)
    everything = view.proxy.rowCount()
    assert everything >= 2
    name = doc["frequencies"][0]["name"]
    qtbot.keyClicks(view.filter_edit, name.lower())
    shown = [view.proxy.index(r, 3).data() for r in range(view.proxy.rowCount())]
    assert shown and all(s == name for s in shown)
    view.filter_edit.clear()
    assert view.proxy.rowCount() == everything
    view.severity_combo.setCurrentIndex(view.severity_combo.findData("error"))
    assert view.proxy.rowCount() == 0  # warnings only in this catalog
    view.severity_combo.setCurrentIndex(view.severity_combo.findData("warning"))
    assert view.proxy.rowCount() == everything


def test_cancel_stops_the_checks_and_input_stays_responsive(qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    view.show()
    settled(qtbot, view)
    view.refresh()
    assert view.is_running()
    qtbot.keyClicks(view.filter_edit, "Mobile")  # typing while the checks run
    assert view.filter_edit.text() == "Mobile"
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert not view.is_running() and "cancelled" in view.summary.text()
    assert not view.cancel_button.isVisible()
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    settled(qtbot, view)
    assert view.summary.text() == "No problems found in the saved catalog."
