"""A catalog with versions (docs/versions.md) exported to Kill Bill as a versioned catalog:
one ``<catalog>`` document per version, the same ``catalogName``, each with its version's
``effectiveDate``; in a version whose existing subscribers ``move``, every add-on plan whose
price the version changes carries ``effectiveDateForExistingSubscriptions`` (the move date).
Grandfathered versions leave it out: Kill Bill keeps existing subscriptions on the version
they were created with. Each version is exported with the names of the one before it and
compared with its phases, so Kill Bill accepts the sequence (``kb-validate --versions``).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as DET

from app.catalog.killbill.exporter import KillBillExport, export_killbill


@dataclass(frozen=True)
class VersionExport:
    """One version's Kill Bill document."""

    effective_date: dt.date
    name: str
    export: KillBillExport
    moved_plans: tuple[str, ...]  # plans carrying effectiveDateForExistingSubscriptions


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


def export_killbill_versions(doc: dict[str, Any], *, catalog_name: str = "CatalogEditor",
                             names: dict[str, str] | None = None,
                             previous: bytes | None = None) -> list[VersionExport]:
    """One Kill Bill export per version of ``doc`` (which must have a ``versions`` section)."""
    from app.catalog.versions import version_document

    out: list[VersionExport] = []
    for i, v in enumerate(doc.get("versions") or ()):
        day = dt.date.fromisoformat(v["effective_date"])
        done = export_killbill(version_document(doc, v["effective_date"]),
                               catalog_name=catalog_name, effective_date=_midnight(day),
                               names=names, previous=previous)
        moved: list[str] = []
        existing = v.get("existing_subscriptions") or {}
        if i > 0 and existing.get("policy") == "move":
            when = dt.date.fromisoformat(existing.get("from") or v["effective_date"])
            for c in v.get("prices") or ():
                published = done.published.get((c["frequency"], c.get("price_book")
                                                or "standard"))
                plan = None if published is None else published.addons(
                    c["currency"]).get(c["service"])
                if plan is not None and plan not in moved:
                    moved.append(plan)
            if moved:
                done = KillBillExport(_with_existing_date(done.data, moved, _midnight(when)),
                                      done.notes, done.published, done.names)
        out.append(VersionExport(day, v.get("name") or v["effective_date"], done,
                                 tuple(moved)))
        names, previous = done.names, done.data
    return out


def _with_existing_date(data: bytes, plans: list[str], when: dt.datetime) -> bytes:
    root = DET.fromstring(data)
    wanted = set(plans)
    for plan in root.iter("plan"):
        if plan.get("name") in wanted:
            element = ET.Element("effectiveDateForExistingSubscriptions")
            element.text = when.isoformat().replace("+00:00", "Z")
            plan.insert(0, element)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
