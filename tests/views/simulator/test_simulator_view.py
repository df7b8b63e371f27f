"""The Simulator tab as a whole: the scenario list, import and export, simulating a frequency,
catalog edits reaching the bill, and a scenario built entirely through the window whose bill
equals the command line's bill for the exported scenario."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from model_testers import check_model
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QSpinBox, QTableView, QWidget

from app.catalog.database import accounts, store
from app.cli import cli
from app.views.simulator.name_dialog import NameDialog
from app.views.simulator.question_dialog import QuestionDialog
from app.views.simulator.view import SimulatorView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

MOBILE = {
    "format": "account", "version": 1,
    "account": {"name": "Bob", "country": "US", "currency": "USD", "price_book": "standard",
                "bill_day": 1, "price_plan": None, "promo_codes": []},
    "packages": [{"frequency": "Mobile Monthly", "start": "2026-03-01", "cancelled": None,
                  "services": [{"id": "s1", "service": "Mobile Line", "quantity": 1,
                                "price": None,
                                "statuses": [{"status": "Active", "from": "2026-03-01"}]}]}],
    "usage": [],
}


class Answers:
    """Scripted answers for the modal questions (none expected unless queued)."""

    def __init__(self) -> None:
        self.queue: list[str] = []
        self.asked: list[str] = []

    def ask(self, _parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> str:
        self.asked.append(text)
        assert self.queue, f"unexpected question: {text}"
        return self.queue.pop(0)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    scripted = Answers()
    monkeypatch.setattr(QuestionDialog, "ask", classmethod(
        lambda cls, *a, **k: scripted.ask(*a, **k)))
    return scripted


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names the NameDialog will 'type', in order."""
    queue: list[str] = []
    monkeypatch.setattr(NameDialog, "ask", classmethod(lambda cls, *a, **k: queue.pop(0)))
    return queue


def _view(qtbot: Any, db: Any) -> SimulatorView:
    widget = SimulatorView(db)
    qtbot.addWidget(widget)
    check_model(widget.list_panel.model)
    widget.resize(1400, 900)
    widget.show()
    return widget


