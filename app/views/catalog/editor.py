"""The Catalog tab: the Packages panel beside the package form or the Edit Package Frequency
panel (:class:`CatalogEditor`); the main window (:mod:`app.views.main_window`) holds it.

The editing model: selecting a package (or one of its frequencies) loads
``store.package_document`` into a :class:`~app.views.common.undo.PackageDraft`; every edit is an
undo command on that draft; Save hands it to ``store.save_package``. After every save, import or
delete the window emits ``catalogChanged`` with the ``store.Changes`` and every view refreshes
from it.

Why this module is over 600 lines: the draft, its undo stack, the tree selection and Save,
Discard, Delete, Clone and Deactivate all read and write the same state (which package is open,
whether it is dirty, its loaded version for optimistic concurrency); splitting them would pass
that state around. The next split is the tree actions (add, clone, delete, deactivate, rename)
into a mixin of their own.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)
from shiboken6 import isValid

from app.catalog import jobs
from app.catalog.database import editing, store
from app.catalog.database.store import Database
from app.catalog.document.paths import parse_path
from app.catalog.errors import ConcurrentEditError, ImportFailure, InUseError
from app.views.catalog.frequency_panel import FrequencyPanel
from app.views.catalog.package_form import PackageForm
from app.views.catalog.packages_model import summary_of
from app.views.catalog.packages_panel import PackagesPanel
from app.views.common.money import open_amount_problems
from app.views.common.undo import SAVED_NAME, PackageDraft


def shown_in_tree(path: Any) -> bool:
    """Whether a change of the draft at ``path`` changes what the Packages panel shows."""
    if not path or path[:1] in (("name",), ("enabled",), ("frequencies",), ("services",),
                                ("company",)) and len(path) <= 2:
        return True  # (services and company: what the filter matches)
    return len(path) >= 3 and path[0] == "frequencies" and path[2] in (
        "name", "active", "bill_frequency", "sku")


def _select_row(tab: Any, k: int, draft: PackageDraft | None, parts: tuple[str | int, ...]
                ) -> None:
    """Select the row of charge ``k`` (the JSON list's order) in a pricing tab's table: the
    recurring grid has a row per service, the other tabs a row per charge."""
    view = getattr(tab, "view", None)
    if view is None:
        return
    row = k
    if parts[7:8] == ("recurring",) and draft is not None:
        try:
            freq = draft.frequency(int(parts[3]))
            service = freq["price_books"][parts[5]][parts[6]]["recurring"][k]["service"]
            row = list(tab.model.services).index(service)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            return
    model = view.model()
    if 0 <= row < model.rowCount():
        view.setCurrentIndex(model.index(row, 0))
        view.scrollTo(view.currentIndex())


class CatalogEditor(QSplitter):
    """The Catalog tab: the Packages panel and, on the right, the form of the selection.

    Signals:
        catalogChanged(object): a save or delete changed the database (``store.Changes``).
        dirtyChanged(bool): the package being edited has (or no longer has) unsaved changes.
        stackChanged(object): the undo stack of the selection changed (each saved package
            keeps its own history while another is edited: undo survives a change of
            selection).
        simulateRequested(str): "Simulate an account with this package" for a frequency name.
        statusMessage(str): a one-line message for the status bar.
    """

    catalogChanged = Signal(object)
    dirtyChanged = Signal(bool)
    stackChanged = Signal(object)
    simulateRequested = Signal(str)
    statusMessage = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.db = db
        self.stack = QUndoStack(self)
        self.draft: PackageDraft | None = None
        self.histories: dict[str, PackageDraft] = {}
        """Saved packages left with an undo history: name -> their draft (and its stack)."""
        self.draft_key: int | None = None
        self.frequency_row: int | None = None
        self.users: list[str] = []
        self.reference: dict[str, Any] = {}
        self.panel = PackagesPanel(self)
        self.form = PackageForm(self)
        self.frequency_panel = FrequencyPanel(self)
        self.empty = QLabel("Select a package or a package frequency on the left, or add one.",
                            self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget(self)
        for page in (self.empty, self.form, self.frequency_panel):
            self.pages.addWidget(page)
        self.addWidget(self.panel)
        self.addWidget(self.pages)
        self.setStretchFactor(1, 3)
        self.setSizes([280, 840])

        self.panel.currentChanged.connect(self._selected)
        self.panel.addPackageRequested.connect(self.add_package)
        self.panel.addFrequencyRequested.connect(self.add_frequency)
        self.panel.cloneRequested.connect(self.clone)
        self.panel.deleteRequested.connect(self.delete)
        self.panel.deactivateRequested.connect(self.deactivate)
        self.panel.simulateRequested.connect(self._simulate)
        self.panel.renameRequested.connect(self.rename)
        self.addAction(self.panel.add_package_action)  # Ctrl+N anywhere in the Catalog tab
        for page in (self.form, self.frequency_panel):
            page.saveRequested.connect(self.save)
            page.discardRequested.connect(self.discard)
        self.form.cloneAsNewRequested.connect(self.clone_package)
        self.form.nameEdited.connect(self._update_state)
        self.frequency_panel.edited.connect(self._update_state)
        self._watch(self.stack)
        self.panel.read_only = db.read_only
        self.panel.update_actions()
        self.reload()

    # --- loading

    def reload(self) -> None:
        """Read everything again from the database (the draft is dropped)."""
        self._drop_draft()
        self._forget_histories()
        self.reference = store.reference_document(self.db)
        self.form.set_reference(self.reference)
        self.frequency_panel.set_reference(self.reference)
        self._load_tree()
        self.pages.setCurrentWidget(self.empty)

    def _load_tree(self) -> None:
        self.panel.load(editing.package_tree(self.db))
        self.panel.model.set_search_terms(editing.package_search_terms(self.db))

    def set_database(self, db: Database) -> None:
        self.db = db
        self.panel.read_only = db.read_only
        self.panel.update_actions()
        self.reload()

    def on_catalog_changed(self, changes: store.Changes) -> None:
        """Another view (Setup, an import, the Simulator) changed the database: show the new
        state. Scenarios saved or deleted change only the tree's "in use" markers."""
        if not changes.catalog:
            if changes.accounts:
                self.panel.model.set_in_use(editing.frequencies_in_use(self.db))
                if self.draft is not None and self.stack.isClean() and not self.draft.is_new:
                    self._open_package(self.draft.saved_name or "", self.frequency_row)
            return
        reference_kinds = set(changes.kinds) - {"packages"}
        if reference_kinds:
            self.reference = store.reference_document(self.db)
            self.form.set_reference(self.reference)
            self.frequency_panel.set_reference(self.reference)
        if "packages" in changes.kinds:
            keep = self._current_names()
            self._drop_draft()
            self._load_tree()
            self._reselect_names(keep)
        elif self.draft is not None:
            if self.stack.isClean() and not self.draft.is_new:
                self._open_package(self.draft.saved_name or "", self.frequency_row)
            else:
                self._show(self.frequency_row)

    def open_path(self, parts: tuple[str | int, ...]) -> bool:
        """Show the field a problem of the saved catalog names (``packages[i]...``): select
        the package or frequency, then the price book, currency, tab and row at fault."""
        if len(parts) < 2 or parts[0] != "packages" or not isinstance(parts[1], int) \
                or parts[1] >= self.panel.model.package_count():
            return False
        frequency = parts[3] if len(parts) > 3 and parts[2] == "frequencies" else None
        if frequency is not None and not isinstance(frequency, int):
            frequency = None
        self.panel.select(parts[1], frequency, quiet=False)
        if frequency is None:
            return True
        fp = self.frequency_panel
        rest = parts[4:]
        if len(rest) >= 3 and rest[0] == "price_books":
            book, currency = rest[1], rest[2]
            if isinstance(book, str) and isinstance(currency, str):
                fp.selection.select(book, currency)
            tab = {"recurring": fp.recurring_tab, "transitions": fp.transition_tab,
                   "one_time": fp.one_time_tab}.get(str(rest[3])) if len(rest) > 3 else None
            if tab is not None:
                fp.tabs.setCurrentWidget(tab)
                if len(rest) > 4 and isinstance(rest[4], int):
                    _select_row(tab, rest[4], self.draft, parts)
        elif rest[:1] == ("custom_fields",):
            fp.tabs.setCurrentWidget(fp.custom_fields_tab)
        elif rest[:1] in (("counting_rule",), ("tiering",)):
            fp.tabs.setCurrentWidget(fp.counting_rule_tab)
        return True

    def _current_names(self) -> tuple[str, str | None] | None:
        if self.draft is None or self.draft.is_new:
            return None
        name = self.draft.saved_name or ""
        if self.frequency_row is None:
            return name, None
        return name, self.draft.frequency(self.frequency_row).get(SAVED_NAME)

    def _reselect_names(self, names: tuple[str, str | None] | None) -> None:
        if names is None:
            return
        row = self.panel.model.row_of_name(names[0])
        if row is None:
            return
        node = self.panel.model.node(row)
        frow = next((k for k, f in enumerate(node.frequencies) if f.name == names[1]), None)
        self._open_row(row, frow)

    def _watch(self, stack: QUndoStack) -> None:
        stack.cleanChanged.connect(lambda _c: self._update_state() if stack is self.stack
                                   else None)
        stack.indexChanged.connect(lambda _i: self._update_state() if stack is self.stack
                                   else None)

    def _use_stack(self, stack: QUndoStack) -> None:
        """Make ``stack`` the one Undo and Redo work on; a stack left with nothing worth
        keeping goes."""
        old = self.stack
        if stack is old:
            return
        self.stack = stack
        if all(d.stack is not old for d in self.histories.values()):
            old.deleteLater()
        self.stackChanged.emit(stack)

    def _drop_draft(self, *, keep: bool = True) -> None:
        """Stop editing the draft. A saved package with an undo history and no unsaved change
        keeps that history (``keep``): selecting it again brings its undo back."""
        draft = self.draft
        if draft is not None:
            draft.changed.disconnect(self._draft_changed)
            if keep and not draft.is_new and draft.stack.isClean() and draft.stack.count():
                self.histories[draft.saved_name or ""] = draft
            else:
                draft.deleteLater()
        self.draft, self.draft_key, self.frequency_row, self.users = None, None, None, []
        if draft is not None or self.stack.count():
            fresh = QUndoStack(self)
            self._watch(fresh)
            self._use_stack(fresh)
        self._update_state()

    def _forget_histories(self) -> None:
        for draft in self.histories.values():
            draft.stack.deleteLater()
            draft.deleteLater()
        self.histories.clear()

    def _kept_draft(self, name: str, doc: dict[str, Any]) -> PackageDraft | None:
        """The draft kept for package ``name`` with its history, if the database still holds
        what it holds (else the history no longer applies and goes)."""
        kept = self.histories.pop(name, None)
        if kept is None:
            return None
        if kept.document() != doc:
            kept.stack.deleteLater()
            kept.deleteLater()
            return None
        return kept

    def _open_package(self, name: str, frequency_row: int | None) -> None:
        row = self.panel.model.row_of_name(name)
        if row is not None:
            self._open_row(row, frequency_row)

    def _open_row(self, row: int, frequency_row: int | None) -> None:
        node = self.panel.model.node(row)
        doc = store.package_document(self.db, node.name)
        draft = self._kept_draft(node.name, doc)
        if draft is None:
            stack = QUndoStack(self)
            self._watch(stack)
            draft = PackageDraft(doc, saved_name=node.name, stack=stack, parent=self)
        self._set_draft(draft, node.key, store.package_users(self.db, node.name))
        if frequency_row is not None and frequency_row >= len(doc["frequencies"]):
            frequency_row = None
        self.panel.select(row, frequency_row)
        self._show(frequency_row)

    def _set_draft(self, draft: PackageDraft, key: int, users: list[str]) -> None:
        self._drop_draft()
        self._use_stack(draft.stack)
        self.draft, self.draft_key, self.users = draft, key, users
        draft.changed.connect(self._draft_changed)
        self._update_state()

    def _show(self, frequency_row: int | None) -> None:
        """Show the package form (None) or the frequency panel for the draft."""
        self._commit_page()
        draft = self.draft
        if draft is None:
            self.frequency_row = None
            self.pages.setCurrentWidget(self.empty)
            return
        if frequency_row is not None and frequency_row >= len(draft.doc["frequencies"]):
            frequency_row = None
        self.frequency_row = frequency_row
        if frequency_row is None:
            self.form.load(draft, self.users)
            self.pages.setCurrentWidget(self.form)
        else:
            self.frequency_panel.load(draft, frequency_row)
            self.pages.setCurrentWidget(self.frequency_panel)
        self._show_problems()
        self._update_state()

    def _commit_page(self) -> None:
        if self.draft is None:
            return
        if self.pages.currentWidget() is self.form:
            self.form.commit()
        elif self.pages.currentWidget() is self.frequency_panel:
            self.frequency_panel.commit()

    # --- selection

    def _selected(self, position: tuple[int, int | None] | None) -> None:
        if position is None:
            return
        row, frequency_row = position
        key = self.panel.model.node(row).key
        if self.draft is not None and key == self.draft_key:
            self._show(frequency_row)
            return
        if not self.confirm_leave():
            self._reselect()
            return
        row_now = self.panel.model.row_of_key(key)
        if row_now is not None:
            self._open_row(row_now, frequency_row)

    def _reselect(self) -> None:
        """Highlight what the panel edits again (after Cancel). Deferred: a click is still
        being handled by the tree, which would otherwise select the clicked row after us."""
        self._select_edited()
        QTimer.singleShot(0, self._select_edited)

    def _select_edited(self) -> None:
        if not isValid(self):
            return
        row = self.panel.model.row_of_key(self.draft_key) if self.draft_key else None
        self.panel.select(row, self.frequency_row if row is not None else None)

    def _draft_changed(self, path: Any) -> None:
        draft = self.draft
        if draft is None:
            return
        if self.frequency_row is not None and \
                self.frequency_row >= len(draft.doc["frequencies"]):
            self._show(None)
        elif self.pages.currentWidget() is self.form:
            self.form.refresh(path)
        elif self.pages.currentWidget() is self.frequency_panel:
            self.frequency_panel.reload(path)
        if shown_in_tree(path):
            self._update_tree()

    def _update_tree(self) -> None:
        draft, key = self.draft, self.draft_key
        row = self.panel.model.row_of_key(key) if key is not None else None
        if draft is None or row is None:
            return
        saved = editing.package_summary(self.db, draft.saved_name) if draft.saved_name else None
        self.panel.model.update_package(row, summary_of(draft.doc, saved),
                                        dirty=self.is_dirty(), new=draft.is_new)
        self.panel.model.set_package_terms(row, editing.search_terms_of(draft.doc))
        self.panel.select(row, self.frequency_row)

    # --- state

    def is_dirty(self) -> bool:
        return self.draft is not None and (self.draft.is_new or not self.stack.isClean())

    def missing(self) -> list[str]:
        """The required fields still empty, counting what is typed but not yet committed."""
        if self.draft is None:
            return []
        # copied only as deep as what is typed replaces (the name; one frequency's top-level
        # fields): a deep copy of the package cost more than the save it preceded
        doc = dict(self.draft.doc)
        if self.pages.currentWidget() is self.form:
            doc["name"] = self.form.name_text()
        elif self.pages.currentWidget() is self.frequency_panel and self.frequency_row is not None:
            frequencies = doc["frequencies"] = list(doc["frequencies"])
            typed = frequencies[self.frequency_row] = dict(frequencies[self.frequency_row])
            self.frequency_panel.typed(typed)
        amounts = open_amount_problems(self.pages.currentWidget())
        return editing.missing_required(doc, self.reference) + amounts

    def _update_state(self) -> None:
        if not isValid(self.stack):  # the window is being destroyed
            return
        dirty = self.is_dirty()
        missing = self.missing()
        for page in (self.form, self.frequency_panel):
            page.header.set_state(dirty=dirty, can_save=not missing and not self.db.read_only,
                                  missing=missing)
        key = self.draft_key
        row = self.panel.model.row_of_key(key) if key is not None else None
        if row is not None and self.panel.model.node(row).dirty != dirty:
            self.panel.model.node(row).dirty = dirty
            index = self.panel.model.package_index(row)
            self.panel.model.dataChanged.emit(index, index)
        self.dirtyChanged.emit(dirty)

    def _show_problems(self) -> None:
        draft = self.draft
        problems = draft.problems if draft else []
        if self.pages.currentWidget() is self.form:
            rest = self.form.show_problems(problems)
            rest += [p for p in problems if p[0][:1] == ("frequencies",)]
            header = self.form.header
        else:
            rest = self.frequency_panel.show_problems(problems)
            header = self.frequency_panel.header
            own = [p for p in rest if p[0] and p[0][0] != "frequencies"]
            header.errors.show_error(None)
            rest = own + [p for p in rest if p not in own]
        if rest and draft is not None:
            lines = []
            for path, message in rest[:6]:
                if path[:1] == ("frequencies",) and len(path) > 1:
                    index = path[1]
                    assert isinstance(index, int)
                    name = draft.frequency(index)["name"] if index < len(
                        draft.doc["frequencies"]) else f"frequency {index + 1}"
                    lines.append(f"Frequency '{name}': {message}")
                else:
                    lines.append(message)
            header.errors.show_error("\n".join(lines))
        elif self.pages.currentWidget() is self.form:
            header.errors.show_error(None)

    # --- saving

    def confirm_leave(self) -> bool:
        """Before leaving unsaved changes: Save, Discard or Cancel. True when it is fine to go."""
        if not self.is_dirty():
            return True
        self._commit_page()
        assert self.draft is not None
        name = self.draft.doc["name"] or "the new package"
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to package '{name}'?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.discard()
            return True
        return False

    def save(self) -> bool:
        """Save the draft; problems are shown beside their fields. True when saved."""
        draft = self.draft
        if draft is None:
            return True
        self._commit_page()
        missing = self.missing()
        amounts = open_amount_problems(self.pages.currentWidget())
        if amounts:
            self.statusMessage.emit("Not saved: " + "; ".join(amounts))
            return False
        if missing:
            self.statusMessage.emit("Fill the required fields first: " + "; ".join(missing))
            return False
        if self.db.read_only:  # (the Save buttons are disabled; Ctrl+S still lands here)
            QMessageBox.warning(self, "Not saved", f"{self.db.location}: the database is "
                                f"read-only ({self.db.read_only_reason}); nothing was saved.")
            return False
        doc = draft.document()
        try:
            changes = store.save_package(self.db, doc, original_name=draft.saved_name,
                                         frequency_renames=draft.frequency_renames() or None)
        except ImportFailure as exc:
            draft.problems = [(parse_path(p.path)[2:], p.message) for p in exc.problems]
            self._show_problems()
            self.statusMessage.emit(f"Not saved: {exc.message}")
            return False
        except InUseError as exc:
            QMessageBox.warning(self, "Not saved", exc.message)
            return False
        except ConcurrentEditError as exc:  # someone else saved it: keep the draft as it is
            self.statusMessage.emit(f"Not saved: {exc.message}")
            QMessageBox.warning(self, "Not saved: changed by someone else", exc.message)
            return False
        except jobs.DatabaseFailure as exc:
            from app.views.main_window import database_failure

            QMessageBox.warning(self, "Not saved", database_failure(exc, self.db))
            return False
        draft.mark_saved()
        draft.doc[store.VERSION_KEY] = changes.version_of(draft.doc["name"])
        self.stack.setClean()
        self.users = store.package_users(self.db, draft.doc["name"])
        self._update_tree()
        self._show(self.frequency_row)
        self.statusMessage.emit(f"Saved package '{draft.doc['name']}'")
        self.catalogChanged.emit(changes)
        return True

    def discard(self) -> None:
        """Forget the unsaved changes (a new package disappears)."""
        draft = self.draft
        if draft is None:
            return
        key, frequency_row = self.draft_key, self.frequency_row
        row = self.panel.model.row_of_key(key) if key is not None else None
        if draft.is_new:
            self._drop_draft()
            if row is not None:
                self.panel.model.remove_package(row)
            self.panel.select(None)
            self.pages.setCurrentWidget(self.empty)
            return
        name = draft.saved_name or ""
        summary = editing.package_summary(self.db, name)
        if row is not None and summary is not None:
            self._drop_draft()
            self.panel.model.update_package(row, summary)
            saved_rows = len(summary.frequencies)
            self._open_row(row, frequency_row if frequency_row is not None
                           and frequency_row < saved_rows else None)

    # --- actions of the Packages panel

    def _taken_frequencies(self) -> set[str]:
        names = editing.frequency_names(self.db)
        if self.draft is not None:
            names |= {f["name"] for f in self.draft.doc["frequencies"]}
        return names

    def _start_new(self, doc: dict[str, Any]) -> None:
        row = self.panel.model.append_package(summary_of(doc, None), new=True)
        stack = QUndoStack(self)
        self._watch(stack)
        draft = PackageDraft(doc, saved_name=None, stack=stack, parent=self)
        for freq in draft.doc["frequencies"]:
            freq[SAVED_NAME] = None
        self._set_draft(draft, self.panel.model.node(row).key, [])
        self.panel.select(row)
        self._show(None)
        self.form.name_edit.setFocus()
        self.form.name_edit.selectAll()

    def add_package(self) -> None:
        """A new, empty package form (name required and unique)."""
        if self.confirm_leave():
            self._start_new(editing.new_package())

    def add_frequency(self) -> None:
        """Add "<Package> Monthly" (monthly, inactive, no currencies) to the selected package."""
        if self.draft is None:
            return
        self._commit_page()
        draft = self.draft
        freq = editing.new_frequency(draft.doc, self._taken_frequencies(), self.reference)
        freq[SAVED_NAME] = None
        index = len(draft.doc["frequencies"])
        draft.insert(("frequencies",), index, freq, f"Add frequency {freq['name']}")
        self.frequency_row = index
        self._update_tree()
        self._show(index)

    def clone(self) -> None:
        """Clone the selected frequency (into the same package) or package (as a new one)."""
        if self.draft is None:
            return
        if self.frequency_row is None:
            self.clone_package()
            return
        self._commit_page()
        draft = self.draft
        freq = editing.clone_frequency(draft.frequency(self.frequency_row),
                                       self._taken_frequencies())
        freq[SAVED_NAME] = None
        index = len(draft.doc["frequencies"])
        draft.insert(("frequencies",), index, freq, f"Clone frequency as {freq['name']}")
        self.frequency_row = index
        self._update_tree()
        self._show(index)

    def clone_package(self) -> None:
        """"Clone as new package": the package and its frequencies, named "... (copy)"."""
        if self.draft is None or not self.confirm_leave() or self.draft is None:
            return
        source = self.draft.document()
        clone = editing.clone_package(source, editing.package_names(self.db),
                                      self._taken_frequencies())
        self._start_new(clone)

    def delete(self) -> None:
        """Delete the selected frequency or package (refused with the reason when in use)."""
        draft = self.draft
        if draft is None:
            return
        if self.frequency_row is not None:
            freq = draft.frequency(self.frequency_row)
            if not freq.get(SAVED_NAME):
                draft.remove(("frequencies",), self.frequency_row,
                             f"Delete frequency {freq['name']}")
                self._update_tree()
                self._show(None)
                return
            what, name = "package frequency", str(freq[SAVED_NAME])
        elif draft.is_new:
            self.discard()
            return
        else:
            what, name = "package", draft.saved_name or ""
        users = store.package_users(self.db, name) if what == "package" else \
            store.frequency_users(self.db, name)
        if users:  # refused before asking, with the reason and what to do instead
            untick = "Enabled" if what == "package" else "Active"
            QMessageBox.information(
                self, f"Cannot delete {what}",
                f"The {what} '{name}' is used by {len(users)} account(s) "
                f"({', '.join(users[:3])}) and cannot be deleted. Deactivate it instead "
                f"(untick {untick}): existing accounts keep it, new ones cannot choose it.")
            return
        if not self.confirm_leave() or self.draft is None:
            return
        answer = QMessageBox.question(self, f"Delete {what}", f"Delete the {what} '{name}'?",
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if what == "package frequency":  # an undoable edit of the package, saved at once
            index = next((i for i, f in enumerate(self.draft.doc["frequencies"])
                          if f.get(SAVED_NAME) == name), None)
            if index is None:
                return
            self.draft.remove(("frequencies",), index, f"Delete frequency {name}")
            self._update_tree()
            self._show(None)
            if self.save():
                self.statusMessage.emit(f"Deleted package frequency '{name}' (Undo brings it "
                                        "back)")
            return
        doc = self.draft.document()
        try:
            changes = store.delete_package(self.db, name,
                                           expected_version=doc.get(store.VERSION_KEY))
        except (InUseError, ConcurrentEditError) as exc:
            QMessageBox.warning(self, f"Cannot delete {what}", exc.message)
            return
        row = self.panel.model.row_of_key(self.draft_key) if self.draft_key else None
        self._drop_draft(keep=False)
        if row is not None:
            self.panel.model.remove_package(row)
        self.panel.select(None)
        self.pages.setCurrentWidget(self.empty)
        self.stack.push(DeletedPackage(self, doc))
        self.statusMessage.emit(f"Deleted package '{name}' (Undo brings it back)")
        self.catalogChanged.emit(changes)

    def restore_package(self, doc: dict[str, Any]) -> None:
        """Undo of a package deletion: write it back, show it."""
        try:
            changes = store.save_package(self.db, doc)
        except (ImportFailure, InUseError, ConcurrentEditError) as exc:
            QMessageBox.warning(self, "Cannot restore the package", exc.message)
            return
        self._load_tree()
        self.statusMessage.emit(f"Restored package '{doc['name']}'")
        self.catalogChanged.emit(changes)
        # opened once the undo is over: opening it changes the undo stack
        QTimer.singleShot(0, lambda: self._open_package(doc["name"], None)
                          if isValid(self) else None)

    def delete_again(self, name: str) -> None:
        """Redo of a package deletion."""
        try:
            changes = store.delete_package(self.db, name)
        except InUseError as exc:
            QMessageBox.warning(self, "Cannot delete package", exc.message)
            return
        self._load_tree()
        self.pages.setCurrentWidget(self.empty)
        self.catalogChanged.emit(changes)


    def deactivate(self) -> None:
        """Untick Enabled (package) or Active (frequency), and save."""
        if self.draft is None:
            return
        frequency_row = self.frequency_row
        if frequency_row is None:
            what, name = "package", self.draft.doc["name"]
        else:
            what, name = "package frequency", self.draft.frequency(frequency_row)["name"]
        answer = QMessageBox.question(
            self, f"Deactivate {what}",
            f"Deactivate the {what} '{name}' and save? New accounts can no longer choose it; "
            "existing accounts keep it. Undo (Ctrl+Z) turns it back on.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if not self.confirm_leave() or self.draft is None:
            return
        if frequency_row is None:
            self.draft.set(("enabled",), False, "Disable package")
        else:
            self.draft.set(("frequencies", frequency_row, "active"), False,
                           "Deactivate frequency")
        self.save()

    def rename(self) -> None:
        """F2 in the tree: into the name field of what is selected, its text selected."""
        edit = self.form.name_edit if self.pages.currentWidget() is self.form else \
            self.frequency_panel.name_edit if self.pages.currentWidget() is \
            self.frequency_panel else None
        if edit is not None:
            edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            edit.selectAll()

    def _simulate(self) -> None:
        draft = self.draft
        if draft is None or not draft.doc["frequencies"]:
            return
        freq = draft.frequency(self.frequency_row or 0)
        name = freq.get(SAVED_NAME)
        if not name:
            QMessageBox.information(self, "Simulate", "Save the package frequency first.")
            return
        self.simulateRequested.emit(str(name))


class DeletedPackage(QUndoCommand):
    """A package deleted from the database: undo writes it back, redo deletes it again (the
    deletion itself happened before the push)."""

    def __init__(self, editor: CatalogEditor, doc: dict[str, Any]) -> None:
        super().__init__(f"Delete package {doc['name']}")
        self.editor = editor
        self.doc = copy.deepcopy(doc)
        self.pushed = False

    def redo(self) -> None:
        if not self.pushed:
            self.pushed = True
            return
        self.editor.delete_again(self.doc["name"])

    def undo(self) -> None:
        self.editor.restore_package(self.doc)
