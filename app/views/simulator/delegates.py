"""Cell editors of the scenario tables: choices, dates, money, decimals and counts.

The scenario models hand out the exchange format's JSON values in ``Qt.EditRole`` (ISO date
strings, money as exact decimal text, names); these delegates edit them in place and write the
new value back with ``setData``, which the models turn into undo commands.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.views.common.money import MoneyDelegate

CHOICES_ROLE = Qt.ItemDataRole.UserRole + 1  # list of (value, label) offered for a cell
MINOR_UNITS_ROLE = Qt.ItemDataRole.UserRole + 2  # decimals a money cell accepts
CURRENCY_ROLE = Qt.ItemDataRole.UserRole + 3  # the currency a money cell is in (or None)

Index = QModelIndex | QPersistentModelIndex


def to_qdate(value: str | None) -> QDate:
    return QDate.fromString(value or "", Qt.DateFormat.ISODate)


def from_qdate(value: QDate) -> str:
    return value.toString(Qt.DateFormat.ISODate)


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box over the ``CHOICES_ROLE`` list of the cell; commits as soon as one is picked."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        combo = QComboBox(parent)
        for value, label in index.data(CHOICES_ROLE) or []:
            combo.addItem(label, value)
        combo.activated.connect(lambda _i: self._commit(combo))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: Index) -> None:
        assert isinstance(editor, QComboBox)
        if editor.currentIndex() >= 0:
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class DateDelegate(QStyledItemDelegate):
    """A calendar date editor for ISO date cells."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        edit = QDateEdit(parent)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        return edit

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QDateEdit)
        date = to_qdate(index.data(Qt.ItemDataRole.EditRole))
        editor.setDate(date if date.isValid() else QDate.currentDate())

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: Index) -> None:
        assert isinstance(editor, QDateEdit)
        model.setData(index, from_qdate(editor.date()), Qt.ItemDataRole.EditRole)


class DecimalDelegate(MoneyDelegate):
    """The application's amount delegate for custom prices and usage quantities.

    The cell's ``MINOR_UNITS_ROLE`` says how many decimals are allowed (and ``CURRENCY_ROLE``,
    when the cell has one, the currency shown); an empty field writes ``None`` (for a custom
    price: no custom price, the catalog's applies). Signals: those of MoneyDelegate.
    """

    def __init__(self, parent: Any = None, decimals: int | None = None,
                 placeholder: str = "") -> None:
        super().__init__(decimals if decimals is not None
                         else (lambda index: index.data(MINOR_UNITS_ROLE)),
                         parent, currency=lambda index: index.data(CURRENCY_ROLE),
                         placeholder=placeholder)


class CountDelegate(QStyledItemDelegate):
    """A spin box for whole quantities (0 to 99,999)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        spin = QSpinBox(parent)
        spin.setRange(0, 99_999)
        return spin

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QSpinBox)
        editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: Index) -> None:
        assert isinstance(editor, QSpinBox)
        editor.interpretText()
        model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
