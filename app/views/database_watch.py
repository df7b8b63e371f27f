"""What the window says about its database being shared: banners and the change watch.

- :class:`DatabaseBanner`: a line above the tabs. It says that the database is read-only and
  why (another Catalog Editor window has it, or the file or its folder cannot be written), or
  that another program changed the catalog while this window had unsaved edits (with Reload).
- :class:`DatabaseWatch`: every :attr:`~DatabaseWatch.interval_ms` it asks the application layer
  whether another process (a ``catalog-editor`` command, another window) changed the catalog;
  when it did, it says so with the ``Changes`` the views refresh from. When nothing happened
  that costs two ``stat`` calls.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.catalog import jobs
from app.catalog.database import sharing
from app.catalog.database.store import Changes, Database


class DatabaseBanner(QFrame):
    """A one-line notice above the tabs, with an optional button.

    Signals:
        buttonClicked(): the button (Reload) was pressed.
    """

    buttonClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("databaseBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#databaseBanner { background: #fff4ce; border: 1px solid #e0c060; }")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.button = QPushButton(self)
        self.button.clicked.connect(lambda _checked=False: self.buttonClicked.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def say(self, text: str, button: str | None = None) -> None:
        self.label.setText(text)
        self.button.setVisible(button is not None)
        self.button.setText(button or "")
        self.show()


def read_only_text(db: Database) -> str:
    return (f"Read-only: {db.read_only_reason or 'the database cannot be written'}. You can "
            "look, simulate and export; changes cannot be saved here.")


CHANGED_TEXT = ("Another program changed this catalog while you had unsaved edits. Your edits "
                "are kept; Reload shows the catalog as it is now (and drops them).")


class DatabaseWatch(QObject):
    """Notices changes other processes make to the window's database.

    Signals:
        changedElsewhere(object): another process changed the catalog (``store.Changes``
            naming everything it may have changed).
    """

    changedElsewhere = Signal(object)

    interval_ms = 2000

    def __init__(self, database: Callable[[], Database], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self.timer = QTimer(self)
        self.timer.setInterval(self.interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> Changes | None:
        """Look now; emits :attr:`changedElsewhere` (and returns the changes) when it did."""
        try:
            changes = sharing.changed_elsewhere(self._database())
        except jobs.DatabaseFailure:  # busy or unreadable for a moment: look again next time
            return None
        if changes is not None:
            self.changedElsewhere.emit(changes)
        return changes

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        self.timer.start()
