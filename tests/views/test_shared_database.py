"""Saves are never lost when other code and other processes open the window's database.

The reproduced loss (issue 12): a window on DIR/cat.sqlite; a file dialog shown in DIR (Qt's
stock one opens and closes cat.sqlite, -wal and -shm to guess their types, which drops every
POSIX lock the process held on them); `catalog-editor simulate --db` (or a second window) then
believes it is the last user, checkpoints and deletes the WAL; the window's next saves went
into the deleted file: shown in the window, invisible to any other process, gone on reopen.

Here the same steps run with real widgets, a real dialog, a raw ``os.open``/``os.close`` of
each database file and real child processes; every save must be seen by another process and
survive closing and reopening. Then: a second window opens read-only and says who has the
database, the window reloads what another process wrote (asking first over unsaved edits), and
the file dialogs leave the process's locks alone.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QMessageBox

from app.catalog.database import accounts, sharing, store
from app.views import file_dialogs
from app.views.database_watch import DatabaseWatch
from app.views.main_window import MainWindow
from app.views.simulator.name_dialog import NameDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")

FILES = ("", "-wal", "-shm")

SCENARIO = {
    "format": "account", "version": 1,
    "account": {"name": "Bob", "country": "US", "currency": "USD", "price_book": "standard",
                "bill_day": 1, "price_plan": None, "promo_codes": []},
    "packages": [{"frequency": "Mobile Monthly", "start": "2026-03-01", "cancelled": None,
                  "services": [{"id": "s1", "service": "Mobile Line", "quantity": 1,
                                "price": None,
                                "statuses": [{"status": "Active", "from": "2026-03-01"}]}]}],
    "usage": [],
}


# --- helpers: other processes ---------------------------------------------------------------


def catalog_editor(*args: str | Path, env: dict[str, str] | None = None
                   ) -> subprocess.CompletedProcess[str]:
    """`catalog-editor ARGS` in its own process."""
    done = subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True,
                          text=True, timeout=180, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr
    return done


def seen_by_another_process(path: Path) -> tuple[str, list[str]]:
    """What a fresh process reads from the database: Mobile's SKU and the scenario names."""
    code = ("import json, sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1])\n"
            "sku = c.execute(\"SELECT sku FROM package_frequency WHERE name = 'Mobile Monthly'\")"
            ".fetchone()[0]\n"
            "names = [r[0] for r in c.execute('SELECT name FROM account ORDER BY name')]\n"
            "print(json.dumps([sku, names]))\n"
            "c.close()\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=60, check=True)
    sku, names = json.loads(done.stdout)
    return sku, names


def deleted_journals(path: Path) -> list[str]:
    """This process's descriptors of the database's files that were deleted (Linux)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return []
    out = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(path.resolve())) and target.endswith("(deleted)"):
            out.append(target)
    return out


def touch_each_file(path: Path) -> list[str]:
    """A raw ``os.open``/``os.close`` of each database file there is (what a preview, a
    backup tool or a dialog does): POSIX drops the process's locks on each."""
    touched = []
    for suffix in FILES:
        name = Path(f"{path}{suffix}")
        if name.exists():
            fd = os.open(name, os.O_RDONLY)
            os.read(fd, 100)
            os.close(fd)
            touched.append(name.name)
    return touched


# --- helpers: the window --------------------------------------------------------------------


def prepared(tmp_path: Path, demo_catalog: dict[str, Any]) -> Path:
    folder = tmp_path / "DIR"
    folder.mkdir()
    path = folder / "cat.sqlite"
    db = store.open_database(path)
    store.import_catalog(db, demo_catalog, source="demo")
    accounts.save_account(db, SCENARIO)
    db.close()
    (tmp_path / "a.json").write_text(json.dumps(SCENARIO), encoding="utf-8")
    return path


def window_on(qtbot: Any, path: Path) -> MainWindow:
    window = MainWindow(sharing.open_for_window(path))
    qtbot.addWidget(window, before_close_func=lambda w: w.editor._drop_draft())
    window.show()
    return window


def cancel_the_file_dialog(qtbot: Any, window: MainWindow, folder: Path) -> list[str]:
    """File > Open database…: wait until the dialog lists ``folder`` with every file's type,
    then Cancel. Returns the names listed."""
    listed: list[str] = []

    def look_then_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, QFileDialog)
            model = dialog.findChild(QFileSystemModel)
            assert model is not None
            root = model.index(str(folder))

            def typed() -> bool:
                rows = [model.index(r, 0, root) for r in range(model.rowCount(root))]
                return bool(rows) and all(model.data(i.siblingAtColumn(2)) for i in rows)

            qtbot.waitUntil(lambda: model.rowCount(root) >= 1 and typed(), timeout=10000)
            listed.extend(model.data(model.index(r, 0, root)) for r in range(model.rowCount(root)))
        finally:
            if isinstance(dialog, QFileDialog):
                dialog.reject()

    QTimer.singleShot(0, look_then_cancel)
    window.open_action.trigger()
    return listed


