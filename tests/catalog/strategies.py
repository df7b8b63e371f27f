"""Hypothesis strategies for valid catalog documents in the canonical (exported) form."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

STATUSES = ["Pre-Active", "Active", "Suspended", "Cancelled"]


def money(max_units: int = 5000) -> st.SearchStrategy[str]:
    return st.builds(
        lambda units, cents, places: f"{units}.{cents:02d}"[: len(str(units)) + 1 + places]
        if places
        else str(units),
        st.integers(0, max_units),
        st.integers(0, 99),
        st.sampled_from([0, 2, 2, 1]),
    )


def dates() -> st.SearchStrategy[str]:
    return st.dates(min_value=__import__("datetime").date(2024, 1, 1),
                    max_value=__import__("datetime").date(2028, 12, 31)).map(lambda d: d.isoformat())


@st.composite
def tiers(draw: st.DrawFn) -> list[dict[str, Any]]:
    ends = sorted(draw(st.sets(st.integers(1, 200), max_size=3)))
    out: list[dict[str, Any]] = [{"end": e, "amount": draw(money())} for e in ends]
    out.append({"end": None, "amount": draw(money())})
    return out


@st.composite
def discount(draw: st.DrawFn, promo_codes: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["discount", "promo_code"] if promo_codes else ["discount"]))
    start = draw(dates())
    end = draw(st.one_of(st.none(), st.just("2029-12-31")))
    d: dict[str, Any] = {"kind": kind, "name": draw(st.sampled_from(["Free", "Intro", "Loyalty"]))}
    if kind == "promo_code":
        d["promo_code"] = draw(st.sampled_from(promo_codes))
    d.update(
        gl_code=draw(st.one_of(st.none(), st.just("4900"))),
        active=draw(st.booleans()),
        start=start,
        end=end,
        prorate=draw(st.booleans()),
        status=draw(st.one_of(st.none(), st.sampled_from(STATUSES[:3]))),
        type=draw(st.sampled_from(["fixed", "percent", "price"])),
        amount=draw(st.sampled_from(["0", "5.00", "20", "100"])),
        period_months=draw(st.one_of(st.none(), st.integers(1, 12))),
    )
    if d["period_months"] is None and draw(st.booleans()):
        d["period_days"] = draw(st.integers(1, 90))
    return d


@st.composite
def catalogs(draw: st.DrawFn) -> dict[str, Any]:
    currencies = draw(st.lists(st.sampled_from(["USD", "EUR", "JPY"]), min_size=1, max_size=3,
                               unique=True))
    minor = {"USD": 2, "EUR": 2, "JPY": 0}
    books = ["standard"] + draw(st.lists(st.sampled_from(["EU", "DE"]), max_size=2, unique=True))
    promo_codes = draw(st.lists(st.sampled_from(["SPRING", "WELCOME"]), max_size=2, unique=True))
    services = [
        {"name": "Internet", "base_type": "recurring", "gl_code": "4000", "tax_category": "telecom",
         "tax_inclusive": False},
        {"name": "TV", "base_type": "recurring"},
        {"name": "Install", "base_type": "one_time"},
        {"name": "Fee", "base_type": "fee", "gl_code": "4500"},
        {"name": "Data", "base_type": "usage", "unit": "GB"},
    ]
    n_packages = draw(st.integers(0, 3))
    packages = []
    for p in range(n_packages):
        pkg_services = draw(st.lists(st.sampled_from([s["name"] for s in services]),
                                     min_size=1, max_size=5, unique=True))
        freqs = []
        for f in range(draw(st.integers(0, 2))):
            tiering = draw(st.sampled_from(["none", "bracket", "progressive"]))
            enabled = draw(st.lists(st.sampled_from(currencies), unique=True, min_size=1))
            price_books: dict[str, Any] = {}
            for book in draw(st.lists(st.sampled_from(books), unique=True, max_size=2)):
                per_currency: dict[str, Any] = {}
                for cur in draw(st.lists(st.sampled_from(enabled), unique=True, max_size=2)):
                    recurring = []
                    for svc in [s for s in pkg_services if s in ("Internet", "TV", "Data")]:
                        statuses = draw(st.lists(st.sampled_from(STATUSES[:3]), unique=True,
                                                 max_size=3))
                        recurring.append({
                            "service": svc,
                            "amounts": {s: draw(money()) for s in statuses},
                            "tiers": {s: draw(tiers()) for s in statuses[:1]}
                            if tiering != "none" else {},
                            "settings": {
                                "gl_code": draw(st.one_of(st.none(), st.just("4100"))),
                                "tax_category": None,
                                "rate_plan": None,
                                "tax_inclusive": draw(st.one_of(st.none(), st.booleans())),
                            },
                            "usage_bucket": {"bucket": "10 GB", "unit": None,
                                             "tiers": draw(st.one_of(st.none(), st.just(
                                                 [{"threshold": "20", "flat_charge": "5.00"}])))}
                            if svc == "Data" else None,
                            "discounts": draw(st.lists(discount(promo_codes), max_size=2)),
                        })
                    transitions = []
                    if "Fee" in pkg_services and "Internet" in pkg_services:
                        for _ in range(draw(st.integers(0, 1))):
                            penalty = draw(st.one_of(st.none(), st.builds(
                                lambda a, m: {"amount": a, "threshold_months": m},
                                money(), st.integers(1, 3))))
                            transitions.append({"service": "Internet", "transition": "activation",
                                                "charge_service": "Fee", "amount": draw(money()),
                                                "penalty": penalty})
                    one_time = []
                    if "Install" in pkg_services:
                        tiered = tiering != "none" and draw(st.booleans())
                        one_time.append({
                            "service": "Install",
                            "amount": None if tiered else draw(money()),
                            "tiers": draw(tiers()) if tiered else None,
                            "settings": draw(st.sampled_from([{}, {"gl_code": "4200"}])),
                        })
                    per_currency[cur] = {"recurring": recurring, "transitions": transitions,
                                         "one_time": one_time}
                price_books[book] = per_currency
            freqs.append({
                "name": f"P{p} F{f}",
                "sku": draw(st.one_of(st.none(), st.just(f"SKU-{p}-{f}"))),
                "active": draw(st.booleans()),
                "bill_frequency": draw(st.sampled_from(
                    ["weekly", "monthly", "quarterly", "semiannual", "annual", {"months": 2}])),
                "contract": draw(st.one_of(st.none(), st.just("12 months"))),
                "rate_plan": draw(st.one_of(st.none(), st.just("Standard data"))),
                "tiering": tiering,
                "counting_rule": "Active lines" if tiering == "bracket" else None,
                "currencies": enabled,
                "custom_fields": draw(st.sampled_from([{}, {"Marketing code": "FALL"}])),
                "price_books": price_books,
            })
        packages.append({
            "name": f"Package {p}",
            "enabled": draw(st.booleans()),
            "company": draw(st.one_of(st.none(), st.just("Acme"))),
            "rollup_services": draw(st.booleans()),
            "billing_activation_service": None,
            "services": pkg_services,
            "frequencies": freqs,
        })
    return {
        "format": "catalog",
        "version": 1,
        "currencies": [{"code": c, "minor_units": minor[c]} for c in currencies],
        "price_books": [{"code": b, "name": b.title()} | ({"countries": ["DE"]} if b == "DE" else {})
                        for b in books],
        "statuses": [{"name": s} for s in STATUSES[:3]] + [{"name": "Cancelled", "cancelled": True}],
        "transitions": [{"name": "activation", "from": "Pre-Active", "to": "Active"}],
        "services": services,
        "tax_rates": [{"category": "telecom", "country": "US", "rate": "0.07"}],
        "rate_plans": [{"name": "Standard data", "rates": [
            {"service": "Data", "currency": c, "per_unit": "2.00"} for c in currencies]}],
        "usage_buckets": [{"name": "10 GB", "service": "Data", "unit": "GB",
                           "tiers": [{"threshold": "10", "flat_charge": "0"}]}],
        "counting_rules": [{"name": "Active lines", "counts": "services", "items": ["Internet"],
                            "statuses": ["Active"]}],
        "contracts": [{"name": "12 months", "term_months": 12, "early_termination_fee": "150.00"}],
        "companies": [{"name": "Acme"}],
        "custom_fields": [{"name": "Marketing code", "entity": "package_frequency",
                           "type": "text", "required": False}],
        "promo_codes": [{"code": c, "discount": {"type": "percent", "amount": "10",
                                                 "period_months": 3}} for c in promo_codes],
        "price_plans": [{"name": "Staff", "prices": [
            {"service": "Internet", "status": "Active", "currency": currencies[0],
             "amount": "0.00"}]}],
        "packages": packages,
    }
