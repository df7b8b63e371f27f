"""Optimistic concurrency: the edit stamp (version, when, who) of packages and reference objects.

Each package and each reference object carries a ``version`` that grows with every save that
changes it, with ``updated_at`` (UTC) and ``updated_by`` (``user@host``). The window loads an
object with its version and saves it naming that version; inside the write transaction (SQLite:
``BEGIN IMMEDIATE``, so no other writer can slip in between; PostgreSQL: ``SELECT ... FOR
UPDATE`` on the row) the stored version is compared with it, and a save of an object someone
else saved since is refused with :class:`ConcurrentEditError` naming who and when. Nothing is
overwritten silently. An import replaces the whole catalog on purpose: it stamps every object.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, func, select, update

from app.catalog.errors import ConcurrentEditError
from app.models import schema as m
from app.models.owner_lock import login_name

Doc = dict[str, Any]

VERSION_KEY = "x-catalog-editor-version"
"""The key under which :func:`store.package_document` gives the package's loaded version (an
``x-`` key: the exchange format's validation and export leave it out)."""

REFERENCE_TABLES: dict[str, tuple[type[m.Base], tuple[str, ...], str]] = {
    "currencies": (m.Currency, ("code",), "currency"),
    "price_books": (m.PriceBook, ("code",), "price book"),
    "statuses": (m.Status, ("name",), "status"),
    "transitions": (m.Transition, ("name",), "transition"),
    "services": (m.Service, ("name",), "service"),
    "tax_rates": (m.TaxRate, ("category", "country"), "tax rate"),
    "rate_plans": (m.RatePlan, ("name",), "rate plan"),
    "usage_buckets": (m.UsageBucket, ("name",), "usage bucket"),
    "counting_rules": (m.CountingRule, ("name",), "counting rule"),
    "contracts": (m.Contract, ("name",), "contract"),
    "companies": (m.Company, ("name",), "company"),
    "custom_fields": (m.CustomField, ("name",), "custom field"),
    "promo_codes": (m.PromoCode, ("code",), "promo code"),
    "price_plans": (m.PricePlan, ("name",), "price plan"),
}
"""Each reference kind of the catalog document: its table, the key columns naming an object,
and what the object is called in a message."""

ReferenceVersions = dict[str, dict[Any, int]]
"""``{kind: {key: version}}``: the versions of the reference objects as Setup loaded them."""


