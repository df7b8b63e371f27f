"""Service settings modal: overrides per price book; empty inherits the service's setting."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.views.catalog.dialogs.settings import ONE_TIME_RATE_PLAN_NOTE, ServiceSettingsDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

NONE = {"gl_code": None, "tax_category": None, "rate_plan": None, "tax_inclusive": None}


def _dialog(qtbot: Any, settings: dict[str, Any], one_time: bool = False) -> ServiceSettingsDialog:
    dialog = ServiceSettingsDialog(
        None,
        service="Internet 100",
        settings=settings,
        rate_plans=["Standard data", "Roaming"],
        tax_categories=["telecom", "equipment", "telecom"],
        one_time=one_time,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_untouched_recurring_settings_inherit_everything(qtbot: Any) -> None:
    dialog = _dialog(qtbot, dict(NONE))
    assert dialog.rate_plan_combo.currentText() == "(inherit)"
    assert dialog.tax_inclusive_combo.currentText().startswith("(inherit)")
    assert dialog.result_value() == NONE


def test_override_every_setting(qtbot: Any) -> None:
    dialog = _dialog(qtbot, dict(NONE))
    qtbot.keyClicks(dialog.gl_edit, "4010")
    qtbot.keyClicks(dialog.tax_combo.lineEdit(), "equipment")
    dialog.rate_plan_combo.setCurrentText("Roaming")
    dialog.tax_inclusive_combo.setCurrentIndex(dialog.tax_inclusive_combo.findData(False))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == ServiceSettingsDialog.DialogCode.Accepted
    assert dialog.result_value() == {
        "gl_code": "4010",
        "tax_category": "equipment",
        "rate_plan": "Roaming",
        "tax_inclusive": False,
    }


def test_existing_overrides_are_shown_and_clearing_them_inherits_again(qtbot: Any) -> None:
    dialog = _dialog(
        qtbot,
        {
            "gl_code": "4010",
            "tax_category": "telecom",
            "rate_plan": "Standard data",
            "tax_inclusive": True,
        },
    )
    assert dialog.gl_edit.text() == "4010"
    assert dialog.tax_combo.currentText() == "telecom"
    assert dialog.rate_plan_combo.currentText() == "Standard data"
    assert dialog.tax_inclusive_combo.currentData() is True
    dialog.gl_edit.selectAll()
    qtbot.keyClick(dialog.gl_edit, Qt.Key.Key_Delete)
    dialog.tax_combo.setCurrentIndex(0)
    dialog.rate_plan_combo.setCurrentIndex(0)
    dialog.tax_inclusive_combo.setCurrentIndex(0)
    assert dialog.result_value() == NONE


def test_tax_categories_offered_once_each_and_a_new_one_can_be_typed(qtbot: Any) -> None:
    dialog = _dialog(qtbot, {})
    items = [dialog.tax_combo.itemText(i) for i in range(dialog.tax_combo.count())]
    assert items == ["", "equipment", "telecom"]
    qtbot.keyClicks(dialog.tax_combo.lineEdit(), "streaming")
    assert dialog.result_value()["tax_category"] == "streaming"


def test_one_time_services_ignore_the_rate_plan_and_keep_only_set_keys(qtbot: Any) -> None:
    dialog = _dialog(qtbot, {}, one_time=True)
    assert not dialog.rate_plan_combo.isEnabled()
    assert dialog.rate_plan_note.text() == ONE_TIME_RATE_PLAN_NOTE
    assert dialog.result_value() == {}
    qtbot.keyClicks(dialog.gl_edit, "4900")
    dialog.tax_inclusive_combo.setCurrentIndex(dialog.tax_inclusive_combo.findData(True))
    assert dialog.result_value() == {"gl_code": "4900", "tax_inclusive": True}


def test_cancel_returns_nothing(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        ServiceSettingsDialog, "exec", lambda self: ServiceSettingsDialog.DialogCode.Rejected
    )
    assert (
        ServiceSettingsDialog.ask(
            None, service="X", settings={}, rate_plans=[], tax_categories=[], one_time=False
        )
        is None
    )
