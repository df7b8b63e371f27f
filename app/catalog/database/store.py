"""The application layer over the catalog database: open, import, export, edit.

The window and the command line both call these functions; neither talks to the database
directly. Every function that writes runs in one transaction: it either completes or leaves the
database exactly as it was. Edits return a :class:`Changes` value saying what changed, so views
can refresh from it.

Why this module is over 600 lines: it is the one door the window and the command line use for
every job on the database (import, export, each kind of edit, catalog versions, publication),
and each function is short. The work is done in :mod:`writer`, :mod:`export`, :mod:`history`,
:mod:`edit_stamps` and :mod:`versions`; what stays here is the transaction and the ``Changes``
of each job.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, LargeBinary, Table, cast, delete, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from app.catalog.changes import EXPORTED
from app.catalog.changes import Changes as Changes
from app.catalog.database import edit_stamps, history, versions, writer
from app.catalog.database import export as exporter
from app.catalog.database.documents import as_read, documents, packed_packages
from app.catalog.database.edit_stamps import VERSION_KEY as VERSION_KEY
from app.catalog.database.edit_stamps import ReferenceVersions
from app.catalog.database.versions import write_versions
from app.catalog.document import contract
from app.catalog.errors import ConcurrentEditError as ConcurrentEditError
from app.catalog.errors import ImportFailure, InUseError
from app.engine.allocation import gc_paused
from app.engine.packed import PackedList, unpacked
from app.engine.problems import Problem
from app.models import schema as m

# The views use the database through this module (``lint-imports`` keeps them off app.models).
from app.models.database import Database as Database
from app.models.database import DatabaseError as DatabaseError
from app.models.database import open_database as open_database
from app.models.sqlite_safety import COUNTS_AS_CHANGE, revision_in
from app.models.sqlite_transactions import writing

Doc = dict[str, Any]

REFERENCE_KINDS = tuple(k for k in exporter.TOP_LEVEL_KEYS if k != "packages")


@dataclass(frozen=True)
class FrequencySummary:
    name: str
    active: bool
    bill_frequency: str | dict[str, int]
    in_use: bool = False


@dataclass(frozen=True)
class PackageSummary:
    name: str
    enabled: bool
    frequencies: list[FrequencySummary] = field(default_factory=list)


def _t(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def open_catalog(target: str | Path) -> Database:
    """Open (creating or migrating when needed) the catalog database at a path or URL."""
    return open_database(target)


@dataclass(frozen=True)
class CheckedCatalog:
    """A catalog document as read (:func:`contract.normalize`: optional nulls dropped, buckets
    by name as objects, ``x-`` keys taken out into ``extensions``) with every problem
    validation found, so that an import can go ahead without checking it again."""

    document: object
    extensions: contract.Extensions
    problems: list[Problem]


def check_catalog(doc: object, *, lint: bool = False) -> CheckedCatalog:
    """Read a catalog document by the contract's rules and check it, once: the schema, the
    references and business rules in document order, then (with ``lint``, when the document's
    structure held) the lint smells, each fault once. Never raises for JSON-like input."""
    from app.catalog.document.lint import lint_catalog
    from app.catalog.document.validation import validate_catalog_structure

    doc = unpacked(doc)  # (the held document's packages are packed)
    with gc_paused():  # millions of new objects, no cycles: see _keep_out_of_the_collector
        normalized, extensions = contract.normalize(doc)
        problems, structure_held = validate_catalog_structure(normalized)
    if lint and structure_held and isinstance(normalized, dict):
        seen = set(problems)
        problems = problems + [p for p in lint_catalog(normalized) if p not in seen]
    return CheckedCatalog(normalized, extensions, problems)


def validate_document(doc: object) -> list[Problem]:
    """Schema, reference and business-rule checks of a catalog document."""
    return check_catalog(doc).problems


def export_catalog(db: Database) -> Doc:
    """The whole catalog as the exchange format's catalog document, with the extension keys
    (``x-``) it was imported with."""
    with db.engine.connect() as conn:
        doc = exporter.catalog_document(conn)
        stored = _stored_extensions(conn)
    if stored:
        contract.restore_extensions(doc, stored)
    return doc


def catalog_as_exported(db: Database) -> Doc:
    """What :func:`export_catalog` returns as the contract reads it (the nulls it drops cut
    out), made from the held document (:func:`snapshot_document`) instead of read again: its
    extension keys given back on copies of the objects that have them, the rest shared.
    Read-only, like the held document; the Changes tab compares it with an export
    (``history.export_against``) without a second whole catalog in memory."""
    doc = snapshot_document(db)
    with db.engine.connect() as conn:
        stored = _stored_extensions(conn)
    return contract.with_extensions(doc, stored) if stored else doc


def _stored_extensions(conn: Connection) -> dict[str, Any]:
    """The extension keys the catalog was imported with, by locator."""
    table = _t(m.CatalogExtension)
    return {row.locator: orjson.loads(row.keys_json)
            for row in conn.execute(select(table.c.locator, table.c.keys_json))}


def _write_extensions(conn: Connection, extensions: contract.Extensions) -> None:
    table = _t(m.CatalogExtension)
    conn.execute(delete(table))
    if extensions:
        conn.execute(insert(table), [
            {"locator": where, "keys_json": orjson.dumps(keys).decode("utf-8")}
            for where, keys in extensions.items()])


def _invalidate_cache(conn: Connection) -> None:
    """Every write of the catalog calls this inside its transaction. On SQLite the write's
    revision bump (``sqlite_safety``) is what makes the cached copy stale (it is read only at
    the revision it was built at): deleting 70 MB of it cost the first save most of a second.
    Elsewhere it is deleted."""
    if conn.dialect.name != "sqlite":
        conn.execute(delete(_t(m.CatalogCache)))


_CACHE_PARTS = 1 << 20
"""At most this many rows in one cached copy (see :func:`_cache_base`)."""
_PACKAGES_PER_ROW = 500


def _cache_base(conn: Connection) -> int:
    """Where the ids of the cached copy's rows start, for the catalog as this transaction
    sees it: the copy's row ``k`` (0: the document without its packages, then a row per few
    hundred packages) has the id ``-(base + k + 1)``. On SQLite ``base`` is ``(revision + 1)
    * 2**20``, so a copy is read only at the revision it was built at (and never one an
    earlier release wrote, whose ids are ``-(revision + 1)``); elsewhere 0 (any copy there is
    current: writes delete it)."""
    if conn.dialect.name != "sqlite":
        return 0
    return (revision_in(conn) + 1) * _CACHE_PARTS


def _keep_out_of_the_collector() -> None:
    """Move the objects alive now (above all a freshly loaded catalog document: millions of
    dicts, lists and strings, long-lived and free of cycles) out of the cyclic garbage
    collector's sight. Otherwise its next pass walks them all: 2 s for 30,000 frequencies.
    Reference counting still frees them when the document is dropped."""
    gc.freeze()


def snapshot_document(db: Database) -> Doc:
    """The catalog document for building engine snapshots; treat it as read-only.

    Held in memory per open database (:mod:`app.catalog.database.documents`) and patched by
    every write of this store, so after a save of one package it costs nothing. The first call
    in a process reads the database's cached copy (orjson: about 1.2 s instead of 7 s for
    30,000 package frequencies), else exports the catalog and stores that copy compactly. The
    copy is made stale by every write (read only at the revision it was built at), so it never
    disagrees with the catalog.
    """
    held = documents.get(db)
    if held is not None:
        return held
    doc = _read_snapshot_document(db)
    documents.put(db, doc)
    return doc


def package_count(db: Database) -> int:
    """How many packages the saved catalog has."""
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_t(m.Package))).scalar() or 0)


def whole_snapshot_document(db: Database) -> Doc:
    """The held document (:func:`snapshot_document`) with its packages decoded into a plain
    list: a second whole catalog in memory (about 410 MB at 30,000 frequencies) for as long as
    the caller keeps it, for work that reads every package many times over."""
    return dict(unpacked(snapshot_document(db)))


def snapshot_packages(db: Database, names: frozenset[str]) -> tuple[Doc, list[Doc]]:
    """The held document (:func:`snapshot_document`) and those of its packages named
    ``names``, found by name without a pass over the catalog's packages."""
    found = documents.packages_named(db, names)
    if found is not None:
        return found
    doc = snapshot_document(db)
    return doc, [p for p in doc.get("packages", []) if p["name"] in names]


