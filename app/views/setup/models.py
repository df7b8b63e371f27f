"""The Setup area's editing model and its item models.

:class:`SetupEditor` holds the reference data being edited (a :class:`ReferenceDraft`) and the
undo stack; every edit is an undoable command that swaps snapshots of the draft. The item models
(the list of kinds, the table of one kind, the nested list of one object) read the draft and send
their edits through the editor.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPixmap, QUndoCommand, QUndoStack

from app.catalog.document.reference_edit import SINGULAR, ReferenceDraft, describe, key_of
from app.views.common.fields import REQUIRED_COLOUR
from app.views.setup.kinds import (
    MONEY_DECIMALS,
    RATE_DECIMALS,
    SPEC,
    SPECS,
    Column,
    NestedSpec,
    Refusal,
    counted_names,
)

_Index = QModelIndex | QPersistentModelIndex
Snapshot = tuple[dict[str, Any], dict[str, list[Any]]]
PROBLEM_BACKGROUND = QColor("#fde2e4")


class _SnapshotCommand(QUndoCommand):
    """One edit of the reference data: undo and redo swap whole snapshots of the draft."""

    def __init__(self, editor: SetupEditor, before: Snapshot, after: Snapshot, text: str) -> None:
        super().__init__(text)
        self.editor = editor
        self.before = before
        self.after = after
        self._done = True  # pushed after the edit was made

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.editor.restore(self.after)

    def undo(self) -> None:
        self.editor.restore(self.before)


class SetupEditor(QObject):
    """The reference data being edited, with its undo stack.

    Signals:
        edited(str, object): an edit of the kind named was made by the object given (a model),
            so other views of that kind refresh.
        reset(): the whole draft was replaced (loaded, undone or redone).
    """

    edited = Signal(str, object)
    reset = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.draft = ReferenceDraft({})
        self.stack = QUndoStack(self)
        self.packages: list[str] = []

    def load(self, reference: dict[str, Any], packages: list[str]) -> None:
        self.draft = ReferenceDraft(reference)
        self.packages = list(packages)
        self.stack.clear()
        self.reset.emit()

    def apply(self, text: str, kind: str, edit: Any, source: object = None) -> Any:
        """Run ``edit(draft)`` as one undoable command."""
        before = self.draft.snapshot()
        result = edit(self.draft)
        self.stack.push(_SnapshotCommand(self, before, self.draft.snapshot(), text))
        self.edited.emit(kind, source)
        return result

    def restore(self, snapshot: Snapshot) -> None:
        self.draft.restore(snapshot)
        self.reset.emit()

    # --- look-ups for editors -------------------------------------------------------------

    def choices(self, column: Column, kind: str, row: int) -> list[tuple[Any, str]]:
        """The values a combo offers for ``column`` of object ``row`` of ``kind``."""
        out: list[tuple[Any, str]] = []
        if column.type == "ref?":
            out.append((None, column.none_label or "(none)"))
        if column.choices:
            out += list(column.choices)
        elif column.ref == "counted":
            out += [(n, n) for n in counted_names(self.draft, row, self.packages)]
        elif column.ref:
            out += [(k, str(k)) for k in self.draft.keys(column.ref)]
        return out

    def minor_units(self, code: Any) -> int:
        for currency in self.draft.items("currencies"):
            if currency.get("code") == code:
                return int(currency.get("minor_units", 2))
        return MONEY_DECIMALS


def get_path(item: Any, path: tuple[str, ...] | None) -> Any:
    if path is None:
        return item
    node = item
    for part in path:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def convert(column: Column, value: Any) -> tuple[bool, Any]:
    """The value an editor produced, as stored in the document: (accepted, value)."""
    kind = column.type
    if isinstance(value, str):
        value = value.strip()
        if kind in ("code", "country"):
            value = value.upper()
    if value in ("", None):
        return (
            not column.required and kind not in ("int", "money", "rate", "quantity", "enum", "ref"),
            None,
        )
    try:
        if kind in ("int", "int?"):
            number = int(value)
            return column.minimum <= number <= column.maximum, number
        if kind in ("money", "rate", "quantity"):
            return Decimal(str(value)) >= 0, str(value)
        if kind == "date?":
            return True, dt.date.fromisoformat(str(value)).isoformat()
    except (ValueError, InvalidOperation):
        return False, None
    if kind == "code" and (len(value) != 3 or not value.isalpha()):
        return False, None
    if kind == "country" and (len(value) != 2 or not value.isalpha()):
        return False, None
    return True, value


def _display(column: Column, value: Any) -> Any:
    if column.type in ("bool", "bool?"):
        return None
    if value is None:
        return column.none_label if column.type == "ref?" else ""
    if column.choices:
        return dict(column.choices).get(value, str(value))
    return str(value)


def _required_marker() -> QPixmap:
    pixmap = QPixmap(4, 14)
    pixmap.fill(QColor(REQUIRED_COLOUR))
    return pixmap


class _ColumnsModel(QAbstractTableModel):
    """What the table of a kind and the table of a nested list share: typed cells."""

    def __init__(self, editor: SetupEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.columns: tuple[Column, ...] = ()
        self._marker: QPixmap | None = None

    # subclasses: entries(), owner() -> (kind, row), key_column, store(row, column, value)
    def entries(self) -> list[Any]:
        raise NotImplementedError

    def owner(self, row: int) -> tuple[str, int]:
        raise NotImplementedError

    def column(self, section: int) -> Column:
        return self.columns[section]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries())

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                (column.tip + ("\n" if column.tip else "") + "Required")
                if column.required
                else column.tip or None
            )
        if role == Qt.ItemDataRole.DecorationRole and column.required:
            if self._marker is None:
                self._marker = _required_marker()
            return self._marker
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].type in ("bool", "bool?"):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def value(self, index: _Index) -> Any:
        return get_path(self.entries()[index.row()], self.columns[index.column()].path)

    def choices(self, index: _Index) -> list[tuple[Any, str]]:
        kind, row = self.owner(index.row())
        return self.editor.choices(self.columns[index.column()], kind, row)

    def minor_units(self, index: _Index) -> int:
        column = self.columns[index.column()]
        if column.type == "rate":
            return RATE_DECIMALS
        if column.type == "quantity" or column.currency_path is None:
            return MONEY_DECIMALS
        return self.editor.minor_units(get_path(self.entries()[index.row()], column.currency_path))

    def problem(self, index: _Index) -> str | None:
        """What is wrong with a cell, shown before saving (a red background and tooltip)."""
        column = self.columns[index.column()]
        value = self.value(index)
        if value in (None, "") and column.required:
            return "Required"
        if (
            column.ref
            and value is not None
            and value not in {v for v, _label in self.choices(index)}
        ):
            return f"Unknown {SINGULAR.get(column.ref, 'item')} '{value}'"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries()):
            return None
        column = self.columns[index.column()]
        value = self.value(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(column, value)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.CheckStateRole and column.type in ("bool", "bool?"):
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and column.type in (
            "money",
            "rate",
            "quantity",
            "int",
            "int?",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column.type == "ref?" and value is None:
            font = QFont()
            font.setItalic(True)
            return font
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole):
            problem = self.problem(index)
            if role == Qt.ItemDataRole.BackgroundRole:
                return PROBLEM_BACKGROUND if problem else None
            return problem or column.tip or None
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self.entries()):
            return False
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and column.type in ("bool", "bool?"):
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            value = True if checked else (False if column.type == "bool" else None)
        elif role == Qt.ItemDataRole.EditRole:
            ok, value = convert(column, value)
            if not ok:
                return False
        else:
            return False
        if value == self.value(index):
            return False
        self.store(index.row(), column, value)
        self.dataChanged.emit(
            self.index(index.row(), 0), self.index(index.row(), len(self.columns) - 1)
        )
        return True

    def store(self, row: int, column: Column, value: Any) -> None:
        raise NotImplementedError


class ReferenceTableModel(_ColumnsModel):
    """The objects of one kind (Services, Statuses...), one row each, edited in place.

    No signals beyond the model's own.
    """

    def __init__(self, editor: SetupEditor, parent: QObject | None = None) -> None:
        super().__init__(editor, parent)
        self.kind = SPECS[0].kind
        self.columns = SPECS[0].columns
        editor.reset.connect(self._reset)
        editor.edited.connect(self._edited)

    def set_kind(self, kind: str) -> None:
        self.beginResetModel()
        self.kind = kind
        self.columns = SPEC[kind].columns
        self.endResetModel()

    def _reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _edited(self, kind: str, source: object) -> None:
        if source is not self and kind == self.kind and self.rowCount():
            # a nested list or another view changed this kind: refresh the cells' checks
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    def entries(self) -> list[Any]:
        return self.editor.draft.items(self.kind)

    def owner(self, row: int) -> tuple[str, int]:
        return self.kind, row

    def problem(self, index: _Index) -> str | None:
        column = self.columns[index.column()]
        found = super().problem(index)
        if (
            found is None
            and column.path is not None
            and column.path[0] in ("name", "code", "category", "country")
        ):
            key = key_of(self.kind, self.entries()[index.row()])
            if self.editor.draft.keys(self.kind).count(key) > 1:
                return f"Another {SINGULAR[self.kind]} has the same {column.label.lower()}"
        return found

    def store(self, row: int, column: Column, value: Any) -> None:
        item = self.entries()[row]
        assert column.path is not None
        self.editor.apply(
            f"Change {column.label.lower()} of {describe(self.kind, item)}",
            self.kind,
            lambda d: d.set_field(self.kind, row, column.path or (), value),
            self,
        )

    def add(self) -> int | str:
        """Add a new object at the end: its row, or why it cannot be added."""
        spec = SPEC[self.kind]
        item = spec.new(self.editor.draft, self.editor.packages)
        if isinstance(item, Refusal):
            return str(item)
        row = len(self.entries())
        self.beginInsertRows(QModelIndex(), row, row)
        self.editor.apply(
            f"Add {describe(self.kind, item)}", self.kind, lambda d: d.add(self.kind, item), self
        )
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        item = self.entries()[row]
        self.beginRemoveRows(QModelIndex(), row, row)
        self.editor.apply(
            f"Remove {describe(self.kind, item)}",
            self.kind,
            lambda d: d.remove(self.kind, row),
            self,
        )
        self.endRemoveRows()


class NestedListModel(_ColumnsModel):
    """A list inside the selected object (a rate plan's rates, a price book's countries...).

    No signals beyond the model's own.
    """

    def __init__(self, editor: SetupEditor, parent: QObject | None = None) -> None:
        super().__init__(editor, parent)
        self.kind: str | None = None
        self.row = -1
        self.spec: NestedSpec | None = None
        editor.reset.connect(self._reset)
        editor.edited.connect(self._edited)

    def set_target(self, kind: str | None, row: int, spec: NestedSpec | None) -> None:
        self.beginResetModel()
        self.kind, self.row, self.spec = kind, row, spec
        self.columns = spec.columns if spec else ()
        self.endResetModel()

    def _valid(self) -> bool:
        return (
            self.kind is not None
            and self.spec is not None
            and 0 <= self.row < len(self.editor.draft.items(self.kind))
        )

    def _reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _edited(self, kind: str, source: object) -> None:
        if source is not self:
            self._reset()

    def entries(self) -> list[Any]:
        if not self._valid():
            return []
        assert self.kind is not None and self.spec is not None
        entries: list[Any] = self.editor.draft.items(self.kind)[self.row].get(self.spec.key, [])
        return entries

    def owner(self, row: int) -> tuple[str, int]:
        assert self.kind is not None
        return self.kind, self.row

    def _what(self) -> str:
        assert self.kind is not None and self.spec is not None
        item = self.editor.draft.items(self.kind)[self.row]
        return f"{self.spec.label.lower()} of {describe(self.kind, item)}"

    def store(self, row: int, column: Column, value: Any) -> None:
        assert self.kind is not None and self.spec is not None
        kind, owner, key = self.kind, self.row, self.spec.key
        field = column.path[-1] if column.path else None
        self.editor.apply(
            f"Change {self._what()}",
            kind,
            lambda d: d.set_nested(kind, owner, key, row, field, value),
            self,
        )

    def add(self) -> int | str:
        if not self._valid():
            return "Select an object first."
        assert self.kind is not None and self.spec is not None
        entry = self.spec.new(self.editor.draft, self.row, self.editor.packages)
        if isinstance(entry, Refusal):
            return str(entry)
        kind, owner, key = self.kind, self.row, self.spec.key
        row = len(self.entries())
        self.beginInsertRows(QModelIndex(), row, row)
        self.editor.apply(
            f"Add to {self._what()}", kind, lambda d: d.add_nested(kind, owner, key, entry), self
        )
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        assert self.kind is not None and self.spec is not None
        kind, owner, key = self.kind, self.row, self.spec.key
        self.beginRemoveRows(QModelIndex(), row, row)
        self.editor.apply(
            f"Remove from {self._what()}",
            kind,
            lambda d: d.remove_nested(kind, owner, key, row),
            self,
        )
        self.endRemoveRows()


class KindListModel(QAbstractListModel):
    """The kinds of reference data, with how many objects each has. No signals of its own."""

    def __init__(self, editor: SetupEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        editor.reset.connect(self._refresh)
        editor.edited.connect(lambda _kind, _source: self._refresh())

    def _refresh(self) -> None:
        if SPECS:
            self.dataChanged.emit(self.index(0), self.index(len(SPECS) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(SPECS)

    def kind(self, row: int) -> str:
        return SPECS[row].kind

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(SPECS):
            return None
        spec = SPECS[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{spec.label} ({len(self.editor.draft.items(spec.kind))})"
        if role == Qt.ItemDataRole.ToolTipRole:
            return spec.note or spec.label
        if role == Qt.ItemDataRole.UserRole:
            return spec.kind
        return None
