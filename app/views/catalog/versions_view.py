"""The "Scheduled changes" tab: which catalog version the Catalog tab edits, and the versions
scheduled after it (date, name, draft or published, the policy for existing subscriptions, the
prices they change). Read through the application layer (``store.catalog_versions``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.catalog.database import store
from app.catalog.database.store import Database

Index = QModelIndex | QPersistentModelIndex
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


class VersionsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[store.VersionSummary] = []

    def set_rows(self, rows: list[store.VersionSummary]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        v = self.rows[index.row()]
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


class ScheduledChangesView(QWidget):
    """The versions of the catalog, oldest first."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.editing = QLabel()
        self.editing.setWordWrap(True)
        self.model = VersionsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(False)  # one price change a line; rows as tall as their lines
        header = self.view.horizontalHeader()
        for column in range(4):  # dates, names, state and policy read whole, on one line
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editing)
        layout.addWidget(self.view, 1)
        self.refresh()

    def refresh(self) -> None:
        rows = store.catalog_versions(self.db)
        self.model.set_rows(rows)
        self.editing.setText(editing_text(rows))

    def on_catalog_changed(self, changes: Any = None) -> None:
        self.refresh()
