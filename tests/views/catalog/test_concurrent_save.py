"""Two administrators on one catalog, in the window: a package saved by another process since
the window opened it is not overwritten by the window's Save; the window says who changed it
and when, and keeps the user's edits (unsaved, undo intact). On SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.catalog.database import store
from app.views.main_window import MainWindow
from tests.catalog.database.test_concurrency import save_elsewhere
from tests.views.catalog.test_tabs import cell, frequency_doc, open_editor, press_return, select

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")

PACKAGE = "Fiber Internet"


def _typed_amount(window: MainWindow) -> str:
    amounts: dict[str, str] = frequency_doc(window)["price_books"]["standard"]["USD"][
        "recurring"][0]["amounts"]
    return amounts["Active"]


def _stored_amounts(db: Any) -> dict[str, str]:
    package = store.package_document(db, PACKAGE)
    amounts: dict[str, str] = package["frequencies"][0]["price_books"]["standard"]["USD"][
        "recurring"][0]["amounts"]
    return amounts


def test_save_after_another_process_saved_is_refused_and_keeps_the_draft(
        qtbot: Any, backend_db: Any, backend_target: str, demo_catalog: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store.import_catalog(backend_db, demo_catalog, source="demo")
    window = MainWindow(backend_db)
    qtbot.addWidget(window, before_close_func=lambda w: w.editor._drop_draft())
    window.resize(1280, 800)
    window.show()
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, title, text, *a, **k: warnings.append((title, text)))

    before = dict(_stored_amounts(backend_db))
    select(window, PACKAGE)
    rec = window.editor.frequency_panel.recurring_tab
    editor = open_editor(rec.view, cell(rec.view, "Internet 100", "Active"))
    editor.selectAll()
    qtbot.keyClicks(editor, "61.00")
    press_return(qtbot, editor)
    assert _typed_amount(window) == "61.00" and not window.editor.stack.isClean()

    # meanwhile another administrator saves the same package (its first price) from another
    # process
    save_elsewhere(backend_target, PACKAGE, "44.00", user="alice")
    theirs = dict(before, **{next(iter(before)): "44.00"})

    save_button = window.editor.frequency_panel.header.save_button
    assert save_button.isEnabled()
    qtbot.mouseClick(save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warnings))
    title, text = warnings[0]
    assert "changed by someone else" in title
    assert text.startswith(f"Package '{PACKAGE}' was changed by alice@")
    assert " UTC since you opened it (version 2, yours 1). Your edits are kept" in text
    # nothing overwritten: theirs is stored, mine is still in the form, unsaved, undoable
    assert _stored_amounts(backend_db) == theirs
    assert _typed_amount(window) == "61.00"
    assert not window.editor.stack.isClean() and window.editor.stack.canUndo()
    assert save_button.isEnabled()
    window.editor.stack.undo()
    assert _typed_amount(window) != "61.00"
