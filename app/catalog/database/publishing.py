"""Kill Bill publishing state kept in the catalog database: the names given to products,
plans, price lists and units (so every export keeps them), and the last version published
(its catalog name, effective date and XML, which the next export is checked against)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select

from app.catalog.database.store import _t, export_catalog, record_export
from app.models import schema as m
from app.models.database import Database

DEFAULT_CATALOG_NAME = "CatalogEditor"


@dataclass(frozen=True)
class Publication:
    published_at: dt.datetime
    catalog_name: str
    effective_date: str
    xml: bytes


def killbill_names(db: Database) -> dict[str, str]:
    """The names given by earlier Kill Bill exports, by key."""
    table = _t(m.KillBillName)
    with db.engine.connect() as conn:
        return {row.key: row.name for row in conn.execute(select(table))}


def last_publication(db: Database) -> Publication | None:
    """The last Kill Bill export of this database, or None."""
    table = _t(m.KillBillPublication)
    with db.engine.connect() as conn:
        row = conn.execute(select(table).order_by(table.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return Publication(row.published_at, row.catalog_name, row.effective_date,
                       row.xml.encode("utf-8"))  # fmt: skip


def remembered_catalog_name(db: Database) -> str:
    """The catalog name of the last publication (Kill Bill refuses a version named
    otherwise), else the default."""
    last = last_publication(db)
    return last.catalog_name if last is not None else DEFAULT_CATALOG_NAME


def prepare_killbill_export(
    db: Database, *, catalog_name: str | None = None, effective_date: dt.datetime | None = None
) -> tuple[dict[str, Any], Any]:
    """The catalog document and its Kill Bill export, keeping the names given before and
    renaming plans whose phases differ from the last published version."""
    from app.catalog.killbill.exporter import export_killbill

    doc = export_catalog(db)
    last = last_publication(db)
    done = export_killbill(
        doc,
        catalog_name=catalog_name or remembered_catalog_name(db),
        effective_date=effective_date,
        names=killbill_names(db),
        previous=last.xml if last is not None else None,
    )
    return doc, done


def record_publication(db: Database, path: str, doc: dict[str, Any], done: Any,
                       catalog_name: str) -> None:  # fmt: skip
    """Remember a Kill Bill export: its names, catalog name, effective date and XML."""
    import defusedxml.ElementTree as DET

    effective = DET.fromstring(done.data).findtext("effectiveDate") or ""
    names = _t(m.KillBillName)
    with db.engine.begin() as conn:
        conn.execute(delete(names))
        rows = [{"key": k, "name": v} for k, v in done.names.items()]
        if rows:
            conn.execute(insert(names), rows)
        conn.execute(insert(_t(m.KillBillPublication)).values(
            published_at=dt.datetime.now(dt.UTC).replace(tzinfo=None), catalog_name=catalog_name,
            effective_date=effective, xml=done.data.decode("utf-8")))  # fmt: skip
    record_export(db, path, "killbill-xml", doc)


def record_killbill_import(db: Database, data: bytes, names: dict[str, str]) -> None:
    """After importing a Kill Bill catalog: keep its names (so exports give every plan,
    product, price list and unit its Kill Bill name back) and take the file as the version
    last published (its catalog name, and the plan shapes the next export is checked with)."""
    import defusedxml.ElementTree as DET

    root = DET.fromstring(data)
    table = _t(m.KillBillName)
    rows = [{"key": k, "name": v} for k, v in names.items()]
    unique = {r["name"]: r for r in rows}  # a name is never given to two things
    with db.engine.begin() as conn:
        conn.execute(delete(table))
        if unique:
            conn.execute(insert(table), list(unique.values()))
        conn.execute(insert(_t(m.KillBillPublication)).values(
            published_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            catalog_name=root.findtext("catalogName") or DEFAULT_CATALOG_NAME,
            effective_date=root.findtext("effectiveDate") or "",
            xml=data.decode("utf-8", "replace")))  # fmt: skip
