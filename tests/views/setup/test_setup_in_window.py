"""Setup keeps the Catalog's editing discipline inside the window: the dirty marker, Ctrl+S,
Discard, undo, and the unsaved-changes prompt when leaving it; what it saves is at once
usable in the package form's "+" list."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit, QMessageBox

from app.catalog.database import store
from app.views.main_window import MainWindow
from app.views.setup.view import SetupView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def forget_edits(win: MainWindow) -> None:
    """Close without the unsaved-changes prompt (a failed test may leave edits)."""
    win.editor._drop_draft()
    if isinstance(win.setup_view, SetupView):
        win.setup_view.discard()


@pytest.fixture
def window(qtbot: Any, demo_db: Any) -> MainWindow:
    win = MainWindow(demo_db)
    qtbot.addWidget(win, before_close_func=forget_edits)
    win.show()
    return win


def open_setup(window: MainWindow) -> SetupView:
    window.tabs.setCurrentIndex(1)
    view = window.setup_view
    assert isinstance(view, SetupView)
    return view


def add_service(qtbot: Any, view: SetupView, name: str) -> None:
    view.select_kind("services")
    view.add_object()
    row = view.model.rowCount() - 1
    editor = view.table.indexWidget(view.model.index(row, 0))
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, name)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.table.indexWidget(view.model.index(row, 0)) is None)


def answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *a: Any, **k: Any) -> Any:
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_setup_has_the_dirty_marker_ctrl_s_and_undo(
        qtbot: Any, window: MainWindow, demo_db: Any) -> None:
    view = open_setup(window)
    add_service(qtbot, view, "Reconnect Fee")
    assert window.windowTitle().endswith("*")
    assert window.tabs.tabText(1) == "Setup *" and view.title.text() == "Services *"
    window.activateWindow()
    view.table.setFocus()
    for _ in range(2):  # the name typed, then the line added
        qtbot.keySequence(view.table, QKeySequence.StandardKey.Undo)
    assert not view.is_dirty() and window.tabs.tabText(1) == "Setup"
    for _ in range(2):
        qtbot.keySequence(view.table, QKeySequence.StandardKey.Redo)
    assert view.is_dirty() and view.editor.draft.items("services")[-1]["name"] == \
        "Reconnect Fee"
    assert window.save_action.isEnabled()
    window.save_action.trigger()  # Ctrl+S saves Setup while Setup is shown
    assert "Reconnect Fee" in [s["name"] for s in store.reference_document(demo_db)["services"]]
    assert not window.windowTitle().endswith("*") and window.tabs.tabText(1) == "Setup"


def test_leaving_setup_asks_and_what_it_saved_is_in_the_plus_list(
        qtbot: Any, window: MainWindow, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = window.editor
    row = editor.panel.model.row_of_name("Mobile")
    editor.panel.select(row, None, quiet=False)
    view = open_setup(window)
    add_service(qtbot, view, "Roaming Pack")
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    window.tabs.setCurrentIndex(0)
    assert asked == ["Save the changes made in Setup?"]
    assert window.tabs.currentIndex() == 1 and view.is_dirty()  # Cancel: stay, nothing lost
    answer(monkeypatch, QMessageBox.StandardButton.Save)
    window.tabs.setCurrentIndex(0)
    assert window.tabs.currentIndex() == 0 and not view.is_dirty()
    assert "Roaming Pack" in editor.form.kinds  # the package's "+" offers it at once
    editor.form.add_service("Roaming Pack")
    assert editor.draft is not None and editor.draft.doc["services"][-1] == "Roaming Pack"
