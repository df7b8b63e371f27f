"""Edit Tiered Charges, driven as a user would: End values create tiers, amounts per tier."""

from __future__ import annotations

from typing import Any

import pytest
from model_testers import check_model
from PySide6.QtCore import Qt

from app.views.catalog.dialogs.tiers import TieredChargesDialog

# the offscreen platform warns when a dialog is shown; nothing a user would see
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _dialog(
    qtbot: Any, statuses: list[str], tiers: dict[str, Any] | None = None, minor_units: int = 2,
    currency: str = "USD",
) -> TieredChargesDialog:
    dialog = TieredChargesDialog(
        None,
        title="Internet 100 — Active",
        statuses=statuses,
        tiers=tiers or {},
        minor_units=minor_units,
        currency=currency,
    )
    qtbot.addWidget(dialog)
    check_model(dialog.model)
    with qtbot.waitActive(dialog):  # keys and shortcuts go to the active window
        dialog.show()
    return dialog


def _set_end(qtbot: Any, dialog: TieredChargesDialog, text: str) -> None:
    dialog.end_edit.selectAll()
    qtbot.keyClick(dialog.end_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.end_edit, text)
    qtbot.keyClick(dialog.end_edit, Qt.Key.Key_Return)


def _click_tier(qtbot: Any, dialog: TieredChargesDialog, row: int) -> None:
    rect = dialog.list.visualRect(dialog.model.index(row))
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _labels(dialog: TieredChargesDialog) -> list[str]:
    return [dialog.model.label(r) for r in range(dialog.model.rowCount())]


def test_seed_example_ends_9_then_open_at_100_and_90(qtbot: Any) -> None:
    dialog = _dialog(qtbot, ["Active"])
    assert _labels(dialog) == ["Tier 1: 1+"]
    qtbot.keyClicks(dialog.amount_edits["Active"], "100.00")
    _set_end(qtbot, dialog, "9")
    assert _labels(dialog) == ["Tier 1: 1–9", "Tier 2: 10+"]
    _click_tier(qtbot, dialog, 1)
    assert dialog.end_edit.text() == ""  # the new last tier is open-ended
    assert dialog.amount_edits["Active"].text() == ""
    qtbot.keyClicks(dialog.amount_edits["Active"], "90.00")
    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == TieredChargesDialog.DialogCode.Accepted
    assert dialog.result_value() == {
        "Active": [{"end": 9, "amount": "100.00"}, {"end": None, "amount": "90.00"}]
    }


def test_across_statuses_share_ends_and_unpriced_statuses_are_left_out(qtbot: Any) -> None:
    dialog = _dialog(qtbot, ["Pre-Active", "Active", "Suspended"])
    qtbot.keyClicks(dialog.amount_edits["Pre-Active"], "0")
    qtbot.keyClicks(dialog.amount_edits["Active"], "100")
    _set_end(qtbot, dialog, "9")
    _click_tier(qtbot, dialog, 1)
    qtbot.keyClicks(dialog.amount_edits["Pre-Active"], "0")
    qtbot.keyClicks(dialog.amount_edits["Active"], "90")
    _set_end(qtbot, dialog, "19")
    _click_tier(qtbot, dialog, 2)
    qtbot.keyClicks(dialog.amount_edits["Pre-Active"], "0")
    qtbot.keyClicks(dialog.amount_edits["Active"], "80")
    assert _labels(dialog) == ["Tier 1: 1–9", "Tier 2: 10–19", "Tier 3: 20+"]
    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == TieredChargesDialog.DialogCode.Accepted
    value = dialog.result_value()
    assert set(value) == {"Pre-Active", "Active"}
    assert [t["end"] for t in value["Active"]] == [9, 19, None]
    assert [t["end"] for t in value["Pre-Active"]] == [9, 19, None]
    assert [t["amount"] for t in value["Active"]] == ["100", "90", "80"]


def test_installation_fee_100_then_75(qtbot: Any) -> None:
    dialog = _dialog(qtbot, ["Amount"])
    _set_end(qtbot, dialog, "1")
    _click_tier(qtbot, dialog, 0)
    qtbot.keyClicks(dialog.amount_edits["Amount"], "100.00")
    _click_tier(qtbot, dialog, 1)
    qtbot.keyClicks(dialog.amount_edits["Amount"], "75.00")
    assert _labels(dialog) == ["Tier 1: 1", "Tier 2: 2+"]
    assert "75.00" in dialog.model.data(dialog.model.index(1))
    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    assert dialog.result_value() == {
        "Amount": [{"end": 1, "amount": "100.00"}, {"end": None, "amount": "75.00"}]
    }


def test_ends_must_increase_and_the_error_shows_beside_the_field(qtbot: Any) -> None:
    dialog = _dialog(
        qtbot,
        ["Active"],
        {
            "Active": [
                {"end": 9, "amount": "100"},
                {"end": 19, "amount": "90"},
                {"end": None, "amount": "80"},
            ]
        },
    )
    _click_tier(qtbot, dialog, 1)
    _set_end(qtbot, dialog, "5")
    assert dialog.end_error.isVisible()
    assert "more than 9" in dialog.end_error.text()
    assert _labels(dialog) == ["Tier 1: 1–9", "Tier 2: 10–19", "Tier 3: 20+"]
    _click_tier(qtbot, dialog, 0)
    _set_end(qtbot, dialog, "25")
    assert "less than 19" in dialog.end_error.text()
    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != TieredChargesDialog.DialogCode.Accepted  # refused while wrong
    _set_end(qtbot, dialog, "12")
    assert not dialog.end_error.isVisible()
    assert _labels(dialog) == ["Tier 1: 1–12", "Tier 2: 13–19", "Tier 3: 20+"]


