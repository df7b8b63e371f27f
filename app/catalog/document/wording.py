"""What the two passes of catalog validation share: the path and problem types, and the way
a value is shown in a message (``'-5.00'``, ``a list``, ``true``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

Elems = tuple[str | int, ...]
Found = tuple[Elems, str, str]  # (path elements, message, severity)

_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DECIMALISH_RE = re.compile(r"^[0-9]*\.?[0-9]+$|^[0-9]+\.$")


def _show(value: object) -> str:
    """A short, safe rendering of a value for a message."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else "a very large number"
    if isinstance(value, float):
        return repr(value)
    return _kind_of(value)


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def _choices(options: Iterable[str]) -> str:
    items = [str(o) for o in options]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