def save_a_catalog_edit(qtbot: Any, window: MainWindow, sku: str) -> None:
    """Type a new SKU for Mobile Monthly and press the panel's Save button."""
    from PySide6.QtCore import Qt

    editor = window.editor
    editor.panel.select(editor.panel.model.row_of_name("Mobile"), 0, quiet=False)
    edit = editor.frequency_panel.sku_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, sku)
    editor.frequency_panel.commit()
    button = editor.frequency_panel.header.save_button
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not editor.is_dirty()


def rename_the_scenario(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
                        name: str) -> None:
    """Simulator tab, the scenario list's Rename…, typed ``name``."""
    from PySide6.QtCore import Qt

    monkeypatch.setattr(NameDialog, "ask", classmethod(lambda cls, *a, **k: name))
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: window.simulator_view is not None)
    view: Any = window.simulator_view
    assert view.list_panel.current_name() == "Bob"
    qtbot.mouseClick(view.list_panel.rename_button, Qt.MouseButton.LeftButton)
    assert view.list_panel.current_name() == name
    window.tabs.setCurrentIndex(0)


def second_window_in_another_process(path: Path) -> str:
    """`catalog-editor --db PATH` shown offscreen for a moment, then closed: its title."""
    done = catalog_editor("--db", path, env={"QT_QPA_PLATFORM": "offscreen",
                                             "CATALOG_EDITOR_QUIT_AFTER_MS": "1500"})
    shown = [line for line in done.stdout.splitlines() if line.startswith("window shown:")]
    assert shown, done.stdout + done.stderr
    return shown[0]


# --- the six steps --------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["the command line", "a second window"])
def test_the_six_steps_keep_every_save(qtbot: Any, tmp_path: Path,
                                       demo_catalog: dict[str, Any],
                                       monkeypatch: pytest.MonkeyPatch, other: str) -> None:
    path = prepared(tmp_path, demo_catalog)
    window = window_on(qtbot, path)  # 1. the window on DIR/cat.sqlite
    listed = cancel_the_file_dialog(qtbot, window, path.parent)  # 2. a dialog in DIR, Cancel
    assert "cat.sqlite" in listed
    touch_each_file(path)  # and a raw open/close of each database file
    if other == "the command line":  # 3. another process opens and closes the database
        bill = catalog_editor("simulate", "--db", path, "--account", tmp_path / "a.json",
                              "--from", "2026-03-01", "--periods", "1")
        assert json.loads(bill.stdout)
    else:
        title = second_window_in_another_process(path)
        assert "(read-only)" in title  # this window has it
    assert deleted_journals(path) == []  # 4. no "cat.sqlite-wal (deleted)"

    save_a_catalog_edit(qtbot, window, "MOB-KEPT")  # 5. edits through the widgets
    rename_the_scenario(qtbot, window, monkeypatch, "Robert")
    cancel_the_file_dialog(qtbot, window, path.parent)  # (once more, between the saves)
    touch_each_file(path)
    assert seen_by_another_process(path) == ("MOB-KEPT", ["Robert"])  # another process sees

    window.close()  # 6. close, reopen: everything is there
    assert seen_by_another_process(path) == ("MOB-KEPT", ["Robert"])
    window.db.close()
    again = store.open_database(path)
    assert store.package_document(again, "Mobile")["frequencies"][0]["sku"] == "MOB-KEPT"
    assert accounts.list_accounts(again) == ["Robert"]
    again.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


