"""Large catalog files are read, checked, previewed, imported and exported off the GUI thread,
behind a progress dialog with Cancel (thresholds lowered here so the demo catalog counts as
large)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.catalog.database import store
from app.views.catalog import transfer as transfer_module
from app.views.catalog.dialogs.import_preview import ImportPreviewDialog
from app.views.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


@pytest.fixture
def window(qtbot: Any, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(MainWindow, "background_from_bytes", 0)
    monkeypatch.setattr(MainWindow, "background_from_packages", 0)
    win = MainWindow(demo_db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.show()
    return win


def write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_previewed_import_runs_in_the_background_and_arrives(
        qtbot: Any, window: MainWindow, tmp_path: Path, demo_catalog: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[Any]] = []
    monkeypatch.setattr(ImportPreviewDialog, "ask", staticmethod(
        lambda _parent, *, source, changes: asked.append(changes) or True))
    doc = dict(demo_catalog, packages=demo_catalog["packages"][:2])
    with qtbot.waitSignal(window.catalogChanged, timeout=20_000):
        assert window.import_catalog(str(write(tmp_path / "two.json", doc)))
        assert window.transfer.is_running() and window.transfer.dialog.isVisible()
        window.editor.panel.filter_edit.setText("Mobile")  # the window takes input meanwhile
    [changes] = asked
    assert {c.action for c in changes} == {"removed"}
    assert window.editor.panel.model.package_count() == 2
    assert not window.transfer.dialog.isVisible()


def test_a_hostile_file_is_refused_with_its_line_and_nothing_changes(
        qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    before = store.export_catalog(window.db)
    path = tmp_path / "dup.json"
    path.write_text('{"format": "catalog",\n "format": "catalog"}', encoding="utf-8")
    assert window.import_catalog(str(path))
    qtbot.waitUntil(lambda: not window.transfer.is_running())
    box = window.last_report
    assert "duplicate key 'format'" in box.text() and "line 2" in box.text()
    assert store.export_catalog(window.db) == before


def test_cancel_before_the_write_imports_nothing(
        qtbot: Any, window: MainWindow, tmp_path: Path, demo_catalog: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = store.export_catalog(window.db)
    doc = dict(demo_catalog, packages=demo_catalog["packages"][:1])
    reading = threading.Event()
    real = transfer_module.jobs.read_document

    def slow_read(path: Any, *, source: Any = None) -> Any:  # a large file takes a while
        reading.wait(5)
        return real(path, source=source)

    monkeypatch.setattr(transfer_module.jobs, "read_document", slow_read)
    window.import_catalog(str(write(tmp_path / "one.json", doc)), preview=False)
    transfer = window.transfer
    with qtbot.waitSignal(transfer.cancelled):
        qtbot.mouseClick(transfer.dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert not transfer.is_running() and not transfer.dialog.isVisible()
    reading.set()
    qtbot.wait(300)  # the cancelled reading returns and is dropped
    assert store.export_catalog(window.db) == before
    assert window.editor.panel.model.package_count() == len(before["packages"])


def test_export_in_the_background_writes_the_file_and_records_it(
        qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    assert window.export_catalog(str(path))
    qtbot.waitUntil(lambda: path.exists() and not window.transfer.is_running(),
                    timeout=20_000)
    assert json.loads(path.read_text("utf-8")) == store.export_catalog(window.db)
    record = store.last_export(window.db)
    assert record is not None and record.path == str(path)
