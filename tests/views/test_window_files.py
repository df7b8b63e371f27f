"""The window's file handling: File > Import refuses hostile files like the command line, exports
are atomic, database failures are message boxes (never exceptions in the event loop), the
upgrade backup is announced, and File > Backups… lists, restores and deletes backups."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QMessageBox

from app.catalog.database import accounts, store
from app.models import backups
from app.models.database import head_revision, open_database
from app.views.common.backups_dialog import BackupsDialog
from app.views.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")

HOSTILE = {
    "a 5,000-digit integer": '{"format": "catalog", "version": ' + "9" * 5000 + "}",
    "deep nesting": '{"format": "catalog", "x": ' + "[" * 5000 + "]" * 5000 + "}",
    "a lone surrogate": '{"format": "catalog", "version": 1, "currencies": '
                        '[{"code": "\\ud800", "minor_units": 2}]}',
    "a duplicated key": None,  # built from the spec catalog below
}


def type_mobile_sku(qtbot: Any, window: MainWindow, text: str) -> Any:
    """Select the package Mobile and type a new SKU in its frequency's field."""
    editor = window.editor
    editor.panel.select(editor.panel.model.row_of_name("Mobile"), 0, quiet=False)
    edit = editor.frequency_panel.sku_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    editor.frequency_panel.commit()
    return edit


def make_window(qtbot: Any, db: Any) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.show()
    return win


@pytest.fixture
def window(qtbot: Any, demo_db: Any) -> MainWindow:
    return make_window(qtbot, demo_db)


@pytest.mark.parametrize("case", list(HOSTILE))
def test_file_import_refuses_hostile_json_with_a_message(
        window: MainWindow, tmp_path: Path, spec_catalog: dict[str, Any], case: str) -> None:
    text = HOSTILE[case]
    if text is None:
        good = json.dumps(spec_catalog, indent=1)
        text = good.replace('"format": "catalog",', '"format": "catalog", "version": 2,', 1)
        assert text != good
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    before = store.export_catalog(window.db)
    assert not window.import_catalog(str(path), preview=False)
    assert window.last_report.windowTitle() == "Nothing imported"
    message = window.last_report.text()
    assert "hostile.json" in message
    if case == "a duplicated key":
        assert "duplicate key 'version'" in message
    assert store.export_catalog(window.db) == before


def test_export_over_a_good_file_on_a_full_disk_keeps_it(window: MainWindow, tmpfs: Any) -> None:
    disk = tmpfs("small", 512)
    target = disk.folder / "catalog.json"
    assert window.export_catalog(str(target))
    before = target.read_bytes()
    disk.fill()
    assert not window.export_catalog(str(target))
    assert window.last_report.windowTitle() == "Not exported"
    assert "disk is full" in window.last_report.text()
    assert target.read_bytes() == before
    assert not [p for p in disk.folder.iterdir() if p.suffix == ".partial"]


def test_simulator_csv_and_pdf_exports_keep_the_old_file_on_a_full_disk(
        qtbot: Any, demo_db: Any, tmpfs: Any) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "simulator"))
    from test_simulator_bill import JANE

    from app.views.simulator.view import SimulatorView

    accounts.save_account(demo_db, JANE)
    view = SimulatorView(demo_db)
    qtbot.addWidget(view)
    view.show()
    disk = tmpfs("small", 1024)
    for name, export in (("bill.csv", view.export_csv), ("bill.pdf", view.export_pdf),
                         ("jane.json", view.export_scenario)):
        target = disk.folder / name
        assert export(str(target))
        before = target.read_bytes()
        disk.fill()
        assert not export(str(target))
        assert "disk is full" in view.status.text() or "could not be written" in \
            view.status.text()
        assert target.read_bytes() == before
        disk.free()


def test_import_and_save_on_a_locked_database_show_a_message(
        qtbot: Any, tmp_path: Path, demo_catalog: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch, write_lock: Any) -> None:
    import app.models.database as database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.2)
    path = tmp_path / "busy.sqlite"
    db = open_database(path)
    store.import_catalog(db, demo_catalog)
    window = make_window(qtbot, db)
    source = tmp_path / "c.json"
    source.write_text(json.dumps(demo_catalog), encoding="utf-8")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: warnings.append(text))
    holder = write_lock(path, 1.0)
    try:
        assert not window.import_catalog(str(source), preview=False)
    finally:
        holder.join()
    assert window.last_report.windowTitle() == "Nothing imported"
    assert "busy" in window.last_report.text()
    editor = window.editor
    edit = type_mobile_sku(qtbot, window, "MOB-BUSY")
    holder = write_lock(path, 1.0)
    try:
        assert not editor.save()
    finally:
        holder.join()
    assert warnings and "busy" in warnings[0]
    assert editor.is_dirty() and edit.text() == "MOB-BUSY"  # the edit is kept to save again
    assert editor.save()
    assert store.package_document(db, "Mobile")["frequencies"][0]["sku"] == "MOB-BUSY"
    db.close()