def snapshot_revision(db: Database) -> int:
    """Grows with each patch of the held snapshot document (see :func:`snapshot_document`)."""
    return documents.revision(db)


def _read_snapshot_document(db: Database) -> Doc:
    """The held document, read as the contract reads it (the nulls it drops cut out), its
    packages packed (:mod:`app.catalog.database.documents`): from the database's cached copy
    when it is current, else from the tables, a few hundred packages at a time, writing that
    copy. The copy is rows of JSON lines: the document without its packages (their names in
    their place), then rows of a few hundred packages, each package's compact JSON on a line
    of its own (compact JSON holds no line break). So neither reading nor writing it ever
    holds the whole catalog as objects, nor as one text."""
    table = _t(m.CatalogCache)
    with db.engine.connect() as conn:  # one read transaction: the revision and the copy
        base = _cache_base(conn)
        column: Any = table.c.document_json
        if conn.dialect.name == "sqlite":  # its bytes as they are, not a str to encode again
            column = cast(column, LargeBinary)
        rows = conn.execute(select(column).where(table.c.id <= -(base + 1),
                                                 table.c.id >= -(base + _CACHE_PARTS))
                            .order_by(table.c.id.desc()))
        found = _from_cached_copy(r if isinstance(r, bytes) else r.encode("utf-8")
                                  for (r,) in rows)
    if found is not None:
        return found
    package = _t(m.Package)
    with db.engine.connect() as conn:  # the engine's copy: without extension keys
        base = _cache_base(conn)  # the revision read in the export's own transaction
        head = exporter.reference_document(conn)
        saved_versions = versions.read_versions(conn)
        if saved_versions is not None:
            head["versions"] = saved_versions
        head = as_read(head)
        ids = list(conn.execute(select(package.c.id).order_by(package.c.position,
                                                               package.c.id)).scalars())
        named = list(packed_packages(conn, ids))
    names = [n for n, _t in named]
    texts = [t for _n, t in named]
    del named
    try:  # a cached copy, not a change of the catalog: windows need not reload for it
        with db.engine.execution_options(**{COUNTS_AS_CHANGE: False}).begin() as conn:
            if _cache_base(conn) == base:  # else written meanwhile: this copy is stale
                conn.execute(delete(table))
                built_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
                parts = [orjson.dumps(dict(head, packages=names))]
                parts.extend(b"\n".join(texts[at:at + _PACKAGES_PER_ROW])
                             for at in range(0, len(texts), _PACKAGES_PER_ROW))
                for k, part in enumerate(parts):
                    conn.execute(insert(table).values(id=-(base + k + 1), built_at=built_at,
                                                      document_json=part.decode("utf-8")))
                del parts
    except OperationalError:  # a read-only file: simply do without the cache
        pass
    head["packages"] = PackedList(texts, names)
    _keep_out_of_the_collector()
    return head


