"""Catalog versions: scheduled price changes and which version prices each day.

A catalog is a sequence of versions (docs/versions.md). The first is the document's own prices,
from its ``effective_date``; each later version changes recurring prices from its own date. For
one account-package (docs/billing-rules.md, decision V1):

- a package started on or after a version's effective date is priced by that version (the
  newest such version: "price for new subscriptions from ...");
- one started before follows the version's policy: ``grandfathered`` keeps the price it had,
  for as long as it is held; ``move`` gives it the new price from ``existing_from`` ("price for
  existing subscriptions from ...").

Each version's catalog shares everything with the one before it except the frequencies whose
prices it changes (built from their documents with the changes applied), so a version costs
the frequencies it touches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.engine.problems import Problem
from app.engine.snapshot import STANDARD_BOOK, Catalog, CatalogError

GRANDFATHERED = "grandfathered"
MOVE = "move"


@dataclass(frozen=True, slots=True)
class PriceChange:
    """A changed recurring price: ``amounts``/``tiers`` (status -> document value) replace the
    frequency's prices for ``service`` in ``price_book`` and ``currency``."""

    frequency: str
    price_book: str
    currency: str
    service: str
    amounts: Mapping[str, str]
    tiers: Mapping[str, Any]
    path: str

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"frequency": self.frequency, "price_book": self.price_book,
                               "currency": self.currency, "service": self.service}
        if self.amounts:
            doc["amounts"] = dict(self.amounts)
        if self.tiers:
            doc["tiers"] = dict(self.tiers)
        return doc


@dataclass(frozen=True, slots=True)
class CatalogVersion:
    """One version: ``catalog`` prices every day it is in force (``None`` for the first
    version: the catalog that holds the versions)."""

    index: int
    name: str
    effective: dt.date
    policy: str  # grandfathered or move (the first version: move)
    existing_from: dt.date  # move: when existing subscriptions take it; else its date
    published: bool
    changes: tuple[PriceChange, ...]
    catalog: Catalog | None
    #: The package frequencies whose prices this version changes (worked out from ``changes``).
    changed: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "changed", frozenset(c.frequency for c in self.changes))


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of a package's life priced by one version: ``start`` (inclusive) to ``end``
    (exclusive; ``None``: open)."""

    start: dt.date
    end: dt.date | None
    version: CatalogVersion
    started_under: bool  # the package started on or after the version's date

    def label(self) -> str:
        v = self.version
        if self.started_under:
            return f"catalog version {v.name}, price for new subscriptions from {v.effective}"
        return f"catalog version {v.name}, price for existing subscriptions from {v.existing_from}"


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def parse_versions(raw: Sequence[Mapping[str, Any]]) -> list[tuple[str, dt.date, str, dt.date,
                                                                    bool, tuple[PriceChange, ...]]]:
    """The versions section read into plain values (schema-valid input)."""
    parsed = []
    for i, v in enumerate(raw):
        effective = _date(v["effective_date"])
        existing = v.get("existing_subscriptions") or {}
        policy = existing.get("policy") or (MOVE if i == 0 else GRANDFATHERED)
        moved = existing.get("from")
        existing_from = _date(moved) if moved else effective
        changes = tuple(
            PriceChange(c["frequency"], c.get("price_book") or STANDARD_BOOK, c["currency"],
                        c["service"], dict(c.get("amounts") or {}), dict(c.get("tiers") or {}),
                        f"versions[{i}].prices[{j}]")
            for j, c in enumerate(v.get("prices") or ()))
        parsed.append((v.get("name") or effective.isoformat(), effective, policy, existing_from,
                       bool(v.get("published")), changes))
    return parsed


def with_versions(catalog: Catalog, raw: Sequence[Mapping[str, Any]], *,
                  check: bool = True) -> Catalog:
    """``catalog`` holding the versions of the document's ``versions`` section."""
    first = parse_versions(raw)
    base = CatalogVersion(0, first[0][0], first[0][1], MOVE, first[0][1], first[0][4], (), None)
    later = [CatalogVersion(i, n, e, p, f, pub, ch, None)
             for i, (n, e, p, f, pub, ch) in enumerate(first[1:], start=1)]
    return _build(catalog, base, later, check)


def rebuild_versions(catalog: Catalog, versions: Sequence[CatalogVersion]) -> Catalog:
    """``catalog`` (a new base, e.g. after an edit) with the same scheduled versions."""
    later = [dataclasses.replace(v, changes=tuple(c for c in v.changes
                                                  if c.frequency in catalog.frequencies))
             for v in versions[1:]]  # a change of a frequency since removed goes with it
    return _build(catalog, versions[0], later, check=False)


