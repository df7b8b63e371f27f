"""The window fits a 1024-px-wide screen, on every tab, the Simulator included (issue 14: it
could not be narrower than 1,286 px once the Simulator had been opened)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from app.views.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")

NARROW = 1024


def _inside(widget: QWidget, window: QWidget) -> bool:
    """Whether ``widget`` is shown whole within the window's width."""
    left = widget.mapTo(window, QPoint(0, 0)).x()
    return widget.isVisible() and left >= 0 and left + widget.width() <= window.width()


def test_every_tab_fits_a_1024_px_window(qtbot: Any, demo_db: Any) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window, before_close_func=lambda w: w.editor._drop_draft())
    window.resize(1400, 800)
    window.show()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        if index == 2:
            qtbot.waitUntil(lambda: window.simulator_view is not None, timeout=20_000)
        assert window.minimumSizeHint().width() <= NARROW, window.tabs.tabText(index)
    window.tabs.setCurrentIndex(2)
    view: Any = window.simulator_view
    qtbot.mouseClick(view.list_panel.demo_button, Qt.MouseButton.LeftButton)
    view.scenario.set(("account", "name"), "A support agent's very long scenario name " * 3)
    view.bill_panel.periods_note.setText("Periods: 2000 refused: a bill covers 1 to 1200 "
                                         "periods (the same limit as catalog-editor simulate).")
    view.bill_panel.periods_note.show()
    assert window.minimumSizeHint().width() <= NARROW

    window.resize(NARROW, 700)
    qtbot.waitUntil(lambda: window.width() == NARROW)
    panel = view.bill_panel
    for widget in (panel.pdf_button, panel.csv_button, panel.printed_button,
                   panel.period_combo, view.save_button, panel.lines_view):
        assert _inside(widget, window), widget