def _from_cached_copy(rows: Iterable[bytes]) -> Doc | None:
    """The held document from the cached copy's rows, in order (see
    :func:`_read_snapshot_document`); None when there is none, or it is not whole."""
    texts: list[bytes] = []
    head: Doc | None = None
    with gc_paused():
        for row in rows:
            if head is None:
                head = orjson.loads(row)
            else:
                texts.extend(row.split(b"\n"))
        if head is None:
            return None
        names = head.get("packages")
        if not isinstance(names, list) or len(names) != len(texts):
            return None  # not a copy this release wrote whole: built again
        head["packages"] = PackedList(texts, names)
        _keep_out_of_the_collector()
    return head


def load_catalog_document(target: str | Path) -> Doc:
    """Open a database and read its catalog document (for ``simulate --db``)."""
    db = open_database(target, create=False)
    try:
        return snapshot_document(db)
    finally:
        db.close()


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _stale_in_use(conn: Connection, stale_freqs: set[int]) -> list[str]:
    if not stale_freqs:
        return []
    ap = _t(m.AccountPackage)
    acc = _t(m.Account)
    fr = _t(m.PackageFrequency)
    rows = conn.execute(
        select(fr.c.name, acc.c.name)
        .join(ap, ap.c.frequency_id == fr.c.id)
        .join(acc, acc.c.id == ap.c.account_id)
        .where(fr.c.id.in_(stale_freqs))
        .order_by(fr.c.name, acc.c.name)
    ).all()
    return [f"package frequency '{f}' is used by account '{a}'" for f, a in rows]


