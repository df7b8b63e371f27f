"""The Setup area, driven as a catalog administrator would: add, rename, remove, save."""

from __future__ import annotations

from typing import Any

import pytest
from model_testers import checked
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QTableView

from app.catalog.database import store
from app.catalog.document import reference_edit
from app.views.common.money import MoneyEdit
from app.views.setup.view import SetupView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def spec_db(db: Any, spec_catalog: dict[str, Any]) -> Any:
    store.import_catalog(db, spec_catalog)
    return db


@pytest.fixture
def view(qtbot: Any, spec_db: Any) -> SetupView:
    widget = SetupView(spec_db)
    qtbot.addWidget(widget)
    checked((widget.kinds_model, widget.model, *(n.model for n in widget.nested)))
    widget.resize(1000, 600)
    widget.show()
    return widget


def _column(view: SetupView, label: str) -> int:
    return next(i for i, c in enumerate(view.model.columns) if c.label == label)


def _row(view: SetupView, name: str) -> int:
    return view.editor.draft.keys(view.kind()).index(name)


def _open_editor(qtbot: Any, table: QTableView, index: QModelIndex) -> Any:
    rect = table.visualRect(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if table.indexWidget(index) is None:
        qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.indexWidget(index)
    assert editor is not None
    return editor


def _type_into_cell(qtbot: Any, table: QTableView, row: int, column: int, text: str) -> None:
    index = table.model().index(row, column)
    editor = _open_editor(qtbot, table, index)
    assert isinstance(editor, QLineEdit | MoneyEdit | QSpinBox)
    line = editor.lineEdit() if isinstance(editor, QSpinBox) else editor
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Backspace)
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.indexWidget(index) is None)


def _choose_in_cell(qtbot: Any, table: QTableView, row: int, column: int, keys: str) -> None:
    index = table.model().index(row, column)
    combo = _open_editor(qtbot, table, index)
    assert isinstance(combo, QComboBox)
    qtbot.keyClicks(combo, keys)  # picking by keyboard commits at once
    qtbot.waitUntil(lambda: table.indexWidget(index) is None)


def _save(qtbot: Any, view: SetupView) -> Any:
    with qtbot.waitSignal(view.changed, timeout=5000) as blocker:
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_every_kind_is_listed_with_its_count(view: SetupView) -> None:
    labels = [
        view.kinds_model.data(view.kinds_model.index(r)) for r in range(view.kinds_model.rowCount())
    ]
    assert labels[:5] == [
        "Currencies (1)",
        "Price Books (2)",
        "Statuses (4)",
        "Transitions (1)",
        "Services (4)",
    ]
    assert len(labels) == 14 and labels[-1] == "Price Plans (1)"


def test_add_a_service_and_save(qtbot: Any, view: SetupView, spec_db: Any) -> None:
    view.select_kind("services")
    assert not view.save_button.isEnabled() and not view.dirty_label.isVisible()
    with qtbot.waitSignal(view.dirtyChanged) as dirty:
        qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    assert dirty.args == [True]
    row = view.model.rowCount() - 1
    assert view.current_row() == row
    editor = view.table.indexWidget(view.model.index(row, 0))  # the name is being edited
    assert isinstance(editor, QLineEdit) and editor.text() == "New service"
    qtbot.keyClicks(editor, "Reconnect Fee")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.table.indexWidget(view.model.index(row, 0)) is None)
    _choose_in_cell(qtbot, view.table, row, _column(view, "Base type"), "f")
    _type_into_cell(qtbot, view.table, row, _column(view, "GL code"), "4710")
    assert view.model.data(view.model.index(row, 1)) == "Fee"
    assert view.dirty_label.isVisible() and view.save_button.isEnabled()
    assert view.kinds_model.data(view.kinds_model.index(4)) == "Services (5)"

    changes = _save(qtbot, view)
    assert "services" in changes.kinds
    assert store.reference_document(spec_db)["services"][-1] == {
        "name": "Reconnect Fee",
        "base_type": "fee",
        "gl_code": "4710",
    }
    assert not view.is_dirty() and not view.dirty_label.isVisible()


