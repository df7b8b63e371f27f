"""The main window: the Catalog tab (:class:`~app.views.catalog.editor.CatalogEditor`), the
Setup tab and the Simulator tab (then Changes and Checks), the File, Edit and Help menus.

The editing model is described in :mod:`app.views.catalog.editor`. After every save, import or
delete the window emits ``catalogChanged`` with the ``store.Changes`` and every view refreshes
from it.

Why this module is over 600 lines: it holds the window's own jobs that touch every tab at once
(open, import with its preview, JSON and Kill Bill export, the tabs built lazily, the one
``catalogChanged`` broadcast) and they share the window's state (the database, the transfer in
progress, the unsaved-edits prompt). The next split is the File menu's import/export actions
into their own module; the sharing of the database already lives in
:mod:`app.views.database_watch`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.catalog import jobs
from app.catalog.changes import EXPORTED
from app.catalog.database import sharing, store
from app.catalog.database.store import Database, DatabaseError
from app.catalog.document import contract
from app.catalog.document.diff import diff_catalogs
from app.catalog.document.paths import parse_path
from app.catalog.errors import ImportFailure
from app.catalog.jobs import file_failure_message
from app.package_data import demo_catalog
from app.views import file_dialogs
from app.views.catalog.dialogs.import_preview import ImportPreviewDialog
from app.views.catalog.editor import CatalogEditor
from app.views.common import settings
from app.views.common.backups_dialog import announce_backup, show_backups
from app.views.database_watch import SharedUse

TITLE = "Catalog Editor"
CHANGES_TAB, CHECKS_TAB = 3, 4


def database_failure(exc: Exception, db: Database) -> str:
    """An expected database failure as one sentence; anything else is re-raised."""
    from app.catalog.jobs import database_failure_message

    message = database_failure_message(exc, str(db.location))
    if message is None:
        raise exc
    return message


KILLBILL_FILTER = "Kill Bill catalog XML (*.xml)"


class LoadingPage(QWidget):
    """A tab's place while it is built in the background: what is being done, a busy bar and
    Cancel."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(text, self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.cancel_button = QPushButton("Cancel", self)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class MainWindow(QMainWindow):
    """The Catalog Editor window over one open database.

    Signals:
        catalogChanged(object): after every save, import or delete (``store.Changes``); the
            views refresh from it; also when another process changed the database
            (:class:`~app.views.database_watch.SharedUse`).

    A read-only database (another window has it, or it cannot be written) shows a banner
    saying so above the tabs, and the editing actions are disabled.
    """

    catalogChanged = Signal(object)

    #: Whether the window has the Changes and Checks tabs (after Simulator).
    review_tabs = True
    #: From this many packages on, the Simulator's snapshot is built, and the catalog exported,
    #: off the GUI thread.
    background_from_packages = 1000
    #: Catalog files this large are read, checked and imported off the GUI thread.
    background_from_bytes = 5 * 2**20

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self._source: object | None = None
        self.editor = CatalogEditor(db, self)
        self.setup_view: QWidget | None = None
        self.simulator_view: QWidget | None = None
        self._simulator_task: Any = None  # building the Simulator's snapshot
        self._missed_changes = False
        self._simulate_next: str | None = None  # asked for while the Simulator was built
        self.changes_view: QWidget | None = None
        self.lint_view: QWidget | None = None
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.editor, "Catalog")
        self.tabs.addTab(QWidget(), "Setup")
        self.tabs.addTab(QWidget(), "Simulator")
        if self.review_tabs:
            self.tabs.addTab(QWidget(), "Changes")
            self.tabs.addTab(QWidget(), "Checks")
        from app.views.catalog.versions_view import ScheduledChangesView, editing_text

        self.versions_view = ScheduledChangesView(db, self)
        self.tabs.addTab(self.versions_view, "Scheduled changes")  # last: other tabs keep places
        self.version_label = QLabel(editing_text(self.versions_view.model.rows))
        self.statusBar().addPermanentWidget(self.version_label)
        self.shared = SharedUse(self)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.shared.read_only_banner)
        column.addWidget(self.shared.changed_banner)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.undo_group = QUndoGroup(self)
        self.undo_group.addStack(self.editor.stack)
        self.undo_group.setActiveStack(self.editor.stack)
        self._build_menus()
        self._shown_tab = 0
        self.tabs.currentChanged.connect(self._tab_changed)
        self.editor.catalogChanged.connect(lambda changes: self._broadcast(changes, self.editor))
        self.versions_view.catalogChanged.connect(
            lambda changes: self._broadcast(changes, self.versions_view))
        self.editor.dirtyChanged.connect(lambda _d: self._update_title())
        self.editor.stackChanged.connect(self._editor_stack_changed)
        self.editor.simulateRequested.connect(self.simulate_frequency)
        self.editor.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.catalogChanged.connect(self._deliver)
        self.resize(1200, 780)
        geometry = settings.get(settings.WINDOW_GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        splitter = settings.get(settings.CATALOG_SPLITTER)
        if not splitter.isEmpty():
            self.editor.restoreState(splitter)
        settings.remember_database(str(db.location))
        self.shared.show_access()
        self._update_title()

    # --- building

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = self._add(file_menu, "&Open database…", self.choose_database,
                                     QKeySequence.StandardKey.Open)
        self.import_action = self._add(file_menu, "&Import catalog…", self.choose_import)
        self.export_action = self._add(file_menu, "&Export catalog…", self.choose_export)
        self.backups_action = self._add(file_menu, "&Backups…", lambda: show_backups(self))
        file_menu.addSeparator()
        self.quit_action = self._add(file_menu, "&Quit", self.close,
                                     QKeySequence.StandardKey.Quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.save_action = self._add(edit_menu, "&Save", self.save_current,
                                     QKeySequence.StandardKey.Save)
        self.discard_action = self._add(edit_menu, "&Discard changes", self.discard_current)
        self.reload_action = self._add(edit_menu, "Re&load the catalog",
                                       lambda: self.shared.reload_catalog(),
                                       QKeySequence.StandardKey.Refresh)
        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = self._add(help_menu, "&About Catalog Editor", self.about)

    def _add(self, menu: Any, text: str, slot: Any,
             shortcut: QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _make_setup(self) -> None:
        try:
            from app.views.setup.view import SetupView
        except ImportError:
            return
        view = SetupView(self.db, self)
        view.changed.connect(lambda changes: self._broadcast(changes, view))
        view.dirtyChanged.connect(lambda _d: self._update_title())
        self.setup_view = view
        self._replace_tab(1, view, "Setup")

    def _make_simulator(self) -> None:
        """The Simulator tab; its engine snapshot is built off the GUI thread, a progress
        page with Cancel showing meanwhile (Cancel goes back to the Catalog tab)."""
        if self._simulator_task is not None:
            return
        from app.views.common.background import BackgroundTask
        from app.views.simulator.compute import Simulation

        db = self.db
        if self.editor.panel.model.package_count() < self.background_from_packages:
            self._simulator_ready(None, Simulation(store.snapshot_document(db)))
            return

        def build(task: BackgroundTask) -> Simulation:
            task.report(0, 0, "Reading the catalog for the Simulator…")
            doc = store.snapshot_document(db)
            task.report(0, 0, "Building the billing engine's snapshot…")
            return Simulation(doc)

        page = LoadingPage("Reading the catalog for the Simulator…", self)
        task = BackgroundTask(build)
        task.progress.connect(lambda _d, _t, what: page.label.setText(what))
        task.finished.connect(lambda simulation, t=task: self._simulator_ready(t, simulation))
        task.failed.connect(lambda message, t=task: self._simulator_failed(t, message))
        page.cancel_button.clicked.connect(self._cancel_simulator)
        self._simulator_task = task
        self._replace_tab(2, page, "Simulator")
        task.start()

    def is_loading(self) -> bool:
        """True while a tab is being built in the background."""
        return self._simulator_task is not None

    def _cancel_simulator(self) -> None:
        task, self._simulator_task = self._simulator_task, None
        if task is not None:
            task.cancel()
        self.tabs.setCurrentIndex(0)
        self._replace_tab(2, QWidget(), "Simulator")

    def _simulator_failed(self, task: Any, message: str) -> None:
        if task is not self._simulator_task:
            return
        self._simulator_task = None
        self.tabs.setCurrentIndex(0)
        self._replace_tab(2, QWidget(), "Simulator")
        self._report("The Simulator cannot open", message)

    def _simulator_ready(self, task: Any, simulation: Any) -> None:
        if task is not self._simulator_task:
            return  # cancelled, or another database opened meanwhile
        self._simulator_task = None
        frequency, self._simulate_next = self._simulate_next, None
        from app.views.simulator.view import SimulatorView

        view = SimulatorView(self.db, self, simulation=simulation)
        # edits saved while the snapshot was being built
        if self._missed_changes:
            view.on_catalog_changed(None)
        self._missed_changes = False
        if hasattr(view, "statusMessage"):
            view.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 8000))
        view.changed.connect(lambda changes: self._broadcast(changes, view))
        self.simulator_view = view
        self._replace_tab(2, view, "Simulator")
        if frequency is not None:
            view.simulate_frequency(frequency)

    def _make_changes(self) -> None:
        from app.views.review.changes import ChangesView

        self.changes_view = ChangesView(self.db, self)
        self._replace_tab(CHANGES_TAB, self.changes_view, "Changes")

    def _make_lint(self) -> None:
        from app.views.review.checks import LintView

        self.lint_view = LintView(self.db, self)
        self.lint_view.openRequested.connect(self.open_problem)
        self._replace_tab(CHECKS_TAB, self.lint_view, "Checks")

    def _replace_tab(self, index: int, widget: QWidget, title: str) -> None:
        old = self.tabs.widget(index)
        stack = getattr(old, "stack", None)
        if isinstance(stack, QUndoStack):
            self.undo_group.removeStack(stack)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        if old is not None:
            old.deleteLater()
        stack = getattr(widget, "stack", None)
        if isinstance(stack, QUndoStack):
            self.undo_group.addStack(stack)
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        # Setup and Simulator are built when first shown: the window opens faster on a large
        # catalog (the Simulator reads the whole catalog)
        if index == 1 and self.setup_view is None:
            self._make_setup()
            return
        if index == 2 and self.simulator_view is None:
            self._make_simulator()
            return
        if self.review_tabs and index == CHANGES_TAB and self.changes_view is None:
            self._make_changes()
            return
        if self.review_tabs and index == CHECKS_TAB and self.lint_view is None:
            self._make_lint()
            return
        left = self._shown_tab
        if left == 1 and index != 1 and not self._leave_setup():
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(1)  # Cancel: stay in Setup
            self.tabs.blockSignals(False)
            return
        self._shown_tab = index
        stack = getattr(self.tabs.widget(index), "stack", None)
        self.undo_group.setActiveStack(
            stack if isinstance(stack, QUndoStack) else None)  # type: ignore[arg-type]
        editing = index in (0, 1)
        self.save_action.setEnabled(editing and not self.db.read_only)
        self.discard_action.setEnabled(editing)

    def _leave_setup(self) -> bool:
        """Leaving Setup with unsaved edits: Save, Discard or Cancel (as leaving a package).
        Saved, what was added there is at once in the catalog's lists (a service in "+")."""
        view: Any = self.setup_view
        if view is None or not view.is_dirty():
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", "Save the changes made in Setup?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return bool(view.save())
        if answer == QMessageBox.StandardButton.Discard:
            view.discard()
            return True
        return False

    def save_current(self) -> bool:
        """Save (Ctrl+S) in the Catalog or the Setup tab, whichever is shown."""
        if self.tabs.currentIndex() == 1 and self.setup_view is not None:
            return bool(self.setup_view.save())  # type: ignore[attr-defined]
        return self.editor.save()

    def discard_current(self) -> None:
        if self.tabs.currentIndex() == 1 and self.setup_view is not None:
            self.setup_view.discard()  # type: ignore[attr-defined]
        else:
            self.editor.discard()

    def _editor_stack_changed(self, stack: QUndoStack) -> None:
        """The catalog editor now undoes on ``stack`` (another package's history)."""
        if stack not in self.undo_group.stacks():
            self.undo_group.addStack(stack)
        if self.tabs.currentWidget() is self.editor:
            self.undo_group.setActiveStack(stack)

    def _update_title(self) -> None:
        setup: Any = self.setup_view
        setup_dirty = setup is not None and setup.is_dirty()
        marker = " *" if self.editor.is_dirty() or setup_dirty else ""
        access = " (read-only)" if self.db.read_only else ""
        self.setWindowTitle(f"{TITLE} — {self.db.location}{access}{marker}")
        if self.tabs.count() > 1:
            self.tabs.setTabText(0, "Catalog *" if self.editor.is_dirty() else "Catalog")
            self.tabs.setTabText(1, "Setup *" if setup_dirty else "Setup")

    # --- catalog changes

    def _broadcast(self, changes: store.Changes, source: object | None = None) -> None:
        self._source = source
        try:
            self.catalogChanged.emit(changes)
        finally:
            self._source = None

    def _deliver(self, changes: store.Changes) -> None:
        if self._simulator_task is not None:
            self._missed_changes = True
        self.versions_view.refresh()  # an export publishes versions too
        self.version_label.setText(self.versions_view.editing.text())
        for view in (self.editor, self.setup_view, self.simulator_view, self.changes_view,
                     self.lint_view):
            if view is None or view is self._source:
                continue
            slot = getattr(view, "on_catalog_changed", None)
            if slot is not None:
                slot(changes)

    def open_problem(self, path: str) -> bool:
        """Show the field a Checks entry names: a package's in the Catalog tab, a reference
        object's in Setup."""
        parts = parse_path(path)
        if parts[:1] == ("packages",):
            self.tabs.setCurrentIndex(0)
            return self.editor.open_path(parts)
        if parts and parts[0] in store.REFERENCE_KINDS:
            self.tabs.setCurrentIndex(1)
            view: Any = self.setup_view
            if view is None:
                return False
            view.select_kind(parts[0])
            if len(parts) > 1 and isinstance(parts[1], int):
                view.select_row(parts[1])
            return True
        return False

    def simulate_frequency(self, name: str) -> None:
        """Switch to the Simulator and start a scenario with package frequency ``name``."""
        self.tabs.setCurrentIndex(2)
        if self._simulator_task is not None:
            self._simulate_next = name
        if self.simulator_view is not None and hasattr(self.simulator_view,
                                                       "simulate_frequency"):
            self.simulator_view.simulate_frequency(name)

    # --- File menu

    def choose_database(self) -> None:
        path, _filter = file_dialogs.get_open_file_name(
            self, "Open database", str(Path(str(self.db.location)).parent),
            "Catalog databases (*.sqlite *.sqlite3 *.db);;All files (*)")
        if path:
            self.open_database(path)

    def has_unsaved_edits(self) -> bool:
        setup: Any = self.setup_view
        return self.editor.is_dirty() or (setup is not None and setup.is_dirty())

    def drop_unsaved_edits(self) -> None:
        self.editor.discard()
        view: Any = self.setup_view
        if view is not None and view.is_dirty():
            view.discard()

    def broadcast(self, changes: store.Changes, source: object | None = None) -> None:
        """Hand ``changes`` to every view but ``source``."""
        self._broadcast(changes, source)

    def confirm_leave(self) -> bool:
        """Unsaved changes in the catalog editor or in Setup: Save, Discard or Cancel."""
        if not self.editor.confirm_leave():
            return False
        return self._leave_setup()

    def open_database(self, path: str) -> bool:
        """Open another catalog database (after the unsaved-changes prompt)."""
        if not self.confirm_leave():
            return False
        try:
            db = sharing.open_for_window(path, current=self.db)
        except DatabaseError as exc:
            self._report("Cannot open the database", str(exc))
            return False
        old, self.db = self.db, db
        if self._simulator_task is not None:
            self._simulator_task.cancel()
            self._simulator_task = None
        self.editor.set_database(db)
        self.versions_view.db = db
        self.versions_view.refresh()
        self.version_label.setText(self.versions_view.editing.text())
        for index, attribute in ((CHECKS_TAB, "lint_view"), (CHANGES_TAB, "changes_view"),
                                 (2, "simulator_view"), (1, "setup_view")):
            view = getattr(self, attribute)
            if view is not None:
                setattr(self, attribute, None)
                self._replace_tab(index, QWidget(), self.tabs.tabText(index))
        self._tab_changed(self.tabs.currentIndex())
        old.close()
        settings.remember_database(str(db.location))
        self.shared.database_replaced()
        self._update_title()
        self.statusBar().showMessage(f"Opened {db.location}", 8000)
        announce_backup(self)
        return True

    def choose_import(self) -> None:
        path, _filter = file_dialogs.get_open_file_name(
            self, "Import catalog", settings.get(settings.LAST_FOLDER),
            f"Catalog JSON (*.json);;{KILLBILL_FILTER};;All files (*)")
        if path:
            self.import_catalog(path, preview=True)

    def import_catalog(self, path: str, *, preview: bool = True) -> bool:
        """Replace the catalog with a JSON (or Kill Bill XML) file: all or nothing; the problems
        are listed when nothing was imported. With ``preview`` and a catalog that has packages,
        the changes the import would make are shown first (Apply or Cancel; Cancel changes
        nothing). A large JSON file (``background_from_bytes``) goes through
        :class:`CatalogTransfer` off the GUI thread: True then means started; ``transfer``
        reports the outcome."""
        if not self.confirm_leave():
            return False
        settings.put(settings.LAST_FOLDER, str(Path(path).parent))
        try:
            large = (not path.lower().endswith(".xml")
                     and Path(path).stat().st_size >= self.background_from_bytes)
        except OSError:
            large = False
        if large:  # read, checked, previewed and imported off the GUI thread
            self._transfer().start_import(path, self._ask_preview if preview else None)
            return True
        try:
            doc: object
            names: dict[str, str] | None = None
            if path.lower().endswith(".xml"):  # Kill Bill catalog XML, read strictly
                from app.catalog.killbill.importer import killbill_import

                data = Path(path).read_bytes()
                doc, _notes, names = killbill_import(data)
            else:
                doc = jobs.read_document(path, source=Path(path).name)
            checked = store.check_catalog(doc)  # once: the preview and the import share it
            if preview and not self._preview_import(Path(path).name, checked):
                return False
            changes = store.import_catalog(self.db, checked, source=Path(path).name)
            if names is not None:
                from app.catalog.database.publishing import record_killbill_import

                record_killbill_import(self.db, data, names)
        except OSError as exc:
            self._report("Nothing imported", file_failure_message(exc, path))
            return False
        except ImportFailure as exc:
            details = "\n".join(str(p) for p in exc.problems) or exc.message
            self._report("Nothing imported", exc.message, details)
            return False
        except jobs.DatabaseFailure as exc:
            self._report("Nothing imported", database_failure(exc, self.db))
            return False
        self.statusBar().showMessage(f"Imported {Path(path).name}", 8000)
        self._broadcast(changes)
        return True

    def _transfer(self) -> Any:
        from app.views.catalog.transfer import CatalogTransfer

        transfer = CatalogTransfer(self.db, self)
        transfer.imported.connect(self._imported_in_background)
        transfer.exported.connect(self._exported)
        transfer.failed.connect(lambda title, text, details: self._report(
            title, text, details or None))
        self.transfer = transfer
        return transfer

    def _ask_preview(self, source: str, changes: list[Any]) -> bool:
        return ImportPreviewDialog.ask(self, source=source, changes=changes)

    def _imported_in_background(self, changes: store.Changes) -> None:
        self.statusBar().showMessage("Imported the catalog", 8000)
        self._broadcast(changes)

    def _exported(self, path: str) -> None:
        self._broadcast(EXPORTED)
        settings.put(settings.LAST_FOLDER, str(Path(path).parent))
        self.statusBar().showMessage(f"Exported the catalog to {path}", 8000)

    def _preview_import(self, source: str, checked: store.CheckedCatalog) -> bool:
        """Ask before replacing a catalog that has packages; True to go on with the import.
        A document with errors is not previewed: the import refuses it and lists them."""
        doc = checked.document
        if not isinstance(doc, dict) or any(p.severity == "error" for p in checked.problems):
            return True
        current = store.export_catalog(self.db)
        if not current.get("packages"):
            return True
        incoming = doc
        if checked.extensions:  # compare like with like: the export has its extension keys
            incoming = orjson.loads(orjson.dumps(doc))
            contract.restore_extensions(incoming, checked.extensions)
        return ImportPreviewDialog.ask(self, source=source,
                                       changes=diff_catalogs(current, incoming))

    def choose_export(self) -> None:
        folder = settings.get(settings.LAST_FOLDER) or str(Path.home())
        path, chosen = file_dialogs.get_save_file_name(
            self, "Export catalog", str(Path(folder) / "catalog.json"),
            f"Catalog JSON (*.json);;{KILLBILL_FILTER}")
        if path and (chosen == KILLBILL_FILTER or path.lower().endswith(".xml")):
            self.export_killbill(path)
        elif path:
            self.export_catalog(path)

    def export_killbill(self, path: str, *, ask: Any = None) -> bool:
        """Write the saved catalog as Kill Bill XML after showing the publication report
        (``ask`` stands in for the dialog in tests: it gets the dialog's keyword arguments)."""
        from app.catalog.database.publishing import (
            prepare_killbill_export,
            record_publication,
            remembered_catalog_name,
        )
        from app.catalog.killbill.check import check_publication
        from app.views.catalog.dialogs.killbill_export import KillBillExportDialog

        if not self.editor.confirm_leave():
            return False
        name = remembered_catalog_name(self.db)
        doc, done = prepare_killbill_export(self.db, catalog_name=name)
        check = check_publication(doc, done)
        chosen = (ask or (lambda **kw: KillBillExportDialog.ask(self, **kw)))(
            catalog_name=name, report=check.lines(), blocking=not check.ok)
        if chosen is None:
            return False
        name, effective = chosen
        doc, done = prepare_killbill_export(self.db, catalog_name=name, effective_date=effective)
        try:
            jobs.write_file_atomically(path, done.data)
        except OSError as exc:
            self._report("Not exported", file_failure_message(exc, path)
                         + "; an existing file is unchanged")
            return False
        if not self.db.read_only:
            record_publication(self.db, path, doc, done, name)
        settings.put(settings.LAST_FOLDER, str(Path(path).parent))
        self.statusBar().showMessage(f"Exported the catalog to Kill Bill XML {path}", 8000)
        return True

    def export_catalog(self, path: str) -> bool:
        """Write the saved catalog as JSON (after offering to save pending changes)."""
        if not self.editor.confirm_leave():
            return False
        if self.editor.panel.model.package_count() >= self.background_from_packages:
            self._transfer().start_export(path)  # read and written off the GUI thread
            return True
        try:
            changes, _export = jobs.write_export(self.db, path, "json")
        except OSError as exc:
            self._report("Not exported", file_failure_message(exc, path)
                         + "; an existing file is unchanged")
            return False
        self._broadcast(changes)
        settings.put(settings.LAST_FOLDER, str(Path(path).parent))
        self.statusBar().showMessage(f"Exported the catalog to {path}", 8000)
        return True

    def _report(self, title: str, text: str, details: str | None = None) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_report = box
        return box

    def about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "About Catalog Editor",
                          f"Catalog Editor {__version__}\n\nAn offline editor for the product "
                          "catalog of a subscription billing system, with a billing "
                          "simulator.", QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def offer_demo(self, force: bool = False) -> None:
        """On an empty database, offer to load the demo catalog (or load it when forced)."""
        if self.editor.panel.model.package_count():
            return
        if not force:
            answer = QMessageBox.question(
                self, TITLE, "This catalog is empty. Load the demo catalog to explore the editor?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        changes = store.import_catalog(self.db, demo_catalog(), source="demo catalog")
        self._broadcast(changes)

    # --- closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_leave():
            event.ignore()
            return
        settings.put(settings.WINDOW_GEOMETRY, self.saveGeometry())
        settings.put(settings.CATALOG_SPLITTER, self.editor.saveState())
        self.shared.closing()  # another window may edit the database now
        event.accept()
