"""The "Scheduled changes" tab: which catalog version the Catalog tab edits, and the versions
scheduled after it (date, name, draft or published, the policy for existing subscriptions, the
prices they change). Read and written through the application layer (``store.catalog_versions``,
``schedule_version``, ``edit_version``, ``delete_version``): "Schedule a price change…" adds a
draft version, Edit and Delete change a draft one; a published version is read-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database import store
from app.catalog.database.store import Database
from app.catalog.errors import ImportFailure
from app.views.catalog.dialogs.price_change import (
    PriceChangeDialog,
    ScheduledChange,
    price_choices,
)
from app.views.common.list_table_model import Index, ListTableModel

COLUMNS = ("Effective", "Version", "State", "Existing subscriptions", "Changed prices")


def price_text(change: dict[str, Any]) -> str:
    """``Fiber TV Bundle Monthly / Internet 500 (standard, USD): Active 60.00``."""
    values = [f"{status} {amount}" for status, amount in (change.get("amounts") or {}).items()]
    values += [f"{status} tiers" for status in change.get("tiers") or {}]
    return (f"{change['frequency']} / {change['service']} "
            f"({change.get('price_book') or 'standard'}, {change['currency']}): "
            f"{', '.join(values)}")


def editing_text(versions: list[store.VersionSummary]) -> str:
    """What the Catalog tab edits, in a sentence."""
    if not versions:
        return "Catalog version: one version (no changes scheduled)"
    first = versions[0]
    state = "published" if first.published else "draft"
    text = f"Editing catalog version {first.name} ({state}, from {first.effective_date})"
    later = versions[1:]
    if later:
        text += "; scheduled: " + ", ".join(
            f"{v.name} from {v.effective_date} ({'published' if v.published else 'draft'})"
            for v in later)
    return text


class VersionsModel(ListTableModel):
    """The catalog's versions, oldest first (``items``: :class:`store.VersionSummary`)."""

    columns = COLUMNS

    @property
    def rows(self) -> list[store.VersionSummary]:
        return self.items

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        v = self.items[index.row()]
        first = index.row() == 0
        column = index.column()
        if column == 0:
            return v.effective_date.isoformat()
        if column == 1:
            return v.name
        if column == 2:
            return "published (read-only)" if v.published else "draft"
        if column == 3:
            return "the catalog's own prices" if first else v.policy_text
        changes = [price_text(c) for c in v.prices]
        return ("—" if first else "none") if not changes else "\n".join(changes)


Ask = Callable[..., ScheduledChange | None]
Confirm = Callable[[str], bool]


