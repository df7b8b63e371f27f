"""A database failure the window did not expect at that spot is still a message, not a crash.

Qt calls :data:`sys.excepthook` for an exception raised in a slot. :func:`install` puts a hook
there that shows expected database failures (busy, read-only, full disk, damaged) in a message
box, as the File and Edit actions do themselves, and hands anything else to the previous hook.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from app.catalog.jobs import database_failure_message

_shown: list[QMessageBox] = []


def install(location: Any) -> None:
    """Show expected database failures of the database at ``location()`` in a message box."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        message = database_failure_message(exc, str(location()))
        if message is None or QApplication.instance() is None:
            previous(kind, exc, tb)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "Catalog Editor", message,
                          QMessageBox.StandardButton.Ok, QApplication.activeWindow())
        _shown.append(box)  # kept alive until closed (it may have no parent)
        box.finished.connect(lambda _result: _shown.remove(box))
        box.open()

    sys.excepthook = hook