def import_catalog(db: Database, doc: object, *, source: str = "catalog") -> Changes:
    """Replace the catalog with ``doc``: all or nothing.

    ``doc`` may be the result of :func:`check_catalog` (then it is not validated again).
    Objects are matched by name, so accounts stay attached to the frequencies they use; removing
    a frequency that an account uses fails the whole import with a message naming both.
    """
    checked = doc if isinstance(doc, CheckedCatalog) else check_catalog(doc)
    problems = _errors(checked.problems)
    if problems:
        raise ImportFailure(
            f"{source}: {len(problems)} problem(s), nothing imported; first: {problems[0]}",
            problems,
        )
    doc = checked.document
    assert isinstance(doc, dict)
    try:
        with gc_paused(), writing(db.engine).begin() as conn:  # rows by the million, no cycles
            _invalidate_cache(conn)
            before = edit_stamps.max_ids(conn)
            _write_extensions(conn, checked.extensions)
            stale = writer.write_reference(conn, doc)
            writer.write_counting_rules(conn, doc, with_items=False)
            stale_packages, stale_freqs = writer.write_packages(conn, doc["packages"])
            stale_rules = writer.write_counting_rules(conn, doc)
            write_versions(conn, doc.get("versions"))
            users = _stale_in_use(conn, stale_freqs)
            if users:
                raise ImportFailure(
                    f"{source}: the catalog removes package frequencies that saved accounts use "
                    f"({users[0]}); nothing imported",
                    [Problem("packages", u) for u in users],
                )
            writer.delete_stale(
                conn,
                [(m.CountingRule, stale_rules), (m.PackageFrequency, stale_freqs),
                 (m.Package, stale_packages), *stale],
            )
            edit_stamps.stamp_import(conn, before)  # a deliberate overwrite: every object
    except IntegrityError as exc:
        raise ImportFailure(
            f"{source}: the database refused the catalog ({exc.orig}); nothing imported"
        ) from exc
    finally:
        documents.drop(db)
    return Changes(frozenset(exporter.TOP_LEVEL_KEYS),
                   frozenset(p["name"] for p in doc["packages"]))


# --- export history -------------------------------------------------------------------------


# Kept in app.catalog.database.history (compact, shared parts); these names stay here for callers.


def record_export(db: Database, path: str, fmt: str, doc: Doc) -> Changes:
    """Remember an export (kept as compact parts shared with the other exports); returns what
    changed (the export history: the Changes tab lists the exports)."""
    history.record_export(db, path, fmt, doc)
    if doc.get("versions"):
        documents.drop(db)  # its versions are published now
    return EXPORTED


last_export = history.last_export
ExportRecord = history.ExportRecord


# --- browsing -------------------------------------------------------------------------------