def _click(qtbot: Any, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_empty_database_offers_the_demo_scenario_when_one_ships(
        qtbot: Any, demo_db: Any, answers: Answers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.views.simulator.view.demo_scenario",
                        lambda: copy.deepcopy(MOBILE))
    view = _view(qtbot, demo_db)
    panel = view.list_panel
    assert panel.empty_label.isVisible() and panel.demo_button.isVisible()
    assert not view.is_dirty()  # the blank scenario asks nothing when left
    _click(qtbot, panel.demo_button)
    assert accounts.list_accounts(demo_db) == ["Bob"]
    assert panel.current_name() == "Bob" and not panel.demo_button.isVisible()
    assert view.outcome is not None and view.outcome.bill is not None
    assert answers.asked == []


def test_name_dialog_refuses_empty_and_taken_names(qtbot: Any) -> None:
    dialog = NameDialog(None, "Rename scenario", "New name:", "Bob", {"Alice", "Bob"})
    qtbot.addWidget(dialog)
    assert not dialog.ok_button().isEnabled() and "already exists" in dialog.problem.text()
    dialog.edit.clear()
    assert not dialog.ok_button().isEnabled() and "Enter a name" in dialog.problem.text()
    qtbot.keyClicks(dialog.edit, "  Robert ")
    assert dialog.ok_button().isEnabled() and dialog.value() == "Robert"


def test_a_scenario_without_packages_says_what_to_do(qtbot: Any, demo_db: Any,
                                                     answers: Answers, names: list[str]) -> None:
    view = _view(qtbot, demo_db)
    names.append("Empty")
    _click(qtbot, view.list_panel.new_button)
    panel = view.bill_panel
    assert panel.stack.currentIndex() == 1 and "add a package" in panel.problems_title.text()
    _add = view.editor.packages_panel.add_package_menu
    _add.aboutToShow.emit()
    _add.actions()[0].trigger()
    qtbot.waitUntil(lambda: panel.stack.currentIndex() == 0)


def test_rename_duplicate_delete_through_the_list(qtbot: Any, demo_db: Any, answers: Answers,
                                                 names: list[str]) -> None:
    accounts.save_account(demo_db, MOBILE)
    view = _view(qtbot, demo_db)
    panel = view.list_panel
    assert panel.current_name() == "Bob" and view.original_name == "Bob"
    names += ["Robert"]
    _click(qtbot, panel.rename_button)
    assert accounts.list_accounts(demo_db) == ["Robert"]
    assert view.editor.account_form.name_edit.text() == "Robert" and not view.is_dirty()

    names += ["Robert (copy)"]
    _click(qtbot, panel.duplicate_button)
    assert accounts.list_accounts(demo_db) == ["Robert", "Robert (copy)"]
    assert view.original_name == "Robert (copy)" and panel.current_name() == "Robert (copy)"

    answers.queue.append("no")
    _click(qtbot, panel.delete_button)
    assert accounts.list_accounts(demo_db) == ["Robert", "Robert (copy)"]
    answers.queue.append("yes")
    _click(qtbot, panel.delete_button)
    assert accounts.list_accounts(demo_db) == ["Robert"]
    assert view.original_name == "Robert" and panel.current_name() == "Robert"


def test_leaving_unsaved_edits_asks_first(qtbot: Any, demo_db: Any, answers: Answers) -> None:
    accounts.save_account(demo_db, MOBILE)
    other = copy.deepcopy(MOBILE)
    other["account"]["name"] = "Carol"
    accounts.save_account(demo_db, other)
    view = _view(qtbot, demo_db)
    assert view.original_name == "Bob"
    view.editor.account_form.bill_day_spin.setValue(9)
    assert view.is_dirty() and "unsaved changes" in view.title.text()
    panel = view.list_panel
    answers.queue.append("cancel")
    panel.view.setCurrentIndex(panel.model.index(1))
    assert view.original_name == "Bob" and panel.current_name() == "Bob"
    answers.queue.append("save")
    panel.view.setCurrentIndex(panel.model.index(1))
    assert view.original_name == "Carol"
    assert accounts.load_account(demo_db, "Bob")["account"]["bill_day"] == 9
    view.editor.account_form.bill_day_spin.setValue(3)
    answers.queue.append("discard")
    panel.view.setCurrentIndex(panel.model.index(0))
    assert accounts.load_account(demo_db, "Carol")["account"]["bill_day"] == 1


def test_export_then_import_the_account_json(qtbot: Any, demo_db: Any, answers: Answers,
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.save_account(demo_db, MOBILE)
    view = _view(qtbot, demo_db)
    target = tmp_path / "bob.json"
    monkeypatch.setattr("app.views.file_dialogs.get_save_file_name",
                        lambda *a, **k: (str(target), ""))
    _click(qtbot, view.list_panel.export_button)
    assert json.loads(target.read_text("utf-8")) == MOBILE

    monkeypatch.setattr("app.views.file_dialogs.get_open_file_name",
                        lambda *a, **k: (str(target), ""))
    _click(qtbot, view.list_panel.import_button)
    assert accounts.list_accounts(demo_db) == ["Bob", "Bob (2)"]  # never overwrites
    assert view.original_name == "Bob (2)"
    assert accounts.load_account(demo_db, "Bob (2)")["packages"] == MOBILE["packages"]


def test_import_refuses_what_is_not_an_account(qtbot: Any, demo_db: Any, answers: Answers,
                                               tmp_path: Path) -> None:
    view = _view(qtbot, demo_db)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "catalog", "version": 1}), "utf-8")
    assert not view.import_scenario(str(bad))
    assert "not an account scenario" in view.status.text()
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "account",', "utf-8")
    assert not view.import_scenario(str(broken))
    assert "Cannot import" in view.status.text()
    assert accounts.list_accounts(demo_db) == []


def test_imported_scenario_with_unknown_names_opens_with_the_problems_marked(
        qtbot: Any, demo_db: Any, answers: Answers, tmp_path: Path) -> None:
    doc = copy.deepcopy(MOBILE)
    doc["packages"][0]["services"][0]["statuses"].append(
        {"status": "Frozen", "from": "2026-03-10"})
    source = tmp_path / "frozen.json"
    source.write_text(json.dumps(doc), "utf-8")
    view = _view(qtbot, demo_db)
    assert not view.import_scenario(str(source))
    assert accounts.list_accounts(demo_db) == []
    assert view.original_name is None and "not saved" in view.title.text()
    assert "Frozen" in view.status.text()
    timeline = view.editor.timeline_panel
    assert timeline.problem.isVisible() and "unknown status 'Frozen'" in timeline.problem.text()
    assert timeline.model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert view.bill_panel.stack.currentIndex() == 1


