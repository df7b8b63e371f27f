"""What is billed is visible, what is visible is billed: under tiering a flat amount reads as
what it is and can become a single tier; a one-time amount and its tiers never both look
authoritative; the Checks of a catalog name what is stored but never billed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from PySide6.QtCore import Qt

from app.catalog.database import store
from app.catalog.jobs import check_catalog
from app.cli.main import cli
from app.views.main_window import MainWindow
from tests.views.catalog.test_tabs import (
    cell,
    choose,
    click,
    frequency_doc,
    patch_ask,
    select,
)

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def usd(window: MainWindow) -> dict[str, Any]:
    charges: dict[str, Any] = frequency_doc(window)["price_books"]["standard"]["USD"]
    return charges


def test_a_flat_amount_under_tiering_shows_as_billed_and_becomes_a_single_tier(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    select(window, "Fiber Internet")
    panel = window.editor.frequency_panel
    choose(panel.tiering_combo, "progressive")
    rec = panel.recurring_tab
    index = cell(rec.view, "Internet 100", "Suspended")
    # the engine still bills 5.00 while Suspended: the grid says so, not "Click for pricing"
    assert index.data() == "$5.00 flat, not tiered"
    assert "billed a flat $5.00 per unit" in index.data(Qt.ItemDataRole.ToolTipRole)
    calls = patch_ask(monkeypatch, "tiers", "TieredChargesDialog", lambda **k: k["tiers"])
    click(qtbot, rec.view, index)
    assert calls[0]["tiers"] == {"Suspended": [{"end": None, "amount": "5.00"}]}
    assert "Billed today as a flat amount: Suspended $5.00" in calls[0]["title"]
    row = usd(window)["recurring"][0]
    assert row["tiers"]["Suspended"] == [{"end": None, "amount": "5.00"}]
    assert "Suspended" not in row["amounts"]  # one price, the one billed
    assert index.data() == "$5.00 (one tier)"


def test_one_time_amount_and_tiers_never_both_look_authoritative(
        qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    select(window, "Fiber Internet")
    panel = window.editor.frequency_panel
    choose(panel.tiering_combo, "progressive")
    tab = panel.one_time_tab
    panel.tabs.setCurrentWidget(tab)
    model = tab.model
    amount = model.index(0, model.columns.index("Amount"))
    tiers = model.index(0, model.columns.index("Tiers"))
    assert model.flags(amount) & Qt.ItemFlag.ItemIsEditable
    assert tiers.data() == "None: the amount applies (click to tier it)"
    calls = patch_ask(monkeypatch, "tiers", "TieredChargesDialog", lambda **k: {
        "Amount": [{"end": 1, "amount": "100.00"}, {"end": None, "amount": "75.00"}]})
    click(qtbot, tab.view, tiers)
    assert calls[0]["tiers"] == {"Amount": [{"end": None, "amount": "100.00"}]}
    charge = usd(window)["one_time"][0]
    assert charge["amount"] is None and len(charge["tiers"]) == 2
    assert amount.data() == "(the tiers apply)"
    assert not model.flags(amount) & Qt.ItemFlag.ItemIsEditable


def test_home_phone_one_time_amount_beside_tiers_reads_not_billed_and_is_checked(
        window: MainWindow, tmp_path: Any) -> None:
    select(window, "Home Phone")
    editor = window.editor
    assert editor.draft is not None
    path = ("frequencies", 0, "price_books", "standard", "USD", "one_time", 0, "amount")
    editor.draft.set(path, "100.00", "Set amount")
    model = editor.frequency_panel.one_time_tab.model
    amount = model.index(0, model.columns.index("Amount"))
    assert amount.data() == "$100.00 not billed: the tiers apply"
    assert editor.save()
    never = ("the one-time amount 100.00 of 'Installation' is never billed: the frequency is "
             "tiered and the charge has tiers")
    # the Checks tab and `validate` both say so
    doc = store.export_catalog(editor.db)
    assert never in [p.message for p in check_catalog(doc)]
    target = tmp_path / "catalog.json"
    target.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(target)])
    assert result.exit_code == 0 and never in result.output
