"""The Changes tab: what differs between the catalog now and the last export."""

from __future__ import annotations

from typing import Any

import pytest
from model_testers import check_model
from PySide6.QtCore import Qt

from app.catalog.database import history, store
from app.views.review.changes import COLUMNS, ChangesView, show_value

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

PACKAGE = "Fiber Internet"


def make_view(qtbot: Any, db: Any) -> ChangesView:
    view = ChangesView(db)
    qtbot.addWidget(view)
    check_model(view.model)
    view.resize(900, 400)
    view.show()
    settled(qtbot, view)
    return view


def settled(qtbot: Any, view: ChangesView) -> None:
    qtbot.waitUntil(lambda: not view.is_running(), timeout=20_000)


def edit_prices(db: Any) -> store.Changes:
    """Three Active prices of Internet 100 up, one discount of Internet 500 removed."""
    doc = store.package_document(db, PACKAGE)
    books = doc["frequencies"][0]["price_books"]
    for book, currency in (("standard", "USD"), ("standard", "EUR"), ("EU", "EUR")):
        row = next(r for r in books[book][currency]["recurring"] if r["service"] == "Internet 100")
        row["amounts"]["Active"] = "49.00"
    row = next(r for r in books["standard"]["USD"]["recurring"] if r["service"] == "Internet 500")
    row["discounts"] = [d for d in row["discounts"] if d["name"] != "Then 20% off for 3 months"]
    return store.save_package(db, doc, original_name=PACKAGE)


def test_never_exported_shows_everything_as_new(qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    assert view.header.text() == "Never exported: everything is new"
    actions = {c.action for c in view.model.changes}
    assert actions == {"added"} and view.model.rowCount() > 10
    horizontal = Qt.Orientation.Horizontal
    assert [view.model.headerData(k, horizontal) for k in range(6)] == list(COLUMNS)


def test_lists_exactly_the_changes_since_the_export(qtbot: Any, demo_db: Any) -> None:
    store.record_export(demo_db, "x.json", "json", store.export_catalog(demo_db))
    view = make_view(qtbot, demo_db)
    assert view.header.text().startswith("Changes since the export of ")
    assert view.header.text().endswith(" to x.json")
    assert view.model.rowCount() == 0 and view.summary.text() == "No changes."

    view.on_catalog_changed(edit_prices(demo_db))
    assert view.is_running() and view.cancel_button.isVisible()
    settled(qtbot, view)
    rows = view.model.rows()
    assert len(rows) == 4
    prices = [r for r in rows if r[2] == "changed"]
    assert [(r[0], r[3], r[4], r[5]) for r in prices] == [
        ("recurring price", "amounts.Active", "45.00", "49.00"),
        ("recurring price", "amounts.Active", "42.00", "49.00"),
        ("recurring price", "amounts.Active", "39.90", "49.00"),
    ]
    assert all("Internet 100" in r[1] for r in prices)
    [removed] = [r for r in rows if r[2] == "removed"]
    assert removed[0] == "discount" and removed[1].endswith("Then 20% off for 3 months")
    assert view.summary.text() == "4 changes: 1 removed, 3 changed."

    store.record_export(demo_db, "y.json", "json", store.export_catalog(demo_db))
    view.hide()
    view.show()  # shown again (the tab is selected): read again
    settled(qtbot, view)
    assert view.model.rowCount() == 0
    assert view.header.text().endswith(" to y.json")


def test_values_read_as_one_line() -> None:
    assert show_value(None) == ""
    assert show_value("45.00") == "45.00"
    assert show_value({"a": 1}) == '{"a": 1}'
    assert show_value("x" * 200).endswith("…") and len(show_value("x" * 200)) == 80


def test_pick_any_two_exports_to_compare(qtbot: Any, demo_db: Any) -> None:
    first = history.record_export(demo_db, "first.json", "json", store.export_catalog(demo_db))
    edit_prices(demo_db)
    second = history.record_export(demo_db, "second.json", "json",
                                 store.export_catalog(demo_db))
    view = make_view(qtbot, demo_db)
    check_model(view.exports_model)

    def settled() -> None:
        qtbot.waitUntil(lambda: not view.is_running())

    settled()
    listed = [[view.exports_model.cell(e, k) for k in range(6)]
              for e in view.exports_model.entries]
    assert [row[0] for row in listed] == [str(first), str(second)]
    assert [row[5] for row in listed] == ["first.json", "second.json"]
    assert [row[2] for row in listed] == ["json", "json"]
    assert all(row[3].endswith("KiB") and row[4].endswith("KiB") for row in listed)
    # nothing selected: the changes since the last export (none)
    assert view.model.rowCount() == 0 and view.header.text().endswith(" to second.json")
    # two exports picked in the list, by clicking the first and ctrl-clicking the second
    table = view.exports_table
    for row, modifier in ((0, Qt.KeyboardModifier.NoModifier),
                          (1, Qt.KeyboardModifier.ControlModifier)):
        rect = table.visualRect(view.exports_model.index(row, 1))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    assert [e.number for e in view.selected_exports()] == [first, second]
    settled()
    assert view.header.text().startswith(f"Changes from export {first} (")
    assert view.summary.text() == "4 changes: 1 removed, 3 changed."
    # one export picked: that export against the catalog now
    view.select_exports([first])
    settled()
    assert view.header.text().startswith(f"Changes since export {first} of ")
    assert view.model.rowCount() == 4
    # a refresh keeps the choice
    view.refresh()
    assert [e.number for e in view.selected_exports()] == [first]
    assert view.model.rowCount() == 4


def test_compares_two_catalog_versions(qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    assert [view.first_version.itemText(i) for i in range(view.first_version.count())] == [
        "2026-01-01", "2027-01-01 (2027 prices)"]
    assert view.first_version.currentText() == "2026-01-01"
    assert view.second_version.currentText() == "2027-01-01 (2027 prices)"
    qtbot.mouseClick(view.versions_button, Qt.MouseButton.LeftButton)
    settled(qtbot, view)
    assert view.header.text() == ("Changes from catalog version 2026-01-01 to 2027-01-01 "
                                  "(2027 prices)")
    assert view.model.rows() == [
        ("recurring price", "Fiber Internet Monthly / standard / USD / Internet 500", "changed",
         "amounts.Active", "65.00", "69.00"),
        ("recurring price", "Fiber TV Bundle Monthly / standard / USD / Internet 500",
         "changed", "amounts.Active", "55.00", "60.00")]
    assert view.summary.text().startswith("2 changes")
    # the comparison holds when the tab is shown again, until an export is chosen
    view.hide()
    view.show()
    settled(qtbot, view)
    assert view.header.text().startswith("Changes from catalog version 2026-01-01")
    # a catalog with one version: nothing to compare
    store.delete_version(demo_db, store.catalog_versions(demo_db)[1].effective_date)
    view.refresh()
    settled(qtbot, view)
    assert not view.versions_button.isEnabled()
    assert "one version" in view.versions_button.toolTip()
    assert view.header.text() == "Never exported: everything is new"
