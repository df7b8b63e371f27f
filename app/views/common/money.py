"""Money on screen: one amount editor for the whole application, and locale-aware display.

The editor tells, it never rewrites: every keystroke stays where it was typed; what is not a
valid amount for the currency gets a message (beside the field, or above the grid) and is not
stored. The locale's decimal separator is the one accepted (``12,50`` under ``de_DE``), the
currency and its number of decimals are shown in the field, and the parsed value is shown
beside it. Amounts stay :class:`decimal.Decimal` (or their exact text) to the database.

- :func:`parse_amount` reads what a person typed (or raises :class:`AmountError`).
- :class:`MoneyEdit` is the editor (a ``QLineEdit``), :class:`AmountNote` the label beside it.
- :class:`MoneyDelegate` is the item delegate of every grid cell holding an amount, and
  :func:`grid_keys` the keys of such a grid (Del clears, F2 edits, Enter moves down).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

_Index = QModelIndex | QPersistentModelIndex

MAX_WHOLE_DIGITS = 13
"""Digits before the decimal separator (the database column holds 18 digits in all)."""

ERROR_COLOUR = "#b00020"

HINT_ROLE = Qt.ItemDataRole.UserRole + 10
"""A cell's hint shown in grey while it is empty (e.g. the standard price book's amount)."""


def _locale_name() -> str:
    name = QLocale().name()
    return name if name and name != "C" else "en_US"


def _locale(name: str | None = None) -> Locale:
    try:
        return Locale.parse(name or _locale_name())
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_US")


def format_money(amount: Decimal | str | None, currency: str | None = None,
                 minor_units: int | None = None) -> str:
    """``Decimal("1234.5")`` -> ``"$1,234.50"`` in the user's locale; empty for None."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount)
    if minor_units is not None:
        value = value.quantize(Decimal(1).scaleb(-minor_units))
    locale = _locale_name()
    if currency:
        fmt = None
        if minor_units is not None:  # the locale's pattern with the currency's decimals
            pattern = _locale(locale).currency_formats["standard"].pattern
            fraction = "." + "0" * minor_units if minor_units else ""
            fmt = re.sub(r"([#,]*0)(\.0+)?", lambda m: m.group(1) + fraction, pattern)
        return format_currency(value, currency, format=fmt, locale=locale,
                               currency_digits=minor_units is None)
    return format_decimal(value, locale=locale, decimal_quantization=False)


class AmountError(ValueError):
    """What was typed is not an amount; ``message`` says why in the administrator's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decimals_phrase(currency: str | None, minor_units: int) -> str:
    """"USD: 2 decimals", "JPY: no decimals", "2 decimals" (no currency)."""
    count = "no decimals" if minor_units == 0 else (
        "1 decimal" if minor_units == 1 else f"{minor_units} decimals")
    return f"{currency}: {count}" if currency else count


def parse_amount(text: str, *, minor_units: int, currency: str | None = None,
                 locale: str | None = None) -> Decimal | None:
    """The amount ``text`` means in the user's locale, or None when it is empty.

    Raises :class:`AmountError` for anything that is not a non-negative amount with at most
    ``minor_units`` decimals, written with the locale's separators (``12,50`` is twelve and a
    half under ``de_DE`` and refused under ``en_US``, where it would mean 1,250).
    """
    raw = text.strip()
    if not raw:
        return None
    loc = _locale(locale)
    point, group = get_decimal_symbol(loc), get_group_symbol(loc)
    body = raw
    if currency:
        for token in sorted({currency, get_currency_symbol(currency, loc)}, key=len,
                            reverse=True):
            body = body.replace(token, "")
    body = body.strip()
    if group in ("\u202f", "\u00a0"):
        body = body.replace(" ", group)
    if body[:1] in ("-", "\N{MINUS SIGN}"):
        raise AmountError(f"{raw} is negative: an amount cannot be below zero.")
    example = f"1{group}250{point}{'5' * minor_units}" if minor_units else f"1{group}250"
    wrong = next((c for c in body if not (c.isdigit() or c in (point, group))), None)
    if wrong is not None or not body:
        what = f"'{wrong}' is not allowed" if wrong else "there are no digits"
        raise AmountError(f"{raw} is not an amount: {what}; type digits"
                          + (f" and '{point}' for the decimals" if minor_units else "")
                          + f", e.g. {example}.")
    try:
        value = parse_decimal(body, locale=loc, strict=True)
    except NumberFormatError as exc:
        other = "." if point == "," else ","
        if other in body and point not in body and minor_units:
            raise AmountError(
                f"{raw} is not an amount here: the decimal separator is '{point}' "
                f"('{group}' groups thousands), e.g. {example}.") from exc
        raise AmountError(f"{raw} is not an amount: '{group}' groups thousands in threes, "
                          f"e.g. {example}.") from exc
    except (InvalidOperation, ValueError) as exc:  # pragma: no cover - babel raises the above
        raise AmountError(f"{raw} is not an amount.") from exc
    if not value.is_finite():  # pragma: no cover - refused by the character check
        raise AmountError(f"{raw} is not an amount.")
    decimals = max(0, -int(value.as_tuple().exponent))
    if decimals > minor_units:
        if minor_units == 0:
            raise AmountError(f"{raw} has decimals, but {currency or 'this amount'} has none: "
                              f"type a whole amount.")
        raise AmountError(f"{raw} has {decimals} decimals; "
                          f"{currency or 'this amount'} has {minor_units} at most.")
    whole = len(str(int(value)))
    if whole > MAX_WHOLE_DIGITS:
        raise AmountError(f"{raw} is too large: at most {MAX_WHOLE_DIGITS} digits before "
                          "the decimals.")
    return value


def amount_text(value: Decimal) -> str:
    """The exchange format's text of an amount, with the decimals as typed: ``"12.5"``."""
    return f"{value:f}"


