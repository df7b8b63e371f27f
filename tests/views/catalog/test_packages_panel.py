"""The Packages panel: the tree and its filter, and the actions above it (add package, add
frequency, clone, delete refused while in use, deactivate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from model_testers import check_model
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import insert
from sqlalchemy import select as sql_select

from app.catalog.database import store
from app.catalog.database.store import FrequencySummary, PackageSummary
from app.models import schema as m
from app.views.catalog.packages_model import NAME_ROLE, PackagesFilterModel, PackagesModel
from app.views.catalog.packages_panel import PackagesPanel
from app.views.main_window import MainWindow
from app.views.simulator.question_dialog import QuestionDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def add_account(db: Any, frequency: str, name: str = "Jane Doe") -> None:
    """An account using ``frequency`` (written with SQLAlchemy: only tests do this)."""
    with db.engine.begin() as conn:
        fid = conn.execute(sql_select(m.PackageFrequency.id)
                           .where(m.PackageFrequency.name == frequency)).scalar_one()
        currency = conn.execute(sql_select(m.Currency.id).limit(1)).scalar_one()
        book = conn.execute(sql_select(m.PriceBook.id).limit(1)).scalar_one()
        account = conn.execute(insert(m.Account).values(
            name=name, country="US", currency_id=currency, price_book_id=book, bill_day=1,
            position=0).returning(m.Account.id)).scalar_one()
        conn.execute(insert(m.AccountPackage).values(
            account_id=account, frequency_id=fid, start=dt.date(2026, 1, 1), position=0))


def visible(panel: PackagesPanel) -> dict[str, list[str]]:
    """What the tree shows: package -> its visible frequencies."""
    proxy = panel.proxy
    out = {}
    for r in range(proxy.rowCount()):
        parent = proxy.index(r, 0)
        if proxy.canFetchMore(parent):
            proxy.fetchMore(parent)
        out[parent.data(NAME_ROLE)] = [proxy.index(k, 0, parent).data(NAME_ROLE)
                                 for k in range(proxy.rowCount(parent))]
    return out


@pytest.fixture
def window(qtbot: Any, demo_db: Any) -> MainWindow:
    win = MainWindow(demo_db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.show()
    return win


def select(window: MainWindow, package: str, frequency: int | None = 0) -> None:
    row = window.editor.panel.model.row_of_name(package)
    assert row is not None
    window.editor.panel.select(row, frequency, quiet=False)


def summaries(n: int) -> list[PackageSummary]:
    return [PackageSummary(f"Package {i}", i % 3 != 0, [
        FrequencySummary(f"Package {i} Monthly", True, "monthly"),
        FrequencySummary(f"Package {i} Annual", False, {"months": 12}, in_use=i == 1)])
        for i in range(n)]


def _edit_the_tree(model: PackagesModel, proxy: PackagesFilterModel | None) -> None:
    """Load, fetch, filter, update, remove and append, as the editor does."""
    model.load(summaries(30))
    parent = model.index(4, 0)
    model.fetchMore(parent)
    assert model.index(1, 0, parent).data() == "Package 4 Annual"
    assert model.parent(model.index(1, 0, parent)) == parent
    if proxy is not None:
        proxy.setFilterFixedString("annual")
    model.update_package(4, PackageSummary("Package 4", True, [
        FrequencySummary("Package 4 Weekly", True, "weekly")]), dirty=True)
    model.remove_package(2)
    model.append_package(PackageSummary("", True, []), new=True)
    model.set_in_use({"Package 4 Weekly"})
    if proxy is not None:
        proxy.setFilterFixedString("")
    assert model.index(3, 0).data() == "Package 4 *"  # row 2 removed: 4 moved up
    assert model.data(model.index(3, 0, QModelIndex())) == "Package 4 *"
    assert model.index(model.rowCount() - 1, 0).data() == "(new package) *"


def test_tree_model_fetches_frequencies_on_demand() -> None:
    model = PackagesModel()
    model.load(summaries(30))
    parent = model.index(4, 0)
    assert model.rowCount(parent) == 0 and model.hasChildren(parent)
    assert model.canFetchMore(parent)
    model.fetchMore(parent)
    assert model.rowCount(parent) == 2 and not model.canFetchMore(parent)


def test_tree_model_passes_the_model_tester_through_every_edit(qtbot: Any) -> None:
    # The tester walks the whole tree after each change, fetching what it finds.
    _edit_the_tree(check_model(PackagesModel(), force_py=True), None)


def test_tree_filter_passes_the_model_tester_through_every_edit(qtbot: Any) -> None:
    # One tester at a time: a tester on the tree itself would fetch rows while the tree's
    # reset is still being announced, before the filter has heard of it (no view does that).
    model = PackagesModel()
    proxy = PackagesFilterModel()
    proxy.setSourceModel(model)
    check_model(proxy, force_py=True)
    _edit_the_tree(model, proxy)


def test_filter_narrows_as_you_type(qtbot: Any, window: MainWindow) -> None:
    panel = window.editor.panel
    assert len(visible(panel)) == 7
    qtbot.keyClicks(panel.filter_edit, "fiber")  # names, and the company Northwind Fiber
    assert set(visible(panel)) == {"Fiber Internet", "Fiber TV Bundle", "Fiber TV",
                                   "Fiber Home 50 (2023)", "Home Phone", "Mobile"}
    qtbot.keyClicks(panel.filter_edit, " tv")
    # a package whose name matches shows all its frequencies
    assert visible(panel) == {"Fiber TV Bundle": ["Fiber TV Bundle Monthly"],
                              "Fiber TV": ["Fiber TV Quarterly"]}
    assert panel.count_label.text() == "2 of 7 packages"
    panel.filter_edit.clear()
    # a package stays visible when one of its frequencies matches (and shows only those)
    qtbot.keyClicks(panel.filter_edit, "ANNUAL")
    assert visible(panel) == {"Fiber Internet": ["Fiber Internet Annual"]}
    assert panel.view.isExpanded(panel.proxy.index(0, 0))
    panel.filter_edit.clear()
    assert len(visible(panel)) == 7


def test_filter_also_matches_sku_service_and_company(qtbot: Any, window: MainWindow) -> None:
    panel = window.editor.panel
    qtbot.keyClicks(panel.filter_edit, "fi-a")  # a SKU: only that frequency
    assert visible(panel) == {"Fiber Internet": ["Fiber Internet Annual"]}
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "northwind business")  # a company
    assert visible(panel) == {"Business Lines": ["Business Lines Monthly"]}
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "mobile data")  # a service
    assert set(visible(panel)) == {"Mobile"}
    # a SKU typed in the form is found at once
    select(window, "Home Phone", 0)
    window.editor.frequency_panel.sku_edit.setText("HP-NEW")
    window.editor.frequency_panel.commit()
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "hp-new")
    assert visible(panel) == {"Home Phone": ["Home Phone Monthly"]}


def test_delete_is_refused_while_an_account_uses_the_frequency(
        qtbot: Any, window: MainWindow, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    add_account(demo_db, "Fiber Internet Monthly")
    window.editor.reload()
    warnings: list[str] = []
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *a: Any, **k: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _parent, _title, text, *a, **k: warnings.append(text))
    select(window, "Fiber Internet", 0)
    window.editor.panel.delete_action.trigger()
    assert len(warnings) == 1
    assert "used by 1 account(s) (Jane Doe)" in warnings[0]
    assert "untick Active" in warnings[0]
    assert store.frequency_users(demo_db, "Fiber Internet Monthly") == ["Jane Doe"]
    # the package too: its frequency is in use
    select(window, "Fiber Internet", None)
    window.editor.panel.delete_action.trigger()
    assert "untick Enabled" in warnings[1]
    assert "Fiber Internet" in [p.name for p in store.package_summaries(demo_db)]
    assert asked == []  # refused before "Delete?" is asked


def test_delete_after_confirmation_when_not_in_use(
        qtbot: Any, window: MainWindow, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    select(window, "Fiber Internet", 1)
    window.editor.panel.delete_action.trigger()  # No: nothing happens
    assert len(store.package_document(demo_db, "Fiber Internet")["frequencies"]) == 2
    with qtbot.waitSignal(window.catalogChanged) as signal:
        window.editor.panel.delete_action.trigger()
    assert signal.args[0].packages == frozenset({"Fiber Internet"})
    assert [f["name"] for f in store.package_document(demo_db, "Fiber Internet")[
        "frequencies"]] == ["Fiber Internet Monthly"]
    assert visible(window.editor.panel)["Fiber Internet"] == ["Fiber Internet Monthly"]


def test_deactivate_asks_first_then_unticks_active_and_saves_and_undo_turns_it_back(
        qtbot: Any, window: MainWindow, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [QMessageBox.StandardButton.No] + [QMessageBox.StandardButton.Yes] * 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    select(window, "Mobile", 0)
    window.editor.panel.deactivate_action.trigger()  # No: nothing changes
    assert store.package_document(demo_db, "Mobile")["frequencies"][0]["active"] is True
    window.editor.panel.deactivate_action.trigger()
    assert store.package_document(demo_db, "Mobile")["frequencies"][0]["active"] is False
    assert not window.editor.frequency_panel.active_box.isChecked()
    select(window, "Mobile", None)
    window.editor.panel.deactivate_action.trigger()
    assert store.package_document(demo_db, "Mobile")["enabled"] is False
    assert not window.editor.is_dirty()
    window.undo_action.trigger()  # the deactivation is an undoable edit: Save keeps it undone
    assert window.editor.draft is not None and window.editor.draft.doc["enabled"] is True
    assert window.editor.is_dirty()


def test_add_frequency_gets_a_unique_monthly_name_and_clone_a_copy(
        qtbot: Any, window: MainWindow, demo_db: Any) -> None:
    select(window, "Fiber Internet", None)
    panel = window.editor.panel
    panel.add_frequency_action.trigger()
    fp = window.editor.frequency_panel
    assert fp.name_edit.text() == "Fiber Internet Monthly 2"  # "... Monthly" is taken
    freq = window.editor.draft.frequency(2)
    assert (freq["bill_frequency"], freq["active"], freq["currencies"]) == ("monthly", False, [])
    assert freq["custom_fields"] == {"Show on website": False}  # required check box
    assert visible(panel)["Fiber Internet"][-1] == "Fiber Internet Monthly 2"
    select(window, "Fiber Internet", 0)
    panel.clone_action.trigger()
    assert fp.name_edit.text() == "Fiber Internet Monthly (copy)"
    assert window.windowTitle().endswith("*")
    window.save_action.trigger()
    names = [f["name"] for f in store.package_document(demo_db, "Fiber Internet")["frequencies"]]
    assert names[2:] == ["Fiber Internet Monthly 2", "Fiber Internet Monthly (copy)"]
    copied = store.package_document(demo_db, "Fiber Internet")["frequencies"][3]
    original = store.package_document(demo_db, "Fiber Internet")["frequencies"][0]
    assert {**copied, "name": "x"} == {**original, "name": "x"}


def test_clone_as_new_package_is_a_new_product_without_skus_and_sellable(
        qtbot: Any, window: MainWindow, demo_db: Any) -> None:
    select(window, "Fiber Home 50 (2023)", None)  # the demo's retired package
    assert store.package_document(demo_db, "Fiber Home 50 (2023)")["frequencies"][0][
        "active"] is False
    window.editor.form.cloneAsNewRequested.emit()
    draft = window.editor.draft
    assert draft is not None and draft.is_new
    assert draft.doc["name"] == "Fiber Home 50 (2023) (copy)" and draft.doc["enabled"]
    assert [(f["sku"], f["active"]) for f in draft.doc["frequencies"]] == [(None, True)]


def test_cancel_at_the_unsaved_changes_prompt_keeps_the_edited_row_highlighted(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = window.editor
    select(window, "Mobile", 0)
    editor.frequency_panel.name_edit.setText("Mobile Monthly 2")
    editor.frequency_panel.commit()
    assert editor.is_dirty()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    view = editor.panel.view
    target = editor.panel.proxy.mapFromSource(
        editor.panel.model.package_index(editor.panel.model.row_of_name("Home Phone")))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(target).center())
    qtbot.wait(20)
    edited = editor.panel.proxy.mapFromSource(
        editor.panel.model.frequency_index(editor.panel.model.row_of_name("Mobile"), 0))
    assert view.currentIndex() == edited
    assert view.selectionModel().selectedIndexes() == [edited]
    assert editor.draft is not None and editor.draft.doc["name"] == "Mobile"
    # the actions act on what is highlighted and edited
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    editor.panel.clone_action.trigger()
    assert editor.draft.frequency(editor.frequency_row or 0)["name"] == \
        "Mobile Monthly 2 (copy)"


def test_package_in_use_refuses_service_changes_and_offers_a_clone(
        qtbot: Any, window: MainWindow, demo_db: Any) -> None:
    add_account(demo_db, "Home Phone Monthly")
    window.editor.reload()
    select(window, "Home Phone", None)
    form = window.editor.form
    assert form.in_use_frame.isVisible()
    assert "disable" in form.in_use_label.text().lower() or "untick Enabled" in \
        form.in_use_label.text()
    assert "create a new package" in form.in_use_label.text()
    assert not form.add_service_button.isEnabled()
    assert not form.services_model.flags(form.services_model.index(0, 0)) & \
        form.services_model.flags(form.services_model.index(0, 0)).ItemIsEditable
    form.clone_button.click()
    assert window.editor.draft.is_new
    assert form.name_edit.text() == "Home Phone (copy)"
    assert not form.in_use_frame.isVisible()
    form.add_service("Static IP")
    window.save_action.trigger()
    clone = store.package_document(demo_db, "Home Phone (copy)")
    assert clone["services"] == ["Phone Line", "Installation", "Activation Fee", "Static IP"]
    assert [f["name"] for f in clone["frequencies"]] == ["Home Phone Monthly (copy)"]


def test_context_menu_has_the_actions_and_simulate(window: MainWindow) -> None:
    panel = window.editor.panel
    select(window, "Mobile", 0)
    texts = [a.text() for a in (panel.add_package_action, panel.add_frequency_action,
                                panel.clone_action, panel.delete_action,
                                panel.deactivate_action, panel.simulate_action)]
    assert texts[-1] == "Simulate an account with this package"
    assert all(a.isEnabled() for a in (panel.clone_action, panel.delete_action))
    assert not panel.add_package_action.icon().isNull()


def _tooltip(window: MainWindow, package: str, frequency: str) -> str:
    proxy = window.editor.panel.proxy
    for r in range(proxy.rowCount()):
        parent = proxy.index(r, 0)
        if parent.data(NAME_ROLE) != package:
            continue
        if proxy.canFetchMore(parent):
            proxy.fetchMore(parent)
        for k in range(proxy.rowCount(parent)):
            index = proxy.index(k, 0, parent)
            if index.data(NAME_ROLE) == frequency:
                return str(index.data(Qt.ItemDataRole.ToolTipRole))
    raise AssertionError(f"{frequency} not in the tree")


def test_in_use_marker_follows_a_scenario_the_simulator_saves(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saving a scenario in the Simulator marks its frequency "used by accounts" in the tree
    and in the open package's form at once; deleting the scenario clears both."""
    select(window, "Home Phone", None)
    assert "used by accounts" not in _tooltip(window, "Home Phone", "Home Phone Monthly")
    assert not window.editor.form.in_use_frame.isVisible()
    window.tabs.setCurrentIndex(2)
    simulator = window.simulator_view
    assert simulator is not None
    simulator.simulate_frequency("Home Phone Monthly")
    assert simulator.save()
    window.tabs.setCurrentIndex(0)
    assert "used by accounts" in _tooltip(window, "Home Phone", "Home Phone Monthly")
    assert window.editor.form.in_use_frame.isVisible()
    window.tabs.setCurrentIndex(2)
    monkeypatch.setattr(QuestionDialog, "ask", staticmethod(lambda *_a, **_k: "yes"))
    simulator.delete_scenario()
    window.tabs.setCurrentIndex(0)
    assert "used by accounts" not in _tooltip(window, "Home Phone", "Home Phone Monthly")
    assert not window.editor.form.in_use_frame.isVisible()


