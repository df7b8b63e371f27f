"""Contracts: cancelling an account-package before its contract term ends charges the
early-termination fee once, on the bill whose dates contain the package's last day of service
(whatever the package's own period: decision 43 of docs/billing-rules.md). The term runs
``term_months`` from the account-package's start; only the first term is considered (there is
no renewal in a scenario).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.engine.bill import BillLine
from app.engine.context import ONE_DAY
from app.engine.money import ONE, round_money
from app.engine.periods import add_months
from app.engine.scenario import AccountPackage
from app.engine.snapshot import Catalog, Contract, PackageFrequency

if TYPE_CHECKING:
    from app.engine.context import PackagePeriod


@dataclass(frozen=True, slots=True)
class EarlyTermination:
    contract: Contract
    term_end: dt.date
    cancelled: dt.date
    charge_day: dt.date  # the package's last day of service: its fee goes on that bill


def early_termination(catalog: Catalog, frequency: PackageFrequency,
                      package: AccountPackage) -> EarlyTermination | None:
    """The early termination of ``package``, if it was cancelled before its term ended."""
    if frequency.contract is None or package.cancelled is None:
        return None
    contract = catalog.contracts[frequency.contract]
    term_end = add_months(package.start, contract.term_months)
    if package.cancelled >= term_end:
        return None
    last_day = max(package.start, package.cancelled - dt.timedelta(days=1))
    return EarlyTermination(contract, term_end, package.cancelled, last_day)


def contract_line(here: PackagePeriod, termination: EarlyTermination) -> BillLine:
    """The early termination fee line, on the bill of the package's last day of service."""
    contract = termination.contract
    fee = contract.early_termination_fee
    run = here.run
    return BillLine(
        here.frequency.name, None, None, "contract_fee", None, ONE, fee, round_money(fee, run.q),
        contract.gl_code, None,
        f"early termination: contract '{contract.name}' ({contract.term_months} months from "
        f"{here.ap.start}, ends {termination.term_end}) cancelled on {termination.cancelled}, "
        f"fee {run.money(fee)}",
        f"Early termination fee ({contract.name})", termination.charge_day,
        termination.charge_day + ONE_DAY, None, None, None, here.rollup, here.ap.index,
    )
