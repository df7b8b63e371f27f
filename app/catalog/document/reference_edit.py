"""Editing the reference data (the Setup area) in memory, before ``store.save_reference``.

A :class:`ReferenceDraft` holds the reference document (every list but packages) and, per
object, the key it had when loaded, so renames can be told apart from new objects and handed to
``save_reference(renames=...)``. Renaming an object renames the references to it inside the
reference data too (a status renamed is renamed in the transitions that use it); objects in
packages refer to it by id in the database, so they follow on save. :func:`users` says who uses
an object, so a removal can be refused with a reason before anything is written.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from app.catalog.document.references import places, rename

Doc = dict[str, Any]

KINDS = (
    "currencies", "price_books", "statuses", "transitions", "services", "tax_rates",
    "rate_plans", "usage_buckets", "counting_rules", "contracts", "companies", "custom_fields",
    "promo_codes", "price_plans",
)  # fmt: skip

KEY_FIELD = {kind: "name" for kind in KINDS} | {
    "currencies": "code",
    "price_books": "code",
    "promo_codes": "code",
    "tax_rates": "category",
}
"""The field naming an object of each kind (tax rates are keyed by category and country)."""

SINGULAR = {
    "currencies": "currency",
    "price_books": "price book",
    "statuses": "status",
    "transitions": "transition",
    "services": "service",
    "tax_rates": "tax rate",
    "rate_plans": "rate plan",
    "usage_buckets": "usage bucket",
    "counting_rules": "counting rule",
    "contracts": "contract",
    "companies": "company",
    "custom_fields": "custom field",
    "promo_codes": "promo code",
    "price_plans": "price plan",
}


def key_of(kind: str, item: Doc) -> Any:
    """The identity of an object: its name or code (category and country for a tax rate)."""
    if kind == "tax_rates":
        return (item.get("category"), item.get("country"))
    return item.get(KEY_FIELD[kind])


def describe(kind: str, item: Doc) -> str:
    """``status 'Active'``, ``tax rate 'telecom US'``."""
    key = key_of(kind, item)
    text = " ".join(str(k) for k in key) if isinstance(key, tuple) else str(key)
    return f"{SINGULAR[kind]} '{text}'"


# --- references (the graph is declared once, in app.catalog.document.references) ----------


def rename_references(doc: Doc, kind: str, old: Any, new: Any) -> None:
    """Rename every reference to ``old`` (an object of ``kind``) inside the reference data."""
    if old == new:
        return
    for place in list(places(doc, kind)):
        if place.owner_kind != "packages" and place.name == old:
            rename(place, new)


def users(doc: Doc, packages: list[Doc], kind: str, key: Any) -> list[str]:
    """Who uses the object ``key`` of ``kind``: ``["package 'Home Bundle'", "transition
    'activation'"]`` (packages first, each user once). Accounts are not seen here: the database
    refuses those removals when saving."""
    out = [f"package '{p['name']}'" for p in packages
           if any(place.name == key for place in places({"packages": [p]}, kind))]
    for place in places(doc, kind):
        if place.owner_kind == "packages" or place.name != key:
            continue
        owner = describe(place.owner_kind, dict(place.owner))
        if owner not in out:
            out.append(owner)
    return out


# --- the draft ------------------------------------------------------------------------------


class ReferenceDraft:
    """The reference lists being edited, with the key each object had when loaded."""

    def __init__(self, reference: Doc) -> None:
        self.doc: Doc = {kind: copy.deepcopy(reference.get(kind, [])) for kind in KINDS}
        self.origins: dict[str, list[Any]] = {
            kind: [key_of(kind, item) for item in self.doc[kind]] for kind in KINDS
        }

    def items(self, kind: str) -> list[Doc]:
        items: list[Doc] = self.doc[kind]
        return items

    def keys(self, kind: str) -> list[Any]:
        return [key_of(kind, item) for item in self.doc[kind]]

    def document(self) -> Doc:
        """The reference document for ``store.save_reference`` (packages left out)."""
        return {"format": "catalog", "version": 1, **copy.deepcopy(self.doc), "packages": []}

    def renames(self) -> dict[str, dict[Any, Any]]:
        """``{kind: {old key: new key}}`` for the loaded objects whose key changed."""
        out: dict[str, dict[Any, Any]] = {}
        for kind in KINDS:
            if kind == "tax_rates":
                continue  # nothing refers to a tax rate: a changed one is simply replaced
            for origin, item in zip(self.origins[kind], self.doc[kind], strict=True):
                key = key_of(kind, item)
                if origin is not None and origin != key:
                    out.setdefault(kind, {})[origin] = key
        return out

    def snapshot(self) -> tuple[Doc, dict[str, list[Any]]]:
        return copy.deepcopy(self.doc), copy.deepcopy(self.origins)

    def restore(self, snapshot: tuple[Doc, dict[str, list[Any]]]) -> None:
        self.doc, self.origins = copy.deepcopy(snapshot[0]), copy.deepcopy(snapshot[1])

    # --- edits ------------------------------------------------------------------------------

    def set_field(self, kind: str, row: int, path: tuple[str, ...], value: Any) -> None:
        """Set (or, with None, remove) a field of an object; renaming its key renames the
        references to it inside the reference data, and a counting rule that switches between
        packages and services forgets its items."""
        item = self.doc[kind][row]
        old_key = key_of(kind, item)
        counted_before = item.get("counts")
        holder = item
        for part in path[:-1]:
            holder = holder.setdefault(part, {})
        if value is None:
            holder.pop(path[-1], None)
        else:
            holder[path[-1]] = value
        new_key = key_of(kind, item)
        if new_key != old_key:
            rename_references(self.doc, kind, old_key, new_key)
        if kind == "counting_rules" and path == ("counts",) and value != counted_before:
            item["items"] = []

    def add(self, kind: str, item: Doc, row: int | None = None) -> int:
        row = len(self.doc[kind]) if row is None else row
        self.doc[kind].insert(row, item)
        self.origins[kind].insert(row, None)
        return row

    def remove(self, kind: str, row: int) -> Doc:
        del self.origins[kind][row]
        removed: Doc = self.doc[kind].pop(row)
        return removed

    def nested(self, kind: str, row: int, key: str) -> list[Any]:
        nested: list[Any] = self.doc[kind][row].setdefault(key, [])
        return nested

    def set_nested(
        self, kind: str, row: int, key: str, index: int, field: str | None, value: Any
    ) -> None:
        """Set one entry of a nested list (``field`` None: the entry is a plain name)."""
        entries = self.nested(kind, row, key)
        if field is None:
            entries[index] = value
        elif value is None:
            entries[index].pop(field, None)
        else:
            entries[index][field] = value

    def add_nested(self, kind: str, row: int, key: str, entry: Any) -> int:
        entries = self.nested(kind, row, key)
        entries.append(entry)
        return len(entries) - 1

    def remove_nested(self, kind: str, row: int, key: str, index: int) -> None:
        del self.nested(kind, row, key)[index]

    def move_nested(self, kind: str, row: int, key: str, index: int, delta: int) -> int:
        entries = self.nested(kind, row, key)
        target = index + delta
        if 0 <= target < len(entries):
            entries.insert(target, entries.pop(index))
            return target
        return index


def unique(base: str, taken: Iterable[Any], fmt: Callable[[str, int], str] | None = None) -> str:
    """``base`` when free, else ``base 2``, ``base 3``..."""
    used = set(taken)
    if base not in used:
        return base
    n = 2
    make = fmt or (lambda b, k: f"{b} {k}")
    while make(base, n) in used:
        n += 1
    return make(base, n)