def test_undo_survives_a_change_of_selection(
        qtbot: Any, window: MainWindow, demo_db: Any) -> None:
    editor = window.editor
    select(window, "Mobile", 0)
    editor.frequency_panel.name_edit.setText("Mobile Monthly Plus")
    editor.frequency_panel.commit()
    assert editor.save()
    select(window, "Home Phone", 0)  # another package: its own (empty) history
    assert not window.undo_action.isEnabled()
    select(window, "Mobile", 0)  # back: the saved rename can be undone
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert editor.frequency_panel.name_edit.text() == "Mobile Monthly"
    assert editor.is_dirty()


def test_deleting_a_package_asks_first_and_undo_brings_it_back(
        qtbot: Any, window: MainWindow, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    before = store.package_document(demo_db, "Mobile")
    select(window, "Mobile", None)
    window.editor.panel.delete_action.trigger()
    assert "Mobile" not in [p.name for p in store.package_summaries(demo_db)]
    assert "Mobile" not in visible(window.editor.panel)
    assert window.undo_action.isEnabled() and "Delete package Mobile" in window.undo_action.text()
    window.undo_action.trigger()
    assert store.package_document(demo_db, "Mobile") == before
    qtbot.waitUntil(lambda: window.editor.draft is not None
                    and window.editor.draft.doc["name"] == "Mobile")
    assert "Mobile" in visible(window.editor.panel)


def test_deleting_a_saved_frequency_can_be_undone(
        qtbot: Any, window: MainWindow, demo_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    select(window, "Fiber Internet", 1)
    window.editor.panel.delete_action.trigger()
    assert [f["name"] for f in store.package_document(demo_db, "Fiber Internet")[
        "frequencies"]] == ["Fiber Internet Monthly"]
    window.undo_action.trigger()
    assert visible(window.editor.panel)["Fiber Internet"] == ["Fiber Internet Monthly",
                                                              "Fiber Internet Annual"]
    assert window.editor.is_dirty()  # Save writes it back
    assert window.editor.save()
    assert len(store.package_document(demo_db, "Fiber Internet")["frequencies"]) == 2