def _t(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def current_user() -> str:
    """Who is saving: ``user@host`` (what ``updated_by`` records)."""
    return f"{login_name() or 'unknown'}@{socket.gethostname() or 'localhost'}"


def utc_now() -> dt.datetime:
    """Now in UTC, naive (as every timestamp of the schema), to the second."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Stamp:
    """An object's stored version with when and by whom it was last saved."""

    version: int
    updated_at: dt.datetime | None
    updated_by: str | None

    def by_whom(self) -> str:
        who = self.updated_by or "someone"
        if self.updated_at is None:
            return f"by {who}"
        return f"by {who} at {self.updated_at:%Y-%m-%d %H:%M} UTC"


def _stamp_values() -> dict[str, Any]:
    return {"updated_at": utc_now(), "updated_by": current_user()}


def _key_of(kind: str, obj: Doc) -> Any:
    cols = REFERENCE_TABLES[kind][1]
    return obj[cols[0]] if len(cols) == 1 else tuple(obj[c] for c in cols)


def _label(kind: str, key: Any) -> str:
    what = REFERENCE_TABLES[kind][2]
    name = "/".join(key) if isinstance(key, tuple) else key
    return f"{what} '{name}'"


# --- packages -------------------------------------------------------------------------------


def package_stamp(conn: Connection, name: str, *, lock: bool = False) -> Stamp | None:
    """The stored stamp of package ``name`` (None when there is none); with ``lock`` the row is
    locked until the transaction ends (``FOR UPDATE``; SQLite's write lock covers it)."""
    pkg = _t(m.Package)
    query = select(pkg.c.version, pkg.c.updated_at, pkg.c.updated_by).where(pkg.c.name == name)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else Stamp(row.version, row.updated_at, row.updated_by)


def check_package(conn: Connection, name: str, expected: int | None, *,
                  deleting: bool = False) -> Stamp | None:
    """Refuse (:class:`ConcurrentEditError`) when package ``name`` is no longer at version
    ``expected``; ``expected`` None skips the check. Call inside the write transaction."""
    stamp = package_stamp(conn, name, lock=True)
    if expected is None:
        return stamp
    if stamp is None:
        raise ConcurrentEditError(
            f"Package '{name}' was deleted by someone else since you opened it; nothing was "
            f"{'deleted' if deleting else 'saved'}. Your edits are kept: save them as a new "
            "package (Clone as new package) if you want them back.",
            what=f"package '{name}'", version=None, expected=expected)
    if stamp.version != expected:
        kept = ("It was not deleted: reload to see their changes first." if deleting else
                "Your edits are kept: reload to see theirs, or copy your changes.")
        raise ConcurrentEditError(
            f"Package '{name}' was changed {stamp.by_whom()} since you opened it (version "
            f"{stamp.version}, yours {expected}). {kept}",
            what=f"package '{name}'", version=stamp.version, expected=expected,
            updated_by=stamp.updated_by)
    return stamp


def stamp_package(conn: Connection, name: str, *, existed: bool) -> int:
    """After a save of package ``name``: its version grows by one (a new package stays at 1);
    records when and who. Returns the new version."""
    pkg = _t(m.Package)
    values = _stamp_values()
    if existed:
        values["version"] = pkg.c.version + 1
    conn.execute(update(pkg).where(pkg.c.name == name).values(**values))
    version = conn.execute(select(pkg.c.version).where(pkg.c.name == name)).scalar()
    return int(version or 1)


# --- reference objects ----------------------------------------------------------------------


def reference_versions(conn: Connection) -> ReferenceVersions:
    """The version of every reference object, by kind and key."""
    out: ReferenceVersions = {}
    for kind, (model, cols, _what) in REFERENCE_TABLES.items():
        table = _t(model)
        rows = conn.execute(select(table.c.version, *[table.c[c] for c in cols]))
        out[kind] = {(r[1] if len(cols) == 1 else tuple(r[1:])): r[0] for r in rows}
    return out


def _reference_stamps(conn: Connection, kind: str, *, lock: bool) -> dict[Any, Stamp]:
    model, cols, _what = REFERENCE_TABLES[kind]
    table = _t(model)
    query = select(table.c.version, table.c.updated_at, table.c.updated_by,
                   *[table.c[c] for c in cols])
    if lock:
        query = query.with_for_update()
    return {(r[3] if len(cols) == 1 else tuple(r[3:])): Stamp(r[0], r[1], r[2])
            for r in conn.execute(query)}


def check_reference(conn: Connection, expected: Mapping[str, Mapping[Any, int]]) -> None:
    """Refuse (:class:`ConcurrentEditError`) when any reference object was saved, added or
    deleted by someone else since ``expected`` was read (Setup saves the whole reference data,
    so any of them would be overwritten). Call inside the write transaction."""
    for kind in REFERENCE_TABLES:
        if kind not in expected:
            continue
        loaded = expected[kind]
        stored = _reference_stamps(conn, kind, lock=True)
        for key, stamp in stored.items():
            if key not in loaded:
                raise ConcurrentEditError(
                    f"Setup: {_label(kind, key)} was added {stamp.by_whom()} since Setup "
                    "loaded the reference data; nothing was saved. Your edits are kept: "
                    "Discard to see theirs, or copy your changes.",
                    what=_label(kind, key), version=stamp.version, expected=None,
                    updated_by=stamp.updated_by)
            if stamp.version != loaded[key]:
                raise ConcurrentEditError(
                    f"Setup: {_label(kind, key)} was changed {stamp.by_whom()} since Setup "
                    f"loaded it (version {stamp.version}, yours {loaded[key]}); nothing was "
                    "saved. Your edits are kept: Discard to see theirs, or copy your changes.",
                    what=_label(kind, key), version=stamp.version, expected=loaded[key],
                    updated_by=stamp.updated_by)
        for key in loaded:
            if key not in stored:
                raise ConcurrentEditError(
                    f"Setup: {_label(kind, key)} was deleted by someone else since Setup "
                    "loaded it; nothing was saved. Your edits are kept: Discard to see the "
                    "reference data as it is now.",
                    what=_label(kind, key), version=None, expected=loaded[key])


def stamp_reference(conn: Connection, before: Doc, after: Doc,
                    renames: Mapping[str, Mapping[Any, Any]] | None = None) -> None:
    """After a save of the reference data: every object whose document changed (or was
    renamed) goes up one version, new ones stay at 1; both record when and who."""
    values = _stamp_values()
    for kind, (model, cols, _what) in REFERENCE_TABLES.items():
        old = {_key_of(kind, o): o for o in before.get(kind, [])}
        inverse = {new: old_key for old_key, new in (renames or {}).get(kind, {}).items()}
        changed: list[Any] = []
        added: list[Any] = []
        for obj in after.get(kind, []):
            key = _key_of(kind, obj)
            was = inverse.get(key, key)
            if was not in old:
                added.append(key)
            elif old[was] != obj or was != key:
                changed.append(key)
        table = _t(model)
        _update_keys(conn, table, cols, changed, {**values, "version": table.c.version + 1})
        _update_keys(conn, table, cols, added, values)


def _update_keys(conn: Connection, table: Table, cols: tuple[str, ...], keys: Iterable[Any],
                 values: dict[str, Any]) -> None:
    keys = list(keys)
    if not keys:
        return
    if len(cols) == 1:
        conn.execute(update(table).where(table.c[cols[0]].in_(keys)).values(**values))
        return
    for key in keys:  # composite keys (tax rates): few, one statement each
        where = [table.c[c] == v for c, v in zip(cols, key, strict=True)]
        conn.execute(update(table).where(*where).values(**values))


# --- an import: every object, on purpose ----------------------------------------------------


def versioned_tables() -> list[Table]:
    return [_t(model) for model, _cols, _what in REFERENCE_TABLES.values()] + [_t(m.Package)]


def max_ids(conn: Connection) -> dict[str, int]:
    """The highest id of every versioned table (read before an import: rows above it are new)."""
    return {t.name: int(conn.execute(select(func.max(t.c.id))).scalar() or 0)
            for t in versioned_tables()}


def stamp_import(conn: Connection, before: Mapping[str, int]) -> None:
    """After an import, which replaces the catalog deliberately: every object that was there
    goes up one version (a window holding an older one is refused on save), new ones stay at
    1; all record when and who."""
    values = _stamp_values()
    for table in versioned_tables():
        top = before.get(table.name, 0)
        conn.execute(update(table).where(table.c.id <= top)
                     .values(**values, version=table.c.version + 1))
        conn.execute(update(table).where(table.c.id > top).values(**values))
