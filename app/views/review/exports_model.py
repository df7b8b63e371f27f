"""The export history as a table: one row per export (number, time, file, format, sizes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QLocale, Qt

from app.catalog.database.history import ExportEntry
from app.views.common.list_table_model import Index, ListTableModel

EXPORT_COLUMNS = ("#", "Exported", "Format", "Size", "Stored", "File")


def local_time(moment: dt.datetime) -> str:
    """A stored (naive UTC) time in the local time zone, to the minute."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class ExportsModel(ListTableModel):
    """The exports, oldest first. Size: the exported document; Stored: what that export added
    to the database (parts it shares with other exports are counted once, where first
    stored)."""

    columns = EXPORT_COLUMNS

    @property
    def entries(self) -> list[ExportEntry]:
        return self.items

    def cell(self, entry: ExportEntry, column: int) -> str:
        locale = QLocale()
        if column == 0:
            return str(entry.number)
        if column == 1:
            return local_time(entry.exported_at)
        if column == 2:
            return entry.format
        if column == 3:
            return locale.formattedDataSize(entry.size)
        if column == 4:
            return locale.formattedDataSize(entry.stored)
        if column == 5:
            return entry.path
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.item(index)
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(entry, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return entry.path
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
