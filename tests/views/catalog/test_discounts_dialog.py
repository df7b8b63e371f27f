"""Edit Discounts, driven as a user would: stack discounts, reorder them, refuse bad input."""

from __future__ import annotations

from typing import Any

import pytest
from model_testers import check_model
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateEdit

from app.views.catalog.dialogs.discounts import DiscountsDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

STATUSES = ["Pre-Active", "Active", "Suspended"]


def _dialog(
    qtbot: Any, discounts: list[dict[str, Any]] | None = None, promo_codes: list[str] | None = None
) -> DiscountsDialog:
    dialog = DiscountsDialog(
        None,
        service="Internet 100",
        discounts=discounts or [],
        statuses=STATUSES,
        promo_codes=promo_codes or ["SPRING"],
        minor_units=2,
        currency="USD",
        promo_configs={"SPRING": {"type": "percent", "amount": "10", "period_months": 3}},
    )
    qtbot.addWidget(dialog)
    check_model(dialog.model)
    with qtbot.waitActive(dialog):  # keys and shortcuts go to the active window
        dialog.show()
    return dialog


def _click(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _type_date(qtbot: Any, edit: QDateEdit, yyyymmdd: str) -> None:
    edit.setFocus()
    edit.setSelectedSection(QDateEdit.Section.YearSection)
    qtbot.keyClicks(edit, yyyymmdd)


def _retype(qtbot: Any, widget: Any, text: str) -> None:
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def _fill(
    qtbot: Any, dialog: DiscountsDialog, *, name: str, kind: str, amount: str, months: int
) -> None:
    _click(qtbot, dialog.add_button)
    qtbot.keyClicks(dialog.name_edit, name)
    _type_date(qtbot, dialog.start_edit, "20260101")
    dialog.prorate_check.click()
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findText("Active"))
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData(kind))
    _retype(qtbot, dialog.period_spin.lineEdit(), str(months))
    qtbot.keyClicks(dialog.amount_edit, amount)


def _names(dialog: DiscountsDialog) -> list[str]:
    return [d["name"] for d in dialog.model.discounts]


