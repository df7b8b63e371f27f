"""Lint of a catalog's versions (docs/versions.md): the versioning traps that production
systems refuse or get wrong. All warnings:

- a plan whose phases change shape between two versions (the number or types of its Kill Bill
  phases: a price change that makes a discount period free turns a DISCOUNT phase into a
  TRIAL, one that makes it cost the full price merges it away). Kill Bill refuses such a
  version for a plan it keeps;
- two scheduled changes of one frequency that take effect inside one of its billing periods
  (subscribers get two prices in one bill, and Kill Bill bills the period by one of them);
- a draft version dated before a published one (subscribers were already billed by the
  published version from that date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from app.catalog.document.wording import Found

_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def _day(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def _period_end(day: dt.date, bill: object) -> dt.date:
    """The end of a billing period of ``bill`` frequency that starts on ``day``."""
    if bill == "weekly":
        return day + dt.timedelta(days=7)
    months = bill.get("months") if isinstance(bill, Mapping) else _MONTHS.get(str(bill), 1)
    total = day.month - 1 + int(months or 1)
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def lint_versions(doc: Mapping[str, Any]) -> list[Found]:
    versions = list(doc.get("versions") or ())
    if len(versions) < 2:
        return []
    found: list[Found] = []
    dates = [_day(v.get("effective_date")) for v in versions]
    published = [i for i, v in enumerate(versions) if v.get("published")]
    for i, v in enumerate(versions):
        later = [j for j in published if j > i]
        if not v.get("published") and later and dates[i] and dates[later[-1]]:
            j = later[-1]
            found.append((("versions", i, "effective_date"),
                          f"draft catalog version {dates[i]} is dated before published catalog "
                          f"version {dates[j]}: subscribers are already billed by it from "
                          f"{dates[j]}; schedule the change after {dates[j]}", "warning"))
    bills = {f["name"]: f.get("bill_frequency", "monthly") for p in doc.get("packages") or ()
             for f in p.get("frequencies") or ()}
    last: dict[str, tuple[int, dt.date]] = {}
    for i, v in enumerate(versions[1:], start=1):
        day = dates[i]
        if day is None:
            continue
        for j, change in enumerate(v.get("prices") or ()):
            name = change.get("frequency")
            if name not in bills:
                continue
            before = last.get(name)
            if before is not None and before[0] != i and day < _period_end(before[1], bills[name]):
                found.append((("versions", i, "prices", j),
                              f"package frequency {name!r} changes price twice within one "
                              f"billing period (catalog versions {before[1]} and {day}): a "
                              "bill would carry two prices for one period", "warning"))
            last[name] = (i, day)
    found.extend(_phase_shapes(doc, versions))
    return found


def _phase_shapes(doc: Mapping[str, Any], versions: list[Mapping[str, Any]]) -> list[Found]:
    """Plans whose Kill Bill phases differ between a version and the one before it (only the
    packages the versions change are exported)."""
    from app.catalog.killbill.exporter import export_killbill
    from app.catalog.killbill.shadow import read_plans
    from app.catalog.versions import version_document

    changed = {c.get("frequency") for v in versions[1:] for c in v.get("prices") or ()}
    packages = [p for p in doc.get("packages") or ()
                if any(f.get("name") in changed for f in p.get("frequencies") or ())]
    if not packages:
        return []
    small = {**doc, "packages": packages}
    found: list[Found] = []
    try:
        shapes = []
        for v in versions:
            data = export_killbill(version_document(small, v["effective_date"]),
                                   effective_date=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).data
            shapes.append({n: tuple(p.type for p in plan.phases)
                           for n, plan in read_plans(data).items()})
    except Exception:  # noqa: BLE001 - a catalog the mapping cannot read: validation says why
        return []
    for i in range(1, len(shapes)):
        for name, phases in shapes[i].items():
            old = shapes[i - 1].get(name)
            if old is not None and old != phases:
                found.append((("versions", i, "prices"),
                              f"plan {name!r} changes its phases from "
                              f"{' + '.join(old)} to {' + '.join(phases)} in catalog version "
                              f"{versions[i]['effective_date']}: Kill Bill refuses a version "
                              "that changes the phases of a plan it keeps", "warning"))
    return found
