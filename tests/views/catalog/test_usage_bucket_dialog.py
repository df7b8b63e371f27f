"""The usage bucket modal: choose a bucket, override flat charges, thresholds and unit."""

from __future__ import annotations

from typing import Any

import pytest
from model_testers import check_model
from PySide6.QtCore import Qt

from app.views.catalog.dialogs.usage_bucket import UsageBucketDialog
from app.views.common.money import MoneyEdit

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

BUCKETS = [
    {
        "name": "100 GB",
        "service": "Data",
        "unit": "GB",
        "tiers": [
            {"threshold": "100", "flat_charge": "0"},
            {"threshold": "200", "flat_charge": "10.00"},
        ],
    },
    {
        "name": "Voice 500",
        "service": "Voice",
        "unit": "min",
        "tiers": [{"threshold": "500", "flat_charge": "5.00"}],
    },
]


def _dialog(
    qtbot: Any, current: dict[str, Any] | None = None, buckets: list[dict[str, Any]] | None = None
) -> UsageBucketDialog:
    dialog = UsageBucketDialog(
        None,
        service="Data",
        buckets=BUCKETS if buckets is None else buckets,
        current=current,
        minor_units=2,
    )
    qtbot.addWidget(dialog)
    check_model(dialog.model)
    dialog.show()
    return dialog


def _edit_cell(qtbot: Any, dialog: UsageBucketDialog, row: int, column: int, text: str) -> None:
    index = dialog.model.index(row, column)
    rect = dialog.table.visualRect(index)
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if dialog.table.indexWidget(index) is None:  # already current: F2 edits, as in a sheet
        qtbot.keyClick(dialog.table, Qt.Key.Key_F2)
    editor = dialog.table.indexWidget(index)
    assert isinstance(editor, MoneyEdit)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.indexWidget(index) is None)  # committed and closed


def test_only_the_services_buckets_are_offered_and_no_bucket_first(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    items = [dialog.bucket_combo.itemText(i) for i in range(dialog.bucket_combo.count())]
    assert items == ["No bucket", "100 GB"]
    assert dialog.result_value() == {"usage_bucket": None}
    assert not dialog.table.isVisible()


def test_choosing_a_bucket_without_changes_stores_no_overrides(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    dialog.bucket_combo.setCurrentText("100 GB")
    assert dialog.model.rowCount() == 2
    assert dialog.model.headerData(1, Qt.Orientation.Horizontal) == "Threshold (GB)"
    _edit_cell(qtbot, dialog, 0, 2, "0.00")  # the same amount, written differently
    assert dialog.result_value() == {
        "usage_bucket": {"bucket": "100 GB", "unit": None, "tiers": None}
    }


def test_override_flat_charge_threshold_and_unit(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    dialog.bucket_combo.setCurrentText("100 GB")
    _edit_cell(qtbot, dialog, 0, 2, "5.00")
    _edit_cell(qtbot, dialog, 1, 1, "250")
    qtbot.keyClicks(dialog.unit_edit, "MB")
    assert dialog.model.is_overridden(0, "flat_charge")
    assert dialog.model.data(dialog.model.index(0, 2), Qt.ItemDataRole.FontRole).bold()
    assert dialog.model.headerData(1, Qt.Orientation.Horizontal) == "Threshold (MB)"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == UsageBucketDialog.DialogCode.Accepted
    assert dialog.result_value() == {
        "usage_bucket": {
            "bucket": "100 GB",
            "unit": "MB",
            "tiers": [
                {"threshold": "100", "flat_charge": "5.00"},
                {"threshold": "250", "flat_charge": "10.00"},
            ],
        }
    }


def test_unit_equal_to_the_buckets_is_not_an_override(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    dialog.bucket_combo.setCurrentText("100 GB")
    qtbot.keyClicks(dialog.unit_edit, "GB")
    assert dialog.result_value()["usage_bucket"]["unit"] is None


def test_current_setting_is_shown_and_reset_returns_to_the_bucket(qtbot: Any) -> None:
    current = {
        "bucket": "100 GB",
        "unit": "MB",
        "tiers": [
            {"threshold": "100", "flat_charge": "3"},
            {"threshold": "200", "flat_charge": "10.00"},
        ],
    }
    dialog = _dialog(qtbot, current)
    assert dialog.bucket_combo.currentText() == "100 GB"
    assert dialog.unit_edit.text() == "MB"
    assert dialog.model.data(dialog.model.index(0, 2)) == "3"
    assert dialog.result_value() == {"usage_bucket": current}
    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    assert dialog.result_value() == {
        "usage_bucket": {"bucket": "100 GB", "unit": None, "tiers": None}
    }


def test_thresholds_must_increase_and_bad_text_is_refused_as_typed(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    dialog.bucket_combo.setCurrentText("100 GB")
    index = dialog.model.index(1, 1)
    before = dialog.model.tiers[1]["threshold"]
    dialog.table.setCurrentIndex(index)  # the table edits the current cell at once
    if dialog.table.indexWidget(index) is None:
        dialog.table.edit(index)
    editor = dialog.table.indexWidget(index)
    assert isinstance(editor, MoneyEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "-5x0")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(5)
    assert dialog.table.indexWidget(index) is editor and editor.text() == "-5x0"
    assert "cannot be below zero" in dialog.amount_note.text()
    assert dialog.model.tiers[1]["threshold"] == before and not dialog.ok_button.isEnabled()
    editor.selectAll()
    qtbot.keyClicks(editor, "50")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.indexWidget(index) is None)
    assert dialog.model.tiers[1]["threshold"] == "50" and dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != UsageBucketDialog.DialogCode.Accepted
    assert dialog.error.text() == "Tier 2: threshold must be more than 100, the threshold of tier 1."
    _edit_cell(qtbot, dialog, 1, 2, "")  # an emptied cell keeps its value
    assert dialog.model.tiers[1]["flat_charge"] == "10.00"


def test_no_bucket_for_the_service_explains_where_to_add_one(qtbot: Any) -> None:
    dialog = _dialog(qtbot, buckets=[BUCKETS[1]])
    assert dialog.bucket_combo.count() == 1
    assert "Setup › Usage Buckets" in dialog.no_bucket_note.text()
    assert dialog.no_bucket_note.isVisible()