def test_export_of_a_read_only_database_writes_the_file_and_records_nothing(
        qtbot: Any, tmp_path: Path, spec_catalog: dict[str, Any], tmpfs: Any) -> None:
    path = tmp_path / "cat.sqlite"
    db = open_database(path)
    store.import_catalog(db, spec_catalog)
    db.close()
    disk = tmpfs("ro", 2048)
    (disk.folder / "cat.sqlite").write_bytes(path.read_bytes())
    disk.read_only()
    ro = open_database(disk.folder / "cat.sqlite")
    assert ro.read_only and ro.read_only_reason == "its folder is read-only"
    window = make_window(qtbot, ro)
    out = tmp_path / "out.json"
    assert window.export_catalog(str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == spec_catalog
    assert store.last_export(ro) is None
    ro.close()


def _old_database(path: Path) -> None:
    from alembic import command

    from app.models.database import alembic_config, sqlite_url

    command.upgrade(alembic_config(sqlite_url(path).render_as_string()), "0001")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO company (name, position) VALUES ('Acme', 0)")
    conn.close()


def test_opening_an_old_database_announces_where_its_backup_is(
        window: MainWindow, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    _old_database(old)
    assert window.open_database(str(old))
    [backup] = backups.list_backups(old)
    assert str(backup.path) in window.backup_notice.text()
    assert "File > Backups" in window.backup_notice.text()


def test_backups_dialog_lists_restores_and_deletes(
        qtbot: Any, tmp_path: Path, spec_catalog: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.sqlite"
    _old_database(path)
    db = open_database(path)  # upgraded: one backup at revision 0001
    store.import_catalog(db, spec_catalog)
    window = make_window(qtbot, db)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    window.backups_action.trigger()
    dialog = window.backups_dialog
    assert isinstance(dialog, BackupsDialog)
    tester = QAbstractItemModelTester(dialog.model,
                                      QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 1).data() == "0001"
    assert not dialog.restore_button.isEnabled()
    dialog.view.selectRow(0)
    assert dialog.restore_button.isEnabled()

    dialog.restore_button.click()  # back to the catalog as it was before the import
    assert window.db is not db
    assert store.export_catalog(window.db)["packages"] == []
    assert [c["name"] for c in store.export_catalog(window.db)["companies"]] == ["Acme"]
    assert "Restored" in window.statusBar().currentMessage()
    rows = [dialog.model.rows[i].revision for i in range(dialog.model.rowCount())]
    assert any("before-restore" in r for r in rows)

    before = dialog.model.rowCount()
    dialog.view.selectRow(0)
    chosen = dialog.selected()
    assert chosen is not None
    dialog.delete_button.click()
    assert not chosen.path.exists()
    assert dialog.model.rowCount() == before - 1
    del tester
    window.db.close()


def test_backups_of_the_current_revision_are_checked_before_restoring(
        qtbot: Any, tmp_path: Path, spec_catalog: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cat.sqlite"
    db = open_database(path)
    store.import_catalog(db, spec_catalog)
    backup = backups.create_backup(path, head_revision())
    data = bytearray(backup.path.read_bytes())
    data[100:300] = b"\xde" * 200
    backup.path.write_bytes(bytes(data))
    window = make_window(qtbot, db)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: warnings.append(text))
    window.backups_action.trigger()
    dialog = window.backups_dialog
    dialog.view.selectRow(0)
    dialog.restore_button.click()
    assert warnings and str(backup.path) in warnings[0]
    window.open_database(str(path))
    assert store.export_catalog(window.db) == spec_catalog
    window.db.close()


def test_saving_into_a_read_only_database_says_so_and_keeps_the_edit(
        qtbot: Any, tmp_path: Path, demo_catalog: dict[str, Any], tmpfs: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cat.sqlite"
    db = open_database(path)
    store.import_catalog(db, demo_catalog)
    db.close()
    disk = tmpfs("ro", 4096)
    (disk.folder / "cat.sqlite").write_bytes(path.read_bytes())
    disk.read_only()
    ro = open_database(disk.folder / "cat.sqlite")
    window = make_window(qtbot, ro)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: warnings.append(text))
    editor = window.editor
    edit = type_mobile_sku(qtbot, window, "MOB-RO")
    assert not editor.save()
    assert warnings and "read-only" in warnings[0]
    assert editor.is_dirty() and edit.text() == "MOB-RO"
    editor._drop_draft()
    ro.close()


def test_an_unexpected_database_failure_in_a_slot_becomes_a_message_box(qtbot: Any) -> None:
    import sys

    from PySide6.QtWidgets import QApplication
    from sqlalchemy.exc import OperationalError

    from app.views.common import failure_hook

    previous = sys.excepthook
    try:
        failure_hook.install(lambda: "/data/cat.sqlite")
        error = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
        sys.excepthook(OperationalError, error, None)
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
                 and w.isVisible() and w.text().startswith("/data/cat.sqlite: the database "
                                                           "is busy")]
        assert boxes
        for box in boxes:
            box.close()
    finally:
        sys.excepthook = previous
