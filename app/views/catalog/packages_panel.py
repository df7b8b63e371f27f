"""The Packages panel (seed 004, "Packages Panel"): packages with their frequencies beneath, the
actions as icons above the Filter box, and a context menu with the same actions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.views.catalog.packages_model import PackagesFilterModel, PackagesModel
from app.views.common.icons import icon

EXPAND_LIMIT = 300
"""Up to this many visible packages, the tree shows every frequency (expanded)."""

Position = tuple[int, int | None]


class PackagesPanel(QWidget):
    """The tree of packages and frequencies with its filter box and actions.

    Signals:
        currentChanged(object): the user selected another item: ``(package row, frequency row
            or None)`` in :attr:`model`, or None when nothing is selected. The window may put the
            selection back with :meth:`select` (e.g. when the user cancels leaving unsaved edits).
        addPackageRequested(): the "Add package" action.
        addFrequencyRequested(): the "Add frequency" action (to the selected package).
        cloneRequested(): the "Clone" action (the selected package or frequency).
        deleteRequested(): the "Delete" action.
        deactivateRequested(): the "Deactivate" action.
        simulateRequested(): "Simulate an account with this package" from the context menu.
        renameRequested(): F2 in the tree: edit the name of the selection.

    Keys: Ctrl+N adds a package; in the tree Insert adds a frequency (a package when nothing
    is selected), Del deletes, F2 renames; Ctrl+F goes to the filter, Down from it to the tree.
    """

    currentChanged = Signal(object)
    addPackageRequested = Signal()
    addFrequencyRequested = Signal()
    cloneRequested = Signal()
    deleteRequested = Signal()
    deactivateRequested = Signal()
    simulateRequested = Signal()
    renameRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PackagesModel(self)
        self.proxy = PackagesFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self._quiet = False
        self.read_only = False
        """A read-only database: adding, cloning, deleting and deactivating are disabled."""

        title = QLabel("<b>Packages</b>")
        self.add_package_action = self._action("package-add", "Add package",
                                               "Create a new package", self.addPackageRequested)
        self.add_frequency_action = self._action(
            "frequency-add", "Add frequency", "Add a package frequency to the selected package",
            self.addFrequencyRequested)
        self.clone_action = self._action("clone", "Clone",
                                         "Copy the selected package or frequency as new",
                                         self.cloneRequested)
        self.delete_action = self._action(
            "delete", "Delete", "Delete the selected package or frequency (if not in use)",
            self.deleteRequested)
        self.deactivate_action = self._action(
            "deactivate", "Deactivate",
            "Stop offering it: untick Enabled (package) or Active (frequency) and save",
            self.deactivateRequested)
        self.simulate_action = self._action("simulate", "Simulate an account with this package",
                                            "Open the Simulator on this package frequency",
                                            self.simulateRequested)
        actions = QHBoxLayout()
        actions.setSpacing(2)
        for action in (self.add_package_action, self.add_frequency_action, self.clone_action,
                       self.delete_action, self.deactivate_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setAutoRaise(True)
            actions.addWidget(button)
        actions.addStretch(1)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter packages")
        self.filter_edit.textChanged.connect(self.set_filter)

        self.view = QTreeView(self)
        self.view.setModel(self.proxy)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        # the keyboard habits of a desktop editor: Ctrl+N / Insert add, Del deletes (asking
        # first), F2 renames (the name field of the form), Ctrl+F goes to the filter
        self.add_package_action.setShortcut(QKeySequence.StandardKey.New)
        self.add_package_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for key, signal in ((Qt.Key.Key_Insert, self.addFrequencyRequested),
                            (Qt.Key.Key_Delete, self.deleteRequested),
                            (Qt.Key.Key_F2, self.renameRequested)):
            action = QAction(self.view)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(
                lambda _c=False, s=signal: s.emit() if self.current() is not None
                else self.addPackageRequested.emit() if s is self.addFrequencyRequested
                else None)
            self.view.addAction(action)
        self.find_action = QAction("Find", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.find_action.triggered.connect(self.focus_filter)
        self.addAction(self.find_action)
        self.filter_edit.returnPressed.connect(self.view.setFocus)
        self.filter_edit.installEventFilter(self)
        self.count_label = QLabel(self)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(title)
        layout.addLayout(actions)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        self.update_actions()

    def focus_filter(self) -> None:
        """Ctrl+F: to the filter box, its text selected."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Down in the filter box goes to the tree, as in a search field
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress and \
                isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down:
            self.view.setFocus()
            if not self.view.currentIndex().isValid() and self.proxy.rowCount():
                self.view.setCurrentIndex(self.proxy.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    def _action(self, name: str, text: str, tip: str, signal: SignalInstance) -> QAction:
        action = QAction(icon(name), text, self)
        action.setToolTip(f"{text}: {tip}")
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: signal.emit())
        return action

    # --- content

    def load(self, rows: list[tuple[str, bool, list[tuple[Any, ...]]]]) -> None:
        """Show the packages (rows of ``editing.package_tree``)."""
        self._quiet = True
        try:
            self.model.load_rows(rows)
        finally:
            self._quiet = False
        self._expand()
        self._update_count()

    def set_filter(self, text: str) -> None:
        """Narrow the tree to the packages and frequencies whose names contain ``text``."""
        if self.filter_edit.text() != text:
            self.filter_edit.setText(text)  # comes back here through textChanged
            return
        self.proxy.setFilterFixedString(text)
        self._expand()

    def _expand(self) -> None:
        if self.proxy.rowCount() <= EXPAND_LIMIT:
            self.view.expandAll()

    def _update_count(self) -> None:
        shown = self.proxy.rowCount()
        total = self.model.package_count()
        self.count_label.setText(
            f"{total} packages" if shown == total else f"{shown} of {total} packages")

    # --- selection

    def current(self) -> Position | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.position(self.proxy.mapToSource(index))

    def select(self, row: int | None, frequency_row: int | None = None, *,
               quiet: bool = True) -> None:
        """Select a package (or one of its frequencies) by source rows; ``quiet`` (default)
        does not emit currentChanged."""
        if row is None:
            source = QModelIndex()
        elif frequency_row is None:
            source = self.model.package_index(row)
        else:
            source = self.model.frequency_index(row, frequency_row)
        index = self.proxy.mapFromSource(source) if source.isValid() else QModelIndex()
        if source.isValid() and not index.isValid() and self.proxy.needle():
            self.set_filter("")
            index = self.proxy.mapFromSource(source)
        self._quiet = quiet
        try:
            if index.parent().isValid():
                self.view.expand(index.parent())
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if index.isValid():
                self.view.scrollTo(index)
        finally:
            self._quiet = False
        self.update_actions()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.update_actions()
        if self._quiet:
            return
        self.currentChanged.emit(self.current())

    def update_actions(self) -> None:
        position = self.current()
        selected = position is not None
        writable = not self.read_only
        self.add_package_action.setEnabled(writable)
        self.add_frequency_action.setEnabled(selected and writable)
        for action in (self.clone_action, self.delete_action, self.deactivate_action):
            action.setEnabled(selected and writable)
        self.simulate_action.setEnabled(selected)

    def _context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if index.isValid() and index != self.view.currentIndex():
            self.view.setCurrentIndex(index)
        menu = QMenu(self)
        for action in (self.add_package_action, self.add_frequency_action, self.clone_action,
                       self.delete_action, self.deactivate_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.simulate_action)
        menu.popup(self.view.viewport().mapToGlobal(point))
