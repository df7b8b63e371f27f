"""The main window: tabs, menus and shortcuts, the dirty marker and the unsaved-changes prompt,
remembered layout and database, File > Open / Import / Export, Help > About, the Simulator
hand-off."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from app import __version__
from app.catalog.database import store
from app.models.database import open_database
from app.views.common import settings
from app.views.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")

Button = QMessageBox.StandardButton


def make_window(qtbot: Any, db: Any) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.resize(1100, 700)
    win.show()
    return win


@pytest.fixture
def window(qtbot: Any, demo_db: Any) -> MainWindow:
    return make_window(qtbot, demo_db)


def select(window: MainWindow, package: str, frequency: int | None = 0) -> None:
    row = window.editor.panel.model.row_of_name(package)
    assert row is not None
    window.editor.panel.select(row, frequency, quiet=False)


def rename_sku(qtbot: Any, window: MainWindow, text: str) -> None:
    edit = window.editor.frequency_panel.sku_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    window.editor.frequency_panel.commit()


def prompt(monkeypatch: pytest.MonkeyPatch, answer: Button) -> list[str]:
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *args: Any, **kwargs: Any) -> Button:
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_tabs_menus_and_standard_shortcuts(window: MainWindow) -> None:
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Catalog", "Setup", "Simulator", "Changes", "Checks", "Scheduled changes"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&Help"]
    file_items = [a.text() for a in window.menuBar().actions()[0].menu().actions()
                  if a.text()]
    assert file_items == ["&Open database…", "&Import catalog…", "&Export catalog…", "&Backups…",
                          "&Quit"]
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert window.redo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Redo)
    assert window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    box = window.about()
    assert __version__ in box.text()
    box.close()


def test_dirty_marker_in_title_tree_and_header(qtbot: Any, window: MainWindow) -> None:
    select(window, "Mobile")
    assert not window.windowTitle().endswith("*")
    rename_sku(qtbot, window, "MOB-1")
    assert window.windowTitle().endswith("*")
    assert window.editor.frequency_panel.header.title.text().endswith("*")
    assert window.editor.panel.model.index(
        window.editor.panel.model.row_of_name("Mobile"), 0).data() == "Mobile *"
    with qtbot.waitSignal(window.catalogChanged) as signal:
        qtbot.keySequence(window.editor.frequency_panel.sku_edit, QKeySequence.StandardKey.Save)
    assert signal.args[0].packages == frozenset({"Mobile"})
    assert not window.windowTitle().endswith("*")
    assert store.package_document(window.db, "Mobile")["frequencies"][0]["sku"] == "MOB-1"


def test_unsaved_changes_prompt_when_switching(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    select(window, "Mobile")
    rename_sku(qtbot, window, "MOB-2")
    # Cancel: stay, selection back on Mobile, nothing lost
    asked = prompt(monkeypatch, Button.Cancel)
    select(window, "Home Phone")
    assert asked == ["Save the changes to package 'Mobile'?"]
    assert window.editor.frequency_panel.sku_edit.text() == "MOB-2"
    assert window.editor.panel.current() == (window.editor.panel.model.row_of_name("Mobile"), 0)
    # frequencies of the same package need no prompt
    select(window, "Mobile", None)
    assert len(asked) == 1
    # Discard: go, the change is gone
    prompt(monkeypatch, Button.Discard)
    select(window, "Home Phone")
    assert window.editor.draft.doc["name"] == "Home Phone"
    assert store.package_document(window.db, "Mobile")["frequencies"][0]["sku"] == "MOB-M"
    # Save: go, the change is saved
    select(window, "Mobile")
    rename_sku(qtbot, window, "MOB-3")
    prompt(monkeypatch, Button.Save)
    select(window, "Home Phone")
    assert store.package_document(window.db, "Mobile")["frequencies"][0]["sku"] == "MOB-3"


def test_closing_asks_about_unsaved_changes(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    select(window, "Mobile")
    rename_sku(qtbot, window, "MOB-4")
    asked = prompt(monkeypatch, Button.Cancel)
    window.close()
    assert asked and window.isVisible()
    prompt(monkeypatch, Button.Save)
    window.close()
    assert not window.isVisible()
    assert store.package_document(window.db, "Mobile")["frequencies"][0]["sku"] == "MOB-4"


def test_layout_and_database_are_remembered(qtbot: Any, demo_db: Any) -> None:
    first = make_window(qtbot, demo_db)
    first.resize(700, 500)
    first.editor.setSizes([300, 400])
    size = (first.width(), first.height())
    left = first.editor.sizes()[0]
    assert size != (1200, 780)  # not the default size
    first.close()
    assert settings.get(settings.LAST_DATABASE) == str(demo_db.location)
    second = MainWindow(demo_db)  # no resize: the remembered geometry applies
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == size
    qtbot.wait(5)
    assert second.editor.sizes()[0] == left != 280  # 280: the default


def test_open_another_database(qtbot: Any, window: MainWindow, tmp_path: Path,
                               spec_catalog: dict[str, Any]) -> None:
    other = open_database(tmp_path / "other.sqlite")
    store.import_catalog(other, spec_catalog)
    other.close()
    assert window.open_database(str(tmp_path / "other.sqlite"))
    try:
        names = [window.editor.panel.model.node(r).name
                 for r in range(window.editor.panel.model.package_count())]
        assert names == ["Home Bundle"]
        assert "other.sqlite" in window.windowTitle()
        assert settings.get(settings.RECENT_DATABASES)[0].endswith("other.sqlite")
        window.tabs.setCurrentIndex(1)
        assert window.setup_view is not None and window.setup_view.db is window.db
    finally:
        window.db.close()


def test_import_is_all_or_nothing_and_lists_the_problems(
        qtbot: Any, window: MainWindow, tmp_path: Path, demo_catalog: dict[str, Any]) -> None:
    before = store.export_catalog(window.db)
    bad = dict(demo_catalog)
    bad["currencies"] = [{"code": "usd", "minor_units": 2}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert not window.import_catalog(str(path))
    box = window.last_report
    assert box.isVisible() and box.text().startswith("bad.json:")
    assert "currencies[0].code" in box.detailedText()
    box.close()
    assert store.export_catalog(window.db) == before
    good = dict(demo_catalog)
    good["packages"] = demo_catalog["packages"][:2]
    path.write_text(json.dumps(good), encoding="utf-8")
    with qtbot.waitSignal(window.catalogChanged):
        # Importing over a catalog first shows what would change (tests/views/catalog/test_import_preview.py).
        assert window.import_catalog(str(path), preview=False)
    assert window.editor.panel.model.package_count() == 2


def test_export_writes_the_catalog_and_records_it(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "out" / "catalog.json"
    path.parent.mkdir()
    assert window.export_catalog(str(path))
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written == store.export_catalog(window.db)
    record = store.last_export(window.db)
    assert record is not None and record.path == str(path) and record.format == "json"


def test_simulate_from_the_context_menu_opens_the_simulator(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.views.simulator.view import SimulatorView

    asked: list[str] = []
    monkeypatch.setattr(SimulatorView, "simulate_frequency", lambda self, name: asked.append(name))
    select(window, "Mobile")
    window.editor.panel.simulate_action.trigger()
    assert asked == ["Mobile Monthly"]
    assert window.tabs.currentIndex() == 2
    assert isinstance(window.simulator_view, SimulatorView)


def test_setup_changes_reach_the_editor(qtbot: Any, window: MainWindow) -> None:
    select(window, "Mobile")
    reference = store.reference_document(window.db)
    reference["contracts"].append({"name": "36-month deal", "term_months": 36,
                                   "early_termination_fee": "200.00"})
    changes = store.save_reference(window.db, reference)
    window._broadcast(changes, window.setup_view)
    combo = window.editor.frequency_panel.contract_combo
    assert combo.findData("36-month deal") >= 0


def test_offer_demo_on_an_empty_database(qtbot: Any, db: Any) -> None:
    win = make_window(qtbot, db)
    assert win.editor.panel.model.package_count() == 0
    win.offer_demo(force=True)
    assert win.editor.panel.model.package_count() == 7


def test_undo_menu_names_the_edit(qtbot: Any, window: MainWindow) -> None:
    select(window, "Mobile")
    box = window.editor.frequency_panel.recurring_tab.bar.boxes["EUR"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert window.undo_action.isEnabled()
    assert "Disable EUR" in window.undo_action.text()
    window.undo_action.trigger()
    assert window.editor.draft.frequency(0)["currencies"] == ["USD", "EUR"]
    assert not window.editor.is_dirty()


def test_a_large_catalog_builds_the_simulator_in_the_background(
        qtbot: Any, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MainWindow, "background_from_packages", 0)  # as for a large catalog
    window = make_window(qtbot, demo_db)
    window.tabs.setCurrentIndex(2)
    assert window.is_loading() and window.simulator_view is None
    page = window.tabs.widget(2)
    assert page.cancel_button.isVisible() and page.bar.isVisible()
    window.tabs.setCurrentIndex(0)  # the other tabs stay usable meanwhile
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: window.simulator_view is not None, timeout=20_000)
    assert window.tabs.widget(2) is window.simulator_view
    view: Any = window.simulator_view
    qtbot.waitUntil(lambda: view.outcome is not None)


def test_cancel_while_the_simulator_is_built_goes_back_to_the_catalog(
        qtbot: Any, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MainWindow, "background_from_packages", 0)
    window = make_window(qtbot, demo_db)
    window.tabs.setCurrentIndex(2)
    qtbot.mouseClick(window.tabs.widget(2).cancel_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == 0 and not window.is_loading()
    qtbot.wait(200)  # the cancelled work returns and is dropped
    assert window.simulator_view is None
    window.tabs.setCurrentIndex(2)  # asked again: built this time
    qtbot.waitUntil(lambda: window.simulator_view is not None, timeout=20_000)