def package_summaries(db: Database) -> list[PackageSummary]:
    """Packages with their frequencies, in catalog order, for the Packages panel."""
    pkg = _t(m.Package)
    fr = _t(m.PackageFrequency)
    ap = _t(m.AccountPackage)
    with db.engine.connect() as conn:
        used = {r[0] for r in conn.execute(select(ap.c.frequency_id).distinct())}
        freqs: dict[int, list[FrequencySummary]] = {}
        for r in conn.execute(
            select(fr.c.id, fr.c.package_id, fr.c.name, fr.c.active, fr.c.bill_frequency,
                   fr.c.bill_months).order_by(fr.c.position, fr.c.id)
        ):
            bill: str | dict[str, int] = (
                {"months": r.bill_months} if r.bill_frequency == "months" else r.bill_frequency
            )
            freqs.setdefault(r.package_id, []).append(
                FrequencySummary(r.name, r.active, bill, r.id in used))
        return [
            PackageSummary(r.name, r.enabled, freqs.get(r.id, []))
            for r in conn.execute(
                select(pkg.c.id, pkg.c.name, pkg.c.enabled).order_by(pkg.c.position, pkg.c.id))
        ]


def reference_document(db: Database) -> Doc:
    """Everything but the packages: the reference data the editor's lists draw on."""
    with db.engine.connect() as conn:
        return exporter.reference_document(conn)


def _package_id(conn: Connection, name: str) -> int | None:
    pkg = _t(m.Package)
    return conn.execute(select(pkg.c.id).where(pkg.c.name == name)).scalar()


def _package_services(conn: Connection, name: str) -> list[str] | None:
    """The services of package ``name`` as its document lists them (None: no such package)."""
    pid = _package_id(conn, name)
    return None if pid is None else exporter.packages_document(conn, {pid})[0]["services"]


def package_document(db: Database, name: str) -> Doc:
    """One package with its frequencies, as in the catalog document, for editing: it also
    carries the version it was read at under :data:`VERSION_KEY` (an ``x-`` key, which
    validation and export leave out), which :func:`save_package` checks. KeyError if unknown."""
    with db.engine.connect() as conn:
        pid = _package_id(conn, name)
        if pid is None:
            raise KeyError(name)
        # the version first: a save in between then makes ours look older, never newer
        stamp = edit_stamps.package_stamp(conn, name)
        doc = exporter.packages_document(conn, {pid})[0]
    doc[VERSION_KEY] = stamp.version if stamp is not None else 1
    return doc


def reference_for_editing(db: Database) -> tuple[Doc, ReferenceVersions]:
    """:func:`reference_document` with the version of every reference object (``{kind: {key:
    version}}``), for :func:`save_reference`'s ``expected_versions``. The versions are read
    first: a save in between makes them look older than the document, so the next save is
    refused rather than overwriting it."""
    with db.engine.connect() as conn:
        loaded = edit_stamps.reference_versions(conn)
        return exporter.reference_document(conn), loaded


def frequency_users(db: Database, frequency: str) -> list[str]:
    """Names of the saved accounts that use a package frequency."""
    fr = _t(m.PackageFrequency)
    ap = _t(m.AccountPackage)
    acc = _t(m.Account)
    with db.engine.connect() as conn:
        return list(conn.execute(
            select(acc.c.name).distinct().join(ap, ap.c.account_id == acc.c.id)
            .join(fr, fr.c.id == ap.c.frequency_id).where(fr.c.name == frequency)
            .order_by(acc.c.name)).scalars())


def package_users(db: Database, package: str) -> list[str]:
    """Names of the saved accounts that use any frequency of a package."""
    with db.engine.connect() as conn:
        return _package_users(conn, package)


def _package_users(conn: Connection, package: str) -> list[str]:
    fr = _t(m.PackageFrequency)
    ap = _t(m.AccountPackage)
    acc = _t(m.Account)
    pkg = _t(m.Package)
    return list(conn.execute(
        select(acc.c.name).distinct().join(ap, ap.c.account_id == acc.c.id)
        .join(fr, fr.c.id == ap.c.frequency_id).join(pkg, pkg.c.id == fr.c.package_id)
        .where(pkg.c.name == package).order_by(acc.c.name)).scalars())


# --- editing --------------------------------------------------------------------------------


