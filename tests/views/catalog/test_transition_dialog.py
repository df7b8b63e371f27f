"""Add Transition: a charge on a fee service, with an optional penalty and threshold."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.views.catalog.dialogs.transition import NO_FEE_SERVICE, AddTransitionDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

SERVICES = ["Internet 100", "Activation Fee", "Reconnect Fee"]
TRANSITIONS = ["activation", "reactivation"]
FEES = ["Activation Fee", "Reconnect Fee"]


def _dialog(
    qtbot: Any, current: dict[str, Any] | None = None, fee_services: list[str] | None = None
) -> AddTransitionDialog:
    dialog = AddTransitionDialog(
        None,
        services=SERVICES,
        transitions=TRANSITIONS,
        fee_services=FEES if fee_services is None else fee_services,
        current=current,
        minor_units=2,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_reactivation_with_a_one_month_penalty(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    assert dialog.windowTitle() == "Add Transition" and dialog.add_button.text() == "Add"
    assert [dialog.charge_combo.itemText(i) for i in range(dialog.charge_combo.count())] == FEES
    dialog.service_combo.setCurrentText("Internet 100")
    dialog.transition_combo.setCurrentText("reactivation")
    dialog.charge_combo.setCurrentText("Reconnect Fee")
    qtbot.keyClicks(dialog.amount_edit, "25.00")
    assert not dialog.penalty_box.isChecked()
    dialog.penalty_box.setChecked(True)
    qtbot.keyClicks(dialog.penalty_amount, "15.00")
    dialog.threshold_spin.lineEdit().selectAll()
    qtbot.keyClicks(dialog.threshold_spin.lineEdit(), "1")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == AddTransitionDialog.DialogCode.Accepted
    assert dialog.result_value() == {
        "service": "Internet 100",
        "transition": "reactivation",
        "charge_service": "Reconnect Fee",
        "amount": "25.00",
        "penalty": {"amount": "15.00", "threshold_months": 1},
    }


def test_without_penalty_and_threshold_in_days(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    dialog.service_combo.setCurrentText("Internet 100")
    dialog.transition_combo.setCurrentText("activation")
    dialog.charge_combo.setCurrentText("Activation Fee")
    qtbot.keyClicks(dialog.amount_edit, "49")
    assert dialog.result_value()["penalty"] is None
    dialog.penalty_box.setChecked(True)
    qtbot.keyClicks(dialog.penalty_amount, "5")
    dialog.threshold_unit.setCurrentText("Days")
    dialog.threshold_spin.setValue(10)
    assert dialog.result_value()["penalty"] == {"amount": "5", "threshold_days": 10}


def test_missing_choices_and_amounts_are_refused_beside_the_fields(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    dialog.penalty_box.setChecked(True)
    qtbot.keyClicks(dialog.amount_edit, "-x")  # kept as typed, refused beside the field
    assert dialog.amount_edit.text() == "-x"
    assert "cannot be below zero" in dialog.amount_edit.note().text()
    assert not dialog.add_button.isEnabled()
    dialog.amount_edit.clear()
    assert dialog.add_button.isEnabled()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != AddTransitionDialog.DialogCode.Accepted
    assert dialog.errors["service"].text() == "Choose the service."
    assert dialog.errors["transition"].isVisible()
    assert dialog.errors["charge_service"].isVisible()
    assert dialog.errors["amount"].text() == "An amount is required."
    assert dialog.errors["penalty_amount"].isVisible()
    # a message goes once its field is set right
    dialog.service_combo.setCurrentIndex(0)
    assert not dialog.errors["service"].isVisible()
    assert dialog.errors["transition"].isVisible()


def test_without_fee_services_add_is_disabled_with_the_reason(qtbot: Any) -> None:
    dialog = _dialog(qtbot, fee_services=[])
    assert not dialog.add_button.isEnabled()
    assert dialog.no_fee_note.text() == NO_FEE_SERVICE
    assert dialog.no_fee_note.isVisible()


def test_editing_an_existing_charge_shows_it(qtbot: Any) -> None:
    current = {
        "service": "Internet 100",
        "transition": "activation",
        "charge_service": "Activation Fee",
        "amount": "49.00",
        "penalty": {"amount": "25.00", "threshold_days": 45},
    }
    dialog = _dialog(qtbot, current)
    assert dialog.add_button.text() == "Update"
    assert dialog.penalty_box.isChecked()
    assert dialog.threshold_unit.currentText() == "Days"
    assert dialog.result_value() == current
