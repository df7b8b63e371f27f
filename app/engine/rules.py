"""The catalog's value rules, each declared once as a pure function with one message.

Validation (``app.catalog.document.validation``), the engine's loader, the Save gate and the
dialogs (through ``app.catalog.document.rules``) all call these, so a rule and its wording
cannot drift apart. A function returns ``None`` when the value is fine, else the message in
the catalog's words, lower-case and without a full stop (:func:`sentence` makes a dialog's
sentence of it). The JSON Schema keeps its own copy of the simplest bounds (tier ends at
least 1) because the schema is a published contract; the database's trigger is the last
guard, for writes that bypass this layer.
"""

from __future__ import annotations

from decimal import Decimal

PERCENT_MAX = Decimal(100)


def tier_end_problem(index: int, end: int, previous: int | None) -> str | None:
    """Tier ``index`` (0-based) ends at ``end``; ``previous`` is the end of the tier before
    (``None`` for the first tier). Tier ends must increase, from 1."""
    if previous is None:
        return "end must be at least 1" if end < 1 else None
    if end <= previous:
        return f"end must be more than {previous}, the end of tier {index}"
    return None


def bucket_threshold_problem(index: int, threshold: Decimal,
                             previous: Decimal | None) -> str | None:
    """Usage-bucket tier ``index`` (0-based) starts at ``threshold``; ``previous`` is the
    threshold of the tier before (``None`` for the first). Thresholds must increase."""
    if previous is not None and threshold <= previous:
        return (f"threshold must be more than {previous}, the threshold of tier {index}")
    return None


def percent_problem(kind: str, amount: Decimal) -> str | None:
    """A discount of type ``kind`` (``percent``, ``fixed``, ``price``) and ``amount``."""
    if kind == "percent" and amount > PERCENT_MAX:
        return f"a percent discount cannot exceed 100 (got {amount})"
    return None


def sentence(message: str) -> str:
    """A rule's message as a sentence for a dialog: capital first letter, full stop."""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
