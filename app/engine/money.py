"""Money: ``Decimal`` amounts, currency minor units and the one rounding per line.

Every invoice line is rounded once, to the currency's minor units, ``ROUND_HALF_UP``, after all
the arithmetic for that line; totals are sums of rounded lines. Nothing here ever touches a
float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

_QUANTA: dict[int, Decimal] = {n: Decimal(1).scaleb(-n) for n in range(0, 7)}


def quantum(minor_units: int) -> Decimal:
    """The smallest amount of a currency: ``quantum(2) == Decimal("0.01")``."""
    q = _QUANTA.get(minor_units)
    return q if q is not None else Decimal(1).scaleb(-minor_units)


def round_money(amount: Decimal, q: Decimal) -> Decimal:
    """Round once to the quantum ``q`` (``ROUND_HALF_UP``, ties away from zero); never ``-0``."""
    rounded = amount.quantize(q, rounding=ROUND_HALF_UP)
    return rounded if rounded else rounded.copy_abs()


def parse_decimal(text: object) -> Decimal:
    """A decimal from its string form (amounts, rates and quantities are strings in documents).

    Integers are accepted too (a hand-written document may say ``5``); floats are refused so a
    binary fraction never sneaks into money. Raises ``ValueError``.
    """
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise ValueError(f"expected a decimal written as a string, got {text!r}")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a decimal number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a finite decimal number: {text!r}")
    return value


def format_amount(amount: Decimal, minor_units: int) -> str:
    """An amount as the bill writes it: exactly ``minor_units`` decimals (``"50.00"``, ``"5000"``).

    Line amounts are rounded already. A unit price may carry more decimals than the currency
    (a usage rate of ``0.015`` USD per MB); it is written with all of them, never rounded here.
    """
    q = quantum(minor_units)
    exponent = amount.as_tuple().exponent
    text = format(amount.quantize(q), "f")
    if isinstance(exponent, int) and exponent < -minor_units:
        normalized = amount.normalize()
        n_exp = normalized.as_tuple().exponent
        if isinstance(n_exp, int) and n_exp < -minor_units:
            text = format(normalized, "f")
    return text.lstrip("-") if not amount else text


def format_quantity(quantity: Decimal) -> str:
    """A quantity without trailing zeros: ``"1"``, ``"120"``, ``"0.5"``."""
    if quantity == quantity.to_integral_value():
        return format(quantity.quantize(ONE), "f")
    return format(quantity.normalize(), "f")


def format_percent(value: Decimal) -> str:
    """``Decimal("0.07")`` as ``"7%"``; ``Decimal("0.075")`` as ``"7.5%"``."""
    return f"{format_quantity(value * HUNDRED)}%"
