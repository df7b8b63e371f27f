"""The Setup area: the reference data the package frequency tabs draw on (services, statuses,
transitions, currencies, price books, tax rates, rate plans, usage buckets, counting rules,
contracts, companies, custom fields, promo codes, price plans).

The kinds are listed on the left; the selected kind's objects fill a table edited in place,
with the selected object's nested lists below it. Edits are undoable and kept in memory until
Save, which hands the whole reference document to ``store.save_reference``.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QStringListModel, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database import store
from app.catalog.database.store import Database
from app.catalog.document import reference_edit
from app.catalog.errors import ConcurrentEditError, ImportFailure, InUseError, Problem
from app.views.common.fields import ErrorLabel, note
from app.views.common.icons import icon
from app.views.setup.delegates import SetupDelegate
from app.views.setup.kinds import SPEC, SPECS
from app.views.setup.models import KindListModel, ReferenceTableModel, SetupEditor
from app.views.setup.nested import NestedListEditor

_PATH = re.compile(r"^(?P<kind>[a-z_]+)\[(?P<row>\d+)\]")


class SetupView(QWidget):
    """The Setup area over one database.

    Signals:
        changed(object): the reference data was saved; carries the ``store.Changes``.
        dirtyChanged(bool): whether there are unsaved edits (drives the dirty marker).
    """

    changed = Signal(object)
    dirtyChanged = Signal(bool)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.editor = SetupEditor(self)
        self.stack: QUndoStack = self.editor.stack  # the window adds it to its undo group
        self._package_docs: list[dict[str, Any]] | None = None
        self._own_changes: object = None
        self._versions: dict[str, dict[Any, int]] | None = None  # as loaded: Save checks them
        self._last_row = 0

        # --- left: the kinds ---------------------------------------------------------------
        self.kinds_model = KindListModel(self.editor, self)
        self.kinds = QListView(self)
        self.kinds.setModel(self.kinds_model)
        self.kinds.setAccessibleName("Kinds of reference data")
        self.kinds.setMinimumWidth(160)
        self.kinds.setMaximumWidth(190)
        self.kinds.setSpacing(3)

        # --- right: the table of the selected kind -----------------------------------------
        self.title = QLabel(self)
        self.title.setStyleSheet("font-weight: 600; font-size: 13pt;")
        self.kind_note = note("")
        self.model = ReferenceTableModel(self.editor, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(SetupDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.add_button = QToolButton(self)
        self.add_button.setText("Add")
        self.add_button.setIcon(icon("add"))
        self.remove_button = QToolButton(self)
        self.remove_button.setText("Remove")
        self.remove_button.setIcon(icon("remove"))
        for button in (self.add_button, self.remove_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        add = QAction("Add", self.table)
        add.setShortcut(QKeySequence(Qt.Key.Key_Insert))
        add.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        add.triggered.connect(self.add_object)
        self.table.addAction(add)
        remove = QAction("Remove", self.table)
        remove.setShortcut(QKeySequence.StandardKey.Delete)
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.table.addAction(remove)

        self.nested = [NestedListEditor(self.editor, self) for _ in range(2)]
        nested_row = QWidget(self)
        nested_layout = QHBoxLayout(nested_row)
        nested_layout.setContentsMargins(0, 0, 0, 0)
        for editor in self.nested:
            nested_layout.addWidget(editor)
            editor.message.connect(self.show_message)
        self.nested_row = nested_row

        # --- messages, problems, save -------------------------------------------------------
        self.message = ErrorLabel(self)
        self.problems_model = QStringListModel(self)
        self.problems = QListView(self)
        self.problems.setModel(self.problems_model)
        self.problems.setAccessibleName("Problems")
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setMaximumHeight(110)
        self.problems.hide()
        self._problem_paths: list[str] = []
        self.dirty_label = QLabel("● Unsaved changes", self)
        self.dirty_label.setStyleSheet("color: #b35c00;")
        self.discard_button = QPushButton("Discard", self)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)

        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.add_button)
        header.addWidget(self.remove_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(nested_row)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.dirty_label)
        bottom.addStretch(1)
        bottom.addWidget(self.discard_button)
        bottom.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(header)
        right.addWidget(self.kind_note)
        right.addWidget(splitter, 1)
        right.addWidget(self.message)
        right.addWidget(self.problems)
        right.addLayout(bottom)
        layout = QHBoxLayout(self)
        layout.addWidget(self.kinds)
        layout.addLayout(right, 1)

        # --- wiring -------------------------------------------------------------------------
        self.kinds.selectionModel().currentChanged.connect(self._kind_changed)
        self.table.selectionModel().currentChanged.connect(self._row_changed)
        self.model.modelReset.connect(self._after_reset)
        self.add_button.clicked.connect(self.add_object)
        self.remove_button.clicked.connect(self.remove_selected)
        self.save_button.clicked.connect(self.save)
        self.discard_button.clicked.connect(self.discard)
        self.problems.clicked.connect(self._problem_clicked)
        self.editor.stack.cleanChanged.connect(self._clean_changed)
        self.editor.edited.connect(lambda *_a: self.show_message(None))

        self.reload()
        self.select_kind(SPECS[0].kind)
        self._clean_changed(True)

    # --- public -----------------------------------------------------------------------------

    def undo_stack(self) -> QUndoStack:
        """The Setup area's undo stack (for the window's Edit menu or undo group)."""
        return self.editor.stack

    def is_dirty(self) -> bool:
        return not self.editor.stack.isClean()

    def kind(self) -> str:
        return self.model.kind

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def select_kind(self, kind: str) -> None:
        row = next(i for i, spec in enumerate(SPECS) if spec.kind == kind)
        self.kinds.setCurrentIndex(self.kinds_model.index(row))

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self._row_changed(QModelIndex(), QModelIndex())

    def reload(self) -> None:
        """Read the reference data from the database again (unsaved edits are dropped)."""
        kind, row = self.model.kind, self.current_row()
        reference, self._versions = store.reference_for_editing(self.db)
        packages = [p.name for p in store.package_summaries(self.db)]
        self._package_docs = None
        self.editor.load(reference, packages)
        self.show_problems([])
        if self.model.kind == kind:
            self.select_row(max(0, min(row, self.model.rowCount() - 1)))

    @Slot()
    def save(self) -> bool:
        """Save every edit through ``store.save_reference``; False (with the reasons shown
        under the table) when the database refused them."""
        self.table.setFocus()  # an open cell editor commits on losing focus
        draft = self.editor.draft
        try:
            changes = store.save_reference(self.db, draft.document(), renames=draft.renames(),
                                           expected_versions=self._versions)
        except ConcurrentEditError as exc:  # someone else saved: the edits stay
            self.show_message(f"Not saved: {exc.message}")
            return False
        except ImportFailure as exc:
            self.show_message(
                f"Not saved: {len(exc.problems) or 1} problem(s). Click one to go to it."
            )
            self.show_problems(exc.problems or [Problem("", exc.message)])
            return False
        except InUseError as exc:
            self.show_message(f"Not saved: {exc.message}")
            return False
        self.reload()
        self.show_message(None)
        self._own_changes = changes
        self.changed.emit(changes)
        self._own_changes = None
        return True

    @Slot()
    def discard(self) -> None:
        """Drop the unsaved edits."""
        self.reload()
        self.show_message(None)

    @Slot(object)
    def on_catalog_changed(self, changes: Any) -> None:
        """The catalog changed elsewhere (an import, a package saved): refresh what Setup
        shows; unsaved Setup edits are kept, with a note."""
        if changes is self._own_changes:
            return
        self._package_docs = None
        kinds = set(getattr(changes, "kinds", ()) or ())
        if "packages" in kinds:
            self.editor.packages = [p.name for p in store.package_summaries(self.db)]
        if kinds & {*store.REFERENCE_KINDS, "packages"}:
            # (a renamed package shows in the counting rules that count it)
            if self.is_dirty() and kinds & set(store.REFERENCE_KINDS):
                self.show_message(
                    "The catalog changed outside Setup. Discard shows the catalog's; Save "
                    "is refused if it changed what Setup shows."
                )
            elif not self.is_dirty():
                self.reload()

    # --- adding and removing ------------------------------------------------------------------

    @Slot()
    def add_object(self) -> None:
        result = self.model.add()
        if isinstance(result, str):
            self.show_message(result)
            return
        self.select_row(result)
        self.table.setFocus()
        self.table.edit(self.model.index(result, 0))

    @Slot()
    def remove_selected(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        kind = self.model.kind
        draft = self.editor.draft
        item = draft.items(kind)[row]
        key = reference_edit.key_of(kind, item)
        users = reference_edit.users(draft.doc, [], kind, key)
        origin = draft.origins[kind][row]
        if origin is not None:
            users = reference_edit.users({}, self._packages(), kind, origin) + users
        if users:
            shown = ", ".join(users[:4]) + (f" and {len(users) - 4} more" if len(users) > 4 else "")
            what = reference_edit.describe(kind, item)
            self.show_message(
                f"Cannot remove {what}: it is used by {shown}. "
                f"Remove it from {'that' if len(users) == 1 else 'those'} first."
            )
            return
        self.model.remove(row)
        self.select_row(min(row, self.model.rowCount() - 1))

    def _packages(self) -> list[dict[str, Any]]:
        if self._package_docs is None:
            self._package_docs = list(store.export_catalog(self.db)["packages"])
        return self._package_docs

    # --- messages ---------------------------------------------------------------------------

    @Slot(str)
    def show_message(self, text: str | None) -> None:
        self.message.show_error(text)

    def show_problems(self, problems: list[Problem]) -> None:
        self._problem_paths = [p.path for p in problems]
        self.problems_model.setStringList([str(p) for p in problems])
        self.problems.setVisible(bool(problems))

    def _problem_clicked(self, index: QModelIndex) -> None:
        match = _PATH.match(self._problem_paths[index.row()])
        if match and match["kind"] in SPEC:
            self.select_kind(match["kind"])
            self.select_row(int(match["row"]))
            self.table.setFocus()

    # --- selection ----------------------------------------------------------------------------

    def _kind_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        kind = self.kinds_model.kind(current.row())
        spec = SPEC[kind]
        self.model.set_kind(kind)
        self.title.setText(spec.label + (" *" if self.is_dirty() else ""))
        self.kind_note.setText(spec.note)
        self.kind_note.setVisible(bool(spec.note))
        self.add_button.setToolTip(f"Add a {reference_edit.SINGULAR[kind]}")
        self.remove_button.setToolTip(f"Remove the selected {reference_edit.SINGULAR[kind]}")
        self._fit_columns()
        self.select_row(0)

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for section in range(self.model.columnCount() - 1):  # the last one stretches
            header.resizeSection(section, max(64, min(240, header.sectionSize(section) + 12)))

    def _after_reset(self) -> None:
        # a reset (undo, redo, reload) forgets the current row: come back to it
        if self.model.rowCount():
            self.select_row(min(self._last_row, self.model.rowCount() - 1))
        else:
            self._row_changed(QModelIndex(), QModelIndex())

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        kind = self.model.kind
        spec = SPEC[kind]
        row = current.row() if current.isValid() else -1
        if row >= 0:
            self._last_row = row
        self.remove_button.setEnabled(row >= 0)
        self.nested_row.setVisible(bool(spec.nested))
        owner = ""
        if row >= 0:
            owner = reference_edit.describe(kind, self.editor.draft.items(kind)[row])
        for i, editor in enumerate(self.nested):
            nested = spec.nested[i] if i < len(spec.nested) else None
            editor.setVisible(nested is not None)
            editor.set_target(kind if row >= 0 else None, row, nested, owner)

    def _clean_changed(self, clean: bool) -> None:
        self.title.setText(SPEC[self.model.kind].label + ("" if clean else " *"))
        self.dirty_label.setVisible(not clean)
        self.save_button.setEnabled(not clean and not self.db.read_only)
        self.discard_button.setEnabled(not clean)
        self.dirtyChanged.emit(not clean)
