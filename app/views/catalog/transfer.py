"""Importing and exporting a large catalog without freezing the window.

:class:`CatalogTransfer` runs each long step on Qt's thread pool (a
:class:`~app.views.common.background.BackgroundTask`) behind a progress dialog with Cancel,
and comes back to the GUI thread between steps (the import preview is asked there). An import
is still all or nothing: Cancel is honoured up to the moment the one write transaction
starts; an export is cancelled before its file is written. Once the import's write has
started, Cancel is gone: it ends by itself, complete or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.catalog import jobs
from app.catalog.database import store
from app.catalog.database.store import Database
from app.catalog.document.diff import diff_catalogs
from app.catalog.errors import ImportFailure
from app.views.common.background import BackgroundTask


class CatalogTransfer(QObject):
    """One import or export in the background.

    Signals:
        imported(object): the import is done (``store.Changes``).
        exported(str): the catalog was written to this path.
        failed(str, str, str): nothing was imported or exported: title, message, details.
        cancelled(): the user cancelled; nothing changed.
    """

    imported = Signal(object)
    exported = Signal(str)
    failed = Signal(str, str, str)
    cancelled = Signal()

    def __init__(self, db: Database, parent: QWidget) -> None:
        super().__init__(parent)
        self.db = db
        self.window = parent
        self.task: BackgroundTask | None = None
        self._cancellable = True
        self.dialog = QProgressDialog("", "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle("Catalog Editor")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(self.cancel)
        self.dialog.hide()

    def is_running(self) -> bool:
        return self.task is not None

    def cancel(self) -> None:
        if not self._cancellable:
            if self.task is not None:
                self.dialog.show()  # the write transaction has started: it ends by itself
            return
        task, self.task = self.task, None
        self.dialog.hide()
        if task is not None:
            task.cancel()
            self.cancelled.emit()

    def _run(self, text: str, work: Callable[[BackgroundTask], Any],
             then: Callable[[Any], None], title: str, *, cancellable: bool = True) -> None:
        task = BackgroundTask(work)
        self.task = task
        self._cancellable = cancellable
        if cancellable:
            self.dialog.setCancelButtonText("Cancel")
        else:
            self.dialog.setCancelButton(None)
        self.dialog.setLabelText(text)
        self.dialog.setRange(0, 0)
        self.dialog.show()
        task.progress.connect(lambda _d, _t, what: self.dialog.setLabelText(what))
        task.finished.connect(lambda result, t=task: self._step_done(t, result, then))
        task.failed.connect(lambda message, t=task: self._step_failed(t, title, message))
        task.start()

    def _step_done(self, task: BackgroundTask, result: Any,
                   then: Callable[[Any], None]) -> None:
        if task is not self.task:
            return
        self.task = None
        self.dialog.hide()
        then(result)

    def _step_failed(self, task: BackgroundTask, title: str, message: str) -> None:
        if task is not self.task:
            return
        self.task = None
        self.dialog.hide()
        self.failed.emit(title, message, "")

    # --- import

    def start_import(self, path: str, preview: Callable[[str, list[Any]], bool] | None) -> None:
        """Read and check ``path``, ask ``preview(source, changes)`` (when given and the
        catalog has packages), then import it."""
        source = Path(path).name
        db = self.db

        def read(task: BackgroundTask) -> Any:
            task.report(0, 0, f"Reading {source}…")
            try:
                doc = jobs.read_document(path, source=source)
            except ImportFailure as exc:
                return exc
            task.report(0, 0, f"Checking {source}…")
            checked = store.check_catalog(doc)  # once: the preview and the import share it
            if preview is None or not isinstance(checked.document, dict):
                return checked, None
            if any(p.severity == "error" for p in checked.problems):
                return checked, None  # the import refuses it and lists the problems
            task.report(0, 0, "Comparing with the catalog…")
            current = store.export_catalog(db)  # with its x- keys, as the document has them
            if not current.get("packages"):
                return checked, None
            incoming = checked.document
            if checked.extensions:  # compare like with like
                import orjson

                from app.catalog.document import contract

                incoming = orjson.loads(orjson.dumps(incoming))
                contract.restore_extensions(incoming, checked.extensions)
            return checked, diff_catalogs(current, incoming)

        def checked(result: Any) -> None:
            if isinstance(result, ImportFailure):
                self._refused(result)
                return
            doc, changes = result
            if changes is not None and preview is not None and not preview(source, changes):
                self.cancelled.emit()
                return
            self._run(f"Importing {source}…", lambda t: write(t, doc), self._written,
                      "Nothing imported", cancellable=False)

        def write(task: BackgroundTask, doc: Any) -> Any:
            task.report(0, 0, f"Importing {source} (all or nothing)…")
            try:
                return store.import_catalog(db, doc, source=source)
            except ImportFailure as exc:
                return exc

        self._run(f"Reading {source}…", read, checked, "Nothing imported")

    def _refused(self, failure: ImportFailure) -> None:
        details = "\n".join(str(p) for p in failure.problems) or failure.message
        self.failed.emit("Nothing imported", failure.message, details)

    def _written(self, result: Any) -> None:
        if isinstance(result, ImportFailure):
            self._refused(result)
            return
        self.imported.emit(result)

    # --- export

    def start_export(self, path: str) -> None:
        db = self.db

        def work(task: BackgroundTask) -> str:
            task.report(0, 0, "Reading the catalog…")
            export = jobs.export_data(db, "json")
            task.report(0, 0, "Writing the file…")
            task.check()
            try:
                jobs.write_export(db, path, "json", export=export)
            except OSError as exc:
                raise OSError(jobs.file_failure_message(exc, path)
                              + "; an existing file is unchanged") from exc
            return path

        self._run("Exporting the catalog…", work, self.exported.emit, "Not exported")