def check_package(db: Database, package: Doc, *, original_name: str | None = None,
                  frequency_renames: dict[str, str] | None = None) -> list[Problem]:
    """Problems of one package as it would be saved; paths start at ``packages[0]``."""
    with db.engine.connect() as conn:
        return _check_package(conn, package, original_name, frequency_renames)


def _check_package(conn: Connection, package: Doc, original_name: str | None,
                   frequency_renames: dict[str, str] | None) -> list[Problem]:
    doc = dict(exporter.reference_document(conn), packages=[package])
    problems = [
        p for p in validate_document(doc)
        if p.path.startswith("packages[0]") or p.path == "packages"
    ]
    pkg = _t(m.Package)
    fr = _t(m.PackageFrequency)
    renamed_from = set((frequency_renames or {}).keys())
    own_id = _package_id(conn, original_name or package["name"])
    if package["name"] != (original_name or package["name"]) and _package_id(
        conn, package["name"]
    ) is not None:
        problems.append(Problem("packages[0].name",
                                f"a package named '{package['name']}' already exists"))
    if original_name is None and own_id is not None:
        problems.append(Problem("packages[0].name",
                                f"a package named '{package['name']}' already exists"))
    wanted = [f["name"] for f in package.get("frequencies", [])]
    others = dict(conn.execute(  # only the names this package uses: not the whole catalog
        select(fr.c.name, pkg.c.name).join(pkg, pkg.c.id == fr.c.package_id)
        .where(pkg.c.id != (own_id if own_id is not None else -1))
        .where(fr.c.name.in_(wanted))).all()) if wanted else {}
    for i, f in enumerate(package.get("frequencies", [])):
        if f["name"] in others and f["name"] not in renamed_from:
            problems.append(Problem(
                f"packages[0].frequencies[{i}].name",
                f"package frequency name '{f['name']}' is already used by package "
                f"'{others[f['name']]}'"))
    return problems


def save_package(db: Database, package: Doc, *, original_name: str | None = None,
                 frequency_renames: dict[str, str] | None = None,
                 expected_version: int | None = None) -> Changes:
    """Create or update one package with its frequencies, in place, in one transaction.

    Raises :class:`ImportFailure` with every problem (paths from ``packages[0]``) when the
    package is invalid, and :class:`InUseError` when it would remove a frequency an account uses
    or change the services of a package that accounts use.

    ``expected_version`` (by default the :data:`VERSION_KEY` of ``package``, as
    :func:`package_document` gave it) is the version the package was loaded at: when someone
    else saved or deleted it since, :class:`ConcurrentEditError` says who and when and nothing
    is written. The returned :class:`Changes` gives the new version (``version_of``).
    """
    package = dict(package)
    loaded_version = package.pop(VERSION_KEY, None)
    if expected_version is None and original_name is not None:
        expected_version = loaded_version
    with db.engine.connect() as conn:  # one connection for every check before the write
        problems = _errors(_check_package(conn, package, original_name, frequency_renames))
        if problems:
            raise ImportFailure(f"package '{package['name']}': {problems[0]}", problems)
        users = _package_users(conn, original_name) if original_name is not None else []
        if users:
            assert original_name is not None
            current = _package_services(conn, original_name)
            if current != package["services"]:
                raise InUseError(
                    f"package '{original_name}' is used by {len(users)} account(s) "
                    f"({', '.join(users[:3])}); its services cannot change. Disable it and "
                    "create a new package (Clone as new package).", users)
    renames = {original_name: package["name"]} if original_name else None
    saved = {package["name"]: original_name or package["name"]}
    try:
        with writing(db.engine).begin() as conn:  # the write lock first: check, then write
            stamp = edit_stamps.check_package(conn, original_name or package["name"],
                                           expected_version if original_name else None)
            _invalidate_cache(conn)
            _stale_packages, stale_freqs = writer.write_packages(
                conn, [package], only=True, renames=renames, frequency_renames=frequency_renames)
            users = _stale_in_use(conn, stale_freqs)
            if users:
                raise InUseError(f"cannot remove: {users[0]}", users)
            writer.delete_stale(conn, [(m.PackageFrequency, stale_freqs)])
            version = edit_stamps.stamp_package(conn, package["name"], existed=stamp is not None)
            patch = documents.read_patch(db, conn, saved)  # as committed, in the same connection
    except IntegrityError as exc:
        raise ImportFailure(f"package '{package['name']}': refused by the database "
                            f"({exc.orig})") from exc
    documents.patch_packages(db, saved, patch=patch)
    names = {package["name"]} | ({original_name} if original_name else set())
    return Changes(frozenset({"packages"}), frozenset(names),
                   versions=((package["name"], version),),
                   renamed=bool(frequency_renames) or names != {package["name"]})