class MoneyEdit(QLineEdit):
    """The amount editor of the whole application.

    Accepts every keystroke; the text is read with :func:`parse_amount` as it changes. The
    currency code and its decimals are shown inside the field (left) and as a tooltip; a text
    that is not an amount turns the field red, and the message (or the parsed value) goes to
    the :class:`AmountNote` beside it, when it has one (:meth:`note`).

    Signals:
        amountChanged(object): the amount as ``Decimal`` or ``None`` (empty, or not valid),
            emitted as the user types.
        problemChanged(str): the message about what is typed ("" once it is a valid amount or
            empty), emitted when it changes.
    """

    amountChanged = Signal(object)
    problemChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None, minor_units: int = 2,
                 placeholder: str = "", *, currency: str | None = None,
                 unit: str | None = None) -> None:
        super().__init__(parent)
        self._minor_units = minor_units
        self._currency = currency
        self._unit = unit
        self._problem = ""
        self._note: AmountNote | None = None
        self.setPlaceholderText(placeholder)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.textChanged.connect(self._text_changed)
        self._show_unit()

    # --- what the field is for

    def minor_units(self) -> int:
        return self._minor_units

    def set_minor_units(self, minor_units: int) -> None:
        """Change how many decimals the field accepts (the selected currency's minor units)."""
        self._minor_units = minor_units
        self._show_unit()
        self._text_changed(self.text())

    def currency(self) -> str | None:
        return self._currency

    def set_currency(self, currency: str | None, minor_units: int | None = None) -> None:
        self._currency = currency
        if minor_units is not None:
            self._minor_units = minor_units
        self._show_unit()
        self._text_changed(self.text())

    def set_unit(self, unit: str | None) -> None:
        """A unit shown instead of a currency (``%`` for a percent discount)."""
        self._unit = unit
        self._show_unit()
        self._text_changed(self.text())

    def unit_label(self) -> str:
        """What the field shows on its left: "USD", "%", or nothing."""
        return self._unit if self._unit is not None else (self._currency or "")

    def set_note(self, note: AmountNote | None) -> None:
        """Show the message, or the parsed value, in ``note`` (beside the field)."""
        self._note = note
        self._tell()

    def note(self) -> AmountNote | None:
        return self._note

    def _show_unit(self) -> None:
        label = self.unit_label()
        width = self.fontMetrics().horizontalAdvance(label + "  ") if label else 0
        self.setTextMargins(width, 0, 0, 0)
        self.setToolTip(self._describe())
        self.update()

    def _describe(self) -> str:
        if self._unit == "%":
            return f"A percentage ({decimals_phrase(None, self._minor_units)})"
        return "An amount in " + decimals_phrase(self._currency, self._minor_units) \
            if self._currency else f"An amount ({decimals_phrase(None, self._minor_units)})"

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        label = self.unit_label()
        if not label:
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorGroup.Disabled,
                                            QPalette.ColorRole.Text))
        rect = self.rect().adjusted(5, 0, 0, 0)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         label)
        painter.end()

    # --- reading

    def _parse(self) -> Decimal | None:
        return parse_amount(self.text(), minor_units=self._minor_units,
                            currency=self._currency)

    def problem(self) -> str:
        """Why the text is not an amount ("" when it is one, or empty)."""
        return self._problem

    def is_valid(self) -> bool:
        return not self._problem

    def amount(self) -> Decimal | None:
        """The typed amount; None when the field is empty or what is typed is not valid."""
        try:
            return self._parse()
        except AmountError:
            return None

    def text_value(self) -> str | None:
        """The amount as the exchange format's text ("12.5" for "12,5" under de_DE), or None
        when empty.

        Raises :class:`AmountError` when what is typed is not an amount: a caller never
        mistakes a refused amount for an empty one.
        """
        value = self._parse()
        return None if value is None else amount_text(value)

    def set_amount(self, value: Decimal | str | None) -> None:
        """Show a stored amount in the user's locale (``12.50`` as ``12,50`` under de_DE)."""
        if value is None or value == "":
            self.setText("")
            return
        number = Decimal(value)
        places = max(0, -int(number.as_tuple().exponent))
        pattern = "0." + "0" * places if places else "0"
        self.setText(format_decimal(number, format=pattern, locale=_locale_name(),
                                    decimal_quantization=False))

    # --- telling

    def _text_changed(self, _text: str) -> None:
        try:
            value = self._parse()
            problem = ""
        except AmountError as exc:
            value, problem = None, exc.message
        changed = problem != self._problem
        self._problem = problem
        self.setStyleSheet(f"QLineEdit {{ border: 2px solid {ERROR_COLOUR}; }}"
                           if problem else "")
        self.setToolTip(problem or self._describe())
        self._tell()
        self.amountChanged.emit(value)
        if changed:
            self.problemChanged.emit(problem)

    def parsed_text(self) -> str:
        """The value read from the field as it will be saved ("= $12.50"), or ""."""
        value = self.amount()
        if value is None:
            return ""
        if self._currency and self._unit is None:
            return "= " + format_money(value, self._currency, self._minor_units)
        shown = format_decimal(value, locale=_locale_name(), decimal_quantization=False)
        return f"= {shown}{self._unit or ''}"

    def _tell(self) -> None:
        if self._note is not None:
            if self._problem:
                self._note.show_problem(self._problem)
            else:
                self._note.show_value(self.parsed_text())


