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
