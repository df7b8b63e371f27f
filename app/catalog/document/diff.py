"""What differs between two catalog documents, object by object and field by field.

Objects are matched by what identifies them in the exchange format (a name or a code; nested
charges by price book, currency, service and transition), never by list position: moving a
package up the list is not a change. Where order means something to billing it is compared:
a recurring price's discounts apply one after another, so reordering them is reported as a
change of that price's ``discount order``.

A whole object added or removed is one change (its contents are not listed again); a changed
object gives one change per changed field, with the old and the new value. Optional keys that
the canonical form omits compare equal to their defaults, so an exported catalog and the file
it was imported from do not differ on ``"cancelled": false``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

Action = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    """One difference. ``path`` is the JSON path of the object (of the field, for a changed
    field) in the new document, or in the old one for a removed object."""

    kind: str
    name: str
    action: Action
    field: str | None
    old: object
    new: object
    path: str


Ident = Callable[[dict[str, Any]], tuple[Any, ...]]
Children = Callable[[list["Change"], str, Any, Any, str, str], None]

_MISSING: Any = object()


@dataclass(frozen=True)
class _Kind:
    """How objects of one kind are identified and compared."""

    label: str
    ident: Ident
    defaults: dict[str, Any]
    flatten: frozenset[str] = frozenset()  # dict-valued keys compared entry by entry
    children: tuple[tuple[str, Children], ...] = ()

    def display(self, key: tuple[Any, ...]) -> str:
        return " / ".join(str(k) for k in key if k is not None)


def _by(*keys: str) -> Ident:
    def ident(obj: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(_hashable(obj.get(k)) for k in keys)

    return ident


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def _join(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


def _qualified(parent: str, own: str) -> str:
    return f"{parent} / {own}" if parent else own


def _keyed(items: Any, ident: Ident) -> dict[tuple[Any, ...], tuple[int, Any]]:
    """key -> (index, item); a repeated key gets an occurrence number so nothing is lost."""
    out: dict[tuple[Any, ...], tuple[int, Any]] = {}
    if not isinstance(items, list):
        return out
    for index, item in enumerate(items):
        base = ident(item) if isinstance(item, dict) else ("#item", index)
        key = base
        n = 1
        while key in out:
            n += 1
            key = (*base, f"#{n}")
        out[key] = (index, item)
    return out


def _fields(obj: Any, kind: _Kind, skip: Iterable[str]) -> dict[str, Any]:
    """The comparable fields of an object: flattened where the kind says, defaults filled."""
    skipped = set(skip)
    out: dict[str, Any] = {}
    if not isinstance(obj, dict):
        return {"value": obj}
    for key, value in obj.items():
        if key in skipped:
            continue
        if key in kind.flatten and isinstance(value, dict):
            for sub, subvalue in value.items():
                out[f"{key}.{sub}"] = subvalue
        else:
            out[key] = value
    return out


def _default(kind: _Kind, field: str) -> Any:
    if field in kind.defaults:
        return kind.defaults[field]
    head = field.split(".", 1)[0]
    if head in kind.flatten and "." in field:
        return kind.defaults.get(f"{head}.*")
    return None


def _diff_fields(out: list[Change], kind: _Kind, name: str, old: Any, new: Any, path: str) -> None:
    skip = [key for key, _ in kind.children]
    old_fields = _fields(old, kind, skip)
    new_fields = _fields(new, kind, skip)
    for field in [*new_fields, *(f for f in old_fields if f not in new_fields)]:
        before = old_fields.get(field, _MISSING)
        after = new_fields.get(field, _MISSING)
        if before is _MISSING:
            before = _default(kind, field)
        if after is _MISSING:
            after = _default(kind, field)
        # True == 1 in Python, but a flag that became a number is a change.
        if _hashable(before) != _hashable(after) or (
            isinstance(before, bool) != isinstance(after, bool)
        ):
            out.append(
                Change(kind.label, name, "changed", field, before, after, _join(path, field))
            )


def _diff_list(
    out: list[Change],
    kind: _Kind,
    old_items: Any,
    new_items: Any,
    path: str,
    parent: str = "",
) -> None:
    old_map = _keyed(old_items, kind.ident)
    new_map = _keyed(new_items, kind.ident)
    for key, (index, item) in new_map.items():
        name = _qualified(parent, kind.display(key))
        item_path = _join(path, index)
        if key not in old_map:
            out.append(Change(kind.label, name, "added", None, None, item, item_path))
            continue
        _diff_object(out, kind, name, old_map[key][1], item, item_path)
    for key, (index, item) in old_map.items():
        if key not in new_map:
            name = _qualified(parent, kind.display(key))
            out.append(Change(kind.label, name, "removed", None, item, None, _join(path, index)))


def _diff_object(out: list[Change], kind: _Kind, name: str, old: Any, new: Any, path: str) -> None:
    _diff_fields(out, kind, name, old, new, path)
    for key, handler in kind.children:
        before = old.get(key) if isinstance(old, dict) else None
        after = new.get(key) if isinstance(new, dict) else None
        handler(out, name, before, after, _join(path, key), key)


def _list_child(kind: _Kind) -> Children:
    def handler(out: list[Change], parent: str, old: Any, new: Any, path: str, _key: str) -> None:
        _diff_list(out, kind, old, new, path, parent)

    return handler


# Nested charges of a frequency --------------------------------------------------------------

_DISCOUNT = _Kind(
    "discount", _by("name"),
    {"prorate": False, "promo_code": None, "period_days": None, "period_months": None},
)  # fmt: skip


def _discounts(out: list[Change], parent: str, old: Any, new: Any, path: str, _key: str) -> None:
    _diff_list(out, _DISCOUNT, old, new, path, parent)
    old_order = [k for k in _keyed(old, _DISCOUNT.ident)]
    new_order = [k for k in _keyed(new, _DISCOUNT.ident)]
    common = set(old_order) & set(new_order)
    before = [k for k in old_order if k in common]
    after = [k for k in new_order if k in common]
    if before != after:
        out.append(
            Change(
                "recurring price",
                parent,
                "changed",
                "discount order",
                [_DISCOUNT.display(k) for k in before],
                [_DISCOUNT.display(k) for k in after],
                path,
            )
        )


_RECURRING = _Kind(
    "recurring price", _by("service"),
    {"amounts": {}, "tiers": {}, "settings": {}, "usage_bucket": None, "discounts": []},
    flatten=frozenset({"amounts", "tiers", "settings"}),
    children=(("discounts", _discounts),),
)  # fmt: skip
_TRANSITION_CHARGE = _Kind("transition charge", _by("service", "transition"), {"penalty": None})
_ONE_TIME = _Kind(
    "one-time charge", _by("service"), {"amount": None, "tiers": None, "settings": {}},
    flatten=frozenset({"settings"}),
)  # fmt: skip
_CHARGES = _Kind(
    "price book charges",
    _by(),
    {},
    children=(
        ("recurring", _list_child(_RECURRING)),
        ("transitions", _list_child(_TRANSITION_CHARGE)),
        ("one_time", _list_child(_ONE_TIME)),
    ),
)


def _price_books(out: list[Change], parent: str, old: Any, new: Any, path: str, _key: str) -> None:
    """price_books is ``{book: {currency: charges}}``: each (book, currency) is an object."""

    def cells(books: Any) -> dict[tuple[str, str], Any]:
        found: dict[tuple[str, str], Any] = {}
        if isinstance(books, dict):
            for book, currencies in books.items():
                if isinstance(currencies, dict):
                    for currency, charges in currencies.items():
                        found[(str(book), str(currency))] = charges
                else:
                    found[(str(book), "")] = currencies
        return found

    old_cells = cells(old)
    new_cells = cells(new)
    for key, charges in new_cells.items():
        name = _qualified(parent, " / ".join(k for k in key if k))
        cell_path = _join(_join(path, key[0]), key[1]) if key[1] else _join(path, key[0])
        if key not in old_cells:
            out.append(Change("price book charges", name, "added", None, None, charges, cell_path))
        else:
            _diff_object(out, _CHARGES, name, old_cells[key], charges, cell_path)
    for key, charges in old_cells.items():
        if key not in new_cells:
            name = _qualified(parent, " / ".join(k for k in key if k))
            cell_path = _join(_join(path, key[0]), key[1]) if key[1] else _join(path, key[0])
            out.append(
                Change("price book charges", name, "removed", None, charges, None, cell_path)
            )


_FREQUENCY = _Kind(
    "package_frequency", _by("name"),
    {"custom_fields": {}, "price_books": {}, "currencies": []},
    flatten=frozenset({"custom_fields"}),
    children=(("price_books", _price_books),),
)  # fmt: skip


def _frequencies(out: list[Change], parent: str, old: Any, new: Any, path: str, _key: str) -> None:
    # Frequency names are unique in the whole catalog; the package name is in the path.
    _diff_list(out, _FREQUENCY, old, new, path)


_PACKAGE = _Kind("package", _by("name"), {}, children=(("frequencies", _frequencies),))

# Reference data -----------------------------------------------------------------------------

_TOP_LEVEL: tuple[tuple[str, _Kind], ...] = (
    ("currencies", _Kind("currency", _by("code"), {})),
    ("price_books", _Kind("price_book", _by("code"), {"countries": []})),
    ("statuses", _Kind("status", _by("name"), {"cancelled": False})),
    ("transitions", _Kind("transition", _by("name"), {})),
    ("services", _Kind("service", _by("name"), {})),
    ("tax_rates", _Kind("tax_rate", _by("category", "country"), {})),
    ("rate_plans", _Kind(
        "rate_plan", _by("name"), {},
        children=(("rates", _list_child(_Kind("rate", _by("service", "currency"), {}))),),
    )),
    ("usage_buckets", _Kind("usage_bucket", _by("name"), {})),
    ("counting_rules", _Kind("counting_rule", _by("name"), {})),
    ("contracts", _Kind("contract", _by("name"), {})),
    ("companies", _Kind("company", _by("name"), {})),
    ("custom_fields", _Kind("custom_field", _by("name"), {"options": []})),
    ("promo_codes", _Kind(
        "promo_code", _by("code"), {}, flatten=frozenset({"discount"}),
    )),
    ("price_plans", _Kind(
        "price_plan", _by("name"), {},
        children=(("prices", _list_child(
            _Kind("price_plan_price", _by("service", "status", "currency"), {})
        )),),
    )),
    ("packages", _PACKAGE),
    ("versions", _Kind("catalog_version", _by("effective_date"), {"published": False})),
)  # fmt: skip

_TOP_KEYS = {key for key, _ in _TOP_LEVEL}


def _unpublished(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` without the versions' ``published`` flags: exporting publishes a version, which
    changes no price, so it is not a change of the catalog (docs/versions.md)."""
    versions = doc.get("versions")
    if not isinstance(versions, list):
        return doc
    return {**doc, "versions": [{k: v for k, v in item.items() if k != "published"}
                                if isinstance(item, dict) else item for item in versions]}


