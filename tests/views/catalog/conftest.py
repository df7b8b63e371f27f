"""Fixtures of the catalog editor's window tests."""

from __future__ import annotations

from typing import Any

import pytest

from app.views.main_window import MainWindow


@pytest.fixture
def window(qtbot: Any, demo_db: Any) -> MainWindow:
    win = MainWindow(demo_db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.resize(1280, 800)
    win.show()
    return win
