"""Transition charges on status moves and penalty charges when a threshold is crossed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from engine_builders import (  # noqa: E402
    D,
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
    transition_charge,
)


def catalog(penalty: dict[str, Any] | None = None, *, de_book: bool = False) -> dict[str, Any]:
    standard = charges(
        [recurring("Internet 100", {"Pre-Active": "0.00", "Active": "50.00",
                                    "Suspended": "5.00"})],
        [transition_charge("Internet 100", "activation", "Activation Fee", "49.00"),
         transition_charge("Internet 100", "reactivation", "Reactivation Fee", "30.00",
                           penalty)],
    )
    books = {"standard": {"USD": standard}}
    if de_book:
        books["DE"] = {"USD": charges(
            [], [transition_charge("Internet 100", "activation", "Activation Fee", "39.00")])}
    return catalog_doc(
        [service("Internet 100"), service("Activation Fee", "fee", gl="4700", tax="telecom"),
         service("Reactivation Fee", "fee", gl="4710")],
        [package("Internet", ["Internet 100", "Activation Fee", "Reactivation Fee"],
                 [frequency("Internet Monthly", books)])],
        price_books=["standard", "DE"],
    )


def test_activation_fee_is_charged_once_in_the_period_of_the_move() -> None:
    account = one_service_account([("Pre-Active", "2026-01-15"), ("Active", "2026-02-03")])
    bill, _ = run(catalog(), account, "2026-01-01", 3)
    assert [amounts(bill, i, "transition") for i in range(3)] == [[], [D("49.00")], []]
    (fee,) = lines(bill, 1, "transition")
    assert (fee.service, fee.service_id, fee.gl_code, fee.status) == \
        ("Activation Fee", "s1", "4700", "Active")
    assert fee.explanation.startswith(
        "transition 'activation' Pre-Active -> Active on 2026-02-03 by Internet 100 (s1)")
    assert fee.tax_category == "telecom"  # the charge service's own tax setting


def test_starting_directly_in_the_target_status_is_not_a_transition() -> None:
    bill, _ = run(catalog(), one_service_account([("Active", "2026-02-03")]), "2026-02-01")
    assert lines(bill, 0, "transition") == []


def test_transition_charge_falls_back_to_the_standard_price_book() -> None:
    history = [("Pre-Active", "2026-02-01"), ("Active", "2026-02-03"),
               ("Suspended", "2026-02-10"), ("Active", "2026-02-20")]
    bill, _ = run(catalog(de_book=True), one_service_account(history, book="DE"), "2026-02-01")
    fees = [(ln.service, ln.amount, ln.price_source) for ln in lines(bill, 0, "transition")]
    assert fees == [("Activation Fee", D("39.00"), "catalog"),
                    ("Reactivation Fee", D("30.00"), "catalog_standard")]


def test_penalty_threshold_in_days_and_exactly_the_threshold_is_not_longer() -> None:
    penalty = {"amount": "25.00", "threshold_days": 10}
    stays = {"2026-02-15": False, "2026-02-16": True}  # suspended 5 Feb: crosses on 15 Feb
    for back, charged in stays.items():
        account = one_service_account([("Active", "2026-01-01"), ("Suspended", "2026-02-05"),
                                       ("Active", back)])
        bill, _ = run(catalog(penalty), account, "2026-02-01")
        assert bool(lines(bill, 0, "penalty")) is charged, back


def test_each_long_stay_is_penalised_once() -> None:
    penalty = {"amount": "25.00", "threshold_months": 1}
    history = [("Active", "2026-01-01"), ("Suspended", "2026-01-05"), ("Active", "2026-03-01"),
               ("Suspended", "2026-03-10")]
    bill, _ = run(catalog(penalty), one_service_account(history), "2026-01-01", 6)
    assert [amounts(bill, i, "penalty") for i in range(6)] == \
        [[], [D("25.00")], [], [D("25.00")], [], []]  # crossed 5 Feb and 10 Apr


def test_no_penalty_once_the_package_is_cancelled() -> None:
    penalty = {"amount": "25.00", "threshold_months": 1}
    account = one_service_account([("Active", "2026-01-01"), ("Suspended", "2026-02-05")],
                                  cancelled="2026-03-01")
    bill, _ = run(catalog(penalty), account, "2026-02-01", 2)
    assert lines(bill, 0, "penalty") == [] and lines(bill, 1, "penalty") == []