# --- a second window ------------------------------------------------------------------------


def test_a_second_window_opens_read_only_and_says_who_has_the_database(
        qtbot: Any, tmp_path: Path, demo_catalog: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = prepared(tmp_path, demo_catalog)
    first = window_on(qtbot, path)
    second = window_on(qtbot, path)
    assert not first.db.read_only and not first.shared.read_only_banner.isVisible()
    assert second.db.read_only and "(read-only)" in second.windowTitle()
    text = second.shared.read_only_banner.label.text()
    assert second.shared.read_only_banner.isVisible()
    assert "another Catalog Editor window" in text and f"process {os.getpid()}" in text
    # editing is disabled: Import, Save, the panel's actions, the panel's Save button
    assert not second.import_action.isEnabled() and not second.save_action.isEnabled()
    assert not second.editor.panel.add_package_action.isEnabled()
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: warnings.append(text))
    editor = second.editor
    editor.panel.select(editor.panel.model.row_of_name("Mobile"), 0, quiet=False)
    assert not editor.panel.clone_action.isEnabled() and not editor.panel.delete_action.isEnabled()
    editor.frequency_panel.sku_edit.setFocus()
    editor.frequency_panel.sku_edit.selectAll()
    qtbot.keyClicks(editor.frequency_panel.sku_edit, "MOB-SECOND")
    editor.frequency_panel.commit()
    assert editor.is_dirty() and not editor.frequency_panel.header.save_button.isEnabled()
    assert not second.save_current()  # Ctrl+S: refused with the reason, edit kept
    assert warnings and "read-only" in warnings[0] and "another Catalog Editor window" in \
        warnings[0]
    assert editor.frequency_panel.sku_edit.text() == "MOB-SECOND"
    editor.discard()
    assert seen_by_another_process(path)[0] != "MOB-SECOND"

    save_a_catalog_edit(qtbot, first, "MOB-FIRST")  # the first window's save reaches it
    assert second.shared.watch.check() is not None
    assert editor.panel.model.row_of_name("Mobile") is not None
    editor.panel.select(editor.panel.model.row_of_name("Mobile"), 0, quiet=False)
    assert editor.frequency_panel.sku_edit.text() == "MOB-FIRST"

    first.close()  # the owner closed: a window opened now may edit
    first.db.close()
    third = window_on(qtbot, path)
    assert not third.db.read_only and not third.shared.read_only_banner.isVisible()
    second.db.close()
    third.close()
    third.db.close()


def test_a_read_only_database_shows_a_banner(qtbot: Any, tmp_path: Path,
                                             demo_catalog: dict[str, Any], tmpfs: Any) -> None:
    path = prepared(tmp_path, demo_catalog)
    disk = tmpfs("ro", 4096)
    (disk.folder / "cat.sqlite").write_bytes(path.read_bytes())
    disk.read_only()
    window = window_on(qtbot, disk.folder / "cat.sqlite")
    assert window.db.read_only
    assert window.shared.read_only_banner.isVisible()
    assert "its folder is read-only" in window.shared.read_only_banner.label.text()
    assert not window.import_action.isEnabled()
    window.db.close()


# --- what other processes write -------------------------------------------------------------


