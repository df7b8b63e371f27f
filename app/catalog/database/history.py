"""The export history: every export of the catalog, kept compactly so any two can be compared.

An exported document is cut into parts (each package, and each other top-level key as a
whole), each part stored once as zlib-compressed compact JSON under the BLAKE2b digest of that
JSON. An export row keeps a manifest naming its parts in order. Exports of a catalog that
changed little share almost every part: ten exports of a 10,000-package catalog cost about one
compressed copy plus ten manifests instead of ten full copies. Pruning exports deletes the
parts no remaining export uses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Table, delete, func, insert, select

from app.catalog.database.versions import publish_versions
from app.engine.packed import PackedList
from app.models import schema as m
from app.models.database import Database

Doc = dict[str, Any]
Manifest = list[list[Any]]  # [[key, digest]], or [[key, [[digest, name], ...]]] item-wise

ITEMWISE = frozenset({"packages"})
"""Top-level lists stored one part per item (the bulk of a catalog, edited item by item)."""

COMPRESSION = 6


def _t(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def split_document(doc: Doc) -> tuple[Manifest, dict[str, bytes]]:
    """The manifest of ``doc`` and its parts (digest -> compact JSON, uncompressed)."""
    manifest: Manifest = []
    parts: dict[str, bytes] = {}

    def part(value: object) -> str:
        data = orjson.dumps(value)
        key = _digest(data)
        parts[key] = data
        return key

    for key, value in doc.items():
        if key in ITEMWISE and isinstance(value, list):
            manifest.append([key, [[part(item), _name(item)] for item in value]])
        else:
            manifest.append([key, part(value)])
    return manifest, parts


def _name(item: object) -> str | None:
    name = item.get("name") if isinstance(item, dict) else None
    return name if isinstance(name, str) else None


def document_size(manifest: Manifest, parts: dict[str, bytes]) -> int:
    """Bytes of the whole document as compact JSON, from its parts (without joining them)."""
    size = 2 + max(len(manifest) - 1, 0)  # {} and the commas between keys
    for key, ref in manifest:
        size += len(orjson.dumps(key)) + 1
        if isinstance(ref, list):
            size += 2 + max(len(ref) - 1, 0) + sum(len(parts[d]) for d, _name in ref)
        else:
            size += len(parts[ref])
    return size


def _encode_manifest(manifest: Manifest) -> bytes:
    return zlib.compress(orjson.dumps(manifest), COMPRESSION)


def _decode_manifest(data: bytes) -> Manifest:
    manifest: Manifest = orjson.loads(zlib.decompress(data))
    return manifest


def _digests(manifest: Manifest) -> Iterable[str]:
    for _key, ref in manifest:
        if isinstance(ref, list):
            for digest, _name in ref:
                yield digest
        else:
            yield ref


def store_parts(conn: Connection, parts: dict[str, bytes]) -> int:
    """Insert the parts not stored yet; the number of bytes added."""
    table = _t(m.ExportPart)
    known: set[str] = set()
    wanted = list(parts)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        known.update(conn.execute(select(table.c.digest).where(table.c.digest.in_(chunk)))
                     .scalars())
    rows = [{"digest": k, "data": zlib.compress(parts[k], COMPRESSION)}
            for k in wanted if k not in known]
    if rows:
        conn.execute(insert(table), rows)
    return sum(len(r["data"]) for r in rows)


def record(conn: Connection, path: str, fmt: str, doc: Doc,
           exported_at: dt.datetime | None = None) -> int:
    """Store one export in the history (inside the caller's transaction); its number."""
    manifest, parts = split_document(doc)
    added = store_parts(conn, parts)
    encoded = _encode_manifest(manifest)
    size = document_size(manifest, parts)
    moment = exported_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = conn.execute(insert(_t(m.CatalogExport)).values(
        exported_at=moment, path=path, format=fmt, size=size, stored=added + len(encoded),
        manifest=encoded))
    number = result.inserted_primary_key
    assert number is not None
    return int(number[0])


@dataclass(frozen=True)
class ExportEntry:
    """One export as listed: its number, when, to which file, in which format, how large the
    exported document is and how much this export added to the database (bytes)."""

    number: int
    exported_at: dt.datetime
    path: str
    format: str
    size: int
    stored: int


@dataclass(frozen=True)
class ExportRecord:
    exported_at: dt.datetime
    path: str
    format: str
    document: Doc
    number: int = 0


def record_export(db: Database, path: str, fmt: str, doc: Doc) -> int:
    """Remember an export (time, file, format, and the catalog as exported); its number."""
    with db.engine.begin() as conn:
        number = record(conn, path, fmt, doc)
        if doc.get("versions"):
            publish_versions(conn)
            conn.execute(delete(_t(m.CatalogCache)))
        return number


def list_exports(db: Database) -> list[ExportEntry]:
    """Every export, oldest first."""
    table = _t(m.CatalogExport)
    with db.engine.connect() as conn:
        rows = conn.execute(select(table.c.id, table.c.exported_at, table.c.path,
                                   table.c.format, table.c.size, table.c.stored)
                            .order_by(table.c.id)).all()
    return [ExportEntry(*row) for row in rows]


def _manifest(conn: Connection, number: int) -> tuple[Any, Manifest]:
    table = _t(m.CatalogExport)
    row = conn.execute(select(table).where(table.c.id == number)).first()
    if row is None:
        raise KeyError(number)
    return row, _decode_manifest(row.manifest)


def _part_texts(conn: Connection, digests: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """(digest, compact JSON) of the parts ``digests``, read 500 at a time."""
    table = _t(m.ExportPart)
    wanted = list(dict.fromkeys(digests))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for digest, data in conn.execute(
            select(table.c.digest, table.c.data).where(table.c.digest.in_(chunk))
        ):
            yield digest, zlib.decompress(data)


def _load_parts(conn: Connection, digests: Iterable[str]) -> dict[str, Any]:
    return {digest: orjson.loads(text) for digest, text in _part_texts(conn, digests)}


def _assemble(manifest: Manifest, parts: dict[str, Any]) -> Doc:
    """The document of a manifest; an item whose part was not loaded becomes ``{"name": ...}``
    (see :func:`documents_to_compare`)."""
    doc: Doc = {}
    for key, ref in manifest:
        if isinstance(ref, list):
            doc[key] = [parts.get(d, {"name": name}) for d, name in ref]
        else:
            doc[key] = parts[ref]
    return doc


def export_document(db: Database, number: int) -> ExportRecord:
    """The export numbered ``number`` with the document it wrote. KeyError if unknown."""
    with db.engine.connect() as conn:
        row, manifest = _manifest(conn, number)
        parts = _load_parts(conn, _digests(manifest))
    return ExportRecord(row.exported_at, row.path, row.format, _assemble(manifest, parts),
                        row.id)


def last_export(db: Database) -> ExportRecord | None:
    """The most recent export, or None when the catalog was never exported."""
    table = _t(m.CatalogExport)
    with db.engine.connect() as conn:
        number = conn.execute(select(func.max(table.c.id))).scalar()
    return None if number is None else export_document(db, number)


def documents_to_compare(db: Database, old: int, new: int) -> tuple[Doc, Doc]:
    """The documents of two exports, for a diff. A package both have unchanged (the same part)
    is given as ``{"name": ...}`` on both sides: a diff only compares it to find nothing, and
    reading it would cost most of the time. KeyError if an export is unknown."""
    with db.engine.connect() as conn:
        _row_a, manifest_a = _manifest(conn, old)
        _row_b, manifest_b = _manifest(conn, new)
        digests_a, digests_b = set(_digests(manifest_a)), set(_digests(manifest_b))
        same = {d for _k, ref in manifest_a + manifest_b if isinstance(ref, list)
                for d, name in ref if name is not None and d in digests_a and d in digests_b}
        parts = _load_parts(conn, (digests_a | digests_b) - same)
    return _assemble(manifest_a, parts), _assemble(manifest_b, parts)


def export_against(db: Database, number: int | None, current: Doc) -> tuple[
        ExportRecord | None, Doc]:
    """The export numbered ``number`` (None: the last one; None back when there is none) and
    ``current``, for a diff of the two, both as the contract reads them (the nulls it drops
    cut out, extension keys kept): ``current`` should be so already
    (``store.catalog_as_exported``).

    Each package of ``current`` that the export has unchanged is ``{"name": ...}`` on both
    sides, as in :func:`documents_to_compare`: the export's parts are decompressed and
    compared as text one at a time, and only those that differ are read into objects, so a
    comparison of a 30,000-frequency catalog holds no second catalog. ``current`` is not
    copied (a new top-level dict and list only). KeyError if ``number`` is unknown."""
    from app.catalog.document import contract

    table = _t(m.CatalogExport)
    with db.engine.connect() as conn:
        if number is None:
            number = conn.execute(select(func.max(table.c.id))).scalar()
            if number is None:
                return None, current
        row, manifest = _manifest(conn, number)
        itemwise = {d for key, ref in manifest if isinstance(ref, list) for d, _n in ref}
        whole = [ref for _key, ref in manifest if not isinstance(ref, list)]
        mine: dict[str, list[str | None]] = {}  # the digest of each current item (named)
        for key in ITEMWISE:
            items = current.get(key)
            if isinstance(items, PackedList):  # the held packages: their bytes as they are
                mine[key] = [None if name is None else _digest(text)
                             for name, text in zip(items.names(), items.texts(), strict=True)]
            elif isinstance(items, list):
                mine[key] = [None if _name(item) is None else _digest(orjson.dumps(item))
                             for item in items]
        ours = {d for digests in mine.values() for d in digests if d is not None}
        same: set[str] = set()  # digests, of the current items and of the export's parts
        parts: dict[str, Any] = _load_parts(conn, whole)
        for digest, text in _part_texts(conn, itemwise):
            read = contract.normalized_text(text)
            item = None
            if read is None:  # extension keys in it: read it, by the walk
                item = orjson.loads(text)
                read = orjson.dumps(contract.as_read_with_extensions(
                    {"packages": [item]})["packages"][0])
            read_digest = _digest(read)
            if read_digest in ours:
                same.update((digest, read_digest))
            else:
                parts[digest] = orjson.loads(text) if item is None else item
    shown = dict(current)
    for key, digests in mine.items():
        items = current[key]
        names = items.names() if isinstance(items, PackedList) else [_name(i) for i in items]
        shown[key] = [{"name": name} if digest in same else items[i]  # (decoded if packed)
                      for i, (name, digest) in enumerate(zip(names, digests, strict=True))]
    document = contract.as_read_with_extensions(_assemble(manifest, parts))
    return ExportRecord(row.exported_at, row.path, row.format, document, row.id), shown


def prune_exports(db: Database, *, keep: int | None = None,
                  before: dt.datetime | None = None) -> int:
    """Forget exports: all but the last ``keep``, and/or those made before ``before`` (naive
    UTC). The parts no remaining export uses are deleted. The number of exports forgotten."""
    table = _t(m.CatalogExport)
    parts = _t(m.ExportPart)
    with db.engine.begin() as conn:
        numbers = list(conn.execute(select(table.c.id).order_by(table.c.id)).scalars())
        doomed: set[int] = set()
        if keep is not None:
            doomed.update(numbers[:max(len(numbers) - keep, 0)])
        if before is not None:
            doomed.update(conn.execute(select(table.c.id)
                                       .where(table.c.exported_at < before)).scalars())
        if not doomed:
            return 0
        conn.execute(delete(table).where(table.c.id.in_(doomed)))
        used: set[str] = set()
        for data in conn.execute(select(table.c.manifest)).scalars():
            used.update(_digests(_decode_manifest(data)))
        stale = [d for d in conn.execute(select(parts.c.digest)).scalars() if d not in used]
        for start in range(0, len(stale), 500):
            conn.execute(delete(parts).where(parts.c.digest.in_(stale[start:start + 500])))
    return len(doomed)