class ScheduledChangesView(QWidget):
    """The versions of the catalog, oldest first, and the buttons that schedule, edit and
    delete a draft one.

    Signals:
        catalogChanged(object): after a version was scheduled, edited or deleted
            (``store.Changes``); the window passes it on to every view.
    """

    catalogChanged = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.last_message: QMessageBox | None = None
        self.editing = QLabel()
        self.editing.setWordWrap(True)
        self.model = VersionsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(False)  # one price change a line; rows as tall as their lines
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.view.horizontalHeader()
        for column in range(4):  # dates, names, state and policy read whole, on one line
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.schedule_button = QPushButton("Schedule a price change…", self)
        self.edit_button = QPushButton("Edit…", self)
        self.delete_button = QPushButton("Delete", self)
        self.schedule_button.clicked.connect(lambda: self.schedule_change())
        self.edit_button.clicked.connect(lambda: self.edit_change())
        self.delete_button.clicked.connect(lambda: self.delete_change())
        self.view.doubleClicked.connect(lambda _index: self.edit_change())
        buttons = QHBoxLayout()
        for button in (self.schedule_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editing)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.update_buttons())
        self.refresh()

    def refresh(self) -> None:
        chosen = self.selected()
        rows = store.catalog_versions(self.db)
        self.model.set_items(rows)
        self.editing.setText(editing_text(rows))
        for i, v in enumerate(rows):
            if chosen is not None and v.effective_date == chosen.effective_date:
                self.select_row(i)
        self.update_buttons()

    def on_catalog_changed(self, changes: Any = None) -> None:
        self.refresh()

    # --- selection and buttons

    def select_row(self, row: int) -> None:
        self.view.selectRow(row)
        self.view.setCurrentIndex(self.model.index(row, 0))

    def selected(self) -> store.VersionSummary | None:
        if not hasattr(self, "view"):
            return None
        version: store.VersionSummary | None = self.model.item(self.view.currentIndex())
        return version

    def _why_not(self, version: store.VersionSummary | None) -> str:
        """Why the selected version cannot be edited or deleted ("" when it can)."""
        if self.db.read_only:
            return ("Read-only: another window has this database (or it cannot be written); "
                    "versions are changed there")
        if version is None:
            return "Select a scheduled version"
        if version.published:
            return (f"Catalog version {version.name} is published (exported), so it is "
                    "read-only: schedule a new version with a later date instead")
        if self.model.rows and version is self.model.rows[0]:
            return ("The first version is the catalog's own prices: edit them in the Catalog "
                    "tab")
        return ""

    def update_buttons(self) -> None:
        read_only = self.db.read_only
        self.schedule_button.setEnabled(not read_only)
        self.schedule_button.setToolTip(self._why_not(None) if read_only else
                                        "Schedule new recurring prices from a date")
        why = self._why_not(self.selected())
        for button, verb in ((self.edit_button, "Edit"), (self.delete_button, "Delete")):
            button.setEnabled(not why)
            button.setToolTip(why or f"{verb} the selected draft version")

    # --- writing

    def _choices(self, before: dt.date | None) -> Any:
        earlier = [(v.name, v.prices) for v in self.model.rows[1:]
                   if before is None or v.effective_date < before]
        return price_choices(store.snapshot_document(self.db), earlier)

    def _write(self, title: str, write: Callable[[], store.Changes]) -> bool:
        try:
            changes = write()
        except ImportFailure as exc:
            self.refresh()  # what the database holds now (another process may have exported)
            self._tell(title, str(exc))
            return False
        self.refresh()
        self.catalogChanged.emit(changes)
        return True

    def _tell(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box

    def schedule_change(self, ask: Ask | None = None) -> bool:
        """Ask for a new scheduled price change and save it as a draft version."""
        if self.db.read_only:
            return False
        last = self.model.rows[-1].effective_date if self.model.rows else None
        chosen = (ask or PriceChangeDialog.ask)(self, choices=self._choices(None), after=last)
        if chosen is None:
            return False
        index = len(self.model.rows) or 1
        done = self._write("Not scheduled", lambda: store.schedule_version(
            self.db, chosen.effective_date, chosen.prices, policy=chosen.policy,
            existing_from=chosen.existing_from, name=chosen.name))
        if done:
            self.select_row(index)
        return done

    def edit_change(self, ask: Ask | None = None) -> bool:
        """Change the policy and prices of the selected draft version."""
        version = self.selected()
        why = self._why_not(version)
        if why or version is None:
            if version is not None and version.published and not self.db.read_only:
                self._tell("Not edited", why + ".")
            return False
        chosen = (ask or PriceChangeDialog.ask)(
            self, choices=self._choices(version.effective_date), after=None, version=version)
        if chosen is None:
            return False
        return self._write("Not edited", lambda: store.edit_version(
            self.db, version.effective_date, policy=chosen.policy,
            existing_from=chosen.existing_from, prices=chosen.prices))

    def delete_change(self, confirm: Confirm | None = None) -> bool:
        """Delete the selected draft version, after asking."""
        version = self.selected()
        if self._why_not(version) or version is None:
            return False
        question = (f"Delete the scheduled catalog version {version.name} (from "
                    f"{version.effective_date})? Its {len(version.prices)} price change(s) "
                    "will no longer apply.")
        if not (confirm or self._confirm)(question):
            return False
        return self._write("Not deleted", lambda: store.delete_version(
            self.db, version.effective_date))

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Delete scheduled change", question)
        return answer == QMessageBox.StandardButton.Yes
