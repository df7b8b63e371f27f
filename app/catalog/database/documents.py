"""The catalog document of an open database, held in memory and patched per edit.

Building the whole document of a 30,000-frequency catalog costs seconds (a full export, or
parsing the database's cached copy); an edit of one package changes one entry of its
``packages`` list. :class:`DocumentCache` keeps the document of each open :class:`Database`
and the store's writes patch it: saving a package re-reads that package only (a few
milliseconds), deleting one drops its entry, and anything wider (an import, a Setup save that
renames objects the packages name) drops the whole document, to be read again on next use.

The ``packages`` list is a :class:`~app.engine.packed.PackedList`: each package held as its
compact JSON bytes and decoded when read, so the held document of 30,000 frequencies takes
about 90 MB instead of 410 MB as Python objects. Each patch makes a new top-level dict and a new
``packages`` list; the packages that did not change share their bytes. A document handed out is
never mutated afterwards, so a view or a worker thread may keep one as an immutable snapshot
while the user goes on editing.

The cache only sees writes made through this process's store. The database's own cached copy
(``catalog_cache``) is made stale by every write (store._invalidate_cache), so other processes
never read a stale one.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import Any

import orjson
from sqlalchemy import Connection, Table, select

from app.catalog.database import export as exporter
from app.catalog.document import contract
from app.engine.allocation import gc_paused
from app.engine.packed import PackedList
from app.models import schema as m
from app.models.database import Database

Doc = dict[str, Any]


class _Entry:
    """One database's document and where each package sits in its ``packages`` list."""

    __slots__ = ("doc", "index", "revision")

    def __init__(self, doc: Doc, index: dict[str, int] | None = None) -> None:
        self.doc = doc
        packages = doc["packages"]
        assert isinstance(packages, PackedList)
        self.index: dict[str, int] = index if index is not None else {
            name: i for i, name in enumerate(packages.names()) if name is not None}
        self.revision = 0


class Patch:
    """Packages read inside a write's transaction, and the document they patch."""

    __slots__ = ("entry", "packages")

    def __init__(self, entry: _Entry, packages: list[Doc]) -> None:
        self.entry = entry
        self.packages = packages


