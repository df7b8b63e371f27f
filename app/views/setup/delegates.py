"""The item delegate of the Setup tables: typed editors chosen by a column's type; amounts
go through the application's one amount delegate (:class:`MoneyDelegate`)."""

from __future__ import annotations

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

from app.views.common.money import MoneyDelegate, MoneyEdit

_Index = QModelIndex | QPersistentModelIndex


__all__ = ["MoneyDelegate", "SetupDelegate"]


class SetupDelegate(MoneyDelegate):
    """Typed editors for the Setup tables, chosen by the column's type: combos for base types,
    enums and references, spin boxes for whole numbers, :class:`MoneyEdit` for amounts and
    rates, line edits with validators for codes, countries and dates. Check boxes need no
    editor (the model makes those cells checkable). No signals of its own.

    The model must offer ``column(section)``, ``choices(index)`` and ``minor_units(index)``
    (and may offer ``currency(index)``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(lambda index: index.model().minor_units(index), parent,  # type: ignore[attr-defined]
                         currency=_currency_of)

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
            return super().createEditor(parent, option, index)
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
            super().setEditorData(editor, index)
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
            super().setModelData(editor, model, index)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


def _currency_of(index: _Index) -> str | None:
    model: Any = index.model()
    currency = getattr(model, "currency", None)
    if currency is None or model.column(index.column()).type != "money":
        return None
    value = currency(index)
    return value if isinstance(value, str) else None
