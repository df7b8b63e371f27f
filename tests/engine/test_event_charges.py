"""Event charges (transition and penalty charges, one-time charges, early-termination fees) go
on the bill whose dates contain the day of the event; recurring charges keep following their
package period (docs/billing-rules.md, decisions 3 and 43)."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    D,
    account_doc,
    acct_package,
    acct_service,
    catalog_doc,
    charges,
    frequency,
    lines,
    one_time,
    package,
    recurring,
    run,
    service,
    transition_charge,
)

TV_SERVICES = ["TV", "TV Install", "Reactivation Fee"]


def quarterly_tv_catalog() -> dict[str, Any]:
    """Internet monthly 50.00; TV quarterly 90.00 Active (nothing while Suspended), with a
    reactivation fee of 25.00, a penalty of 10.00 for more than 1 month in Suspended, a 40.00
    one-time installation and a 12-month contract (early termination 150.00)."""
    tv = charges(
        [recurring("TV", {"Active": "90.00"})],
        [transition_charge("TV", "reactivation", "Reactivation Fee", "25.00",
                           {"amount": "10.00", "threshold_months": 1})],
        [one_time("TV Install", "40.00")],
    )
    return catalog_doc(
        [service("Internet 100"), service("TV"), service("TV Install", "one_time"),
         service("Reactivation Fee", "fee")],
        [package("Internet", ["Internet 100"], [frequency(
            "Internet Monthly", {"standard": {"USD": charges([
                recurring("Internet 100", {"Active": "50.00"})])}})]),
         package("TV", TV_SERVICES, [frequency(
             "TV Quarterly", {"standard": {"USD": tv}}, bill="quarterly",
             contract="12 months")])],
        contracts=[{"name": "12 months", "term_months": 12, "early_termination_fee": "150.00"}],
    )


def quarterly_tv_account() -> dict[str, Any]:
    """Both packages from 1 Jan 2026 on a monthly account (bill day 1). TV suspended 10 Jan,
    reactivated 20 Feb, its installation added 5 Feb, the TV package cancelled 15 Mar."""
    return account_doc([
        acct_package("Internet Monthly", "2026-01-01",
                     [acct_service("net", "Internet 100", [("Active", "2026-01-01")])]),
        acct_package("TV Quarterly", "2026-01-01", [
            acct_service("tv", "TV", [("Active", "2026-01-01"), ("Suspended", "2026-01-10"),
                                      ("Active", "2026-02-20")]),
            acct_service("inst", "TV Install", [("Active", "2026-02-05")]),
        ], cancelled="2026-03-15"),
    ])


def by_kind(bill: Any, period: int) -> dict[str, list[Decimal]]:
    found: dict[str, list[Decimal]] = {}
    for line in lines(bill, period):
        found.setdefault(f"{line.service or ''} {line.kind}".strip(), []).append(line.amount)
    return found


def test_event_charges_go_on_the_bill_of_their_day_recurring_on_the_package_period() -> None:
    """A quarterly package on a monthly account: its period 1 Jan..1 Apr is charged on the
    January bill, its events on the bill of their own day.

    By hand (the quarter has 90 days; TV is charged nothing while Suspended):
      January:  Internet 50.00; TV Active 1..10 Jan 90 x 9/90 = 9.00 and Active
                20 Feb..15 Mar (cancelled) 90 x 23/90 = 23.00, both on the bill of the
                quarter's first day                                            = 82.00
      February: Internet 50.00; penalty 10.00 (suspended 10 Jan, threshold crossed 10 Feb);
                reactivation fee 25.00 (20 Feb); TV Install 40.00 (added 5 Feb)  = 125.00
      March:    Internet 50.00; early termination 150.00 (last day of service 14 Mar,
                cancelled before the 12 months ran out)                       = 200.00
      April:    Internet 50.00                                                 = 50.00
    """
    bill, _ = run(quarterly_tv_catalog(), quarterly_tv_account(), "2026-01-01", 4)
    assert [p.total for p in bill.periods] == [D("82.00"), D("125.00"), D("200.00"),
                                               D("50.00")]
    assert by_kind(bill, 0) == {"Internet 100 recurring": [D("50.00")],
                                "TV recurring": [D("9.00"), D("23.00")]}
    assert by_kind(bill, 1) == {"Internet 100 recurring": [D("50.00")],
                                "TV Install one_time": [D("40.00")],
                                "Reactivation Fee transition": [D("25.00")],
                                "Reactivation Fee penalty": [D("10.00")]}
    assert by_kind(bill, 2) == {"Internet 100 recurring": [D("50.00")],
                                "contract_fee": [D("150.00")]}
    (fee,) = lines(bill, 1, "transition")
    assert (fee.start, fee.end) == (dt.date(2026, 2, 20), dt.date(2026, 2, 21))
    assert "Suspended -> Active on 2026-02-20" in fee.explanation
    tv = lines(bill, 0, "recurring")[2]
    assert "Active 2026-02-20..2026-03-15, 23/90 days of 2026-01-01..2026-04-01" in \
        tv.explanation


def test_events_inside_a_package_period_charged_before_the_first_bill_are_still_billed() -> None:
    """Simulating from 1 Feb: the TV quarter (1 Jan..1 Apr) was charged on the January bill,
    which is not simulated, so February and March carry no TV recurring line; its events of
    February and March are still billed, on their own days' bills.

    By hand:
      February: Internet 50.00 + penalty 10.00 + reactivation 25.00 + TV Install 40.00 = 125.00
      March:    Internet 50.00 + early termination 150.00                             = 200.00
    """
    bill, _ = run(quarterly_tv_catalog(), quarterly_tv_account(), "2026-02-01", 2)
    assert [p.total for p in bill.periods] == [D("125.00"), D("200.00")]
    assert [ln.service for ln in lines(bill, 0, "recurring")] == ["Internet 100"]
    assert [ln.kind for ln in lines(bill, 1)] == ["recurring", "contract_fee"]


def test_an_event_before_the_first_bill_is_on_a_bill_not_simulated() -> None:
    """The same account with the installation added 20 Jan instead, simulated from 1 Feb: the
    installation is on the January bill, which is not simulated.

    By hand: February 50.00 + penalty 10.00 + reactivation 25.00 = 85.00, no one-time line;
    simulated from 1 Jan, the 40.00 is on January: 82.00 + 40.00 = 122.00."""
    account = quarterly_tv_account()
    account["packages"][1]["services"][1]["statuses"][0]["from"] = "2026-01-20"
    bill, _ = run(quarterly_tv_catalog(), account, "2026-02-01", 1)
    assert bill.periods[0].total == D("85.00")
    assert lines(bill, 0, "one_time") == []
    bill, _ = run(quarterly_tv_catalog(), account, "2026-01-01", 1)
    assert bill.periods[0].total == D("122.00")
    assert [ln.amount for ln in lines(bill, 0, "one_time")] == [D("40.00")]


def test_event_charges_after_the_last_bill_are_left_for_a_later_bill() -> None:
    """Simulating January only: the TV quarter is on it (9.00 + 23.00), but none of its events
    (10 Feb, 20 Feb, 5 Feb, 14 Mar) falls in January: 50.00 + 9.00 + 23.00 = 82.00, no event
    line."""
    bill, _ = run(quarterly_tv_catalog(), quarterly_tv_account(), "2026-01-01", 1)
    assert bill.periods[0].total == D("82.00")
    assert {ln.kind for ln in lines(bill, 0)} == {"recurring"}
