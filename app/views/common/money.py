"""Money on screen: an amount editor that refuses bad input, and locale-aware display.

Amounts stay :class:`decimal.Decimal` (or their exact text) from the widget to the database.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from PySide6.QtCore import QLocale, QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget


def _locale_name() -> str:
    name = QLocale().name()
    return name if name and name != "C" else "en_US"


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
        if minor_units is not None:
            fmt = "¤#,##0" + ("." + "0" * minor_units if minor_units else "")
        return format_currency(value, currency, format=fmt, locale=locale,
                               currency_digits=minor_units is None)
    return format_decimal(value, locale=locale, decimal_quantization=False)


class MoneyEdit(QLineEdit):
    """A line edit for a non-negative amount with at most ``minor_units`` decimals.

    Signals:
        amountChanged(object): the amount as ``Decimal`` or ``None`` when the field is empty,
            emitted as the user types.
    """

    amountChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None, minor_units: int = 2,
                 placeholder: str = "") -> None:
        super().__init__(parent)
        self._minor_units = minor_units
        self.setPlaceholderText(placeholder)
        self.setAlignment(self.alignment().AlignRight)
        self._apply_validator()
        self.textChanged.connect(lambda _text: self.amountChanged.emit(self.amount()))

    def _apply_validator(self) -> None:
        decimals = f"(\\.[0-9]{{0,{self._minor_units}}})?" if self._minor_units else ""
        self.setValidator(QRegularExpressionValidator(
            QRegularExpression(f"^[0-9]{{0,13}}{decimals}$"), self))

    def minor_units(self) -> int:
        return self._minor_units

    def set_minor_units(self, minor_units: int) -> None:
        """Change how many decimals the field accepts (the selected currency's minor units)."""
        self._minor_units = minor_units
        self._apply_validator()

    def amount(self) -> Decimal | None:
        text = self.text().strip()
        if not text or text == ".":
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return None

    def text_value(self) -> str | None:
        """The amount as the exchange format's exact text, or None when empty."""
        text = self.text().strip()
        if not text or text == ".":
            return None
        return text.rstrip(".")

    def set_amount(self, value: Decimal | str | None) -> None:
        self.setText("" if value is None else str(value))