def test_stack_two_discounts_and_reorder_them_with_the_arrows(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    assert dialog.empty_note.isVisible() and not dialog.form_box.isVisible()
    _fill(qtbot, dialog, name="20% off next 3 months", kind="percent", amount="20", months=3)
    _fill(qtbot, dialog, name="Free 3 months", kind="price", amount="0.00", months=3)
    assert _names(dialog) == ["20% off next 3 months", "Free 3 months"]
    assert not dialog.down_button.isEnabled()
    _click(qtbot, dialog.up_button)  # the free months apply first
    assert _names(dialog) == ["Free 3 months", "20% off next 3 months"]
    assert dialog.name_edit.text() == "Free 3 months"  # the moved discount stays selected
    assert dialog.model.data(dialog.model.index(0)) == "Free 3 months\n    price 0.00 · 3 months"
    _click(qtbot, dialog.save_button)
    assert dialog.result() == DiscountsDialog.DialogCode.Accepted
    common = {
        "kind": "discount",
        "gl_code": None,
        "active": True,
        "start": "2026-01-01",
        "end": None,
        "prorate": True,
        "status": "Active",
        "period_months": 3,
    }
    assert dialog.result_value() == [
        dict(common, name="Free 3 months", type="price", amount="0.00"),
        dict(common, name="20% off next 3 months", type="percent", amount="20"),
    ]


def test_down_arrow_and_remove(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    for name in ("A", "B", "C"):
        _fill(qtbot, dialog, name=name, kind="fixed", amount="5", months=1)
    dialog.select(0)
    _click(qtbot, dialog.down_button)
    _click(qtbot, dialog.down_button)
    assert _names(dialog) == ["B", "C", "A"]
    dialog.select(1)
    _click(qtbot, dialog.remove_button)
    assert _names(dialog) == ["B", "A"]
    assert dialog.name_edit.text() == "A"
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)  # the standard Delete key removes too
    assert _names(dialog) == ["B"]


def test_missing_name_end_before_start_and_percent_over_100_are_refused(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    _click(qtbot, dialog.add_button)
    assert dialog.name_error.text() == "A name is required."
    _type_date(qtbot, dialog.start_edit, "20260301")
    dialog.end_check.click()
    _type_date(qtbot, dialog.end_edit, "20260201")
    assert "before the start" in dialog.end_error.text()
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("percent"))
    qtbot.keyClicks(dialog.amount_edit, "150")
    assert dialog.amount_error.text() == "A percent discount cannot exceed 100 (got 150)."
    assert dialog.amount_edit.unit_label() == "%"
    _click(qtbot, dialog.save_button)
    assert dialog.result() != DiscountsDialog.DialogCode.Accepted
    assert "cannot be saved" in dialog.error.text()
    qtbot.keyClicks(dialog.name_edit, "Spring")
    _retype(qtbot, dialog.amount_edit, "15")
    dialog.end_check.click()  # open-ended after all
    assert not any(
        e.isVisible() for e in (dialog.name_error, dialog.end_error, dialog.amount_error)
    )
    _click(qtbot, dialog.save_button)
    assert dialog.result() == DiscountsDialog.DialogCode.Accepted
    [value] = dialog.result_value()
    assert value["end"] is None and value["amount"] == "15" and value["type"] == "percent"


def test_letters_and_negative_amounts_are_kept_as_typed_and_refused(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    _click(qtbot, dialog.add_button)
    dialog.name_edit.setText("Ten off")
    qtbot.keyClicks(dialog.amount_edit, "-5")
    assert dialog.amount_edit.text() == "-5"
    assert "cannot be below zero" in dialog.amount_note.text()
    assert not dialog.save_button.isEnabled()
    assert dialog.model.discounts[0]["amount"] is None  # nothing stored
    _retype(qtbot, dialog.amount_edit, "12.345")
    assert "3 decimals" in dialog.amount_note.text()
    _retype(qtbot, dialog.amount_edit, "12.34")
    assert dialog.amount_note.text() == "= $12.34"
    assert dialog.save_button.isEnabled()
    assert dialog.model.discounts[0]["amount"] == "12.34"


def test_period_in_days_or_open_ended(qtbot: Any) -> None:
    dialog = _dialog(qtbot)
    _fill(qtbot, dialog, name="Two weeks free", kind="price", amount="0", months=14)
    dialog.period_unit.setCurrentText("Days")
    value = dialog.result_value()[0]
    assert value["period_months"] is None and value["period_days"] == 14
    dialog.period_unit.setCurrentText("No end")
    value = dialog.result_value()[0]
    assert value["period_months"] is None and "period_days" not in value
    assert not dialog.period_spin.isEnabled()


def test_promo_code_discount_names_its_code(qtbot: Any) -> None:
    dialog = _dialog(qtbot, promo_codes=["SPRING", "STAFF"])
    _click(qtbot, dialog.add_button)
    assert not dialog.promo_combo.isVisible()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("promo_code"))
    assert dialog.promo_combo.isVisible()
    assert dialog.promo_error.text().startswith("Choose the promo code")
    dialog.promo_combo.setCurrentIndex(dialog.promo_combo.findText("STAFF"))
    assert dialog.name_edit.text() == "STAFF"
    assert "STAFF is not set up" in dialog.promo_gives.text()
    qtbot.keyClicks(dialog.amount_edit, "10")
    value = dialog.result_value()[0]
    assert value["kind"] == "promo_code" and value["promo_code"] == "STAFF"
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("discount"))
    assert "promo_code" not in dialog.result_value()[0]


def test_promo_code_discount_shows_the_codes_own_settings_read_only(qtbot: Any) -> None:
    """Billing uses the code's type, period and amount: the dialog shows those, not fields
    that would be ignored, and stores the code's values."""
    dialog = _dialog(qtbot)
    _click(qtbot, dialog.add_button)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("promo_code"))
    dialog.promo_combo.setCurrentIndex(dialog.promo_combo.findText("SPRING"))
    for field in (dialog.type_combo, dialog.amount_edit, dialog.period_spin):
        assert not field.isVisible()
    assert dialog.promo_gives.isVisible()
    assert dialog.promo_gives.text().startswith("10% off for 3 months")
    value = dialog.result_value()[0]
    assert (value["type"], value["amount"], value["period_months"]) == ("percent", "10", 3)
    assert "promo code SPRING's settings" in dialog.model.data(dialog.model.index(0))


def test_existing_discounts_load_unchanged_and_any_status_is_null(qtbot: Any) -> None:
    existing = [
        {
            "kind": "discount",
            "name": "Free 3 months",
            "gl_code": "4100",
            "active": False,
            "start": "2026-01-01",
            "end": "2026-06-30",
            "prorate": True,
            "status": None,
            "type": "price",
            "amount": "0.00",
            "period_months": None,
            "period_days": 10,
        }
    ]
    dialog = _dialog(qtbot, existing)
    assert dialog.status_combo.currentText() == "Any status"
    assert dialog.period_unit.currentText() == "Days" and dialog.period_spin.value() == 10
    assert dialog.result_value() == existing
    qtbot.keyClicks(dialog.gl_edit, "0")  # any edit re-reads the form: same shape
    assert dialog.result_value() == [dict(existing[0], gl_code="41000")]
