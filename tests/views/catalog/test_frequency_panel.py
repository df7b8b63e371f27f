"""The Edit Package Frequency panel: required fields and Save, errors beside the field at fault,
Active only with a currency, Rate Plan only with usage services, the counting rule typed with
completion, bill frequencies."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox

from app.catalog.database import store
from app.views.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")



def select(window: MainWindow, package: str, frequency: int | None = 0) -> None:
    row = window.editor.panel.model.row_of_name(package)
    assert row is not None
    window.editor.panel.select(row, frequency, quiet=False)


def choose(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def retype(qtbot: Any, edit: Any, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def marked_required(field: Any) -> bool:
    host = field.parentWidget()
    markers = [c for c in host.children() if getattr(c, "objectName", lambda: "")()
               == "requiredMarker"]
    return bool(markers) and not markers[0].isHidden()


def test_a_missing_name_disables_save(qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber TV")
    fp = window.editor.frequency_panel
    sku = fp.sku_edit.text()
    assert marked_required(fp.name_edit)
    assert not marked_required(fp.sku_edit)
    retype(qtbot, fp.sku_edit, "FTV-Q2")
    fp.commit()
    assert fp.header.save_button.isEnabled()
    assert fp.header.title.text().endswith("*")
    retype(qtbot, fp.name_edit, "")
    assert not fp.header.save_button.isEnabled()
    assert "Name" in fp.header.save_button.toolTip()
    window.save_action.trigger()  # Ctrl+S does not save either
    assert store.package_document(window.db, "Fiber TV")["frequencies"][0]["sku"] == sku
    qtbot.keyClicks(fp.name_edit, "Fiber TV Every Quarter")
    assert fp.header.save_button.isEnabled()
    qtbot.mouseClick(fp.header.save_button, Qt.MouseButton.LeftButton)
    saved = store.package_document(window.db, "Fiber TV")["frequencies"][0]
    assert (saved["name"], saved["sku"]) == ("Fiber TV Every Quarter", "FTV-Q2")
    assert not fp.header.title.text().endswith("*")


def test_a_duplicate_name_shows_the_error_beside_the_name_field(
        qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber TV")
    fp = window.editor.frequency_panel
    retype(qtbot, fp.name_edit, "Mobile Monthly")
    window.save_action.trigger()
    error = fp.errors["name"]
    assert error.isVisible()
    assert "Mobile Monthly" in error.text() and "already used" in error.text()
    assert window.editor.is_dirty()  # nothing lost
    assert fp.name_edit.text() == "Mobile Monthly"
    window.undo_action.trigger()
    assert fp.name_edit.text() == "Fiber TV Quarterly"
    assert not window.editor.is_dirty()


def test_active_is_disabled_until_a_currency_is_enabled(qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber TV", None)
    window.editor.panel.add_frequency_action.trigger()
    fp = window.editor.frequency_panel
    assert not fp.active_box.isEnabled()
    box = fp.recurring_tab.bar.boxes["EUR"]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert fp.active_box.isEnabled()
    assert fp.selection.currency == "EUR"
    fp.active_box.click()
    # disabling the last currency makes the frequency inactive again
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    freq = window.editor.draft.frequency(1)
    assert (freq["currencies"], freq["active"]) == ([], False)
    assert not fp.active_box.isEnabled()


def test_rate_plan_shows_only_with_usage_services(window: MainWindow) -> None:
    select(window, "Mobile")
    fp = window.editor.frequency_panel
    assert fp.rate_plan_combo.isVisible()
    assert fp.rate_plan_combo.currentData() == "Standard data"
    select(window, "Fiber Internet")
    assert not fp.rate_plan_combo.isVisible()
    assert fp.activation_edit.isReadOnly()


def test_counting_rule_is_typed_with_completion_and_checked_on_save(
        qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber TV")
    fp = window.editor.frequency_panel
    assert not fp.rule_edit.isEnabled()
    choose(fp.tiering_combo, "bracket")
    assert fp.rule_edit.isEnabled() and marked_required(fp.rule_edit)
    assert fp.tabs.isTabVisible(3)
    completer = fp.rule_completer
    completer.setCompletionPrefix("fiber")
    assert completer.currentCompletion() == "Active fiber packages"
    retype(qtbot, fp.rule_edit, "No such rule")
    window.save_action.trigger()
    assert "unknown counting rule" in fp.errors["counting_rule"].text()
    retype(qtbot, fp.rule_edit, "Active fiber packages")
    window.save_action.trigger()
    assert not fp.errors["counting_rule"].isVisible()
    saved = store.package_document(window.db, "Fiber TV")["frequencies"][0]
    assert (saved["tiering"], saved["counting_rule"]) == ("bracket", "Active fiber packages")


def test_bill_frequency_every_n_months(qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber TV")
    fp = window.editor.frequency_panel
    assert [fp.bill_combo.itemText(i) for i in range(fp.bill_combo.count())] == [
        "Weekly", "Monthly", "Quarterly", "Semi-annual", "Annual", "Every N months"]
    assert not fp.months_spin.isVisible()
    choose(fp.bill_combo, "months")
    assert fp.months_spin.isVisible()
    fp.months_spin.setValue(18)
    fp.months_spin.editingFinished.emit()
    assert window.editor.draft.frequency(0)["bill_frequency"] == {"months": 18}
    window.save_action.trigger()
    assert store.package_document(window.db, "Fiber TV")["frequencies"][0][
        "bill_frequency"] == {"months": 18}
