"""The editing model of the catalog editor and its undoable edits.

A :class:`PackageDraft` holds one package document (the catalog JSON shape, with its
frequencies) in memory while it is edited. Every edit is a ``QUndoCommand`` pushed on the
window's ``QUndoStack``; the command changes the draft's dict and the draft announces which part
changed, so the panels refresh only the widgets that show it. Saving hands
:meth:`PackageDraft.document` to ``store.save_package``; nothing here touches the database.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.catalog.database.editing import Path

SAVED_NAME = "_saved_name"
"""Hidden key of each frequency in a draft: its name in the database (None when new), so a
rename can be told apart from a new frequency when saving."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""The value of a key that is absent; setting it removes the key."""


def affects(changed: Path, shown: Path) -> bool:
    """Whether a change at ``changed`` can alter what is shown from ``shown``."""
    n = min(len(changed), len(shown))
    return changed[:n] == shown[:n]


class PackageDraft(QObject):
    """One package being edited, with the undo stack its edits go to.

    Signals:
        changed(object): a path (tuple of keys) under which the document changed; ``()`` means
            everything may have changed.
    """

    changed = Signal(object)

    def __init__(self, package: dict[str, Any], *, saved_name: str | None,
                 stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc: dict[str, Any] = copy.deepcopy(package)
        self.saved_name = saved_name
        self.stack = stack
        self.problems: list[tuple[Path, str]] = []
        for freq in self.doc["frequencies"]:
            freq.setdefault(SAVED_NAME, freq["name"] if saved_name is not None else None)

    # --- reading

    def get(self, path: Path, default: Any = None) -> Any:
        node: Any = self.doc
        for key in path:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def frequency(self, index: int) -> dict[str, Any]:
        freq: dict[str, Any] = self.doc["frequencies"][index]
        return freq

    @property
    def is_new(self) -> bool:
        return self.saved_name is None

    def document(self) -> dict[str, Any]:
        """The package as the exchange format writes it (without the draft's own keys)."""
        doc = copy.deepcopy(self.doc)
        for freq in doc["frequencies"]:
            freq.pop(SAVED_NAME, None)
        return doc

    def frequency_renames(self) -> dict[str, str]:
        """``{name in the database: new name}`` for the saved frequencies renamed here."""
        return {
            f[SAVED_NAME]: f["name"] for f in self.doc["frequencies"]
            if f.get(SAVED_NAME) and f[SAVED_NAME] != f["name"]
        }

    def mark_saved(self) -> None:
        """After a successful save: the names in the draft are now those in the database."""
        self.saved_name = self.doc["name"]
        for freq in self.doc["frequencies"]:
            freq[SAVED_NAME] = freq["name"]
        self.problems = []

    # --- writing (only commands call these)

    def _write(self, path: Path, value: Any) -> None:
        node: Any = self.doc
        for key in path[:-1]:
            node = node[key]
        last = path[-1]
        if value is MISSING:
            if isinstance(node, dict):
                node.pop(last, None)
        else:
            node[last] = copy.deepcopy(value)

    def _notify(self, path: Path) -> None:
        self.changed.emit(path)

    # --- edits

    def set(self, path: Path, value: Any, text: str) -> None:
        """Push an undoable edit setting ``path`` to ``value`` (no-op when unchanged)."""
        if self.get(path, MISSING) == value:
            return
        self.stack.push(SetValue(self, path, value, text))

    def insert(self, path: Path, index: int, value: Any, text: str) -> None:
        self.stack.push(InsertItem(self, path, index, value, text))

    def remove(self, path: Path, index: int, text: str) -> None:
        self.stack.push(RemoveItem(self, path, index, text))

    def move(self, path: Path, source: int, target: int, text: str) -> None:
        if source != target:
            self.stack.push(MoveItem(self, path, source, target, text))


class SetValue(QUndoCommand):
    """Set one value of the draft (a field, or a whole sub-document such as a frequency's
    price books); undo restores the previous value, or removes a key that was absent."""

    def __init__(self, draft: PackageDraft, path: Path, value: Any, text: str) -> None:
        super().__init__(text)
        self.draft = draft
        self.path = path
        self.new = copy.deepcopy(value)
        self.old = copy.deepcopy(draft.get(path, MISSING))

    def redo(self) -> None:
        self.draft._write(self.path, self.new)
        self.draft._notify(self.path)

    def undo(self) -> None:
        self.draft._write(self.path, self.old)
        self.draft._notify(self.path)


class InsertItem(QUndoCommand):
    """Insert an item into a list of the draft (a frequency, a service, a charge row)."""

    def __init__(self, draft: PackageDraft, path: Path, index: int, value: Any,
                 text: str) -> None:
        super().__init__(text)
        self.draft = draft
        self.path = path
        self.index = index
        self.value = copy.deepcopy(value)

    def redo(self) -> None:
        self.draft.get(self.path).insert(self.index, copy.deepcopy(self.value))
        self.draft._notify(self.path)

    def undo(self) -> None:
        del self.draft.get(self.path)[self.index]
        self.draft._notify(self.path)


class RemoveItem(QUndoCommand):
    """Remove an item from a list of the draft; undo puts it back where it was."""

    def __init__(self, draft: PackageDraft, path: Path, index: int, text: str) -> None:
        super().__init__(text)
        self.draft = draft
        self.path = path
        self.index = index
        self.value = copy.deepcopy(draft.get(path)[index])

    def redo(self) -> None:
        del self.draft.get(self.path)[self.index]
        self.draft._notify(self.path)

    def undo(self) -> None:
        self.draft.get(self.path).insert(self.index, copy.deepcopy(self.value))
        self.draft._notify(self.path)


class MoveItem(QUndoCommand):
    """Move an item within a list of the draft (e.g. reorder the package's services)."""

    def __init__(self, draft: PackageDraft, path: Path, source: int, target: int,
                 text: str) -> None:
        super().__init__(text)
        self.draft = draft
        self.path = path
        self.source = source
        self.target = target

    def _move(self, a: int, b: int) -> None:
        items = self.draft.get(self.path)
        items.insert(b, items.pop(a))
        self.draft._notify(self.path)

    def redo(self) -> None:
        self._move(self.source, self.target)

    def undo(self) -> None:
        self._move(self.target, self.source)