def diff_catalogs(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every difference between two catalog documents, in document order.

    The documents should be valid catalogs; anything else is compared as well as it can be
    (a list where objects were expected gives added and removed items) without raising.
    """
    out: list[Change] = []
    old = _unpublished(old) if isinstance(old, dict) else {}
    new = _unpublished(new) if isinstance(new, dict) else {}
    for key in [*new, *(k for k in old if k not in new)]:
        if key in _TOP_KEYS:
            continue
        before, after = old.get(key), new.get(key)
        if _hashable(before) != _hashable(after):
            out.append(Change("catalog", "catalog", "changed", key, before, after, key))
    for key, kind in _TOP_LEVEL:
        _diff_list(out, kind, old.get(key) or [], new.get(key) or [], key)
    return out


# Presentation -------------------------------------------------------------------------------

_SIGNS = {"added": "+", "removed": "-", "changed": "~"}
_MAX_VALUE = 80


def _printable(text: str) -> str:
    """One terminal line: control characters (a newline in a name...) shown escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _show(value: object) -> str:
    text = json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=False)
    text = _printable(text)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _lines(changes: Iterable[Change]) -> Iterator[str]:
    for c in changes:
        head = f'{_SIGNS.get(c.action, "?")} {c.kind} "{_printable(c.name)}"'
        if c.action == "changed":
            yield f"{head}: {_printable(c.field or '')} {_show(c.old)} -> {_show(c.new)}"
        else:
            yield f"{head} {c.action}"


def format_changes(changes: list[Change]) -> str:
    """Human-readable text for a terminal: one line per change (``No changes.`` if none).

    ``+`` added, ``-`` removed, ``~`` changed (with the field and its old and new value).
    """
    if not changes:
        return "No changes."
    return "\n".join(_lines(changes))


def _jsonable(value: object) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def changes_to_document(changes: list[Change]) -> dict[str, Any]:
    """The changes as a JSON document: ``{"format": "catalog_diff", "version": 1, "summary":
    {"added": n, "removed": n, "changed": n}, "changes": [{kind, name, action, field, old,
    new, path}, ...]}``."""
    summary = {"added": 0, "removed": 0, "changed": 0}
    for c in changes:
        summary[c.action] = summary.get(c.action, 0) + 1
    return {
        "format": "catalog_diff",
        "version": 1,
        "summary": summary,
        "changes": [
            {
                "kind": c.kind,
                "name": c.name,
                "action": c.action,
                "field": c.field,
                "old": _jsonable(c.old),
                "new": _jsonable(c.new),
                "path": c.path,
            }
            for c in changes
        ],
    }
