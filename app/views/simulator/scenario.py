"""The account scenario being edited in the simulator, and the undo commands that change it.

The scenario is the exchange format's account document held in memory (a JSON-shaped dict).
Every edit is a :class:`QUndoCommand` that calls :meth:`ScenarioDocument.set`,
:meth:`~ScenarioDocument.insert` or :meth:`~ScenarioDocument.remove`; the document announces each
change with the path it touched, and the item models and forms refresh from that.

Paths are tuples of keys and list indexes: ``("packages", 0, "services", 1, "quantity")``. The
same paths, written ``packages[0].services[1].quantity``, name problems (see :func:`parse_path`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.catalog.document.paths import parse_path as parse_path  # the one parser

Path = tuple[str | int, ...]
Doc = dict[str, Any]



def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out = f"{out}[{part}]" if isinstance(part, int) else (f"{out}.{part}" if out else part)
    return out


FIELD_WORDS = {
    "name": "name", "country": "country", "currency": "currency", "price_book": "price book",
    "bill_day": "bill day", "price_plan": "price plan", "promo_codes": "promo codes",
    "frequency": "package frequency", "start": "start date", "cancelled": "cancellation date",
    "service": "service", "id": "id", "quantity": "quantity", "price": "custom price",
    "statuses": "status timeline", "status": "status", "from": "date", "date": "date",
    "service_id": "account-service", "unit": "unit",
}


def describe_path(path: Path, doc: Doc) -> str:
    """Where a problem is, in the editor's words: ``packages[0].services[1].statuses[1].from``
    -> ``Package 1 (Fiber TV Bundle Monthly) › TV Basic (s2) › status change 2 › date``."""
    words: list[str] = []
    node: Any = doc
    parent: str | int | None = None
    for position, part in enumerate(path):
        indexed = position + 1 < len(path) and isinstance(path[position + 1], int)
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        child: Any = node[part] if in_dict or in_list else None
        if isinstance(part, int):
            if parent == "packages":
                label = child.get("frequency") if isinstance(child, dict) else None
                words.append(f"Package {part + 1}" + (f" ({label})" if label else ""))
            elif parent == "services":
                if isinstance(child, dict):
                    words.append(f"{child.get('service')} ({child.get('id')})")
                else:
                    words.append(f"service {part + 1}")
            elif parent == "statuses":
                words.append(f"status change {part + 1}")
            elif parent == "usage":
                words.append(f"Usage record {part + 1}")
            elif parent == "promo_codes":
                words.append(f"'{child}'" if child is not None else f"code {part + 1}")
            else:
                words.append(f"item {part + 1}")
        elif part == "account":
            words.append("Account")
        elif part not in ("packages", "services", "usage") and not (
                indexed and part in ("statuses", "promo_codes")):
            words.append(FIELD_WORDS.get(str(part), str(part).replace("_", " ")))
        parent = part
        node = child
    return " › ".join(words) or "The scenario"


def empty_scenario(name: str = "New scenario", currency: str = "USD",
                   price_book: str = "standard", country: str = "US") -> Doc:
    return {
        "format": "account", "version": 1,
        "account": {"name": name, "country": country, "currency": currency,
                    "price_book": price_book, "bill_day": 1, "price_plan": None,
                    "promo_codes": []},
        "packages": [],
        "usage": [],
    }


def normalized(doc: Doc) -> Doc:
    """A copy of ``doc`` with every optional key present (the editor relies on them)."""
    out = copy.deepcopy(doc)
    account = out.setdefault("account", {})
    account.setdefault("price_plan", None)
    account.setdefault("promo_codes", [])
    account.setdefault("bill_day", 1)
    for pkg in out.setdefault("packages", []):
        pkg.setdefault("cancelled", None)
        for svc in pkg.setdefault("services", []):
            svc.setdefault("quantity", 1)
            svc.setdefault("price", None)
            svc.setdefault("statuses", [])
    for record in out.setdefault("usage", []):
        record.setdefault("unit", None)
    return out


class ScenarioDocument(QObject):
    """The account document under edit.

    Signals:
        aboutToChange(object path, str kind, int index): before an edit. ``kind`` is ``"set"``
            (the value at ``path`` is replaced; index -1), ``"insert"`` / ``"remove"`` (an item
            at ``index`` of the list at ``path``) or ``"reset"`` (a whole new document).
        changed(object path, str kind, int index): after that edit.
    """

    aboutToChange = Signal(object, str, int)
    changed = Signal(object, str, int)

    def __init__(self, doc: Doc | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = normalized(doc or empty_scenario())

    @property
    def doc(self) -> Doc:
        """The document itself; read it, never change it (edit through commands)."""
        return self._doc

    def snapshot(self) -> Doc:
        return copy.deepcopy(self._doc)

    def get(self, path: Path, default: Any = None) -> Any:
        node: Any = self._doc
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def _parent(self, path: Path) -> Any:
        node: Any = self._doc
        for part in path[:-1]:
            node = node[part]
        return node

    def reset(self, doc: Doc) -> None:
        self.aboutToChange.emit((), "reset", -1)
        self._doc = normalized(doc)
        self.changed.emit((), "reset", -1)

    def set(self, path: Path, value: Any) -> None:
        self.aboutToChange.emit(path, "set", -1)
        self._parent(path)[path[-1]] = copy.deepcopy(value)
        self.changed.emit(path, "set", -1)

    def insert(self, path: Path, index: int, value: Any) -> None:
        self.aboutToChange.emit(path, "insert", index)
        self.get(path).insert(index, copy.deepcopy(value))
        self.changed.emit(path, "insert", index)

    def remove(self, path: Path, index: int) -> Any:
        self.aboutToChange.emit(path, "remove", index)
        value = self.get(path).pop(index)
        self.changed.emit(path, "remove", index)
        return value

    def service_ids(self) -> list[str]:
        return [s["id"] for p in self._doc["packages"] for s in p["services"]]

    def new_service_id(self, taken: Iterable[str] = ()) -> str:
        used = {*self.service_ids(), *taken}
        n = 1
        while f"s{n}" in used:
            n += 1
        return f"s{n}"


class SetValue(QUndoCommand):
    """Replace the value at a path. With ``merge`` (typing in a field), consecutive edits of the
    same path are one undo step."""

    ID = 7301

    def __init__(self, doc: ScenarioDocument, path: Path, value: Any, text: str = "",
                 merge: bool = False) -> None:
        super().__init__(text or f"Change {format_path(path)}")
        self.doc = doc
        self.path = path
        self.old = copy.deepcopy(doc.get(path))
        self.new = copy.deepcopy(value)
        self.merge = merge

    def id(self) -> int:
        return self.ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt API)
        if not isinstance(other, SetValue) or other.path != self.path or not other.merge:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.doc.set(self.path, self.new)

    def undo(self) -> None:
        self.doc.set(self.path, self.old)


class InsertItem(QUndoCommand):
    def __init__(self, doc: ScenarioDocument, path: Path, index: int, value: Any,
                 text: str = "") -> None:
        super().__init__(text or f"Add to {format_path(path)}")
        self.doc = doc
        self.path = path
        self.index = index
        self.value = copy.deepcopy(value)

    def redo(self) -> None:
        self.doc.insert(self.path, self.index, self.value)

    def undo(self) -> None:
        self.doc.remove(self.path, self.index)


class RemoveItem(QUndoCommand):
    def __init__(self, doc: ScenarioDocument, path: Path, index: int, text: str = "") -> None:
        super().__init__(text or f"Remove from {format_path(path)}")
        self.doc = doc
        self.path = path
        self.index = index
        self.value = copy.deepcopy(doc.get(path)[index])

    def redo(self) -> None:
        self.doc.remove(self.path, self.index)

    def undo(self) -> None:
        self.doc.insert(self.path, self.index, self.value)


def push_set(stack: QUndoStack, doc: ScenarioDocument, path: Path, value: Any,
             text: str = "", merge: bool = False) -> None:
    """Push a :class:`SetValue` unless the value is already there."""
    if doc.get(path) != value:
        stack.push(SetValue(doc, path, value, text, merge))
