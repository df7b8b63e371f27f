"""Running the billing engine for the simulator: scenario in, bill document or problems out.

The catalog snapshot is built once per catalog change (:class:`Simulation`); each scenario edit
then costs one :func:`app.engine.simulate` call. Whatever goes wrong comes back as problems with
JSON paths, never as an exception: a schema fault, a :class:`ScenarioError` from the engine, or
(as a last resort) an unexpected engine failure reported against the whole document.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from app.catalog import jobs
from app.catalog.database.accounts import schema_problems
from app.catalog.errors import Problem
from app.views.simulator.catalog import CatalogLookup

Doc = dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """One simulation: the bill document, or the problems that prevent it (with a bill,
    ``problems`` holds the warnings: things billed anyway that deserve a look)."""

    bill: Doc | None
    problems: list[Problem] = field(default_factory=list)
    milliseconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.bill is not None


def default_start(doc: Doc) -> dt.date:
    """Where a bill naturally starts: the earliest account-package start (else today); the
    application layer's, which the before/after of all scenarios uses too."""
    from app.catalog.versions_all import scenario_start

    return scenario_start(doc)


class Simulation:
    """The engine's immutable catalog snapshot plus the editor's lookups, for one catalog.

    The work is the application layer's (:func:`app.catalog.jobs.prepare_billing` and
    :func:`app.catalog.jobs.bill_account`, which ``catalog-editor simulate`` calls too)."""

    def __init__(self, catalog_doc: Doc) -> None:
        self.catalog_doc = catalog_doc
        self.lookup = CatalogLookup(catalog_doc)
        # The database's constraints already hold every reference: built lazily.
        self.billing = jobs.prepare_billing(catalog_doc, trusted=True)
        self.catalog: Any = self.billing.catalog
        self.catalog_problems = [Problem(f"catalog: {p.path}", p.message)
                                 for p in self.billing.problems]

    def updated(self, catalog_doc: Doc, kinds: frozenset[str], packages: frozenset[str],
                fresh: list[Doc]) -> Simulation:
        """The simulation of ``catalog_doc``, which differs from this one's document only in
        the packages named (when ``kinds`` is just ``packages``; ``fresh``: the documents of
        those ``catalog_doc`` has, as ``store.snapshot_packages`` gives them): those packages
        rebuilt, the rest of the snapshot and lookups shared. Anything wider builds a new
        simulation."""
        from app.catalog.jobs import replace_packages

        if self.catalog is None or kinds - {"packages"}:
            return Simulation(catalog_doc)
        removed = set(packages) - {p["name"] for p in fresh}
        simulation = Simulation.__new__(Simulation)
        simulation.catalog_doc = catalog_doc
        simulation.lookup = self.lookup.replacing(catalog_doc, fresh, removed)
        simulation.catalog_problems = []
        simulation.catalog = replace_packages(self.catalog, fresh, removed)
        simulation.billing = jobs.Billing(simulation.catalog)
        return simulation

    def run(self, doc: Doc, start: dt.date, periods: int) -> Outcome:
        """Simulate ``periods`` periods from ``start``; problems instead of a bill when the
        scenario (or the catalog) cannot be billed."""
        began = time.perf_counter()
        if self.catalog is None:
            outcome = jobs.BillOutcome(None, self.catalog_problems + schema_problems(doc))
        else:
            # The editor writes well-typed values: the scenario is trusted (the JSON Schema is
            # consulted only when the engine refuses it).
            outcome = jobs.bill_account(self.billing, doc, start, periods, trusted=True)
        elapsed = (time.perf_counter() - began) * 1000
        return Outcome(outcome.bill, outcome.problems, elapsed)


def compare(simulation: Simulation, doc: Doc, start: dt.date, periods: int) -> tuple[
        Doc | None, list[Problem]]:
    """The scenario's bills before and after the catalog's last scheduled version (the
    application layer's :func:`app.catalog.versions.compare_account`, which
    ``simulate --compare-versions`` calls too)."""
    from app.catalog.versions import compare_account

    if simulation.catalog is None:
        return None, simulation.catalog_problems
    outcome = compare_account(simulation.billing, doc, start, periods, trusted=True)
    return outcome.comparison, outcome.problems