def _build(catalog: Catalog, base: CatalogVersion, later: Sequence[CatalogVersion],
           check: bool) -> Catalog:
    built = [base]
    previous = catalog
    problems: list[Problem] = []
    for v in later:
        # a catalog consistent by construction (check=False) skips a change that no longer
        # applies (its frequency renamed since): validation and lint name it
        version_catalog = _apply(previous, v.changes, problems if check else [])
        v = dataclasses.replace(v, catalog=version_catalog)
        built.append(v)
        previous = version_catalog
    if problems:
        raise CatalogError(problems)
    if check:
        for v in built[1:]:
            assert v.catalog is not None
            for name in v.changed:
                v.catalog.frequencies[name]  # builds it: a bad price raises CatalogError
    return dataclasses.replace(catalog, versions=tuple(built))


def _apply(catalog: Catalog, changes: Sequence[PriceChange], problems: list[Problem]) -> Catalog:
    """A catalog sharing everything with ``catalog`` but the frequencies ``changes`` touch."""
    table = catalog.frequencies
    raw: dict[str, Any] = {}
    for c in changes:
        if c.frequency not in table:
            problems.append(Problem(f"{c.path}.frequency",
                                    f"unknown package frequency '{c.frequency}'"))
            continue
        f, package, path, members = raw.get(c.frequency) or table.raw(c.frequency)  # type: ignore[attr-defined]
        changed = changed_frequency(f, c)
        if changed is None:
            problems.append(Problem(c.path, f"package frequency '{c.frequency}' has no recurring "
                                    f"price for '{c.service}' in price book '{c.price_book}' "
                                    f"and currency {c.currency} to change"))
            continue
        raw[c.frequency] = (changed, package, path, members)
    frequencies = table.replacing(raw, set()) if raw else table  # type: ignore[attr-defined]
    return dataclasses.replace(catalog, frequencies=frequencies, memo={}, versions=())


def changed_frequency(f: Mapping[str, Any], change: PriceChange) -> dict[str, Any] | None:
    """A copy of frequency document ``f`` with ``change`` applied (``None``: it has no such
    recurring row). Only the objects on the way to the row are copied."""
    books = f.get("price_books") or {}
    charges = (books.get(change.price_book) or {}).get(change.currency)
    if charges is None:
        return None
    rows = list(charges.get("recurring") or ())
    for k, row in enumerate(rows):
        if row.get("service") != change.service:
            continue
        row = dict(row)
        if change.amounts:
            row["amounts"] = {**(row.get("amounts") or {}), **change.amounts}
        if change.tiers:
            row["tiers"] = {**(row.get("tiers") or {}), **change.tiers}
        rows[k] = row
        new_charges = {**charges, "recurring": rows}
        new_books = {**books, change.price_book: {**books[change.price_book],
                                                  change.currency: new_charges}}
        return {**f, "price_books": new_books}
    return None


def pieces(catalog: Catalog, start: dt.date) -> tuple[Piece, ...]:
    """The versions pricing a package started on ``start``, in order, from ``start`` on."""
    key = ("version pieces", start)
    found: tuple[Piece, ...] | None = catalog.memo.get(key)
    if found is not None:
        return found
    versions = catalog.versions
    initial = 0
    for v in versions:
        if v.effective <= start:
            initial = v.index
    moves = sorted({v.existing_from for v in versions[initial + 1:]
                    if v.policy == MOVE})
    days = [start] + [d if d > start else start for d in moves]

    def in_force(day: dt.date) -> int:
        best = initial
        for v in versions[initial + 1:]:
            if v.policy == MOVE and v.existing_from <= day:
                best = max(best, v.index)
        return best

    result: list[Piece] = []
    for day in days:
        index = in_force(day)
        if result and result[-1].version.index == index:
            continue
        if result:
            last = result[-1]
            result[-1] = Piece(last.start, day, last.version, last.started_under)
        result.append(Piece(day, None, versions[index], index == initial))
    found = tuple(result)
    catalog.memo[key] = found
    return found


def catalog_of(catalog: Catalog, version: CatalogVersion) -> Catalog:
    return catalog if version.catalog is None else version.catalog


def grandfather_note(catalog: Catalog, piece: Piece, day: dt.date, frequency: str) -> str:
    """What later versions in force on ``day`` that change ``frequency`` mean for a package
    priced by ``piece``."""
    notes = []
    for v in catalog.versions[piece.version.index + 1:]:
        if v.effective > day:
            break
        if frequency not in v.changed:
            continue
        if v.policy == GRANDFATHERED:
            notes.append(f"grandfathered: catalog version {v.name} prices only subscriptions "
                         f"started from {v.effective}")
        elif v.existing_from > day:
            notes.append(f"moves to catalog version {v.name} on {v.existing_from}")
    return "".join(f"; {n}" for n in notes)


def before_last_version(catalog: Catalog) -> Catalog:
    """The catalog as it bills without its last scheduled version (the "before" of a
    before/after comparison); a catalog with one version is itself."""
    if len(catalog.versions) < 2:
        return catalog
    return dataclasses.replace(catalog, versions=catalog.versions[:-1], memo={})


def without_versions(catalog: Catalog) -> Catalog:
    return dataclasses.replace(catalog, versions=(), memo={}) if catalog.versions else catalog