def _catalog_with_sku(demo_catalog: dict[str, Any], tmp_path: Path, sku: str) -> Path:
    doc = copy.deepcopy(demo_catalog)
    mobile = next(p for p in doc["packages"] if p["name"] == "Mobile")
    mobile["frequencies"][0]["sku"] = sku
    out = tmp_path / f"{sku}.json"
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def _shown_sku(window: MainWindow) -> str:
    editor = window.editor
    if editor.draft is None or editor.frequency_row is None:
        editor.panel.select(editor.panel.model.row_of_name("Mobile"), 0, quiet=False)
    return str(editor.frequency_panel.sku_edit.text())


def test_the_window_shows_what_another_process_imported(
        qtbot: Any, tmp_path: Path, demo_catalog: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DatabaseWatch, "interval_ms", 100)
    path = prepared(tmp_path, demo_catalog)
    window = window_on(qtbot, path)
    assert _shown_sku(window) != "FROM-CLI"
    catalog_editor("simulate", "--db", path, "--account", tmp_path / "a.json",  # reads only
                   "--from", "2026-03-01", "--periods", "1")
    assert window.shared.watch.check() is None  # (its cached copy of the catalog is not a change)
    catalog_editor("import", "--db", path, _catalog_with_sku(demo_catalog, tmp_path,
                                                             "FROM-CLI"))
    qtbot.waitUntil(lambda: _shown_sku(window) == "FROM-CLI", timeout=10000)  # the timer
    assert "Another program changed the catalog" in window.statusBar().currentMessage()
    save_a_catalog_edit(qtbot, window, "MOB-AFTER")  # and its own saves go on as usual
    assert window.shared.watch.check() is None
    assert seen_by_another_process(path)[0] == "MOB-AFTER"
    window.db.close()


def _answer(window: MainWindow, button: str) -> list[str]:
    """Press ``button`` in the question the window asks next; returns its text."""
    asked: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, press)
    return asked


@pytest.mark.parametrize("choice", ["Keep my edits", "Reload"])
def test_unsaved_edits_are_asked_about_before_reloading(
        qtbot: Any, tmp_path: Path, demo_catalog: dict[str, Any], choice: str) -> None:
    path = prepared(tmp_path, demo_catalog)
    window = window_on(qtbot, path)
    editor = window.editor
    editor.panel.select(editor.panel.model.row_of_name("Mobile"), 0, quiet=False)
    edit = editor.frequency_panel.sku_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "MINE")
    editor.frequency_panel.commit()
    window.shared.watch.pause()  # the test looks when it wants to
    catalog_editor("import", "--db", path, _catalog_with_sku(demo_catalog, tmp_path,
                                                             "THEIRS"))
    asked = _answer(window, choice)
    assert window.shared.watch.check() is not None
    assert asked and "changed this catalog while you have unsaved edits" in asked[0]
    if choice == "Keep my edits":
        assert editor.is_dirty() and edit.text() == "MINE"
        assert window.shared.changed_banner.isVisible()
        assert "Another program changed this catalog" in window.shared.changed_banner.label.text()
        editor.discard()  # done with them: now the editor shows the catalog as it is
        assert not window.shared.changed_banner.isVisible()
    else:
        assert not editor.is_dirty() and not window.shared.changed_banner.isVisible()
    assert _shown_sku(window) == "THEIRS"
    window.db.close()


# --- the dialogs ----------------------------------------------------------------------------


def _locks_held(paths: list[Path]) -> list[bool]:
    """From another process: whether someone holds a lock on each file."""
    code = ("import fcntl, os, sys\n"
            "out = []\n"
            "for name in sys.argv[1:]:\n"
            "    fd = os.open(name, os.O_RDWR)\n"
            "    try:\n"
            "        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
            "        out.append(False)\n"
            "    except OSError:\n"
            "        out.append(True)\n"
            "    os.close(fd)\n"
            "print(out)\n")
    done = subprocess.run([sys.executable, "-c", code, *map(str, paths)], capture_output=True,
                          text=True, timeout=60, check=True)
    return [word == "True" for word in done.stdout.strip("[]\n").split(", ")]


