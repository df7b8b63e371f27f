"""JSON paths of the catalog document: written and read by one pair of functions
(:func:`format_path`, :func:`parse_path`, from :mod:`app.engine.problems`, which the engine
names its problems with too), and rendered in the catalog's own words for people
(:func:`describe_path`):

    packages[0].frequencies[0].price_books.standard.USD.recurring[0].tiers.Active[1].end
    -> Fiber Internet Monthly › Standard › USD › Internet 100 › Active, tier 2 › End
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.engine.problems import format_path, parse_path

__all__ = ["describe_path", "describe_problem", "format_path", "parse_path"]

SEPARATOR = " › "

#: The field names people see (the window's labels) where they differ from the key.
_LABELS = {
    "bill_frequency": "Bill frequency", "rate_plan": "Rate plan", "counting_rule":
    "Counting rule", "custom_fields": "Custom fields", "charge_service": "Charge service",
    "billing_activation_service": "Billing activation service", "flat_charge": "Flat charge",
    "period_months": "Period (months)", "period_days": "Period (days)", "promo_code":
    "Promo code", "usage_bucket": "Usage bucket", "threshold_months": "Threshold (months)",
    "threshold_days": "Threshold (days)", "one_time": "One Time", "transitions": "Transition",
    "recurring": "Recurring", "sku": "SKU", "gl_code": "GL code", "tax_category": "Tax category",
    "base_type": "Base type", "minor_units": "Minor units", "price_books": "Price books",
}

#: Top-level lists and the key that names their items.
_NAMED_BY = {"currencies": "code", "price_books": "code", "promo_codes": "code",
             "tax_rates": "category"}


def _label(key: str) -> str:
    return _LABELS.get(key) or key.replace("_", " ").capitalize()


def _name_of(item: object, key: str = "name") -> str | None:
    if isinstance(item, Mapping):
        value = item.get(key)
        return str(value) if value is not None else None
    return None


def _book_name(doc: Mapping[str, Any], code: str) -> str:
    for book in doc.get("price_books") or []:
        if isinstance(book, Mapping) and book.get("code") == code:
            return str(book.get("name") or code)
    return code


def describe_path(doc: Mapping[str, Any], path: str | Sequence[str | int]) -> str:
    """Where ``path`` points in ``doc``, in the catalog's words (names, not indexes); the
    parts that cannot be resolved are shown as they are. ``""`` for the whole document."""
    parts = parse_path(path) if isinstance(path, str) else tuple(path)
    words: list[str] = []
    node: Any = doc
    k = 0
    while k < len(parts):
        part = parts[k]
        nxt = parts[k + 1] if k + 1 < len(parts) else None
        child = _child(node, part)
        if k == 0 and isinstance(part, str) and isinstance(nxt, int):
            item = _child(child, nxt)
            name = _name_of(item, _NAMED_BY.get(part, "name"))
            words.append(name or f"{_label(part)} {nxt + 1}")
            node, k = item, k + 2
            continue
        if part == "frequencies" and isinstance(nxt, int):
            item = _child(child, nxt)
            words[-1:] = [_name_of(item) or f"{words[-1] if words else ''} frequency {nxt + 1}"]
            node, k = item, k + 2
            continue
        if part == "price_books" and isinstance(nxt, str) and k > 0:
            words.append(_book_name(doc, nxt))  # then the currency: a key the document chose
            node = _child(child, nxt)
            if k + 2 < len(parts) and isinstance(parts[k + 2], str):
                words.append(str(parts[k + 2]))
                node, k = _child(node, parts[k + 2]), k + 3
            else:
                k += 2
            continue
        if part in ("amounts", "tiers", "custom_fields") and isinstance(nxt, str):
            # a status (amounts, tiers by status) or a custom field's name
            node = _child(child, nxt)
            after = parts[k + 2] if k + 2 < len(parts) else None
            if part == "tiers" and isinstance(after, int):
                words.append(f"{nxt}, tier {after + 1}")
                node, k = _child(node, after), k + 3
            else:
                words.append(nxt)
                k += 2
            continue
        if part in ("recurring", "one_time", "transitions", "discounts", "rates", "prices",
                    "tiers") and isinstance(nxt, int):
            item = _child(child, nxt)
            if part == "tiers":
                words[-1:] = [f"{words[-1]}, tier {nxt + 1}" if words else f"tier {nxt + 1}"]
            elif part == "transitions":
                words.append(" ".join(filter(None, (_name_of(item, "service"),
                                                    _name_of(item, "transition"))))
                             or f"{_label(part)} {nxt + 1}")
            else:
                words.append(_name_of(item, "service") or _name_of(item)
                             or f"{_label(part)} {nxt + 1}")
            node, k = item, k + 2
            continue
        if isinstance(part, int):
            words.append(child if isinstance(child, str) else f"item {part + 1}")
        else:
            words.append(_label(part))
        node, k = child, k + 1
    return SEPARATOR.join(w for w in words if w)


def describe_problem(doc: Mapping[str, Any], path: str, message: str) -> str:
    """A problem in the catalog's words: where, then the message (its first letter a capital);
    the field the path ends at is left out when the message starts by naming it
    (``… › Active, tier 2: End must be more than 9, the end of tier 1``)."""
    parts = parse_path(path)
    where = describe_path(doc, parts)
    last = parts[-1] if parts else None
    if isinstance(last, str):
        label = _label(last)
        if message.lower().startswith(label.lower()) and where.endswith(SEPARATOR + label):
            where = where[: -len(SEPARATOR + label)]
    text = message[:1].upper() + message[1:]
    return f"{where}: {text}" if where else text


def _child(node: Any, part: str | int) -> Any:
    if isinstance(part, int):
        return node[part] if isinstance(node, list) and 0 <= part < len(node) else None
    return node.get(part) if isinstance(node, Mapping) else None