class AmountNote(QLabel):
    """The line beside an amount field: its parsed value in grey, or in red why what is typed
    is not an amount (and will not be stored). No signals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName("amount")
        self._problem = False

    def show_problem(self, message: str) -> None:
        self._problem = True
        self.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.setText(message)
        self.setVisible(True)

    def show_value(self, text: str) -> None:
        self._problem = False
        self.setStyleSheet("")
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, palette.color(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText))
        self.setPalette(palette)
        self.setText(text)

    def is_problem(self) -> bool:
        return self._problem and bool(self.text())


def money_edit(parent: QWidget | None, *, minor_units: int, currency: str | None = None,
               placeholder: str = "") -> tuple[MoneyEdit, AmountNote]:
    """An amount editor with its note, for forms (place the note beside the field)."""
    edit = MoneyEdit(parent, minor_units, placeholder, currency=currency)
    note = AmountNote(parent)
    edit.set_note(note)
    return edit, note


class MoneyDelegate(QStyledItemDelegate):
    """The delegate of every grid cell holding an amount's exact text.

    ``minor_units`` and ``currency`` are values or functions of the index (the row's
    currency). The editor is a :class:`MoneyEdit`; Return, Enter and Tab do not leave a cell
    whose text is not an amount, and such a text is never written to the model: the message
    is emitted instead. An emptied editor writes ``None`` (the model decides whether that is
    allowed). Empty cells paint their ``HINT_ROLE`` in grey.

    Signals:
        told(str, bool): a message about the open cell: the parsed value (False) or why it is
            not an amount (True); ("", False) when the editor closes.
        entered(): a valid amount was committed with Return or Enter (the grid moves down).
    """

    told = Signal(str, bool)
    entered = Signal()

    def __init__(self, minor_units: int | Callable[[_Index], int | None] = 2,
                 parent: QObject | None = None, *,
                 currency: str | None | Callable[[_Index], str | None] = None,
                 placeholder: str = "") -> None:
        super().__init__(parent)
        self._minor_units = minor_units
        self._currency = currency
        self._placeholder = placeholder

    def minor_units(self, index: _Index) -> int:
        units = self._minor_units
        value = units(index) if callable(units) else units
        return 2 if value is None else int(value)

    def currency(self, index: _Index) -> str | None:
        currency = self._currency
        return currency(index) if callable(currency) else currency

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: _Index) -> QWidget:
        editor = MoneyEdit(parent, self.minor_units(index),
                           index.data(HINT_ROLE) or self._placeholder,
                           currency=self.currency(index))
        editor.setFrame(False)
        editor.textChanged.connect(lambda _t, e=editor: self._tell(e))
        return editor

    def destroyEditor(self, editor: QWidget, index: _Index) -> None:  # noqa: N802
        self.told.emit("", False)
        super().destroyEditor(editor, index)

    def _tell(self, editor: MoneyEdit) -> None:
        if editor.problem():
            self.told.emit(editor.problem(), True)
        else:
            self.told.emit(editor.parsed_text(), False)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:  # noqa: N802
        assert isinstance(editor, MoneyEdit)
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.set_amount(value if value not in ("", None) else None)
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: _Index) -> None:
        assert isinstance(editor, MoneyEdit)
        try:
            text = editor.text_value()
        except AmountError as exc:
            self.told.emit(exc.message, True)
            return
        model.setData(index, text, Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if isinstance(watched, MoneyEdit) and watched.is_valid() and \
                event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commitData.emit(watched)
            self.closeEditor.emit(watched, QStyledItemDelegate.EndEditHint.NoHint)
            self.entered.emit()
            return True
        if isinstance(watched, MoneyEdit) and not watched.is_valid():
            if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                    event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab,
                                    Qt.Key.Key_Backtab):
                self._tell(watched)
                return True  # the cell stays open with what was typed
            if event.type() == QEvent.Type.FocusOut:
                self._tell(watched)
                return True
        return super().eventFilter(watched, event)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: _Index) -> None:
        super().paint(painter, option, index)
        hint = index.data(HINT_ROLE)
        if hint and not index.data(Qt.ItemDataRole.DisplayRole):
            painter.save()
            painter.setPen(option.palette.color(QPalette.ColorGroup.Disabled,
                                                QPalette.ColorRole.Text))
            font = painter.font()
            font.setItalic(True)
            painter.setFont(font)
            rect = QRect(option.rect).adjusted(4, 0, -4, 0)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight
                                       | Qt.AlignmentFlag.AlignVCenter), hint)
            painter.restore()


def open_amount_problems(root: QWidget | None) -> list[str]:
    """The messages of the amount editors open under ``root`` whose text is not an amount
    (what Save must not go past)."""
    if root is None:
        return []
    return [e.problem() for e in root.findChildren(MoneyEdit)
            if e.isVisible() and not e.is_valid()]


def grid_keys(view: QAbstractItemView, delegate: MoneyDelegate | None = None) -> None:
    """The keys of a price grid: Del clears the amount of the current cell (when it can be
    edited), F2 edits it, Enter moves down (after committing an amount, too)."""

    def clear() -> None:
        index = view.currentIndex()
        if index.isValid() and index.flags() & Qt.ItemFlag.ItemIsEditable:
            view.model().setData(index, None, Qt.ItemDataRole.EditRole)

    def down() -> None:
        index = view.currentIndex()
        below = index.sibling(index.row() + 1, index.column()) if index.isValid() else index
        if below.isValid():
            view.setCurrentIndex(below)

    for keys, slot in (((Qt.Key.Key_Delete, Qt.Key.Key_Backspace), clear),
                       ((Qt.Key.Key_Return, Qt.Key.Key_Enter), down)):
        for key in keys:
            action = QAction(view)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            view.addAction(action)
    view.setEditTriggers(view.editTriggers() | QAbstractItemView.EditTrigger.EditKeyPressed)
    if delegate is not None:
        delegate.entered.connect(down)