def _list_and_cancel(qtbot: Any, folder: Path, show: Callable[[], object],
                     rows: int = 4) -> None:
    """Show a dialog on ``folder``; once it lists ``rows`` entries, each with its type (what
    the icon provider answers), Cancel."""
    def look_then_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, QFileDialog)
            model = dialog.findChild(QFileSystemModel)
            assert model is not None
            root = model.index(str(folder))
            qtbot.waitUntil(lambda: model.rowCount(root) == rows and all(
                model.data(model.index(r, 2, root)) for r in range(rows)), timeout=10000)
        finally:
            if isinstance(dialog, QFileDialog):
                dialog.reject()

    QTimer.singleShot(0, look_then_cancel)
    show()


@pytest.mark.skipif(not hasattr(fcntl, "lockf"), reason="POSIX locks")
def test_the_file_dialogs_leave_the_process_locks_alone(qtbot: Any, tmp_path: Path) -> None:
    """Each database file locked by this process the way SQLite locks it; a dialog listing
    the folder must not drop the locks. Qt's stock dialog does (the control: this test can
    see a dialog reading files)."""
    folder = tmp_path / "listed"
    folder.mkdir()
    files = [folder / f"cat.sqlite{suffix}" for suffix in FILES]
    for name in [*files, folder / "catalog.json"]:
        name.write_bytes(b"SQLite format 3\x00" + bytes(4000))

    def lock_all() -> list[int]:
        fds = [os.open(name, os.O_RDWR) for name in files]
        for fd in fds:
            fcntl.lockf(fd, fcntl.LOCK_SH)
        return fds

    fds = lock_all()
    assert _locks_held(files) == [True, True, True]
    _list_and_cancel(qtbot, folder,
                     lambda: file_dialogs.get_open_file_name(None, "Open", str(folder), "*"))
    assert _locks_held(files) == [True, True, True]
    _list_and_cancel(qtbot, folder, lambda: file_dialogs.get_save_file_name(
        None, "Save", str(folder / "x.json"), "*"))
    assert _locks_held(files) == [True, True, True]
    _list_and_cancel(qtbot, folder, lambda: file_dialogs.get_existing_directory(
        None, "Folder", str(folder)), rows=0)  # (folders only: none there)
    assert _locks_held(files) == [True, True, True]

    def stock() -> None:
        dialog = QFileDialog(None, "Stock", str(folder), "*")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.exec()
        dialog.deleteLater()

    _list_and_cancel(qtbot, folder, stock)
    assert _locks_held(files) == [False, False, False]  # Qt's own provider read them
    for fd in fds:
        os.close(fd)


def test_every_file_dialog_of_the_window_comes_from_file_dialogs() -> None:
    views = Path(__file__).resolve().parents[2] / "app" / "views"
    users = [p.relative_to(views).as_posix() for p in views.rglob("*.py")
             if "QFileDialog" in p.read_text(encoding="utf-8") and p.name != "file_dialogs.py"]
    assert users == []


# --- a full disk ----------------------------------------------------------------------------


def test_a_full_disk_is_a_message_and_loses_nothing_saved(
        qtbot: Any, tmp_path: Path, demo_catalog: dict[str, Any], full_disk: Any) -> None:
    from kill_harness import bigger_catalog

    path = prepared(tmp_path, demo_catalog)
    window = window_on(qtbot, path)
    save_a_catalog_edit(qtbot, window, "MOB-BEFORE")
    before = store.export_catalog(window.db)
    incoming = tmp_path / "bigger.json"
    incoming.write_text(json.dumps(bigger_catalog()), encoding="utf-8")
    full_disk()  # SQLite says SQLITE_FULL as soon as the file would grow
    assert not window.import_catalog(str(incoming), preview=False)
    assert window.last_report.windowTitle() == "Nothing imported"
    assert "the disk is full. Nothing was changed" in window.last_report.text()
    assert str(path) in window.last_report.text()
    assert store.export_catalog(window.db) == before
    assert seen_by_another_process(path) == ("MOB-BEFORE", ["Bob"])
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    window.db.close()
