"""Column types shared by the schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class Money(TypeDecorator[Decimal]):
    """A decimal amount stored as its exact text (``"50.00"`` stays ``"50.00"``).

    SQLite has no exact decimal type (``Numeric`` would go through a float), so amounts are kept
    as strings and converted to and from :class:`decimal.Decimal` at the boundary, always as plain
    digits (``0.0000001``, never ``1E-7``). Sign checks
    live in CHECK constraints on the tables (``CAST(x AS NUMERIC) >= 0``).
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be Decimal or str, never float")
        return format(Decimal(value), "f")  # plain digits, never an exponent (1E-7)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value)
