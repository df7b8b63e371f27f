"""The billing engine: bills from a catalog snapshot and an account scenario.

Pure Python over frozen dataclasses and ``Decimal``; no Qt, no SQLAlchemy, no I/O. One module
per rule family, reading like docs/billing-rules.md:

- :mod:`~app.engine.snapshot` the catalog (built by :mod:`~app.engine.catalog_loader`),
  :mod:`~app.engine.scenario` the account;
- :mod:`~app.engine.periods` periods and proration, :mod:`~app.engine.pricing` the four-step
  price resolution, :mod:`~app.engine.tiers`, :mod:`~app.engine.recurring` and
  :mod:`~app.engine.discounts`, :mod:`~app.engine.one_time`, :mod:`~app.engine.transitions`,
  :mod:`~app.engine.usage`, :mod:`~app.engine.tax`, :mod:`~app.engine.contracts`;
- :mod:`~app.engine.invoice` assembles the bill (with :mod:`~app.engine.context`),
  :mod:`~app.engine.bill` writes it; :mod:`~app.engine.money` holds the one rounding per line.
"""

from app.engine.bill import Bill, BillLine, BillPeriod, bill_to_document, printed_lines
from app.engine.catalog_loader import catalog_from_document, replace_packages
from app.engine.invoice import simulate
from app.engine.problems import Problem, ScenarioError
from app.engine.scenario import (
    Account,
    AccountPackage,
    AccountService,
    StatusChange,
    UsageRecord,
    account_from_document,
)
from app.engine.snapshot import Catalog, CatalogError

__all__ = [
    "Account",
    "AccountPackage",
    "AccountService",
    "Bill",
    "BillLine",
    "BillPeriod",
    "Catalog",
    "CatalogError",
    "Problem",
    "ScenarioError",
    "StatusChange",
    "UsageRecord",
    "account_from_document",
    "bill_to_document",
    "catalog_from_document",
    "printed_lines",
    "replace_packages",
    "simulate",
]
