"""The amount editor tells, it never rewrites: the inputs of issue 14 typed key by key into
real cells of the Recurring grid (USD, JPY, and a German locale), with what the administrator
sees (the message above the grid, Save off) and what is stored (nothing, or exactly the
amount meant)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt

from app.catalog.database.store import import_catalog
from app.views.common.money import AmountError, MoneyEdit, parse_amount
from app.views.main_window import MainWindow
from tests.views.catalog.test_tabs import (
    cell,
    frequency_doc,
    open_editor,
    press_return,
    select,
)

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


@pytest.fixture
def catalog(demo_catalog: dict[str, Any]) -> dict[str, Any]:
    """The demo catalog with yen enabled on Fiber Internet Monthly (no decimals)."""
    doc = copy.deepcopy(demo_catalog)
    doc["currencies"].append({"code": "JPY", "minor_units": 0, "name": "Yen"})
    freq = doc["packages"][0]["frequencies"][0]
    freq["currencies"].append("JPY")
    jpy = copy.deepcopy(freq["price_books"]["standard"]["USD"])
    for row in jpy["recurring"]:
        row["amounts"] = {k: str(int(Decimal(v)) * 150) for k, v in row["amounts"].items()}
        row["discounts"] = []
        row["tiers"] = {}
        row["usage_bucket"] = None
    jpy["transitions"], jpy["one_time"] = [], []
    freq["price_books"]["standard"]["JPY"] = jpy
    return doc


@pytest.fixture
def window(qtbot: Any, db: Any, catalog: dict[str, Any]) -> MainWindow:
    import_catalog(db, catalog, source="test")
    win = MainWindow(db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.resize(1280, 800)
    win.show()
    return win


@pytest.fixture
def german() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    yield
    QLocale.setDefault(before)


def stored(window: MainWindow, currency: str = "USD") -> dict[str, str]:
    amounts: dict[str, str] = frequency_doc(window)["price_books"]["standard"][currency][
        "recurring"][0]["amounts"]
    return amounts


def type_into(qtbot: Any, window: MainWindow, text: str, status: str = "Active") -> MoneyEdit:
    rec = window.editor.frequency_panel.recurring_tab
    editor = open_editor(rec.view, cell(rec.view, "Internet 100", status))
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    press_return(qtbot, editor)
    return editor


@pytest.mark.parametrize(("text", "message"), [
    ("-5", "-5 is negative: an amount cannot be below zero."),
    ("1e3", "1e3 is not an amount: 'e' is not allowed; type digits and '.' for the decimals, "
            "e.g. 1,250.55."),
    ("12.345", "12.345 has 3 decimals; USD has 2 at most."),
    ("12,50", "12,50 is not an amount here: the decimal separator is '.' (',' groups "
              "thousands), e.g. 1,250.55."),
])
def test_a_wrong_amount_is_kept_as_typed_told_and_not_stored(
        qtbot: Any, window: MainWindow, text: str, message: str) -> None:
    select(window, "Fiber Internet")
    panel = window.editor.frequency_panel
    type_into(qtbot, window, "47.00", "Pre-Active")  # an unsaved change: Save is on
    assert panel.header.save_button.isEnabled()
    before = dict(stored(window))
    editor = type_into(qtbot, window, text)
    assert editor.isVisible() and editor.text() == text  # the cell stays open, as typed
    assert panel.recurring_tab.amount_note.text() == \
        f"Internet 100 while Active: {message} Not stored."
    assert stored(window) == before
    assert not panel.header.save_button.isEnabled()
    assert not window.editor.save()  # nor Ctrl+S
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert panel.header.save_button.isEnabled()
    assert stored(window) == before


def test_yen_has_no_decimals(qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber Internet")
    panel = window.editor.frequency_panel
    panel.selection.select(currency="JPY")
    rec = panel.recurring_tab
    editor = type_into(qtbot, window, "1500.5")
    assert editor.unit_label() == "JPY" and "JPY: no decimals" in editor.toolTip() or \
        editor.problem()
    assert rec.amount_note.text() == ("Internet 100 while Active: 1500.5 has decimals, but JPY "
                                      "has none: type a whole amount. Not stored.")
    assert stored(window, "JPY")["Active"] == "6750"
    editor.selectAll()
    qtbot.keyClicks(editor, "1500")
    assert rec.amount_note.text() == "Internet 100 while Active: = ¥1,500"
    press_return(qtbot, editor)
    assert stored(window, "JPY")["Active"] == "1500"
    assert cell(rec.view, "Internet 100", "Active").data() == "¥1,500"


@pytest.mark.usefixtures("german")
def test_german_decimal_comma_is_read_as_the_decimals(qtbot: Any, window: MainWindow) -> None:
    select(window, "Fiber Internet")
    rec = window.editor.frequency_panel.recurring_tab
    index = cell(rec.view, "Internet 100", "Active")
    assert index.data() == "45,00\xa0$"
    editor = open_editor(rec.view, index)
    assert editor.text() == "45,00"  # the stored 45.00, shown the German way
    editor.selectAll()
    qtbot.keyClicks(editor, "12,50")
    assert rec.amount_note.text() == "Internet 100 while Active: = 12,50\xa0$"
    press_return(qtbot, editor)
    assert stored(window)["Active"] == "12.50"
    assert index.data() == "12,50\xa0$"
    # the English way is refused here: '.' groups thousands in German
    editor = type_into(qtbot, window, "12.50")
    assert "the decimal separator is ','" in rec.amount_note.text()
    assert stored(window)["Active"] == "12.50"


def test_parse_amount_reads_the_locales_separators() -> None:
    assert parse_amount("1,500.25", minor_units=2, locale="en_US") == Decimal("1500.25")
    assert parse_amount("1.500,25", minor_units=2, locale="de_DE") == Decimal("1500.25")
    assert parse_amount(" $12.5 ", minor_units=2, currency="USD", locale="en_US") == \
        Decimal("12.5")
    assert parse_amount("", minor_units=2) is None
    with pytest.raises(AmountError, match="too large"):
        parse_amount("12345678901234", minor_units=2, locale="en_US")
    with pytest.raises(AmountError, match="groups thousands in threes"):
        parse_amount("1,50,0", minor_units=0, locale="en_US")
