"""Item delegates of the Setup tables and the usage bucket dialog: amounts with
:class:`MoneyEdit`, and typed editors chosen by a column's type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
)
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.views.common.money import MoneyEdit

_Index = QModelIndex | QPersistentModelIndex


class MoneyDelegate(QStyledItemDelegate):
    """Edits a cell holding an amount's exact text with a :class:`MoneyEdit`.

    ``minor_units`` is a number or a function of the index (the row's currency). An emptied
    editor writes ``None``; the model decides whether that is allowed. No signals of its own.
    """

    def __init__(
        self, minor_units: int | Callable[[_Index], int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._minor_units = minor_units

    def minor_units(self, index: _Index) -> int:
        units = self._minor_units
        return units(index) if callable(units) else units

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        return MoneyEdit(parent, minor_units=self.minor_units(index))

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, MoneyEdit)
        editor.set_amount(index.data(Qt.ItemDataRole.EditRole))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, MoneyEdit)
        model.setData(index, editor.text_value(), Qt.ItemDataRole.EditRole)


class SetupDelegate(QStyledItemDelegate):
    """Typed editors for the Setup tables, chosen by the column's type: combos for base types,
    enums and references, spin boxes for whole numbers, :class:`MoneyEdit` for amounts and
    rates, line edits with validators for codes, countries and dates. Check boxes need no
    editor (the model makes those cells checkable). No signals of its own.

    The model must offer ``column(section)``, ``choices(index)`` and ``minor_units(index)``.
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        model: Any = index.model()
        column = model.column(index.column())
        kind = column.type
        if kind in ("enum", "ref", "ref?"):
            combo = QComboBox(parent)
            for value, label in model.choices(index):
                combo.addItem(label, value)
            # a choice made is a choice committed
            combo.activated.connect(lambda _i, c=combo: self._commit(c))
            return combo
        if kind == "int":
            spin = QSpinBox(parent)
            spin.setRange(column.minimum, column.maximum)
            return spin
        if kind in ("money", "rate", "quantity"):
            return MoneyEdit(parent, minor_units=model.minor_units(index))
        line = QLineEdit(parent)
        pattern = {
            "code": "[A-Za-z]{0,3}",
            "country": "[A-Za-z]{0,2}",
            "int?": "[0-9]{0,6}",
            "date?": "[0-9]{0,4}(-[0-9]{0,2}(-[0-9]{0,2})?)?",
        }.get(kind)
        if pattern:
            line.setValidator(QRegularExpressionValidator(QRegularExpression(f"^{pattern}$"), line))
        if kind == "date?":
            line.setPlaceholderText("YYYY-MM-DD")
        return line

    def _commit(self, editor: QWidget) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(
                max(0, editor.findData(value))
                if value is not None
                else max(0, editor.findData(None))
            )
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        elif isinstance(editor, MoneyEdit):
            editor.set_amount(value)
            editor.selectAll()
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            if editor.currentIndex() >= 0:
                model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QSpinBox):
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, MoneyEdit):
            model.setData(index, editor.text_value(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
