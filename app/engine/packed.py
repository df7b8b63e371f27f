"""A list of JSON objects kept as compact JSON bytes, each decoded when it is read.

The catalog document held for a large catalog (30,000 package frequencies) is about 410 MB as
Python dicts, lists and strings, and 88 MB as compact JSON text. :class:`PackedList` holds its
``packages`` list as one ``bytes`` per package: reading an item decodes it (orjson: tens of
microseconds for a package of a few frequencies), iterating decodes one item at a time, and
nothing decoded is kept. What a consumer keeps of the items is its own business; the engine's
snapshot keeps, for each frequency, only where its package's bytes are
(:class:`PackedFrequency`).

An item may also be held as an object (a list built by copying and replacing items, as
``contract.with_extensions`` does); the held catalog document's lists never are. A list handed
out is never changed afterwards: :meth:`replacing` and :meth:`copy` make new ones, sharing the
items' bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import orjson

Item = dict[str, Any]


class PackedList(Sequence[Item]):
    """A read-only sequence of JSON objects stored as compact JSON bytes (see the module
    docstring). Equal to a list of the same objects (``==``), so code that compares documents
    need not know which it has."""

    __slots__ = ("_items", "_names")

    def __init__(self, items: Iterable[bytes | Item] = (),
                 names: Sequence[str | None] | None = None) -> None:
        """``names``: each item's ``"name"``, when the caller knows them (else read on first
        use of :meth:`names`)."""
        self._items: list[bytes | Item] = list(items)
        self._names: list[str | None] | None = None if names is None else list(names)

    @classmethod
    def of(cls, objects: Iterable[Item]) -> PackedList:
        """The objects packed (each written once with orjson)."""
        texts: list[bytes | Item] = []
        names: list[str | None] = []
        for o in objects:
            texts.append(orjson.dumps(o))
            names.append(o.get("name"))
        return cls(texts, names)

    def names(self) -> list[str | None]:
        """Each item's ``"name"`` (a new list), without decoding the items when known."""
        if self._names is None:
            self._names = [item.get("name") for item in self]
        return list(self._names)

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> PackedList: ...

    def __getitem__(self, index: int | slice) -> Item | PackedList:
        if isinstance(index, slice):
            return PackedList(self._items[index],
                              None if self._names is None else self._names[index])
        item = self._items[index]
        return orjson.loads(item) if isinstance(item, bytes) else item

    def __setitem__(self, index: int, value: Item) -> None:
        """Only for a list being built (:meth:`copy`), never for one handed out."""
        self._items[index] = value
        if self._names is not None:
            self._names[index] = value.get("name")

    def __iter__(self) -> Iterator[Item]:
        loads = orjson.loads
        for item in self._items:
            yield loads(item) if isinstance(item, bytes) else item

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedList):
            return len(self) == len(other) and all(
                a == b for a, b in zip(self.texts(), other.texts(), strict=True))
        if isinstance(other, list):
            return len(self) == len(other) and all(
                a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PackedList(<{len(self)} items>)"

    def text(self, index: int) -> bytes:
        """Item ``index`` as compact JSON bytes (no decoding when held so)."""
        item = self._items[index]
        return item if isinstance(item, bytes) else orjson.dumps(item)

    def texts(self) -> Iterator[bytes]:
        """Every item as compact JSON bytes, in order."""
        dumps = orjson.dumps
        for item in self._items:
            yield item if isinstance(item, bytes) else dumps(item)

    def with_texts(self) -> Iterator[tuple[Item, bytes]]:
        """Each item decoded, with its compact JSON bytes."""
        loads, dumps = orjson.loads, orjson.dumps
        for item in self._items:
            if isinstance(item, bytes):
                yield loads(item), item
            else:
                yield item, dumps(item)

    def copy(self) -> PackedList:
        """A new list of the same items (their bytes shared)."""
        return PackedList(self._items, self._names)

    def replacing(self, changes: dict[int, tuple[str, bytes] | None],
                  appended: Sequence[tuple[str | None, bytes]] = ()) -> PackedList:
        """A new list: item ``i`` replaced by ``changes[i]`` (its name and bytes; None:
        dropped), ``appended`` (names and bytes) last; every other item's bytes shared."""
        names = self.names()
        items: list[bytes | Item | None] = list(self._items)
        for index, value in changes.items():
            if value is None:
                items[index] = None
            else:
                names[index], items[index] = value
        kept: list[tuple[str | None, bytes | Item | None]] = [
            (n, i) for n, i in zip(names, items, strict=True) if i is not None]
        kept.extend(appended)
        return PackedList([i for _n, i in kept if i is not None], [n for n, _i in kept])

    def nbytes(self) -> int:
        """The size of the items held as bytes."""
        return sum(len(i) for i in self._items if isinstance(i, bytes))


class PackedFrequency:
    """Where a package frequency's document is: frequency ``index`` of the package whose
    compact JSON is ``package``. Decoded each time it is asked for (:meth:`load`)."""

    __slots__ = ("index", "package")

    def __init__(self, package: bytes, index: int) -> None:
        self.package = package
        self.index = index

    def load(self) -> Item:
        frequency: Item = orjson.loads(self.package)["frequencies"][self.index]
        return frequency


def unpacked(value: Any) -> Any:
    """``value`` as plain lists and dicts: a :class:`PackedList` (at any depth of dicts and
    lists) decoded into a list; everything else returned as it is, not copied."""
    if isinstance(value, PackedList):
        return list(value)
    if isinstance(value, dict) and any(isinstance(v, PackedList) for v in value.values()):
        return {k: unpacked(v) for k, v in value.items()}
    return value