def test_simulate_frequency_starts_today_with_the_recurring_services(
        qtbot: Any, demo_db: Any, answers: Answers) -> None:
    view = _view(qtbot, demo_db)
    view.simulate_frequency("Fiber Internet Monthly")
    doc = view.scenario.doc
    assert doc["packages"][0]["frequency"] == "Fiber Internet Monthly"
    today = QDate.currentDate().toString(Qt.DateFormat.ISODate)
    assert doc["packages"][0]["start"] == today
    services = doc["packages"][0]["services"]
    catalog = store.export_catalog(demo_db)
    kinds = {s["name"]: s["base_type"] for s in catalog["services"]}
    package = next(p for p in catalog["packages"] if p["name"] == "Fiber Internet")
    assert [s["service"] for s in services] == [
        s for s in package["services"] if kinds[s] == "recurring"]
    assert all(s["statuses"] == [{"status": "Active", "from": today}] for s in services)
    assert view.bill_panel.start().isoformat() == today
    assert view.outcome is not None and view.outcome.bill is not None
    assert view.is_dirty() and "not saved" in view.title.text()


def test_catalog_edits_reach_the_bill(qtbot: Any, demo_db: Any, answers: Answers) -> None:
    accounts.save_account(demo_db, MOBILE)
    view = _view(qtbot, demo_db)

    def line_price() -> str:
        assert view.outcome is not None and view.outcome.bill is not None
        return next(ln["unit_price"] for ln in view.outcome.bill["periods"][0]["lines"]
                    if ln["service"] == "Mobile Line")

    package = store.package_document(demo_db, "Mobile")
    row = next(r for r in package["frequencies"][0]["price_books"]["standard"]["USD"][
        "recurring"] if r["service"] == "Mobile Line")
    assert line_price() == row["amounts"]["Active"]
    row["amounts"]["Active"] = "77.70"
    changes = store.save_package(demo_db, package, original_name="Mobile")
    view.on_catalog_changed(changes)
    assert line_price() == "77.70"

    package[store.VERSION_KEY] = changes.version_of("Mobile")  # saved again, as the editor does
    package["frequencies"][0]["active"] = False  # no longer sold: billed, with a note
    view.on_catalog_changed(store.save_package(demo_db, package, original_name="Mobile"))
    assert view.outcome is not None and view.outcome.bill is not None
    assert view.bill_panel.notes.isVisible() and "inactive" in view.bill_panel.notes.text()
    assert "(no longer sold)" in view.editor.packages_panel.frequency_combo.currentText()


def test_renamed_frequency_follows_into_the_open_scenario(
        qtbot: Any, demo_db: Any, answers: Answers, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.save_account(demo_db, MOBILE)
    view = _view(qtbot, demo_db)
    package = store.package_document(demo_db, "Mobile")
    package["frequencies"][0]["name"] = "Mobile Monthly 2026"
    changes = store.save_package(demo_db, package, original_name="Mobile",
                                 frequency_renames={"Mobile Monthly": "Mobile Monthly 2026"})
    assert changes.renamed
    view.on_catalog_changed(changes)
    assert view.scenario.doc["packages"][0]["frequency"] == "Mobile Monthly 2026"
    assert view.outcome is not None and view.outcome.bill is not None
    assert not view.is_dirty()
    # a save that renames nothing says so, and the scenario is not read again for it
    package = store.package_document(demo_db, "Mobile")
    package["frequencies"][0]["price_books"]["standard"]["USD"]["recurring"][0]["amounts"][
        "Active"] = "33.00"
    changes = store.save_package(demo_db, package, original_name="Mobile")
    assert not changes.renamed
    reads: list[str] = []
    real = accounts.load_account
    monkeypatch.setattr(accounts, "load_account",
                        lambda db, name: reads.append(name) or real(db, name))
    view.on_catalog_changed(changes)
    assert reads == [] and view.outcome is not None and view.outcome.bill is not None
    assert "33.00" in str(view.outcome.bill)


def test_demo_scenario_over_a_catalog_without_its_names(qtbot: Any, db: Any,
                                                        answers: Answers) -> None:
    view = _view(qtbot, db)  # an empty catalog
    assert view.list_panel.demo_button.isVisible()
    _click(qtbot, view.list_panel.demo_button)
    assert accounts.list_accounts(db) == [] and view.original_name is None
    assert "does not fit this catalog" in view.status.text()
    assert view.bill_panel.stack.currentIndex() == 1  # the problems, not an empty bill
    row = view.editor.account_form.rows["currency"]
    assert row.problem.isVisible() and "unknown currency" in row.problem.text()


# --- the scenario of the issue, built only through the window -----------------------------


def _edit_cell(qtbot: Any, table: QTableView, row: int, column: int, kind: type[QWidget],
               fill: Any) -> None:
    index = table.model().index(row, column)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = next(w for w in table.findChildren(kind) if w.isVisible())  # not a closed one
    fill(editor)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the view commits and closes the editor from the event loop (a queued call)
    qtbot.waitUntil(lambda: table.state() != QTableView.State.EditingState)


def _pick(combo: QComboBox, value: str) -> None:
    combo.setCurrentIndex(combo.findData(value))


def _add_package(view: SimulatorView, frequency: str) -> None:
    menu = view.editor.packages_panel.add_package_menu
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.data() == frequency).trigger()


