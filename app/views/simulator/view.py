"""The Simulator tab: saved account scenarios, the scenario editor and the live bill.

Every scenario edit is an undo command; each one restarts a short timer (30 ms) after which the
bill is recomputed on the GUI thread (a 20-service account over 12 periods takes a few
milliseconds, see ``benchmarks/bench_simulator.py``). Catalog edits made elsewhere in the window
arrive through :meth:`SimulatorView.on_catalog_changed`, which rebuilds the engine's snapshot.
The view calls the application layer (:mod:`app.catalog.database.store`,
:mod:`app.catalog.database.accounts`) and the engine; it never touches the database directly.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database import accounts, store
from app.catalog.database.store import Database
from app.catalog.errors import ImportFailure, Problem
from app.catalog.jobs import file_failure_message, read_document, write_file_atomically
from app.views import file_dialogs
from app.views.simulator.bill_export import invoice_html, write_csv, write_pdf
from app.views.simulator.bill_model import period_label
from app.views.simulator.bill_panel import DEFAULT_PERIODS, BillPanel
from app.views.simulator.compute import Outcome, Simulation, default_start
from app.views.simulator.name_dialog import NameDialog
from app.views.simulator.packages_panel import new_account_package
from app.views.simulator.question_dialog import QuestionDialog
from app.views.simulator.scenario import ScenarioDocument, empty_scenario, parse_path, push_set
from app.views.simulator.scenario_editor import ScenarioEditor
from app.views.simulator.scenario_list import ScenarioListPanel

DEBOUNCE_MS = 30
Doc = dict[str, Any]


def demo_scenario() -> Doc | None:
    """The demo account shipped beside the demo catalog, when there is one."""
    from app.package_data import resource

    node = resource("demo", "account.json")
    if not node.is_file():
        return None
    loaded = read_document(str(node), source="the demo account")
    assert isinstance(loaded, dict)
    return loaded


class SimulatorView(QWidget):
    """Account scenarios and their simulated bills.

    Signals:
        billComputed(object): after each recomputation, the :class:`Outcome` (bill or problems).
        statusMessage(str): a one-line message for the window's status bar.
        changed(object): a scenario was saved, renamed, copied or deleted (``Changes``): the
            window hands it to the other views (the tree's "in use" markers follow).
    """

    billComputed = Signal(object)
    changed = Signal(object)
    statusMessage = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 simulation: Simulation | None = None) -> None:
        super().__init__(parent)
        self.db = db
        # ``simulation``: built beforehand (off the GUI thread, see SimulatorLoader)
        self.simulation = simulation or Simulation(store.snapshot_document(db))
        self._pending: tuple[frozenset[str], frozenset[str], bool] | None = None  # hidden meanwhile
        self.scenario = ScenarioDocument(self._new_document("New scenario"), self)
        self.stack = QUndoStack(self)
        self.original_name: str | None = None
        self.outcome: Outcome | None = None
        self._start_pinned = False
        self._pristine = True  # the blank scenario shown when none is open: nothing to save
        self._save_problems: list[Problem] = []

        self.list_panel = ScenarioListPanel()
        self.editor = ScenarioEditor(self.scenario, self.stack, self.simulation.lookup)
        self.bill_panel = BillPanel()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)  # a long name wraps rather than widening the window
        self.save_button = QPushButton("&Save")
        # tool buttons: narrower than push buttons, so the Simulator fits a 1024-px window
        self.undo_button = QToolButton()
        self.undo_button.setText("Undo")
        self.redo_button = QToolButton()
        self.redo_button.setText("Redo")
        self.compare_button = QToolButton()
        self.compare_button.setText("Before/after…")
        self.compare_button.setToolTip("The bills under the current and the scheduled catalog "
                                       "version, side by side")
        self.compare_dialog: Any = None
        self.compare_all_button = QToolButton()
        self.compare_all_button.setText("Before/after for all scenarios…")
        self.compare_all_button.setToolTip(
            "Every saved scenario under the current and the scheduled catalog version: the "
            "ones whose bills change, from which period, by how much")
        self.compare_all_dialog: Any = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        self._build()
        self._actions()

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.recompute)
        self.scenario.changed.connect(lambda *_a: self._scenario_edited())
        self.stack.cleanChanged.connect(self._clean_changed)
        self.stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.bill_panel.rangeChanged.connect(self._range_changed)
        self.bill_panel.horizonChanged.connect(self._horizon_changed)
        self.bill_panel.problemActivated.connect(
            lambda path: self.editor.focus_path(parse_path(path)))
        self.bill_panel.exportPdfRequested.connect(lambda: self.export_pdf())
        self.bill_panel.exportCsvRequested.connect(lambda: self.export_csv())
        lp = self.list_panel
        lp.scenarioChosen.connect(self.open_scenario)
        lp.newRequested.connect(self.new_scenario)
        lp.renameRequested.connect(self.rename_scenario)
        lp.duplicateRequested.connect(self.duplicate_scenario)
        lp.deleteRequested.connect(self.delete_scenario)
        lp.importRequested.connect(lambda: self.import_scenario())
        lp.exportRequested.connect(lambda: self.export_scenario())
        lp.demoRequested.connect(self.load_demo_scenario)

        names = accounts.list_accounts(db)
        if names:
            self._load(names[0], accounts.load_account(db, names[0]))
        else:
            self._refresh_list()
            self._refresh_title()
            self.recompute()

    # --- layout ---

    def _build(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.undo_button)
        header.addWidget(self.redo_button)
        header.addWidget(self.save_button)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addLayout(header)
        middle_layout.addWidget(self.editor, 1)
        versions_row = QHBoxLayout()  # under the scenario: the header row must fit 1024 px
        versions_row.addWidget(self.compare_button)
        versions_row.addWidget(self.compare_all_button)
        versions_row.addStretch(1)
        middle_layout.addLayout(versions_row)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list_panel)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.bill_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([170, 545, 880])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)
        # in the main window, messages go to its status bar (statusMessage) instead
        self.status.setVisible(self.parent() is None)

    def _actions(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.undo_action = QAction("Undo", self)
        self.redo_action = QAction("Redo", self)
        self.save_action = QAction("Save scenario", self)
        # Inside the main window, its Edit menu's Undo/Redo serve this view's stack (an undo
        # group); a second Ctrl+Z here would make the shortcut ambiguous, so only a view
        # standing alone binds them.
        standalone = self.parent() is None
        for action, slot, key in (
                (self.undo_action, self.stack.undo, QKeySequence.StandardKey.Undo),
                (self.redo_action, self.stack.redo, QKeySequence.StandardKey.Redo),
                (self.save_action, self.save, QKeySequence.StandardKey.Save)):
            if standalone or action is self.save_action:
                action.setShortcuts(key)
            action.setShortcutContext(context)
            action.triggered.connect(slot)
            self.addAction(action)
        self.undo_button.clicked.connect(self.stack.undo)
        self.redo_button.clicked.connect(self.stack.redo)
        self.save_button.clicked.connect(self.save)
        self.compare_button.clicked.connect(lambda: self.show_before_after())
        self.compare_all_button.clicked.connect(lambda: self.show_before_after_all())
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)

    # --- state ---

    def is_dirty(self) -> bool:
        """Unsaved edits, or a scenario never saved (but not the untouched blank one)."""
        return (self.original_name is None and not self._pristine) or not self.stack.isClean()

    def _refresh_title(self) -> None:
        name = self.scenario.doc["account"].get("name") or "(no name)"
        if self.original_name is None and self.is_dirty():
            marker = " <span style='color:#b3261e'>— not saved</span>"
        elif not self.stack.isClean():
            marker = " <span style='color:#b3261e'>— unsaved changes</span>"
        else:
            marker = ""
        self.title.setText(f"<b style='font-size:13pt'>{name}</b>{marker}")
        self.save_button.setEnabled(self.is_dirty() and not self.db.read_only)

    def _clean_changed(self, _clean: bool) -> None:
        # The stack also says so while the view is being destroyed (it clears itself).
        if shiboken6.isValid(self.stack) and shiboken6.isValid(self.title):
            self._refresh_title()

    def _refresh_list(self) -> None:
        self.list_panel.set_names(accounts.list_accounts(self.db), self.original_name,
                                  demo_available=demo_scenario() is not None)

    def _new_document(self, name: str) -> Doc:
        lookup = self.simulation.lookup if hasattr(self, "simulation") else None
        if lookup is None:
            return empty_scenario(name)
        currency = "USD" if "USD" in lookup.currencies else next(iter(lookup.currencies), "USD")
        book = "standard" if "standard" in lookup.price_books else next(
            iter(lookup.price_books), "standard")
        countries = lookup.book_countries.get(book) or lookup.countries
        country = "US" if "US" in lookup.countries or not countries else countries[0]
        return empty_scenario(name, currency, book, country)

    def _load(self, original_name: str | None, doc: Doc, pristine: bool = False) -> None:
        self.timer.stop()
        self.original_name = original_name
        self._pristine = pristine
        self._start_pinned = False
        self._save_problems = []
        self.stack.clear()
        self.scenario.reset(doc)
        self._show_horizon()
        self._refresh_list()
        self._refresh_title()
        self.recompute()

    def _confirm_leave(self) -> bool:
        """Offer to save unsaved edits before another scenario replaces them."""
        if not self.is_dirty():
            return True
        name = self.scenario.doc["account"].get("name") or "this scenario"
        answer = QuestionDialog.ask(self, "Unsaved scenario",
                                    f"Save the changes to '{name}' first?",
                                    ("save", "discard", "cancel"))
        if answer == "save":
            return self.save()
        return answer == "discard"

    def _say(self, message: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b3261e;" if error else "")
        self.status.setText(message)
        self.statusMessage.emit(message)

    # --- live recomputation ---

    def _scenario_edited(self) -> None:
        self._show_horizon()
        self._refresh_title()
        self.timer.start()

    def _show_horizon(self) -> None:
        """The Periods box shows the scenario's saved horizon (after a load, undo or redo)."""
        wanted = accounts.horizon(self.scenario.doc) or DEFAULT_PERIODS
        if self.bill_panel.periods() != wanted:
            self.bill_panel.set_periods(wanted)

    def _horizon_changed(self, periods: int) -> None:
        """The number of periods is part of the scenario: an edit to save (and to undo)."""
        if accounts.horizon(self.scenario.doc) != periods:
            push_set(self.stack, self.scenario, ("simulation",), {"periods": periods},
                     f"Bill {periods} periods", merge=True)

    def _range_changed(self) -> None:
        self._start_pinned = True
        self.timer.start()

    def recompute(self) -> Outcome:
        """Simulate the scenario now and show the bill (or the problems)."""
        self.timer.stop()
        doc = self.scenario.doc
        if not self._start_pinned:
            self.bill_panel.set_start(default_start(doc))
        outcome = self.simulation.run(doc, self.bill_panel.start(), self.bill_panel.periods())
        self.outcome = outcome
        minor = self.simulation.lookup.minor_units(doc["account"].get("currency"))
        self.editor.show_problems(outcome.problems + self._save_problems)
        self.bill_panel.show_outcome(outcome, minor, doc)
        self.billComputed.emit(outcome)
        return outcome

    def before_after(self) -> tuple[Doc | None, list[Problem]]:
        """The current scenario before and after the scheduled catalog version, over the
        bill range shown."""
        from app.views.simulator.compute import compare

        return compare(self.simulation, self.scenario.doc, self.bill_panel.start(),
                       self.bill_panel.periods())

    def show_before_after(self) -> Any:
        """Open the before/after view of the current scenario (``None``: it cannot be billed;
        the problems are said in the status line)."""
        from app.views.simulator.before_after import BeforeAfterDialog

        doc, problems = self.before_after()
        if doc is None:
            self._say(f"Before/after: {problems[0] if problems else 'nothing to compare'}",
                      error=True)
            return None
        self.compare_dialog = BeforeAfterDialog(doc, self)
        self.compare_dialog.show()
        return self.compare_dialog

    def show_before_after_all(self) -> Any:
        """Open the before/after table of every saved scenario (as saved: unsaved edits of
        the current one are not in it); ``None`` when the catalog cannot be billed."""
        from app.catalog.versions_all import saved_scenarios
        from app.views.simulator.before_after_all import AllScenariosDialog

        if self.simulation.catalog is None:
            problems = self.simulation.catalog_problems
            self._say(f"Before/after: {problems[0] if problems else 'no catalog'}", error=True)
            return None
        self.compare_all_dialog = AllScenariosDialog(self.simulation.billing,
                                                     saved_scenarios(self.db), self)
        self.compare_all_dialog.show()
        return self.compare_all_dialog

    def on_catalog_changed(self, changes: Any = None) -> None:
        """The catalog was edited: update the engine's snapshot and recompute the bill; while
        the view is hidden, only remember what changed (done when next shown).

        Only the packages named in ``changes`` (a ``store.Changes``) are rebuilt when nothing
        else changed. A saved scenario without unsaved edits is read again, so catalog renames
        (which saved scenarios follow) show in the editor too."""
        if changes is not None and not getattr(changes, "catalog", True):
            return  # only scenarios or the export history: the snapshot still holds
        kinds = frozenset(getattr(changes, "kinds", ())) if changes is not None else None
        packages = frozenset(getattr(changes, "packages", ()))
        if kinds is None:
            kinds = frozenset({"everything"})
        renamed = bool(getattr(changes, "renamed", True))
        if self._pending is not None:
            kinds, packages = kinds | self._pending[0], packages | self._pending[1]
            renamed = renamed or self._pending[2]
        self._pending = (kinds, packages, renamed)
        if self.isVisible():
            self._catch_up()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending is not None:
            self._catch_up()

    def _catch_up(self) -> None:
        if self._pending is None:
            return
        kinds, packages, renamed = self._pending
        self._pending = None
        catalog_doc, fresh = store.snapshot_packages(self.db, packages)
        self.simulation = self.simulation.updated(catalog_doc, kinds, packages, fresh)
        self.editor.set_lookup(self.simulation.lookup)
        if self.original_name is not None and self.stack.isClean() and renamed:
            try:
                doc = accounts.load_account(self.db, self.original_name)
            except KeyError:
                doc = None
            if doc is not None and doc != self.scenario.doc:
                self.timer.stop()
                self.scenario.reset(doc)
        self.recompute()

    # --- scenarios ---

    def save(self) -> bool:
        """Save the scenario under edit; problems that prevent it show beside their fields."""
        doc = self.scenario.snapshot()
        try:
            self.changed.emit(accounts.save_account(self.db, doc, self.original_name))
        except ImportFailure as exc:
            self._save_problems = [p for p in exc.problems
                                   if p not in (self.outcome.problems if self.outcome else [])]
            self.editor.show_problems((self.outcome.problems if self.outcome else [])
                                      + self._save_problems)
            self._say(f"Not saved: {exc.message}", error=True)
            return False
        self._save_problems = []
        self.original_name = doc["account"]["name"]
        self.stack.setClean()
        self._refresh_list()
        self._refresh_title()
        self.recompute()
        self._say(f"Saved scenario '{self.original_name}'.")
        return True

    def open_scenario(self, name: str) -> None:
        if name == self.original_name:
            return
        if not self._confirm_leave():
            self.list_panel.select(self.original_name)
            return
        self._load(name, accounts.load_account(self.db, name))

    def new_scenario(self) -> None:
        if not self._confirm_leave():
            return
        taken = set(accounts.list_accounts(self.db))
        name = NameDialog.ask(self, "New scenario", "Account name:",
                              accounts.free_account_name(self.db, "New account"), taken)
        if name is None:
            return
        doc = self._new_document(name)
        self.changed.emit(accounts.save_account(self.db, doc))
        self._load(name, accounts.load_account(self.db, name))
        self._say(f"New scenario '{name}': add a package to see its bill.")

    def rename_scenario(self) -> None:
        old = self.list_panel.current_name()
        if old is None:
            return
        taken = set(accounts.list_accounts(self.db)) - {old}
        new = NameDialog.ask(self, "Rename scenario", "New name:", old, taken)
        if new is None or new == old:
            return
        self.changed.emit(accounts.rename_account(self.db, old, new))
        if old == self.original_name:
            self.original_name = new
            self.scenario.set(("account", "name"), new)  # the saved name, not an edit to undo
        self._refresh_list()
        self._refresh_title()
        self._say(f"Renamed '{old}' to '{new}'.")

    def duplicate_scenario(self) -> None:
        source = self.list_panel.current_name()
        if source is None or not self._confirm_leave():
            return
        taken = set(accounts.list_accounts(self.db))
        new = NameDialog.ask(self, "Duplicate scenario", "Name of the copy:",
                             accounts.free_account_name(self.db, f"{source} copy"), taken)
        if new is None:
            return
        self.changed.emit(accounts.duplicate_account(self.db, source, new))
        self._load(new, accounts.load_account(self.db, new))
        self._say(f"Duplicated '{source}' as '{new}'.")

    def delete_scenario(self) -> None:
        name = self.list_panel.current_name()
        if name is None:
            return
        answer = QuestionDialog.ask(self, "Delete scenario",
                                    f"Delete the saved scenario '{name}'? This cannot be undone.")
        if answer != "yes":
            return
        self.changed.emit(accounts.delete_account(self.db, name))
        remaining = accounts.list_accounts(self.db)
        if name == self.original_name:
            if remaining:
                self._load(remaining[0], accounts.load_account(self.db, remaining[0]))
            else:
                self._load(None, self._new_document("New account"), pristine=True)
        self._refresh_list()
        self._say(f"Deleted scenario '{name}'.")

    def import_scenario(self, path: str | None = None) -> bool:
        """Read an account JSON file (schema-checked) and save it as a new scenario. A scenario
        whose names the catalog lacks opens unsaved, with each problem beside its field."""
        if path is None:
            path, _filter = file_dialogs.get_open_file_name(
                self, "Import account scenario", "", "Account JSON (*.json);;All files (*)")
            if not path:
                return False
        if not self._confirm_leave():
            return False
        from app.catalog.document.contract import normalize

        try:
            doc, _extensions = normalize(read_document(path), "account")
        except ImportFailure as exc:
            self._say(f"Cannot import {path}: {exc.message}", error=True)
            return False
        problems = accounts.schema_problems(doc)
        if problems:
            shown = "; ".join(str(p) for p in problems[:3])
            self._say(f"Cannot import {path}: not an account scenario ({shown})", error=True)
            return False
        assert isinstance(doc, dict)
        doc["account"]["name"] = accounts.free_account_name(self.db, doc["account"]["name"])
        try:
            self.changed.emit(accounts.save_account(self.db, doc))
        except ImportFailure as exc:
            self._load(None, doc)
            self._say(f"Imported {path} but did not save it: {exc.message}", error=True)
            return False
        self._load(doc["account"]["name"], accounts.load_account(self.db, doc["account"]["name"]))
        self._say(f"Imported '{doc['account']['name']}' from {path}.")
        return True

    def export_scenario(self, path: str | None = None) -> bool:
        """Write the scenario under edit (unsaved edits included) as account JSON."""
        doc = self.scenario.snapshot()
        problems = accounts.schema_problems(doc)
        if problems:
            self._say(f"Cannot export: {problems[0]}", error=True)
            return False
        if path is None:
            path, _filter = file_dialogs.get_save_file_name(
                self, "Export account scenario", f"{doc['account']['name']}.json",
                "Account JSON (*.json)")
            if not path:
                return False
        try:
            write_file_atomically(path, (json.dumps(doc, indent=2, ensure_ascii=False)
                                         + "\n").encode("utf-8"))
        except OSError as exc:
            self._say(file_failure_message(exc, path), error=True)
            return False
        self._say(f"Exported '{doc['account']['name']}' to {path}.")
        return True

    def load_demo_scenario(self) -> None:
        doc = demo_scenario()
        if doc is None or not self._confirm_leave():
            return
        doc["account"]["name"] = accounts.free_account_name(self.db, doc["account"]["name"])
        try:
            self.changed.emit(accounts.save_account(self.db, doc))
        except ImportFailure as exc:
            self._load(None, doc)
            self._say(f"The demo scenario does not fit this catalog: {exc.message}", error=True)
            return
        self._load(doc["account"]["name"], accounts.load_account(self.db, doc["account"]["name"]))

    def simulate_frequency(self, name: str) -> None:
        """A new, unsaved scenario: one account-package of frequency ``name`` starting today,
        with its package's recurring services Active."""
        if not self._confirm_leave():
            return
        lookup = self.simulation.lookup
        info = lookup.frequencies.get(name)
        doc = self._new_document(accounts.free_account_name(self.db, f"Simulation of {name}"))
        if info is not None and info.currencies and doc["account"]["currency"] not in \
                info.currencies:
            doc["account"]["currency"] = info.currencies[0]
        taken: set[str] = set()

        def new_id(used: set[str]) -> str:
            n = 1
            while f"s{n}" in used | taken:
                n += 1
            taken.add(f"s{n}")
            return f"s{n}"
        doc["packages"].append(new_account_package(lookup, name, dt.date.today().isoformat(),
                                                   new_id))
        self._load(None, doc)
        self.bill_panel.set_start(dt.date.today())
        self._say(f"Simulating '{name}' from today; save the scenario to keep it.")

    # --- exports ---

    def _bill(self) -> Doc | None:
        return self.outcome.bill if self.outcome is not None else None

    def _export_target(self, path: str | None, kind: str) -> tuple[Doc, str] | None:
        """The bill and the file to write it to (asked for when ``path`` is None), or None
        when there is no bill or the user cancelled."""
        bill = self._bill()
        if bill is None:
            self._say("There is no bill to export: fix the scenario's problems first.", True)
            return None
        if path is None:
            name = self.scenario.doc["account"]["name"]
            path, _filter = file_dialogs.get_save_file_name(
                self, f"Export bill as {kind}", f"{name} bill.{kind.lower()}",
                f"{kind} (*.{kind.lower()})")
            if not path:
                return None
        return bill, path

    def export_pdf(self, path: str | None = None) -> bool:
        target = self._export_target(path, "PDF")
        if target is None:
            return False
        bill, path = target
        minor = self.simulation.lookup.minor_units(bill.get("currency"))
        period = self.bill_panel.shown_period()
        try:
            write_pdf(invoice_html(bill, self.scenario.doc, minor, period=period), path)
        except OSError as exc:
            self._say(file_failure_message(exc, path), True)
            return False
        if period is None:
            count = len(bill["periods"])
            self._say(f"Wrote {count} bill{'s' if count != 1 else ''}, one per page, to {path}.")
        else:
            self._say(f"Wrote the bill of {period_label(bill['periods'][period])} to {path}.")
        return True

    def export_csv(self, path: str | None = None) -> bool:
        target = self._export_target(path, "CSV")
        if target is None:
            return False
        bill, path = target
        try:
            count = write_csv(bill, path)
        except OSError as exc:
            self._say(file_failure_message(exc, path), True)
            return False
        self._say(f"Wrote {count} bill lines to {path}.")
        return True
