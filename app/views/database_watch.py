"""What the window says and does about its database being shared with other processes.

- :class:`SharedUse` (one per main window): the banners above the tabs, the read-only state of
  the editing actions, and what happens when another process changed the catalog: every view
  refreshes through ``catalogChanged``; over unsaved edits the user is asked first (Keep my
  edits leaves them in the form with a banner; the editor catches up once they are saved or
  discarded). Edit > Reload reads everything again.
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
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

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


class SharedUse(QObject):
    """The main window's side of sharing its database (see the module docstring)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.read_only_banner = DatabaseBanner(window)
        self.changed_banner = DatabaseBanner(window)
        self.changed_banner.buttonClicked.connect(self.reload_catalog)
        self.editor_behind = False  # another process's change the editor does not show yet
        self.keep_edits_box: QMessageBox | None = None
        self.watch = DatabaseWatch(lambda: self.window.db, self)
        self.watch.changedElsewhere.connect(self.changed_elsewhere)
        window.editor.dirtyChanged.connect(self._editor_dirty)

    def show_access(self) -> None:
        """The read-only banner and the editing actions, for the database now open."""
        window = self.window
        read_only = window.db.read_only
        if read_only:
            self.read_only_banner.say(read_only_text(window.db))
        else:
            self.read_only_banner.hide()
        window.import_action.setEnabled(not read_only)
        window.save_action.setEnabled(not read_only and window.tabs.currentIndex() in (0, 1))
        versions = getattr(window, "versions_view", None)
        if versions is not None:
            versions.update_buttons()  # scheduling a price change writes too

    def database_replaced(self) -> None:
        self.editor_behind = False
        self.changed_banner.hide()
        self.show_access()

    def closing(self) -> None:
        self.watch.pause()
        sharing.release_owner(self.window.db)

    def changed_elsewhere(self, changes: Changes) -> None:
        """Another process changed the catalog: show it, asking first over unsaved edits."""
        window = self.window
        if window.has_unsaved_edits():
            self.watch.pause()  # no second question while this one is open
            try:
                keep = self.ask_keep_edits()
            finally:
                self.watch.resume()
            if keep:
                self.editor_behind = True
                self.changed_banner.say(CHANGED_TEXT, "Reload")
                window.broadcast(changes, window.editor)  # Setup keeps its edits, with a note
                return
            window.drop_unsaved_edits()
        window.broadcast(changes)
        self.editor_behind = False
        self.changed_banner.hide()
        window.statusBar().showMessage("Another program changed the catalog: the window shows "
                                       "it as it is now.", 8000)

    def ask_keep_edits(self) -> bool:
        """Keep the unsaved edits after another program changed the catalog? True: keep."""
        box = QMessageBox(QMessageBox.Icon.Question, "The catalog changed",
                          "Another program changed this catalog while you have unsaved edits.",
                          QMessageBox.StandardButton.NoButton, self.window)
        box.setInformativeText("Reload shows the catalog as it is now and drops your edits. "
                               "Keep my edits leaves them in the form.")
        keep = box.addButton("Keep my edits", QMessageBox.ButtonRole.RejectRole)
        box.addButton("Reload", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        self.keep_edits_box = box
        try:
            box.exec()
            return box.clickedButton() is keep
        finally:
            self.keep_edits_box = None
            box.deleteLater()

    def reload_catalog(self) -> None:
        """Edit > Reload (and the banner's Reload): read the catalog again, dropping unsaved
        edits after asking."""
        window = self.window
        if window.has_unsaved_edits() and QMessageBox.question(
                window, "Reload the catalog", "Drop your unsaved edits and read the catalog "
                "again?") != QMessageBox.StandardButton.Yes:
            return
        window.drop_unsaved_edits()
        sharing.forget_document(window.db)
        window.broadcast(sharing.CHANGED_ELSEWHERE)
        self.editor_behind = False
        self.changed_banner.hide()

    def _editor_dirty(self, dirty: bool) -> None:
        """The editor's edits were saved or discarded: now it shows what changed meanwhile."""
        if dirty or not self.editor_behind:
            return
        self.editor_behind = False
        self.changed_banner.hide()
        self.window.editor.on_catalog_changed(sharing.CHANGED_ELSEWHERE)
