"""Catalog versions for the window and the command line: before/after bills of a scenario
(one job for both), and the catalog document of one version (for ``diff --versions``)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.catalog.jobs import Billing
from app.engine.problems import Problem, ScenarioError

Doc = dict[str, Any]


@dataclass(frozen=True)
class ComparisonOutcome:
    """The before/after document (``None`` with the problems that prevent it)."""

    comparison: Doc | None
    problems: list[Problem] = field(default_factory=list)
    catalog_fault: bool = False


def compare_account(billing: Billing, account_doc: object, start: dt.date, periods: int, *,
                    trusted: bool = False) -> ComparisonOutcome:
    """``account_doc``'s bills before and after the catalog's last scheduled version, period
    by period; periods that differ are marked, with the lines that differ."""
    from app.catalog.database.accounts import schema_problems
    from app.catalog.document.contract import normalize
    from app.engine import account_from_document
    from app.engine.compare import compare_versions

    if not billing.ok:
        return ComparisonOutcome(None, billing.problems, catalog_fault=True)
    account_doc, _ = normalize(account_doc, "account")
    if not trusted:
        problems = schema_problems(account_doc)
        if problems:
            return ComparisonOutcome(None, problems)
    if not isinstance(account_doc, Mapping):
        return ComparisonOutcome(None, [Problem("", "an account document must be a JSON object")])
    try:
        account = account_from_document(account_doc, billing.catalog)
        cmp = compare_versions(billing.catalog, account, start, periods)
    except ScenarioError as exc:
        return ComparisonOutcome(None, list(exc.problems))
    money = cmp.money
    return ComparisonOutcome({
        "currency": cmp.after.currency,
        "before_version": cmp.before_version, "after_version": cmp.after_version,
        "periods": [{
            "start": p.start.isoformat(), "end": p.end.isoformat(),
            "before": money(p.before.total), "after": money(p.after.total),
            "difference": money(p.difference), "differs": p.differs, "notes": list(p.notes),
            "lines": [{"package": d.package, "service": d.service, "kind": d.kind,
                       "before": money(d.before), "after": money(d.after),
                       "difference": money(d.difference), "explanation": d.explanation}
                      for d in p.lines],
        } for p in cmp.periods],
        "before_total": money(cmp.before.total), "after_total": money(cmp.after.total),
        "difference": money(cmp.difference),
    })


def version_names(doc: Mapping[str, Any]) -> list[str]:
    """The versions of a catalog document by date (and name), oldest first."""
    return [v["effective_date"] for v in doc.get("versions") or ()]


def version_document(doc: Mapping[str, Any], which: str) -> Doc:
    """The catalog as version ``which`` (its date or name) prices it: the packages with every
    version's price changes up to it applied, without the ``versions`` section.
    Raises ``KeyError`` naming the known versions when there is no such version."""
    from app.engine.packed import unpacked
    from app.engine.versions import PriceChange, changed_frequency

    versions = list(doc.get("versions") or ())
    index = next((i for i, v in enumerate(versions)
                  if which in (v["effective_date"], v.get("name"))), None)
    if index is None:
        known = ", ".join(version_names(doc)) or "none: the catalog has one version"
        raise KeyError(f"no catalog version {which!r} (versions: {known})")
    out: Doc = copy.deepcopy(unpacked({k: v for k, v in doc.items() if k != "versions"}))
    where = {f["name"]: (p, j) for p in out["packages"] for j, f in enumerate(p["frequencies"])}
    for i, v in enumerate(versions[1:index + 1], start=1):
        for j, c in enumerate(v.get("prices") or ()):
            change = PriceChange(c["frequency"], c.get("price_book") or "standard",
                                 c["currency"], c["service"], c.get("amounts") or {},
                                 c.get("tiers") or {}, f"versions[{i}].prices[{j}]")
            if change.frequency not in where:
                continue
            package, k = where[change.frequency]
            changed = changed_frequency(package["frequencies"][k], change)
            if changed is not None:
                package["frequencies"][k] = changed
    return out


def diff_versions(doc: Mapping[str, Any], first: str, second: str) -> list[Any]:
    """What catalog version ``second`` (its date or name) changes from version ``first``
    (``catalog-editor diff --versions`` and the Changes tab); ``KeyError`` for an unknown
    version, as :func:`version_document`."""
    from app.catalog.document.diff import diff_catalogs

    return diff_catalogs(version_document(doc, first), version_document(doc, second))