def delete_package(db: Database, name: str, *, expected_version: int | None = None) -> Changes:
    """Delete a package and its frequencies; refused while any account uses one of them, and
    (:class:`ConcurrentEditError`) when someone else saved it since it was loaded at
    ``expected_version``."""
    users = package_users(db, name)
    if users:
        raise InUseError(
            f"package '{name}' is used by {len(users)} account(s) ({', '.join(users[:3])}) and "
            "cannot be deleted; untick Enabled to stop selling it instead.", users)
    rule_users = _counting_rules_naming(db, name)
    if rule_users:
        raise InUseError(f"package '{name}' is counted by counting rule '{rule_users[0]}'; "
                         "remove it from the rule first.", rule_users)
    with writing(db.engine).begin() as conn:
        edit_stamps.check_package(conn, name, expected_version, deleting=True)
        _invalidate_cache(conn)
        conn.execute(delete(_t(m.Package)).where(_t(m.Package).c.name == name))
    documents.patch_packages(db, {}, deleted=frozenset({name}))
    return Changes(frozenset({"packages"}), frozenset({name}))


def _counting_rules_naming(db: Database, package: str) -> list[str]:
    cr = _t(m.CountingRule)
    item = _t(m.CountingRuleItem)
    pkg = _t(m.Package)
    with db.engine.connect() as conn:
        return list(conn.execute(
            select(cr.c.name).join(item, item.c.counting_rule_id == cr.c.id)
            .join(pkg, pkg.c.id == item.c.package_id).where(pkg.c.name == package)).scalars())


def delete_frequency(db: Database, name: str) -> Changes:
    """Delete a package frequency; refused (InUseError) while an account uses it."""
    users = frequency_users(db, name)
    if users:
        raise InUseError(
            f"package frequency '{name}' is used by {len(users)} account(s) "
            f"({', '.join(users[:3])}) and cannot be deleted; untick Active to stop selling it "
            "instead.", users)
    fr = _t(m.PackageFrequency)
    pkg = _t(m.Package)
    with writing(db.engine).begin() as conn:
        _invalidate_cache(conn)
        owner = conn.execute(select(pkg.c.name).join(fr, fr.c.package_id == pkg.c.id)
                             .where(fr.c.name == name)).scalar()
        conn.execute(delete(fr).where(fr.c.name == name))
        if owner:
            edit_stamps.stamp_package(conn, owner, existed=True)
    if owner:
        documents.patch_packages(db, {owner: owner})
    return Changes(frozenset({"packages"}), frozenset({owner} if owner else set()))