class DocumentCache:
    """The in-memory catalog documents of the open databases (see the module docstring)."""

    def __init__(self) -> None:
        self._entries: dict[int, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, db: Database) -> Doc | None:
        with self._lock:
            entry = self._entries.get(id(db))
            return None if entry is None else entry.doc

    def packages_named(self, db: Database, names: frozenset[str]) -> tuple[Doc, list[Doc]] | None:
        """The held document and its packages named ``names`` (those it has, in its order),
        found through its index rather than a pass over every package; None when none is
        held."""
        with self._lock:
            entry = self._entries.get(id(db))
        if entry is None:
            return None
        packages = entry.doc["packages"]
        found = sorted(i for name in names if (i := entry.index.get(name)) is not None)
        return entry.doc, [packages[i] for i in found]

    def revision(self, db: Database) -> int:
        """A number that grows with every patch of the document of ``db`` (0: none held)."""
        with self._lock:
            entry = self._entries.get(id(db))
            return 0 if entry is None else entry.revision

    def put(self, db: Database, doc: Doc) -> None:
        with self._lock:
            if id(db) not in self._entries:
                weakref.finalize(db, self._entries.pop, id(db), None)
            self._entries[id(db)] = _Entry(doc)

    def drop(self, db: Database) -> None:
        with self._lock:
            self._entries.pop(id(db), None)

    def read_patch(self, db: Database, conn: Connection, saved: dict[str, str]) -> Patch | None:
        """Inside the write's transaction: the packages ``saved`` as written, for
        :meth:`patch_packages` once committed (None when no document is held)."""
        with self._lock:
            entry = self._entries.get(id(db))
        return None if entry is None else Patch(entry, _packages_named(conn, set(saved)))

    def patch_packages(self, db: Database, saved: dict[str, str],
                       deleted: frozenset[str] = frozenset(), *,
                       patch: Patch | None = None) -> None:
        """After a committed write: read again the packages ``saved`` (``{name now: name
        before}``, equal unless renamed; or take them from ``patch``, read by
        :meth:`read_patch` in the write's own transaction) and put each where it was (a new
        one last, where the store puts it too); drop the packages ``deleted``."""
        entry: _Entry | None
        if patch is not None:
            entry, fresh = patch.entry, patch.packages
        else:
            with self._lock:
                entry = self._entries.get(id(db))
            if entry is None:
                return
            with db.engine.connect() as conn:
                fresh = _packages_named(conn, set(saved))
        texts = [(p["name"], orjson.dumps(p)) for p in fresh]
        with self._lock:
            if self._entries.get(id(db)) is not entry:
                return  # replaced meanwhile: that one is newer (or dropped)
            index = dict(entry.index)
            changes: dict[int, tuple[str, bytes] | None] = {}
            appended: list[tuple[str, bytes]] = []
            for name, text in texts:
                position = index.pop(saved.get(name) or name, None)
                if position is None:
                    appended.append((name, text))
                else:
                    changes[position] = (name, text)
                    index[name] = position
            for name in deleted:
                position = index.pop(name, None)
                if position is not None:
                    changes[position] = None
            reindex = bool(appended) or None in changes.values()
            doc = dict(entry.doc)
            doc["packages"] = entry.doc["packages"].replacing(changes, appended)
            patched = _Entry(doc, None if reindex else index)
            patched.revision = entry.revision + 1
            self._entries[id(db)] = patched

    def patch_reference(self, db: Database) -> None:
        """After a committed write of the reference lists that renamed nothing the packages
        name: those lists read again, the packages kept."""
        with self._lock:
            entry = self._entries.get(id(db))
        if entry is None:
            return
        with db.engine.connect() as conn:
            reference = as_read(exporter.reference_document(conn))
        with self._lock:
            if self._entries.get(id(db)) is not entry:
                return
            doc = dict(reference, packages=entry.doc["packages"])
            if "versions" in entry.doc:
                doc["versions"] = entry.doc["versions"]
            patched = _Entry(doc, entry.index)
            patched.revision = entry.revision + 1
            self._entries[id(db)] = patched


def _packages_named(conn: Connection, names: set[str]) -> list[Doc]:
    if not names:
        return []
    table = m.Package.__table__
    assert isinstance(table, Table)
    ids = set(conn.execute(select(table.c.id).where(table.c.name.in_(names))).scalars())
    if not ids:
        return []
    return list(as_read({"packages": exporter.packages_document(conn, ids)})["packages"])


def packed_packages(conn: Connection, ids: list[int], *, chunk: int = 500) \
        -> Iterable[tuple[str, bytes]]:
    """The packages ``ids`` (in the order the export lists them: ``ids`` should be in that
    order), each as its name and its compact JSON as the contract reads it, read ``chunk``
    packages at a time so that no more than that many are ever held as objects."""
    head, tail = b'{"packages":[', b"]}"
    for start in range(0, len(ids), chunk):
        with gc_paused():
            part = exporter.packages_document(conn, set(ids[start:start + chunk]))
            for package in part:
                text = orjson.dumps(package)
                if b":null" in text or b'"usage_bucket":"' in text or b'"x' in text:
                    # what the contract drops or reads differently: normalized over the text
                    # (exactly; else by the walk)
                    whole = head + text + tail
                    read = contract.normalized_text(whole)
                    if read is None:
                        text = orjson.dumps(as_read({"packages": [package]})["packages"][0])
                    elif read is not whole:
                        text = read[len(head):-len(tail)]
                yield package["name"], text


def as_read(part: Doc) -> Doc:
    """A piece of the held document as the contract reads it, like the whole document
    (``store._read_snapshot_document``): the nulls it drops cut out, so that checking the held
    document never has to copy it."""
    normalized, _extensions = contract.normalize(part)
    return normalized if isinstance(normalized, dict) else part


documents = DocumentCache()
