"""Recurring charges of a versioned catalog: each part of a package period priced by the
catalog version in force for that account-package (app.engine.versions), every line naming it.

A package period that a version boundary crosses is split there: each part is prorated by its
days over the whole period's days, as a status change would split it (docs/billing-rules.md,
decision V2). The service's discounts then apply once to all the parts, as to one period.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Sequence

from app.engine.bill import BillLine
from app.engine.context import PackagePeriod, Run, ServiceTerms, service_terms
from app.engine.discounts import Segment
from app.engine.recurring import discount_lines, recurring_lines
from app.engine.scenario import AccountService
from app.engine.versions import CatalogVersion, Piece, catalog_of, grandfather_note


def version_run(run: Run, version: CatalogVersion) -> Run:
    """``run`` pricing by ``version`` (sharing the account's lookups and the bills)."""
    if version.catalog is None:
        return run
    found = run.version_runs.get(version.index)
    if found is None:
        found = copy.copy(run)
        found.catalog = catalog_of(run.catalog, version)
        found.prices = {}
        run.version_runs[version.index] = found
    return found


def versioned_recurring(here: PackagePeriod, svc: AccountService, terms: ServiceTerms,
                        parts: Sequence[Piece]) -> None:
    """The recurring lines of ``svc`` in ``here``, part by part of the versions pricing it,
    then its discounts over all of them."""
    run = here.run
    account = run.account
    segments: list[Segment] = []
    for piece in parts:
        lo = here.live_start if here.live_start > piece.start else piece.start
        hi = here.live_end if piece.end is None or piece.end > here.live_end else piece.end
        if lo >= hi:
            continue
        vrun = version_run(run, piece.version)
        if vrun is run and lo == here.live_start and hi == here.live_end:
            sub = here
        else:
            frequency = vrun.catalog.frequencies[here.frequency.name]
            sub = PackagePeriod(vrun, here.ap, frequency, here.package, here.held, here.period,
                                lo, hi, here.out)
            sub.whole = here.whole
        vterms = terms if vrun is run else service_terms(
            vrun.catalog, sub.frequency, account.price_book, account.currency, svc.service)
        sub.version = piece.version.name
        note = grandfather_note(run.catalog, piece, lo, here.frequency.name)
        sub.version_note = f"; {piece.label()}{note}"
        segments.extend(recurring_lines(sub, svc, vterms))
    here.version = None
    here.version_note = ""
    if segments and terms.discounted:
        discount_lines(here, svc, terms, segments)


def name_versions(run: Run, lines: list[BillLine],
                  parts_of: dict[int, Sequence[Piece]]) -> list[BillLine]:
    """Every other line of an account-package names the version in force on its first day."""
    named: list[BillLine] = []
    for line in lines:
        ap = line.account_package
        if line.catalog_version is not None or ap is None or ap not in parts_of:
            named.append(line)
            continue
        piece = _piece_on(parts_of[ap], line.start)
        if piece is None:
            named.append(line)
            continue
        named.append(dataclasses.replace(
            line, catalog_version=piece.version.name,
            explanation=f"{line.explanation}; catalog version {piece.version.name}"))
    return named


def _piece_on(parts: Sequence[Piece], day: dt.date | None) -> Piece | None:
    if not parts:
        return None
    if day is None:
        return parts[0]
    for piece in parts:
        if piece.end is None or day < piece.end:
            return piece
    return parts[-1]
