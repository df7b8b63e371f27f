"""The keyboard habits of a desktop editor, with real key presses: Ctrl+F to the filter,
Ctrl+N / Insert to add, Del to delete and F2 to rename in the tree; in a price grid Del clears
the cell, F2 edits it and Enter moves down."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from app.views.common.money import MoneyEdit
from app.views.main_window import MainWindow
from tests.views.catalog.test_tabs import cell, frequency_doc, select

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def focus(qtbot: Any, window: MainWindow, widget: Any) -> None:
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_tree_keys(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = window.editor
    panel = editor.panel
    select(window, "Mobile", None)
    focus(qtbot, window, panel.view)
    qtbot.keySequence(panel.view, QKeySequence.StandardKey.Find)
    assert panel.filter_edit.hasFocus()
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Down)  # back to the tree
    assert panel.view.hasFocus()
    before = len(editor.draft.doc["frequencies"])
    qtbot.keyClick(panel.view, Qt.Key.Key_Insert)  # a frequency for the selected package
    assert len(editor.draft.doc["frequencies"]) == before + 1
    assert editor.frequency_row == before
    focus(qtbot, window, panel.view)
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    assert editor.frequency_panel.name_edit.hasFocus()
    assert editor.frequency_panel.name_edit.selectedText() == "Mobile Monthly 2"
    focus(qtbot, window, panel.view)
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)  # the new, unsaved frequency: undoable
    assert len(editor.draft.doc["frequencies"]) == before
    editor.discard()
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a, **k: asked.append(text)
                        or QMessageBox.StandardButton.No)
    select(window, "Mobile", 0)
    focus(qtbot, window, panel.view)
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)  # a saved one: asks first
    assert asked == ["Delete the package frequency 'Mobile Monthly'?"]
    qtbot.keySequence(panel.view, QKeySequence.StandardKey.New)
    assert editor.draft is not None and editor.draft.is_new
    assert QApplication.focusWidget() is editor.form.name_edit


def test_grid_keys(qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber Internet")
    rec = window.editor.frequency_panel.recurring_tab
    view = rec.view
    view.setCurrentIndex(cell(view, "Internet 100", "Suspended"))
    focus(qtbot, window, view)
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # Del clears the price
    amounts = frequency_doc(window)["price_books"]["standard"]["USD"]["recurring"][0]["amounts"]
    assert "Suspended" not in amounts
    view.setCurrentIndex(cell(view, "Internet 100", "Active"))
    qtbot.keyClick(view, Qt.Key.Key_Return)  # Enter moves down
    assert view.currentIndex() == cell(view, "Internet 500", "Active")
    qtbot.keyClick(view, Qt.Key.Key_F2)  # F2 edits
    editors = [e for e in view.findChildren(MoneyEdit) if e.isVisible()]
    assert len(editors) == 1
    editors[0].selectAll()
    qtbot.keyClicks(editors[0], "60.00")
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)  # commits, then moves down
    qtbot.waitUntil(lambda: not editors[0].isVisible())
    assert cell(view, "Internet 500", "Active").data() == "$60.00"
    assert view.currentIndex() == cell(view, "Modem Rental", "Active")