def save_reference(db: Database, reference: Doc,
                   renames: dict[str, dict[Any, Any]] | None = None, *,
                   expected_versions: ReferenceVersions | None = None) -> Changes:
    """Replace the reference data (every list but packages) in place, in one transaction.

    ``renames`` maps a kind (``"services"``) to ``{old name: new name}`` so renamed objects keep
    their identity and everything that refers to them follows. Removing an object still in use
    raises :class:`InUseError`. ``expected_versions`` (:func:`reference_versions`, read when the
    reference data was loaded) makes a save refused with :class:`ConcurrentEditError` when
    someone else saved, added or deleted a reference object since; every object this save
    changes goes up one version.
    """
    with db.engine.connect() as conn:
        package_names = [r[0] for r in conn.execute(select(_t(m.Package).c.name))]
    doc = dict(reference)
    doc["packages"] = []
    problems = [
        p for p in _errors(validate_document(doc))
        if not (p.message.startswith("unknown package") and p.path.startswith("counting_rules"))
    ]
    for i, rule in enumerate(doc.get("counting_rules", [])):
        if rule.get("counts") == "packages":
            for j, item in enumerate(rule.get("items", [])):
                if item not in package_names:
                    problems.append(Problem(f"counting_rules[{i}].items[{j}]",
                                            f"unknown package '{item}'"))
    if problems:
        raise ImportFailure(f"setup: {problems[0]}", problems)
    try:
        with writing(db.engine).begin() as conn:
            if expected_versions is not None:
                edit_stamps.check_reference(conn, expected_versions)
            before = exporter.reference_document(conn)
            _invalidate_cache(conn)
            stale = writer.write_reference(conn, doc, renames=renames)
            if renames:
                versions.rename_references(conn, renames)
            stale_rules = writer.write_counting_rules(
                conn, doc, renames=(renames or {}).get("counting_rules"))
            writer.delete_stale(conn, [(m.CountingRule, stale_rules), *stale])
            edit_stamps.stamp_reference(conn, before, doc, renames)
    except IntegrityError as exc:
        raise InUseError(
            "setup: an object you removed is still used by a package, a price or an account "
            f"({exc.orig}); nothing was saved") from exc
    if any(renames.values()) if renames else False:
        documents.drop(db)  # the packages name what was renamed: read them all again
    else:
        documents.patch_reference(db)
    return Changes(frozenset(REFERENCE_KINDS), frozenset())


# --- catalog versions (docs/versions.md) ---------------------------------------------------


def catalog_versions(db: Database) -> list[versions.VersionSummary]:
    """The catalog's versions, oldest first (empty: the catalog has one version)."""
    with db.engine.connect() as conn:
        return versions.summaries(conn)


def _version_write(db: Database, write: Any) -> Changes:
    """Run ``write(conn)``, then check the whole catalog with its versions: all or nothing."""
    try:
        with writing(db.engine).begin() as conn:
            write(conn)
            doc = exporter.catalog_document(conn)
            problems = _errors(check_catalog(doc).problems)
            if problems:
                raise ImportFailure(f"the catalog versions are refused: {problems[0]}", problems)
            _invalidate_cache(conn)
    finally:
        documents.drop(db)
    return versions.CHANGED


def schedule_version(db: Database, effective_date: dt.date, prices: list[Doc], *,
                     policy: str = "grandfathered", existing_from: dt.date | None = None,
                     name: str | None = None, first_date: dt.date | None = None) -> Changes:
    """Schedule a new (draft) catalog version: ``prices`` (the format's ``versions[].prices``)
    from ``effective_date``; for subscribers who already hold the package, ``policy``
    ``grandfathered`` or ``move`` (from ``existing_from``, default the effective date). The
    catalog's own prices become the first version, dated ``first_date`` (default: today)."""
    base = first_date or min(dt.date.today(), effective_date - dt.timedelta(days=1))
    return _version_write(db, lambda conn: versions.add_version(
        conn, effective_date, policy, existing_from, prices, name, base))


def edit_version(db: Database, effective_date: dt.date, *, policy: str | None = None,
                 existing_from: dt.date | None = None,
                 prices: list[Doc] | None = None) -> Changes:
    """Change a draft version; a published (exported) one is refused with
    :class:`~app.catalog.database.versions.PublishedVersionError`."""
    return _version_write(db, lambda conn: versions.change_version(
        conn, effective_date, policy=policy, existing_from=existing_from, prices=prices))


def delete_version(db: Database, effective_date: dt.date) -> Changes:
    """Delete a draft version (a published one is refused)."""
    return _version_write(db, lambda conn: versions.remove_version(conn, effective_date))


VersionSummary = versions.VersionSummary
PublishedVersionError = versions.PublishedVersionError
