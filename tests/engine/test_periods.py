"""Billing periods anchored on the bill day: month ends, leap years, weekly and N-month grids,
and how the simulation's start date picks the first bill."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    D,
    account_doc,
    acct_package,
    acct_service,
    amounts,
    catalog_doc,
    charges,
    frequency,
    lines,
    one_service_account,
    package,
    recurring,
    run,
    service,
    simple_catalog,
)

from app.engine.periods import (  # noqa: E402
    MONTHLY,
    WEEKLY,
    BillFrequency,
    Grid,
    Period,
    add_months,
    bill_frequency_from_document,
    first_bill_day,
    statement_periods,
)

d = dt.date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (d(2026, 1, 31), 1, d(2026, 2, 28)),
    (d(2028, 1, 31), 1, d(2028, 2, 29)),  # leap year
    (d(2028, 2, 29), 12, d(2029, 2, 28)),
    (d(2026, 3, 31), -1, d(2026, 2, 28)),
    (d(2026, 11, 30), 3, d(2027, 2, 28)),
    (d(2026, 1, 15), 13, d(2027, 2, 15)),
])
def test_add_months_clamps_to_the_end_of_the_month(day: dt.date, months: int,
                                                   expected: dt.date) -> None:
    assert add_months(day, months) == expected


def test_first_bill_day_on_or_after_the_start() -> None:
    assert first_bill_day(d(2026, 1, 15), 15) == d(2026, 1, 15)
    assert first_bill_day(d(2026, 1, 10), 15) == d(2026, 1, 15)
    assert first_bill_day(d(2026, 1, 16), 15) == d(2026, 2, 15)
    assert first_bill_day(d(2026, 12, 31), 1) == d(2027, 1, 1)


def test_monthly_periods_run_from_bill_day_to_bill_day() -> None:
    grid = Grid(MONTHLY, d(2026, 1, 15))
    assert grid.containing(d(2026, 3, 10)) == Period(d(2026, 2, 15), d(2026, 3, 15))
    assert grid.containing(d(2026, 3, 15)) == Period(d(2026, 3, 15), d(2026, 4, 15))
    assert grid.containing(d(2026, 3, 14)).days == 28


def test_quarterly_and_n_month_grids_step_from_their_anchor() -> None:
    quarterly = Grid(BillFrequency(3, "quarterly"), d(2026, 2, 1))
    assert quarterly.containing(d(2026, 1, 20)) == Period(d(2025, 11, 1), d(2026, 2, 1))
    assert quarterly.containing(d(2026, 6, 30)) == Period(d(2026, 5, 1), d(2026, 8, 1))
    every_two = Grid(bill_frequency_from_document({"months": 2}), d(2026, 1, 1))
    assert every_two.following(Period(d(2026, 1, 1), d(2026, 3, 1))) == \
        Period(d(2026, 3, 1), d(2026, 5, 1))


def test_weekly_grid_passes_through_its_anchor() -> None:
    grid = Grid(WEEKLY, d(2026, 1, 5))
    assert grid.containing(d(2026, 1, 1)) == Period(d(2025, 12, 29), d(2026, 1, 5))
    assert grid.containing(d(2026, 1, 12)) == Period(d(2026, 1, 12), d(2026, 1, 19))
    assert [p.start.day for p in statement_periods(grid, d(2026, 1, 6), 3)] == [5, 12, 19]


@pytest.mark.parametrize("value", ["fortnightly", {"months": 0}, {"weeks": 2}, 3])
def test_unknown_bill_frequencies_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="unknown bill frequency"):
        bill_frequency_from_document(value)


def test_from_date_off_the_bill_day_is_aligned_to_the_period_that_contains_it() -> None:
    bill, _ = run(simple_catalog(), one_service_account([("Active", "2026-01-01")], bill_day=5),
                  "2026-02-20", 2)
    assert [(p.start, p.end) for p in bill.periods] == [
        (d(2026, 2, 5), d(2026, 3, 5)), (d(2026, 3, 5), d(2026, 4, 5))]
    assert [p.total for p in bill.periods] == [D("50.00"), D("50.00")]


def test_leap_year_february_has_29_days() -> None:
    bill, _ = run(simple_catalog(), one_service_account([("Active", "2028-02-15")]),
                  "2028-02-01", 2)
    (line,) = lines(bill, 0)
    assert line.amount == D("25.86")  # 50 x 15 / 29 = 25.862...
    assert "15/29 days" in line.explanation
    assert amounts(bill, 1) == [D("50.00")]  # March


def test_package_starting_on_a_month_end_with_a_late_bill_day() -> None:
    """Bill day 28, start 31 January: the first period is 28 Jan..28 Feb (31 days)."""
    bill, _ = run(simple_catalog(), one_service_account([("Active", "2026-01-31")], bill_day=28),
                  "2026-01-31", 2)
    assert (bill.periods[0].start, bill.periods[0].end) == (d(2026, 1, 28), d(2026, 2, 28))
    assert amounts(bill, 0) == [D("45.16")]  # 50 x 28 / 31
    assert amounts(bill, 1) == [D("50.00")]


def test_weekly_frequency() -> None:
    catalog = simple_catalog({"Active": "7.00"}, bill="weekly")
    # 2026-02-04 is a Wednesday; the grid runs through the first bill day after it (1 March),
    # so weeks start on Sundays: 1, 8, 15 ... February.
    bill, _ = run(catalog, one_service_account([("Active", "2026-02-04")]), "2026-02-04", 3)
    assert [(p.start, p.end) for p in bill.periods] == [
        (d(2026, 2, 1), d(2026, 2, 8)), (d(2026, 2, 8), d(2026, 2, 15)),
        (d(2026, 2, 15), d(2026, 2, 22))]
    assert [p.total for p in bill.periods] == [D("4.00"), D("7.00"), D("7.00")]


def test_n_month_frequency_with_a_first_partial_period() -> None:
    catalog = simple_catalog({"Active": "60.00"}, bill={"months": 2})
    bill, _ = run(catalog, one_service_account([("Active", "2026-01-15")]), "2026-01-15", 2)
    # anchor: the first bill day after the start (1 Feb); the period holding 15 Jan is
    # 1 Dec..1 Feb (62 days), 17 of them billed.
    assert [(p.start, p.end) for p in bill.periods] == [
        (d(2025, 12, 1), d(2026, 2, 1)), (d(2026, 2, 1), d(2026, 4, 1))]
    assert [p.total for p in bill.periods] == [D("16.45"), D("60.00")]


def test_quarterly_package_on_a_monthly_account_bills_on_its_own_period_starts() -> None:
    catalog = catalog_doc(
        [service("Internet 100"), service("TV")],
        [package("Internet", ["Internet 100"], [frequency(
            "Internet Monthly", {"standard": {"USD": charges([
                recurring("Internet 100", {"Active": "50.00"})])}})]),
         package("TV", ["TV"], [frequency(
             "TV Quarterly", {"standard": {"USD": charges([recurring("TV", {"Active": "90.00"})])}},
             bill="quarterly")])],
    )
    account = account_doc([
        acct_package("Internet Monthly", "2026-01-01",
                     [acct_service("s1", "Internet 100", [("Active", "2026-01-01")])]),
        acct_package("TV Quarterly", "2026-01-01",
                     [acct_service("t1", "TV", [("Active", "2026-01-01")])]),
    ])
    bill, _ = run(catalog, account, "2026-01-01", 4)
    assert [p.total for p in bill.periods] == [D("140.00"), D("50.00"), D("50.00"),
                                               D("140.00")]
    tv = [ln for ln in lines(bill, 3) if ln.service == "TV"][0]
    assert (tv.start, tv.end) == (d(2026, 4, 1), d(2026, 7, 1))
    assert "Active 2026-04-01..2026-07-01, 91/91 days" in tv.explanation