def test_scenario_built_in_the_window_bills_like_the_command_line(
        qtbot: Any, demo_db: Any, answers: Answers, names: list[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = _view(qtbot, demo_db)
    names.append("Jane Doe")
    _click(qtbot, view.list_panel.new_button)
    form = view.editor.account_form
    promo = next(form.promo_model.index(i) for i in range(form.promo_model.rowCount())
                 if form.promo_model.index(i).data() == "WELCOME10")
    form.promo_view.setCurrentIndex(promo)
    qtbot.keyClick(form.promo_view, Qt.Key.Key_Space)

    # package 1: internet activated mid-month, TV suspended for a while
    _add_package(view, "Fiber TV Bundle Monthly")
    packages = view.editor.packages_panel
    packages.start_edit.setDate(QDate(2026, 1, 15))
    timeline = view.editor.timeline_panel
    packages.select_service(0)
    assert "Internet 500" in timeline.title.text()
    _edit_cell(qtbot, timeline.view, 0, 1, QComboBox, lambda c: _pick(c, "Pre-Active"))
    _click(qtbot, timeline.add_button)  # Pre-Active -> Active, the catalog's transition
    _edit_cell(qtbot, timeline.view, 1, 0, QDateEdit, lambda e: e.setDate(QDate(2026, 1, 20)))
    packages.select_service(1)
    assert "TV Basic" in timeline.title.text()
    _click(qtbot, timeline.add_button)  # Active -> Suspended
    _edit_cell(qtbot, timeline.view, 1, 0, QDateEdit, lambda e: e.setDate(QDate(2026, 2, 10)))
    _click(qtbot, timeline.add_button)  # Suspended -> Active again
    _edit_cell(qtbot, timeline.view, 2, 0, QDateEdit, lambda e: e.setDate(QDate(2026, 2, 20)))

    # package 2: two mobile lines from the same day
    _add_package(view, "Mobile Monthly")
    assert packages.current_package() == 1
    _edit_cell(qtbot, packages.services_view, 0, 2, QSpinBox, lambda spin: spin.setValue(2))
    _click(qtbot, view.save_button)
    assert accounts.list_accounts(demo_db) == ["Jane Doe"]

    qtbot.waitUntil(lambda: view.outcome is not None and view.outcome.bill is not None)
    bill = view.outcome.bill  # type: ignore[union-attr]
    assert [p["start"] for p in bill["periods"]] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    lines = [ln for p in bill["periods"] for ln in p["lines"]]
    assert any(ln["kind"] == "transition" and ln["service_id"] == "s1" for ln in lines)
    assert any(ln["service"] == "Mobile Line" and ln["quantity"] == "2" for ln in lines)
    catalog = store.export_catalog(demo_db)
    bundle = next(f for p in catalog["packages"] for f in p["frequencies"]
                  if f["name"] == "Fiber TV Bundle Monthly")
    promo_services = {r["service"] for r in bundle["price_books"]["standard"]["USD"]["recurring"]
                      for d in r["discounts"] if d.get("promo_code") == "WELCOME10"}
    promo_lines = {ln["service"] for ln in lines
                   if ln["kind"] == "discount" and "WELCOME10" in ln["explanation"]}
    assert promo_services and promo_lines == promo_services

    account_file = tmp_path / "jane.json"
    monkeypatch.setattr("app.views.file_dialogs.get_save_file_name",
                        lambda *a, **k: (str(account_file), ""))
    _click(qtbot, view.list_panel.export_button)
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(json.dumps(catalog), "utf-8")
    start = view.bill_panel.start().isoformat()
    result = CliRunner().invoke(cli, ["simulate", "--catalog", str(catalog_file), "--account",
                                      str(account_file), "--from", start, "--periods", "3",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == bill
    result = CliRunner().invoke(cli, ["simulate", "--db", demo_db.location, "--account",
                                      str(account_file), "--from", start, "--periods", "3"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == bill
