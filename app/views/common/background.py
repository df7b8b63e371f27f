"""Long work off the GUI thread: a :class:`BackgroundTask` runs a function on Qt's thread pool
and reports back through signals, delivered on the GUI thread.

The function receives the task and calls :meth:`BackgroundTask.report` (progress),
:meth:`BackgroundTask.deliver` (a partial result, shown as it comes) and checks
:attr:`BackgroundTask.cancelled` between steps; it works on immutable data only (a catalog
snapshot document), so the user may keep editing meanwhile. Cancel is cooperative: the task
stops at its next check and reports nothing more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressBar, QPushButton, QWidget


class Cancelled(Exception):
    """Raised by :meth:`BackgroundTask.check` once the task is cancelled."""


class BackgroundTask(QObject):
    """One piece of background work.

    Signals:
        progress(int, int, str): steps done, steps in all (0: unknown), what is being done.
        partial(object): a part of the result, as soon as it is ready.
        finished(object): the whole result (not emitted once cancelled).
        failed(str): the work raised; the message.
    """

    progress = Signal(int, int, str)
    partial = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[BackgroundTask], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self._done = threading.Event()

    # --- from the GUI thread

    def start(self) -> None:
        QThreadPool.globalInstance().start(_Runner(self))

    def cancel(self) -> None:
        self._cancel.set()

    def is_running(self) -> bool:
        return not self._done.is_set()

    def wait(self, seconds: float = 30.0) -> bool:
        """Block until the work has returned (for closing a window); True when it has."""
        return self._done.wait(seconds)

    # --- from the work function

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def report(self, done: int, total: int, what: str = "") -> None:
        self.check()
        self.progress.emit(done, total, what)

    def deliver(self, part: Any) -> None:
        self.check()
        self.partial.emit(part)

    def _run(self) -> None:
        try:
            result = self._work(self)
            if not self._cancel.is_set():
                self.finished.emit(result)
        except Cancelled:
            pass
        except Exception as exc:  # noqa: BLE001 - reported to the user, never a crash
            if not self._cancel.is_set():
                self.failed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            self._done.set()


class _Runner(QRunnable):
    def __init__(self, task: BackgroundTask) -> None:
        super().__init__()
        self.task = task  # keeps the task alive until it has run

    def run(self) -> None:
        self.task._run()


class TaskRunner(QObject):
    """One background task at a time for a view: its progress bar and Cancel button (shown
    only while a task runs), and the results of a task cancelled or replaced dropped.

    Signals:
        done(object): the task under way finished with this result.
        error(str): the task under way failed.
    """

    done = Signal(object)
    error = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.progress = QProgressBar(parent)
        self.cancel_button = QPushButton("Cancel", parent)
        self.task: BackgroundTask | None = None
        self._show(False)

    def _show(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)

    def is_running(self) -> bool:
        return self.task is not None

    def start(self, work: Callable[[BackgroundTask], Any],
              partial: Callable[[Any], None] | None = None) -> None:
        """Run ``work`` in the background (cancelling the task under way)."""
        if self.task is not None:
            self.task.cancel()
        task = BackgroundTask(work)
        task.progress.connect(self._progress)
        if partial is not None:
            task.partial.connect(lambda part, t=task: partial(part) if t is self.task else None)
        task.finished.connect(lambda result, t=task: self._finished(t, result))
        task.failed.connect(lambda message, t=task: self._failed(t, message))
        self.task = task
        self.progress.setRange(0, 0)
        self._show(True)
        task.start()

    def cancel(self) -> bool:
        """Stop the task under way; True when there was one."""
        task, self.task = self.task, None
        if task is None:
            return False
        task.cancel()
        self._show(False)
        return True

    def _progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(f"{what} %p%" if total else what)

    def _finished(self, task: BackgroundTask, result: Any) -> None:
        if task is self.task:
            self.task = None
            self._show(False)
            self.done.emit(result)

    def _failed(self, task: BackgroundTask, message: str) -> None:
        if task is self.task:
            self.task = None
            self._show(False)
            self.error.emit(message)