def test_rename_a_status_used_by_a_transition(qtbot: Any, view: SetupView, spec_db: Any) -> None:
    view.select_kind("statuses")
    _type_into_cell(qtbot, view.table, _row(view, "Active"), 0, "Live")
    view.select_kind("transitions")  # the transition follows at once
    assert view.model.data(view.model.index(0, _column(view, "To"))) == "Live"
    assert view.model.problem(view.model.index(0, _column(view, "To"))) is None
    _save(qtbot, view)
    catalog = store.export_catalog(spec_db)
    assert catalog["transitions"] == [{"name": "activation", "from": "Pre-Active", "to": "Live"}]
    assert catalog["counting_rules"][0]["statuses"] == ["Live"]
    recurring = catalog["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"][
        "recurring"
    ][0]
    assert set(recurring["amounts"]) == {"Pre-Active", "Live"}  # packages keep their prices


def test_refuse_removing_a_service_used_by_a_package(qtbot: Any, view: SetupView) -> None:
    view.select_kind("services")
    view.select_row(_row(view, "Internet 100"))
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    assert view.message.isVisible()
    assert view.message.text().startswith(
        "Cannot remove service 'Internet 100': it is used by package 'Home Bundle'"
    )
    assert "counting rule 'Active lines'" in view.message.text()
    assert "Internet 100" in view.editor.draft.keys("services")
    assert not view.is_dirty()


def test_remove_an_unused_object_undo_and_discard(
    qtbot: Any, view: SetupView, spec_db: Any
) -> None:
    view.select_kind("companies")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Insert)  # Insert adds, as the + button does
    qtbot.keyClick(view.table.indexWidget(view.model.index(1, 0)), Qt.Key.Key_Escape)
    view.select_kind("contracts")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)  # the standard Delete shortcut
    assert view.model.rowCount() == 0
    view.undo_stack().undo()
    assert view.model.rowCount() == 1 and view.current_row() == 0
    view.undo_stack().undo()
    assert view.editor.draft.keys("companies") == ["Acme Fiber"]
    view.undo_stack().redo()
    assert view.editor.draft.keys("companies") == ["Acme Fiber", "New company"]
    qtbot.mouseClick(view.discard_button, Qt.MouseButton.LeftButton)
    assert view.editor.draft.keys("companies") == ["Acme Fiber"]
    assert not view.is_dirty()
    assert store.reference_document(spec_db)["contracts"]  # nothing was written


def test_problems_refused_on_save_are_listed_with_their_path(
    qtbot: Any, view: SetupView, spec_db: Any
) -> None:
    view.select_kind("services")
    row = _row(view, "Installation")
    _type_into_cell(qtbot, view.table, row, 0, "Internet 100")
    index = view.model.index(row, 0)
    assert "Another service" in view.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert view.model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.is_dirty()  # nothing saved
    assert view.message.text().startswith("Not saved")
    lines = view.problems_model.stringList()
    assert view.problems.isVisible() and any(line.startswith("services[") for line in lines)
    assert [s["name"] for s in store.reference_document(spec_db)["services"]][1] == ("Installation")
    view.select_kind("currencies")
    problem = next(i for i, line in enumerate(lines) if line.startswith("services["))
    qtbot.mouseClick(
        view.problems.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.problems.visualRect(view.problems_model.index(problem)).center(),
    )
    assert view.kind() == "services"


def test_nested_lists_price_book_countries_and_rate_plan_rates(
    qtbot: Any, view: SetupView, spec_db: Any
) -> None:
    view.select_kind("price_books")
    view.select_row(_row(view, "DE"))
    countries = view.nested[0]
    assert countries.isVisible() and not view.nested[1].isVisible()
    assert "Countries of price book 'DE'" in countries.title()
    qtbot.mouseClick(countries.add_button, Qt.MouseButton.LeftButton)
    editor = countries.table.indexWidget(countries.model.index(1, 0))
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "at1")  # two letters at most, capitals on commit
    assert editor.text() == "at"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: countries.table.indexWidget(countries.model.index(1, 0)) is None)

    view.select_kind("rate_plans")
    rates = view.nested[0]
    index = rates.model.index(0, 2)
    before = index.data(Qt.ItemDataRole.EditRole)
    editor = _open_editor(qtbot, rates.table, index)
    assert isinstance(editor, MoneyEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "2.5x55")  # kept as typed, refused, nothing stored
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(5)
    assert editor.isVisible() and editor.text() == "2.5x55"
    assert "'x' is not allowed" in editor.problem()
    assert index.data(Qt.ItemDataRole.EditRole) == before
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: rates.table.indexWidget(index) is None)
    _type_into_cell(qtbot, rates.table, 0, 2, "2.55")
    _save(qtbot, view)
    reference = store.reference_document(spec_db)
    assert reference["price_books"][1]["countries"] == ["DE", "AT"]
    assert reference["rate_plans"][0]["rates"][0]["per_unit"] == "2.55"


