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

from app.catalog.database.accounts import schema_problems
from app.engine.problems import Problem, ScenarioError
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
    """Where a bill naturally starts: the earliest account-package start (else today)."""
    starts = []
    for pkg in doc.get("packages", []):
        try:
            starts.append(dt.date.fromisoformat(pkg.get("start") or ""))
        except ValueError:
            continue
    return min(starts) if starts else dt.date.today()


class Simulation:
    """The engine's immutable catalog snapshot plus the editor's lookups, for one catalog."""

    def __init__(self, catalog_doc: Doc) -> None:
        from app.engine import catalog_from_document

        self.catalog_doc = catalog_doc
        self.lookup = CatalogLookup(catalog_doc)
        self.catalog_problems: list[Problem] = []
        self.catalog: Any = None
        try:
            # The database's constraints already hold every reference: build lazily.
            self.catalog = catalog_from_document(catalog_doc, check=False)
        except ScenarioError as exc:
            self.catalog_problems = [Problem(f"catalog: {p.path}", p.message)
                                     for p in exc.problems]

    def updated(self, catalog_doc: Doc, kinds: frozenset[str], packages: frozenset[str]) -> \
            Simulation:
        """The simulation of ``catalog_doc``, which differs from this one's document only in
        the packages named (when ``kinds`` is just ``packages``): those packages rebuilt, the
        rest of the snapshot and lookups shared. Anything wider builds a new simulation."""
        from app.engine import replace_packages

        if self.catalog is None or kinds - {"packages"}:
            return Simulation(catalog_doc)
        fresh = [p for p in catalog_doc.get("packages", []) if p["name"] in packages]
        removed = set(packages) - {p["name"] for p in fresh}
        simulation = Simulation.__new__(Simulation)
        simulation.catalog_doc = catalog_doc
        simulation.lookup = self.lookup.replacing(catalog_doc, fresh, removed)
        simulation.catalog_problems = []
        simulation.catalog = replace_packages(self.catalog, fresh, removed)
        return simulation

    def run(self, doc: Doc, start: dt.date, periods: int) -> Outcome:
        """Simulate ``periods`` periods from ``start``; problems instead of a bill when the
        scenario (or the catalog) cannot be billed."""
        from app.engine import account_from_document, bill_to_document, simulate

        began = time.perf_counter()
        bill = None
        if self.catalog is None:
            problems = self.catalog_problems + schema_problems(doc)
        else:
            # The engine checks every field itself (each problem with its path); the editor
            # only writes well-typed values and imports are schema-checked, so the JSON
            # Schema (a third of the time of a recomputation) is consulted only on failure.
            try:
                account = account_from_document(doc, self.catalog)
                bill = bill_to_document(simulate(self.catalog, account, start, periods))
                problems = list(account.warnings)  # notes beside their fields; billed anyway
            except ScenarioError as exc:
                problems = list(exc.problems)
            except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
                problems = schema_problems(doc) or [
                    Problem("", f"the billing engine failed: {exc!r}")]
        elapsed = (time.perf_counter() - began) * 1000
        return Outcome(bill, problems, elapsed)
