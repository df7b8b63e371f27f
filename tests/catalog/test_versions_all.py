"""Before/after the scheduled catalog version for every saved scenario at once (issue 13), on
the demo database (Internet 500 55.00 -> 60.00 from 2027-01-01, existing subscriptions from
2027-03-01): each scenario is compared from its own start over its own saved horizon, as the
Simulator shows it alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.catalog.database import accounts
from app.catalog.versions_all import compare_all_scenarios


def scenario(name: str, frequency: str, service: str, start: str,
             periods: int | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "account", "version": 1,
        "account": {"name": name, "country": "US", "currency": "USD",
                    "price_book": "standard", "bill_day": 1, "price_plan": None,
                    "promo_codes": []},
        "packages": [{"frequency": frequency, "start": start, "cancelled": None,
                      "services": [{"id": "s1", "service": service, "quantity": 1,
                                    "price": None,
                                    "statuses": [{"status": "Active", "from": start}]}]}],
        "usage": []}
    if periods is not None:
        doc["simulation"] = {"periods": periods}
    return doc


def save_two(db: Any) -> None:
    """A 2026 Fiber TV subscriber billed over a year (its bills change from March 2027) and a
    phone line over the same year (untouched by the price change)."""
    accounts.save_account(db, scenario("TV since May 2026", "Fiber TV Bundle Monthly",
                                       "Internet 500", "2026-05-01", 12))
    accounts.save_account(db, scenario("Phone since May 2026", "Home Phone Monthly",
                                       "Phone Line", "2026-05-01", 12))


def test_every_saved_scenario_over_its_own_horizon(demo_db: Any) -> None:
    save_two(demo_db)
    results = {r.name: r for r in compare_all_scenarios(demo_db)}
    assert set(results) == {"TV since May 2026", "Phone since May 2026"}
    tv = results["TV since May 2026"]
    assert (tv.start, tv.periods) == (dt.date(2026, 5, 1), 12)
    assert tv.changes and tv.first_changed == "2027-03-01" and tv.changed_periods == 2
    assert (tv.before_total, tv.after_total, tv.difference) == ("642.00", "652.70", "10.70")
    phone = results["Phone since May 2026"]
    assert not phone.changes and phone.first_changed is None
    assert (phone.before_total, phone.after_total, phone.difference) == ("256.80", "256.80",
                                                                         "0.00")
    assert phone.as_dict()["changes"] is False and tv.as_dict()["first_changed_period"] == \
        "2027-03-01"


def test_a_start_and_horizon_for_all(demo_db: Any) -> None:
    save_two(demo_db)
    results = {r.name: r for r in compare_all_scenarios(demo_db, start=dt.date(2027, 1, 1),
                                                        periods=2)}
    assert not results["TV since May 2026"].changes  # moves only in March
    assert results["TV since May 2026"].periods == 2


def test_a_scenario_that_cannot_be_billed_says_why(demo_db: Any) -> None:
    save_two(demo_db)
    results = {r.name: r for r in compare_all_scenarios(demo_db)}
    assert all(r.ok for r in results.values())
    broken = scenario("Broken", "Fiber TV Bundle Monthly", "TV Premium", "2026-05-01", None)
    accounts.save_account(demo_db, broken)
    results = {r.name: r for r in compare_all_scenarios(demo_db)}
    assert not results["Broken"].ok and results["Broken"].problems
    assert results["Broken"].as_dict()["problems"][0]["message"]