def test_booleans_are_check_boxes_and_money_uses_the_currency(
    qtbot: Any, view: SetupView, spec_db: Any
) -> None:
    view.select_kind("statuses")
    column = _column(view, "Cancelled")
    index = view.model.index(_row(view, "Suspended"), column)
    assert view.model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(view.table, Qt.Key.Key_Space)  # the space bar ticks the current cell
    assert view.model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    view.select_kind("price_plans")
    prices = view.nested[0]
    editor = _open_editor(qtbot, prices.table, prices.model.index(0, 3))
    assert isinstance(editor, MoneyEdit) and editor.minor_units() == 2
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    _save(qtbot, view)
    assert store.reference_document(spec_db)["statuses"][2] == {
        "name": "Suspended",
        "cancelled": True,
    }


def test_counting_rule_items_follow_what_it_counts(qtbot: Any, view: SetupView) -> None:
    view.select_kind("counting_rules")
    items = view.nested[0]
    assert items.model.data(items.model.index(0, 0)) == "Internet 100"
    _choose_in_cell(qtbot, view.table, 0, _column(view, "Counts"), "p")
    assert view.editor.draft.items("counting_rules")[0]["counts"] == "packages"
    assert items.model.rowCount() == 0  # services are not packages
    qtbot.mouseClick(items.add_button, Qt.MouseButton.LeftButton)
    assert view.editor.draft.items("counting_rules")[0]["items"] == ["Home Bundle"]
    qtbot.mouseClick(items.add_button, Qt.MouseButton.LeftButton)
    assert "already in the rule" in view.message.text()


def test_catalog_changed_elsewhere_reloads_unless_there_are_edits(
    qtbot: Any, view: SetupView, spec_db: Any, spec_catalog: Any
) -> None:
    spec_catalog["companies"].append({"name": "Beta Telecom"})
    changes = store.import_catalog(spec_db, spec_catalog)
    view.on_catalog_changed(changes)
    assert view.editor.draft.keys("companies") == ["Acme Fiber", "Beta Telecom"]
    view.select_kind("companies")
    _type_into_cell(qtbot, view.table, 0, 0, "Acme")
    spec_catalog["companies"].append({"name": "Gamma"})
    view.on_catalog_changed(store.import_catalog(spec_db, spec_catalog))
    assert view.editor.draft.keys("companies") == ["Acme", "Beta Telecom"]
    assert "changed outside Setup" in view.message.text()


def test_users_and_renames_of_the_draft(spec_catalog: dict[str, Any]) -> None:
    draft = reference_edit.ReferenceDraft(spec_catalog)
    draft.set_field("services", 3, ("name",), "Mobile Data")
    assert draft.items("usage_buckets")[0]["service"] == "Mobile Data"
    assert draft.items("rate_plans")[0]["rates"][0]["service"] == "Mobile Data"
    draft.set_field("currencies", 0, ("code",), "USX")
    assert draft.items("price_plans")[0]["prices"][0]["currency"] == "USX"
    assert draft.renames() == {"services": {"Data": "Mobile Data"}, "currencies": {"USD": "USX"}}
    assert reference_edit.users(
        draft.doc, spec_catalog["packages"], "transitions", "activation"
    ) == ["package 'Home Bundle'"]
    assert reference_edit.users(draft.doc, [], "statuses", "Pre-Active") == [
        "transition 'activation'"
    ]
    assert (
        reference_edit.users(draft.doc, spec_catalog["packages"], "companies", "Acme Fiber") == []
    )
