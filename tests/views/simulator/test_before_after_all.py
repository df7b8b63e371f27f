"""The Simulator's "Before/after for all scenarios…": one row per saved scenario of the demo
database, the one whose bills change under the scheduled version bold and highlighted, and a
double-click opening that scenario's own before/after."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.views.simulator.view import SimulatorView
from tests.catalog.test_versions_all import save_two

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def cells(model: Any) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_all_scenarios_table_marks_the_one_that_changes(qtbot: Any, demo_db: Any) -> None:
    save_two(demo_db)
    view = SimulatorView(demo_db)
    qtbot.addWidget(view)
    view.show()
    qtbot.mouseClick(view.compare_all_button, Qt.MouseButton.LeftButton)
    dialog = view.compare_all_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    rows = {row[0]: row for row in cells(dialog.model)}
    assert rows["* TV since May 2026"][1:] == ["12 from 2026-05-01", "2027-03-01", "642.00",
                                               "652.70", "10.70"]
    assert rows["Phone since May 2026"][1:] == ["12 from 2026-05-01", "no change", "256.80",
                                                "256.80", "0.00"]
    tv = next(i for i, r in enumerate(dialog.model.results) if r.name == "TV since May 2026")
    phone = 1 - tv
    assert dialog.model.index(tv, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert dialog.model.index(tv, 3).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert dialog.model.index(phone, 0).data(Qt.ItemDataRole.FontRole) is None
    assert dialog.model.index(phone, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert dialog.summary.text().startswith("1 of 2 saved scenario(s) change")
    assert not dialog.runner.progress.isVisible()
    # a double-click opens that scenario's own bills side by side
    cell = dialog.view.visualRect(dialog.model.index(tv, 0)).center()
    qtbot.mouseClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    single = dialog.single_dialog
    assert single is not None and single.isVisible()
    assert single.windowTitle() == "Before and after: TV since May 2026"
    march = [row for row in cells(single.model) if row[0] == "* 2027-03-01..2027-04-01"]
    assert march and march[0][1:4] == ["58.85", "64.20", "5.35"]
    assert "2 of 12 bill(s) differ" in single.summary.text()
