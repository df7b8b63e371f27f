"""Large, realistic catalogs and account scenarios for the engine benchmark (and tests).

``generate_catalog(packages, frequencies, seed)`` returns a catalog document valid against
``app/schemas/catalog.schema.json`` with tiers (bracket and progressive), discounts and promo
codes, transition and penalty charges, one-time charges (some tiered), usage buckets and rate
plans, tax categories (inclusive and exclusive), contracts, two currencies (USD, EUR) and two
price books (standard and EU). ``generate_accounts(catalog, n, seed)`` returns account
documents of 1 to 20 account-services each, with status histories, promo codes and usage.

Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

Doc = dict[str, Any]

STATUSES = ["Pre-Active", "Active", "Suspended", "Cancelled"]
BILL_FREQUENCIES: list[Any] = ["monthly", "monthly", "monthly", "quarterly", "annual",
                               "semiannual", {"months": 2}, "weekly"]
USAGE_UNITS = [("GB", "MB"), ("minutes", "seconds"), ("GB", "GB")]


def _money(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low, high)}.{rng.choice(['00', '50', '99', '95', '49'])}"


def _reference(rng: random.Random) -> Doc:
    recurring = [f"Service R{i:03d}" for i in range(200)]
    one_time = [f"Install O{i:02d}" for i in range(20)]
    fees = ["Activation Fee", "Reactivation Fee", "Late Fee"]
    usage = [f"Usage U{i:02d}" for i in range(20)]
    services: list[Doc] = []
    for name in recurring:
        inclusive = rng.random() < 0.2
        services.append({"name": name, "base_type": "recurring",
                         "gl_code": f"4{rng.randint(0, 999):03d}",
                         "tax_category": rng.choice(["telecom", "digital", None]),
                         "tax_inclusive": inclusive})
    for name in one_time:
        services.append({"name": name, "base_type": "one_time", "gl_code": "4800",
                         "tax_category": "services"})
    for name in fees:
        services.append({"name": name, "base_type": "fee", "gl_code": "4900",
                         "tax_category": None})
    usage_units: dict[str, tuple[str, str]] = {}
    for i, name in enumerate(usage):
        unit, bucket_unit = USAGE_UNITS[i % len(USAGE_UNITS)]
        usage_units[name] = (unit, bucket_unit)
        services.append({"name": name, "base_type": "usage", "gl_code": "4500",
                         "tax_category": "telecom", "unit": unit})
    rate_plans = [
        {"name": f"Rates {k}", "rates": [
            {"service": name, "currency": cur, "per_unit": f"0.{rng.randint(1, 99):02d}"}
            for name in usage for cur in ("USD", "EUR")
        ]} for k in range(3)
    ]
    usage_buckets: list[Doc] = []
    for name in usage:
        unit, bucket_unit = usage_units[name]
        for b in range(2):
            first = rng.randint(1, 50) * 10
            usage_buckets.append({
                "name": f"{name} bucket {b}", "service": name, "unit": bucket_unit,
                "tiers": [{"threshold": str(first), "flat_charge": "0"},
                          {"threshold": str(first * 4), "flat_charge": _money(rng, 5, 20)}],
            })
    return {
        "format": "catalog", "version": 1,
        "currencies": [{"code": "USD", "minor_units": 2}, {"code": "EUR", "minor_units": 2}],
        "price_books": [{"code": "standard", "name": "Standard"},
                        {"code": "EU", "name": "Europe", "countries": ["DE", "FR", "ES"]}],
        "statuses": [{"name": s, **({"cancelled": True} if s == "Cancelled" else {})}
                     for s in STATUSES],
        "transitions": [{"name": "activation", "from": "Pre-Active", "to": "Active"},
                        {"name": "reactivation", "from": "Suspended", "to": "Active"},
                        {"name": "suspension", "from": "Active", "to": "Suspended"}],
        "services": services,
        "tax_rates": [{"category": c, "country": k, "rate": r}
                      for c, k, r in [("telecom", "US", "0.07"), ("telecom", "DE", "0.19"),
                                      ("digital", "DE", "0.19"), ("services", "US", "0.05"),
                                      ("services", "DE", "0.19"), ("digital", "FR", "0.2")]],
        "rate_plans": rate_plans,
        "usage_buckets": usage_buckets,
        "counting_rules": [
            {"name": "Active recurring", "counts": "services", "items": recurring[:100],
             "statuses": ["Active"]},
            {"name": "All billable", "counts": "services", "items": [],
             "statuses": ["Active", "Suspended"]},
        ],
        "contracts": [{"name": "12 months", "term_months": 12, "early_termination_fee": "150.00"},
                      {"name": "24 months", "term_months": 24, "early_termination_fee": "250.00"}],
        "companies": [{"name": "Acme Fiber"}],
        "custom_fields": [{"name": "Marketing code", "entity": "package_frequency",
                           "type": "text", "required": False}],
        "promo_codes": [
            {"code": "SPRING", "discount": {"type": "percent", "amount": "10",
                                            "period_months": 3}},
            {"code": "WELCOME", "discount": {"type": "fixed", "amount": "5.00",
                                             "period_months": 2, "prorate": True}},
        ],
        "price_plans": [{"name": "Staff", "prices": [
            {"service": name, "status": "Active", "currency": cur, "amount": "0.00"}
            for name in recurring[:50] for cur in ("USD", "EUR")
        ]}],
        "packages": [],
        "_pools": {"recurring": recurring, "one_time": one_time, "usage": usage},
    }


def _tiers(rng: random.Random, top: float) -> list[Doc]:
    first_end = rng.randint(2, 9)
    base = int(top)
    return [{"end": first_end, "amount": f"{base}.00"},
            {"end": first_end * 3, "amount": f"{max(base - 5, 1)}.00"},
            {"end": None, "amount": f"{max(base - 10, 0)}.00"}]


def _recurring_row(rng: random.Random, service: str, tiering: str, is_usage: bool,
                   rate_plans: list[str]) -> Doc:
    active = rng.randint(10, 120)
    row: Doc = {"service": service,
                "amounts": {"Pre-Active": "0.00", "Active": f"{active}.00",
                            "Suspended": f"{active // 4}.00"}}
    if is_usage:
        row["amounts"] = {"Active": f"{rng.randint(0, 10)}.00"} if rng.random() < 0.5 else {}
        row["usage_bucket"] = {"bucket": f"{service} bucket {rng.randint(0, 1)}", "unit": None,
                               "tiers": None}
        if rng.random() < 0.3:
            row["settings"] = {"gl_code": None, "tax_category": None,
                               "rate_plan": rng.choice(rate_plans), "tax_inclusive": None}
    elif tiering != "none":
        row["tiers"] = {"Active": _tiers(rng, active)}
    if not is_usage and rng.random() < 0.25:
        row["settings"] = {"gl_code": f"41{rng.randint(0, 99):02d}",
                           "tax_category": rng.choice(["telecom", "digital"]),
                           "rate_plan": None, "tax_inclusive": rng.random() < 0.5}
    if not is_usage and rng.random() < 0.3:
        row["discounts"] = [
            {"kind": "discount", "name": "Free first month", "gl_code": None, "active": True,
             "start": "2024-01-01", "end": None, "prorate": True, "status": "Active",
             "type": "price", "amount": "0.00", "period_months": 1},
            {"kind": "discount", "name": "20% off", "gl_code": "4990", "active": True,
             "start": "2024-01-01", "end": None, "prorate": rng.random() < 0.5,
             "status": "Active", "type": "percent", "amount": "20", "period_months": 3},
        ]
    elif not is_usage and rng.random() < 0.15:
        row["discounts"] = [
            {"kind": "promo_code", "name": "Spring promo", "promo_code": "SPRING",
             "active": True, "start": "2024-01-01", "type": "percent", "amount": "10"},
            {"kind": "discount", "name": "Loyalty", "active": True, "start": "2024-01-01",
             "end": None, "prorate": True, "status": None, "type": "fixed", "amount": "2.00",
             "period_months": None},
        ]
    return row


def generate_catalog(packages: int = 10_000, frequencies: int = 30_000, seed: int = 1) -> Doc:
    """A valid catalog document of ``packages`` packages and ``frequencies`` package
    frequencies in all (spread as evenly as possible; every package has at least one)."""
    if frequencies < packages:
        raise ValueError("every package needs at least one frequency")
    rng = random.Random(seed)
    doc = _reference(rng)
    pools = doc.pop("_pools")
    rate_plans = [p["name"] for p in doc["rate_plans"]]
    per_package = [frequencies // packages] * packages
    for i in range(frequencies % packages):
        per_package[i] += 1
    out: list[Doc] = []
    for p in range(packages):
        recurring = rng.sample(pools["recurring"], rng.randint(1, 4))
        extras: list[str] = []
        if rng.random() < 0.4:
            extras.append(rng.choice(pools["one_time"]))
        if rng.random() < 0.3:
            extras.append(rng.choice(pools["usage"]))
        fee = rng.random() < 0.5
        services = recurring + extras + (["Activation Fee", "Reactivation Fee"] if fee else [])
        rollup = rng.random() < 0.2
        package: Doc = {
            "name": f"Package {p:05d}", "enabled": rng.random() > 0.05, "company": None,
            "rollup_services": rollup,
            "billing_activation_service": recurring[0] if rng.random() < 0.1 else None,
            "services": services, "frequencies": [],
        }
        for f in range(per_package[p]):
            bill_frequency = BILL_FREQUENCIES[(p + f) % len(BILL_FREQUENCIES)] if f else "monthly"
            tiering = rng.choice(["none", "none", "none", "bracket", "progressive"])
            currencies = ["USD", "EUR"] if rng.random() < 0.7 else ["USD"]
            books: Doc = {}
            for book in ("standard", "EU"):
                if book == "EU" and ("EUR" not in currencies or rng.random() < 0.5):
                    continue
                books[book] = {}
                for cur in (currencies if book == "standard" else ["EUR"]):
                    charges: Doc = {"recurring": [
                        _recurring_row(rng, s, tiering, s in pools["usage"], rate_plans)
                        for s in recurring + [e for e in extras if e in pools["usage"]]
                    ]}
                    one_time = [e for e in extras if e in pools["one_time"]]
                    if one_time:
                        charges["one_time"] = [
                            {"service": s, "amount": _money(rng, 20, 150),
                             "tiers": [{"end": 1, "amount": "100.00"},
                                       {"end": None, "amount": "75.00"}]
                             if tiering != "none" else None, "settings": {}}
                            for s in one_time
                        ]
                    if fee:
                        charges["transitions"] = [
                            {"service": recurring[0], "transition": "activation",
                             "charge_service": "Activation Fee", "amount": _money(rng, 10, 60),
                             "penalty": None},
                            {"service": recurring[0], "transition": "reactivation",
                             "charge_service": "Reactivation Fee", "amount": "25.00",
                             "penalty": {"amount": "15.00", "threshold_months": 1}},
                        ]
                    books[book][cur] = charges
            package["frequencies"].append({
                "name": f"Package {p:05d} F{f}", "sku": f"P{p:05d}-{f}",
                "active": rng.random() > 0.05, "bill_frequency": bill_frequency,
                "contract": rng.choice([None, None, "12 months", "24 months"]),
                "rate_plan": rng.choice(rate_plans) if extras else None,
                "tiering": tiering,
                "counting_rule": rng.choice(["Active recurring", "All billable"])
                if tiering == "bracket" else None,
                "currencies": currencies, "custom_fields": {"Marketing code": f"M{p % 97}"},
                "price_books": books,
            })
        out.append(package)
    doc["packages"] = out
    return doc


def _status_history(rng: random.Random, start: dt.date) -> list[Doc]:
    history = []
    day = start
    if rng.random() < 0.6:
        history.append({"status": "Pre-Active", "from": day.isoformat()})
        day += dt.timedelta(days=rng.randint(1, 20))
    history.append({"status": "Active", "from": day.isoformat()})
    if rng.random() < 0.25:
        day += dt.timedelta(days=rng.randint(20, 200))
        history.append({"status": "Suspended", "from": day.isoformat()})
        if rng.random() < 0.6:
            day += dt.timedelta(days=rng.randint(5, 60))
            history.append({"status": "Active", "from": day.isoformat()})
    if rng.random() < 0.1:
        day += dt.timedelta(days=rng.randint(20, 200))
        history.append({"status": "Cancelled", "from": day.isoformat()})
    return history


def generate_accounts(catalog: Doc, n: int = 10_000, seed: int = 1) -> list[Doc]:
    """``n`` valid account documents over ``catalog``, each with 1 to 20 account-services."""
    rng = random.Random(seed)
    frequencies = [(package, f) for package in catalog["packages"] for f in package["frequencies"]]
    by_currency = {cur: [(p, f) for p, f in frequencies if cur in f["currencies"]]
                   for cur in ("USD", "EUR")}
    usage_units = {s["name"]: s.get("unit") for s in catalog["services"]
                   if s["base_type"] == "usage"}
    base = dt.date(2025, 6, 1)
    accounts: list[Doc] = []
    for a in range(n):
        currency = "USD" if rng.random() < 0.6 else "EUR"
        country = "US" if currency == "USD" else rng.choice(["DE", "FR"])
        book = "EU" if currency == "EUR" and rng.random() < 0.7 else "standard"
        wanted = rng.randint(1, 20)
        packages: list[Doc] = []
        usage: list[Doc] = []
        sid = 0
        while wanted > 0:
            package, frequency = rng.choice(by_currency[currency])
            start = base + dt.timedelta(days=rng.randint(0, 300))
            cancelled = None
            if rng.random() < 0.08:
                cancelled = (start + dt.timedelta(days=rng.randint(30, 400))).isoformat()
            services: list[Doc] = []
            names = [s for s in package["services"] if not s.endswith("Fee")]
            for _ in range(min(wanted, rng.randint(1, 6))):
                name = rng.choice(names)
                sid += 1
                svc_start = start + dt.timedelta(days=rng.choice([0, 0, 0, rng.randint(1, 60)]))
                services.append({
                    "id": f"a{a}s{sid}", "service": name,
                    "quantity": rng.choice([1, 1, 1, 2, 5]),
                    "price": f"{rng.randint(5, 60)}.00" if rng.random() < 0.05 else None,
                    "statuses": _status_history(rng, svc_start),
                })
                if name in usage_units:
                    # usage of a GB service is sometimes reported in MB (converted at 1024)
                    unit = "MB" if usage_units[name] == "GB" and rng.random() < 0.5 else None
                    for month in range(rng.randint(1, 12)):
                        day = svc_start + dt.timedelta(days=30 * month + rng.randint(0, 25))
                        usage.append({"service_id": f"a{a}s{sid}",
                                      "quantity": str(rng.randint(0, 2000)), "unit": unit,
                                      "date": day.isoformat()})
            wanted -= len(services)
            packages.append({"frequency": frequency["name"], "start": start.isoformat(),
                             "cancelled": cancelled, "services": services})
        accounts.append({
            "format": "account", "version": 1,
            "account": {"name": f"Account {a:05d}", "country": country, "currency": currency,
                        "price_book": book, "bill_day": rng.randint(1, 28),
                        "price_plan": "Staff" if rng.random() < 0.03 else None,
                        "promo_codes": ["SPRING"] if rng.random() < 0.2 else []},
            "packages": packages, "usage": usage,
        })
    return accounts
