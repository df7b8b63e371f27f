"""Before and after the scheduled catalog version for every saved scenario at once (issue 13):
one summary per scenario (the first bill that changes, the totals before and after over its
horizon, the difference) or the problems that prevent it. Each scenario is compared exactly as
the Simulator compares it alone: from its earliest package start (else today), over its saved
horizon (else the Simulator's default of 3 periods), unless a start or a horizon is given for
all. The work is :func:`app.catalog.versions.compare_account`, once per scenario."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.catalog.jobs import Billing
from app.engine.problems import Problem

if TYPE_CHECKING:
    from app.models.database import Database

Doc = dict[str, Any]
DEFAULT_PERIODS = 3  # the Simulator's Periods box for a scenario that saved none


def scenario_start(doc: Mapping[str, Any]) -> dt.date:
    """Where the Simulator starts a scenario's bill: its earliest package start (else today)."""
    starts = []
    for pkg in doc.get("packages") or ():
        try:
            starts.append(dt.date.fromisoformat(pkg.get("start") or ""))
        except (TypeError, ValueError, AttributeError):
            continue
    return min(starts) if starts else dt.date.today()


def scenario_periods(doc: Mapping[str, Any]) -> int:
    """The scenario's saved horizon (``simulation.periods``), else the Simulator's default."""
    from app.catalog.database.accounts import horizon

    return horizon(dict(doc)) or DEFAULT_PERIODS


@dataclass(frozen=True)
class ScenarioComparison:
    """One saved scenario before and after (``problems`` instead when it cannot be billed)."""

    name: str
    start: dt.date | None
    periods: int
    currency: str | None = None
    first_changed: str | None = None  # the start of the first bill that differs
    changed_periods: int = 0
    before_total: str | None = None
    after_total: str | None = None
    difference: str | None = None
    problems: list[Problem] = field(default_factory=list)
    comparison: Doc | None = None  # the whole document of compare_account

    @property
    def ok(self) -> bool:
        return self.comparison is not None

    @property
    def changes(self) -> bool:
        """Some bill differs under the scheduled version."""
        return self.changed_periods > 0 or (
            self.difference is not None and Decimal(self.difference) != 0)

    def as_dict(self) -> Doc:
        """The summary as ``simulate --compare-versions --all-scenarios`` writes it."""
        return {"scenario": self.name,
                "from": self.start.isoformat() if self.start else None,
                "periods": self.periods, "currency": self.currency,
                "changes": self.changes, "first_changed_period": self.first_changed,
                "changed_periods": self.changed_periods,
                "before_total": self.before_total, "after_total": self.after_total,
                "difference": self.difference,
                "problems": [{"path": p.path, "message": p.message} for p in self.problems]}


def compare_scenario(billing: Billing, name: str, doc: Doc, start: dt.date | None = None,
                     periods: int | None = None) -> ScenarioComparison:
    """One scenario's summary (``start``/``periods``: None, the scenario's own)."""
    from app.catalog.versions import compare_account

    first = start or scenario_start(doc)
    count = periods or scenario_periods(doc)
    outcome = compare_account(billing, doc, first, count)
    cmp = outcome.comparison
    if cmp is None:
        return ScenarioComparison(name, first, count, problems=list(outcome.problems))
    changed = [p for p in cmp["periods"] if p["differs"]]
    return ScenarioComparison(
        name, first, count, cmp["currency"], changed[0]["start"] if changed else None,
        len(changed), cmp["before_total"], cmp["after_total"], cmp["difference"],
        comparison=cmp)


def compare_scenarios(billing: Billing, scenarios: Iterable[tuple[str, Doc]],
                      start: dt.date | None = None, periods: int | None = None,
                      step: Callable[[int, str], None] | None = None
                      ) -> list[ScenarioComparison]:
    """Each (name, document) compared; ``step(i, name)`` before each (progress, cancel)."""
    out = []
    for i, (name, doc) in enumerate(scenarios):
        if step is not None:
            step(i, name)
        out.append(compare_scenario(billing, name, doc, start, periods))
    return out


def saved_scenarios(db: Database) -> list[tuple[str, Doc]]:
    """Every saved scenario's name and document, in the Simulator's order."""
    from app.catalog.database.accounts import list_accounts, load_account

    return [(name, load_account(db, name)) for name in list_accounts(db)]


def compare_all_scenarios(db: Database, billing: Billing | None = None,
                          start: dt.date | None = None, periods: int | None = None
                          ) -> list[ScenarioComparison]:
    """Every saved scenario of ``db`` before and after the scheduled catalog version
    (``billing``: None, prepared from the database's catalog)."""
    if billing is None:
        from app.catalog.database.store import snapshot_document
        from app.catalog.jobs import prepare_billing

        billing = prepare_billing(snapshot_document(db), trusted=True)
    return compare_scenarios(billing, saved_scenarios(db), start, periods)