def test_letters_and_negative_ends_cannot_be_typed(qtbot: Any) -> None:
    dialog = _dialog(qtbot, ["Active"])
    qtbot.keyClicks(dialog.end_edit, "-a9")
    assert dialog.end_edit.text() == "9"
    edit = dialog.amount_edits["Active"]
    qtbot.keyClicks(edit, "1x0.505")
    assert edit.text() == "1x0.505"  # kept as typed, refused with a message beside it
    assert "'x' is not allowed" in edit.note().text()
    assert dialog.model.tiers[0]["amounts"].get("Active") is None
    assert not dialog.update_button.isEnabled()


def test_a_tier_without_amount_is_refused(qtbot: Any) -> None:
    dialog = _dialog(qtbot, ["Pre-Active", "Active"])
    qtbot.keyClicks(dialog.amount_edits["Active"], "100")
    _set_end(qtbot, dialog, "9")
    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != TieredChargesDialog.DialogCode.Accepted
    assert dialog.current_row() == 1
    assert "Tier 2 has no amount" in dialog.error.text()
    qtbot.keyClicks(dialog.amount_edits["Active"], "90")
    qtbot.keyClicks(dialog.amount_edits["Pre-Active"], "5")
    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != TieredChargesDialog.DialogCode.Accepted
    assert dialog.current_row() == 0
    assert dialog.amount_errors["Pre-Active"].isVisible()


def test_remove_tier_and_clearing_an_end_drops_the_empty_last_tier(qtbot: Any) -> None:
    dialog = _dialog(
        qtbot,
        ["Active"],
        {
            "Active": [
                {"end": 9, "amount": "100"},
                {"end": 19, "amount": "90"},
                {"end": None, "amount": "80"},
            ]
        },
    )
    _click_tier(qtbot, dialog, 1)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert _labels(dialog) == ["Tier 1: 1–9", "Tier 2: 10+"]
    assert dialog.result_value() == {
        "Active": [{"end": 9, "amount": "100"}, {"end": None, "amount": "80"}]
    }
    _click_tier(qtbot, dialog, 1)
    _set_end(qtbot, dialog, "30")  # creates an empty third tier
    _set_end(qtbot, dialog, "")  # ...and clearing the End drops it again
    assert _labels(dialog) == ["Tier 1: 1–9", "Tier 2: 10+"]
    _click_tier(qtbot, dialog, 0)
    _set_end(qtbot, dialog, "")
    assert "Only the last tier" in dialog.end_error.text()
    _click_tier(qtbot, dialog, 1)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)  # Delete on the list removes the tier
    assert _labels(dialog) == ["Tier 1: 1+"]
    assert not dialog.remove_button.isEnabled()


def test_incoming_ends_that_differ_are_shown_by_the_first_status_with_a_warning(qtbot: Any) -> None:
    dialog = _dialog(
        qtbot,
        ["Pre-Active", "Active"],
        {
            "Pre-Active": [{"end": 4, "amount": "5"}, {"end": None, "amount": "1"}],
            "Active": [{"end": 9, "amount": "100"}, {"end": None, "amount": "90"}],
        },
    )
    assert dialog.warning.isVisible()
    assert "Pre-Active" in dialog.warning.text()
    assert _labels(dialog) == ["Tier 1: 1–4", "Tier 2: 5+"]
    value = dialog.result_value()
    assert value["Active"] == [{"end": 4, "amount": "100"}, {"end": None, "amount": "100"}]


def test_zero_decimal_currency_refuses_decimals(qtbot: Any) -> None:
    dialog = _dialog(qtbot, ["Active"], minor_units=0, currency="JPY")
    edit = dialog.amount_edits["Active"]
    qtbot.keyClicks(edit, "1500.5")
    assert edit.text() == "1500.5"
    assert edit.note().text() == "1500.5 has decimals, but JPY has none: type a whole amount."
    assert dialog.model.tiers[0]["amounts"].get("Active") is None
    qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != TieredChargesDialog.DialogCode.Accepted
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.note().text() == "= ¥1,500"
    assert dialog.model.tiers[0]["amounts"]["Active"] == "1500"


def test_a_static_price_status_fits_the_others_tiers_without_warning(qtbot: Any) -> None:
    dialog = _dialog(
        qtbot,
        ["Active", "Suspended"],
        {
            "Suspended": [{"end": None, "amount": "10.00"}],
            "Active": [
                {"end": 4, "amount": "45.00"},
                {"end": 19, "amount": "40.00"},
                {"end": None, "amount": "35.00"},
            ],
        },
    )
    assert not dialog.warning.isVisible()
    assert _labels(dialog) == ["Tier 1: 1–4", "Tier 2: 5–19", "Tier 3: 20+"]
    value = dialog.result_value()
    assert [t["amount"] for t in value["Suspended"]] == ["10.00", "10.00", "10.00"]
    assert [t["end"] for t in value["Suspended"]] == [4, 19, None]
