"""Catalog versions in the database (table ``catalog_version``, docs/versions.md).

The catalog's own rows are its first version; each row after it is a scheduled version: an
effective date, the price changes (the exchange format's ``versions[].prices``, as JSON), and
the policy for subscribers who already hold a package. A version that was exported (any JSON
or Kill Bill export) is published: from then on it is read-only, and the store refuses to edit
or delete it, saying so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, Table, delete, func, insert, select, update

from app.catalog.changes import Changes
from app.catalog.errors import ImportFailure
from app.models import schema as m

Doc = dict[str, Any]
VERSIONS = "versions"
CHANGED = Changes(kinds=frozenset({VERSIONS}))


class PublishedVersionError(ImportFailure):
    """An edit of a catalog version that is published (exported), so read-only."""


def _t() -> Table:
    table = m.CatalogVersion.__table__
    assert isinstance(table, Table)
    return table


@dataclass(frozen=True)
class VersionSummary:
    """One version as the window lists it."""

    effective_date: dt.date
    name: str
    policy: str
    existing_from: dt.date | None
    published: bool
    prices: list[Doc] = field(default_factory=list)

    @property
    def policy_text(self) -> str:
        if self.policy == "grandfathered":
            return "existing subscriptions keep their price (grandfathered)"
        moved = self.existing_from or self.effective_date
        return f"existing subscriptions move on {moved}"


def read_versions(conn: Connection) -> list[Doc] | None:
    """The ``versions`` section of the document (``None``: the catalog has one version)."""
    t = _t()
    rows = conn.execute(select(t).order_by(t.c.position)).all()
    if not rows:
        return None
    out: list[Doc] = []
    for i, row in enumerate(rows):
        doc: Doc = {"effective_date": row.effective_date.isoformat()}
        if row.name:
            doc["name"] = row.name
        if row.published_at is not None:
            doc["published"] = True
        if i > 0:
            existing: Doc = {"policy": row.policy}
            if row.policy == "move" and row.existing_from is not None:
                existing["from"] = row.existing_from.isoformat()
            doc["existing_subscriptions"] = existing
            doc["prices"] = orjson.loads(row.changes_json)
        out.append(doc)
    return out


def write_versions(conn: Connection, versions: list[Doc] | None) -> None:
    """Replace the versions with the document's section (an import: all or nothing)."""
    t = _t()
    conn.execute(delete(t))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for i, v in enumerate(versions or ()):
        existing = v.get("existing_subscriptions") or {}
        moved = existing.get("from")
        conn.execute(insert(t).values(
            position=i, effective_date=dt.date.fromisoformat(v["effective_date"]),
            name=v.get("name"), policy=existing.get("policy") or ("move" if i == 0
                                                                  else "grandfathered"),
            existing_from=dt.date.fromisoformat(moved) if moved else None,
            published_at=now if v.get("published") else None,
            changes_json=orjson.dumps(v.get("prices") or []).decode("utf-8")))


def publish_versions(conn: Connection) -> None:
    """Every version exported now is published (read-only from now on)."""
    t = _t()
    conn.execute(update(t).where(t.c.published_at.is_(None))
                 .values(published_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))


def summaries(conn: Connection) -> list[VersionSummary]:
    t = _t()
    rows = conn.execute(select(t).order_by(t.c.position)).all()
    return [VersionSummary(r.effective_date, r.name or r.effective_date.isoformat(), r.policy,
                           r.existing_from, r.published_at is not None,
                           orjson.loads(r.changes_json)) for r in rows]


def _row(conn: Connection, effective_date: dt.date) -> Any:
    t = _t()
    return conn.execute(select(t).where(t.c.effective_date == effective_date)).first()


def refuse_published(conn: Connection, effective_date: dt.date, what: str) -> None:
    row = _row(conn, effective_date)
    if row is None:
        raise ImportFailure(f"there is no catalog version {effective_date}")
    if row.published_at is not None:
        raise PublishedVersionError(
            f"catalog version {effective_date} is published (exported "
            f"{row.published_at:%Y-%m-%d %H:%M} UTC), so it is read-only: {what} refused. "
            "Schedule a new version with a later date instead.")


def add_version(conn: Connection, effective_date: dt.date, policy: str,
                existing_from: dt.date | None, prices: list[Doc], name: str | None,
                base_date: dt.date) -> None:
    """A new draft version (a first, unpublished version dated ``base_date`` is written for
    the catalog's own prices when there is none yet)."""
    t = _t()
    count = conn.execute(select(func.count()).select_from(t)).scalar_one()
    if count == 0:
        conn.execute(insert(t).values(position=0, effective_date=base_date, name=None,
                                      policy="move", existing_from=None, published_at=None,
                                      changes_json="[]"))
        count = 1
    if _row(conn, effective_date) is not None:
        raise ImportFailure(f"there is already a catalog version {effective_date}")
    last = conn.execute(select(func.max(t.c.effective_date))).scalar_one()
    if last is not None and effective_date <= last:
        raise ImportFailure(f"catalog version {effective_date} would come before catalog "
                            f"version {last}: a new version is dated after the last one")
    conn.execute(insert(t).values(
        position=count, effective_date=effective_date, name=name, policy=policy,
        existing_from=existing_from if policy == "move" else None, published_at=None,
        changes_json=orjson.dumps(prices).decode("utf-8")))


def change_version(conn: Connection, effective_date: dt.date, *, policy: str | None = None,
                   existing_from: dt.date | None = None,
                   prices: list[Doc] | None = None) -> None:
    refuse_published(conn, effective_date, "editing it is")
    t = _t()
    values: Doc = {}
    if policy is not None:
        values["policy"] = policy
        values["existing_from"] = existing_from if policy == "move" else None
    if prices is not None:
        values["changes_json"] = orjson.dumps(prices).decode("utf-8")
    if values:
        conn.execute(update(t).where(t.c.effective_date == effective_date).values(**values))


def remove_version(conn: Connection, effective_date: dt.date) -> None:
    refuse_published(conn, effective_date, "deleting it is")
    t = _t()
    row = _row(conn, effective_date)
    if row.position == 0:
        raise ImportFailure("the first catalog version is the catalog itself; it cannot be "
                            "deleted")
    conn.execute(delete(t).where(t.c.effective_date == effective_date))
    rest = conn.execute(select(t.c.id).order_by(t.c.position)).scalars().all()
    for i, ident in enumerate(rest):  # keep positions 0..n-1 (unique: shift through negatives)
        conn.execute(update(t).where(t.c.id == ident).values(position=-1 - i))
    conn.execute(update(t).values(position=-t.c.position - 1))


_RENAMED_FIELDS = {"services": "service", "currencies": "currency", "price_books": "price_book"}


def rename_references(conn: Connection, renames: dict[str, dict[Any, Any]]) -> None:
    """Objects renamed in Setup keep their place in the versions' price changes (services,
    currencies, price books, and statuses in ``amounts``/``tiers``)."""
    t = _t()
    statuses = renames.get("statuses") or {}
    for ident, text in conn.execute(select(t.c.id, t.c.changes_json)).all():
        changes = orjson.loads(text)
        for change in changes:
            for kind, key in _RENAMED_FIELDS.items():
                mapping = renames.get(kind) or {}
                if change.get(key) in mapping:
                    change[key] = mapping[change[key]]
            for key in ("amounts", "tiers"):
                if change.get(key):
                    change[key] = {statuses.get(s, s): v for s, v in change[key].items()}
        new = orjson.dumps(changes).decode("utf-8")
        if new != text:
            conn.execute(update(t).where(t.c.id == ident).values(changes_json=new))
