"""Catalog lint: smells a catalog administrator should look at, all of severity ``"warning"``.

``lint_catalog`` runs on a document that passed the JSON Schema (it may still have reference
or business-rule errors: unknown names are skipped here, validation reports them). A smell that
validation already reports (tiers ignored under tiering none, bracket tiering without a counting
rule, a discount ending before it starts, a transition charged on a non-fee service, an active
frequency with no currency) is left to it, so that every fault is reported once. Nothing
here refuses a document; every message says what would surprise a customer or a billing run.

The smells, most of them from the source pages (seeds 000 and 004):

- a package priced above its services bought separately, with no balancing discount (see
  :func:`_bundle_above_parts` for the exact reading);
- a package frequency with no enabled currency (it cannot be sold: Active stays disabled);
- a currency enabled on a frequency with no price in any price book;
- a counting rule on a frequency that is not bracket (bracket tiering without one is an error
  of validation, not a smell);
- values stored but never billed: under tiering, a flat amount beside the status's tiers and
  a one-time amount beside its tiers; the type, period and amount of a promo-code discount
  that differ from the promo code's own settings (the code's apply);
- a price for a cancelled status (cancelled services are never charged);
- a promo code no discount uses;
- a disabled package with active frequencies; an enabled package with no active frequency;
- a service in a package with no price in any frequency or price book;
- a usage service whose usage cannot be rated (no rate for it in the rate plan that applies);
- a tax category used by services with no tax rate in any country;
- options on a custom field that is not a choice field;
- the versioning traps of :mod:`app.catalog.document.versions_lint`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from app.catalog.document.validation import Elems, Found, order_problems
from app.catalog.document.versions_lint import lint_versions
from app.engine.problems import Problem

__all__ = ["lint_catalog", "lint_steps"]


def lint_catalog(doc: dict[str, Any]) -> list[Problem]:
    """Every smell of a schema-valid catalog document, as warnings in document order."""
    return order_problems(doc, [f for step in _found_steps(doc) for f in step])


PACKAGES_PER_STEP = 500


def lint_steps(doc: dict[str, Any]) -> Iterator[list[Problem]]:
    """The smells in steps (the reference data, then packages ``PACKAGES_PER_STEP`` at a time,
    then the checks across packages), each step's warnings in document order: what a view
    shows as it goes. Together they are :func:`lint_catalog`'s list."""
    for found in _found_steps(doc):
        yield order_problems(doc, found)


def _found_steps(doc: dict[str, Any]) -> Iterator[list[Found]]:
    found: list[Found] = []

    def warn(at: Elems, message: str) -> None:
        found.append((at, message, "warning"))

    def step() -> list[Found]:
        out = list(found)
        found.clear()
        return out

    services = {s["name"]: s for s in doc.get("services") or []}
    statuses = {s["name"]: s for s in doc.get("statuses") or []}
    rate_plans = {p["name"]: p for p in doc.get("rate_plans") or []}
    cancelled = {name for name, s in statuses.items() if s.get("cancelled")}
    promos = {p["code"]: p["discount"] for p in doc.get("promo_codes") or []}

    _lint_reference_data(doc, services, warn)
    yield step()
    used_promos: set[str] = set()
    for i, package in enumerate(doc.get("packages") or []):
        _lint_package(i, package, services, cancelled, rate_plans, used_promos, promos, warn)
        if (i + 1) % PACKAGES_PER_STEP == 0:
            yield step()
    yield step()
    for i, promo in enumerate(doc.get("promo_codes") or []):
        if promo["code"] not in used_promos:
            warn(("promo_codes", i, "code"),
                 f"promo code {promo['code']!r} is not used by any discount: entering it on an "
                 "account changes nothing")
    for at, message in _bundle_above_parts(doc):
        warn(at, message)
    found.extend(lint_versions(doc))
    yield step()


def _lint_package(i: int, package: Mapping[str, Any], services: Mapping[str, Any],
                  cancelled: set[str], rate_plans: Mapping[str, Any], used_promos: set[str],
                  promos: Mapping[str, Any], warn: Any) -> None:
    at: Elems = ("packages", i)
    freqs = package.get("frequencies") or []
    active = [f for f in freqs if f.get("active")]
    if not package.get("enabled") and active:
        for j, freq in enumerate(freqs):
            if freq.get("active"):
                warn((*at, "frequencies", j, "active"),
                     f"package {package['name']!r} is disabled but this frequency is "
                     "active: it cannot be sold")
    if package.get("enabled") and not active:
        warn((*at, "enabled"),
             f"package {package['name']!r} is enabled but has no active frequency: it "
             "cannot be added to an account")
    priced: set[str] = set()
    for j, freq in enumerate(freqs):
        fat: Elems = (*at, "frequencies", j)
        priced |= _lint_frequency(fat, freq, services, cancelled, rate_plans, used_promos, warn)
        _lint_never_billed(fat, freq, promos, warn)
    if freqs:
        for k, name in enumerate(package.get("services") or []):
            if name in services and name not in priced:
                warn((*at, "services", k),
                     f"service {name!r} has no price in any frequency or price book of "
                     f"package {package['name']!r}")


def _lint_reference_data(doc: Mapping[str, Any], services: Mapping[str, Any], warn: Any) -> None:
    taxed = {(r["category"]) for r in doc.get("tax_rates") or []}
    for k, service in enumerate(doc.get("services") or []):
        category = service.get("tax_category")
        if category and category not in taxed:
            warn(("services", k, "tax_category"),
                 f"no tax rate for category {category!r} in any country: "
                 f"{service['name']!r} is never taxed")
    for k, field in enumerate(doc.get("custom_fields") or []):
        if field.get("options") and field["type"] != "choice":
            warn(("custom_fields", k, "options"),
                 f"custom field {field['name']!r} has options but its type is {field['type']}: "
                 "the options are ignored")


def _charges(freq: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for book, by_currency in (freq.get("price_books") or {}).items():
        for code, charges in by_currency.items():
            yield book, code, charges


def _lint_frequency(at: Elems, freq: Mapping[str, Any], services: Mapping[str, Any],
                    cancelled: set[str], rate_plans: Mapping[str, Any], used_promos: set[str],
                    warn: Any) -> set[str]:
    """Warn about one frequency; return the services it prices."""
    tiering = freq.get("tiering", "none")
    if not freq.get("currencies") and not freq.get("active"):  # active: validation's error
        warn((*at, "currencies"),
             "no currency is enabled: the frequency cannot be sold (Active stays disabled until "
             "a currency is enabled)")
    if tiering != "bracket" and freq.get("counting_rule"):
        warn((*at, "counting_rule"),
             f"the counting rule is ignored: only bracket tiering uses one (tiering is {tiering})")
    priced: set[str] = set()
    plan = rate_plans.get(freq.get("rate_plan") or "")
    if plan is not None:  # the frequency's rate plan prices usage without a recurring row
        priced |= {rate["service"] for rate in plan["rates"]}
    priced_currencies: set[str] = set()
    for book, code, charges in _charges(freq):
        cat: Elems = (*at, "price_books", book, code)
        rows = 0
        for k, row in enumerate(charges.get("recurring") or []):
            rat: Elems = (*cat, "recurring", k)
            rows += 1
            name = row["service"]
            if row.get("amounts") or row.get("tiers") or row.get("usage_bucket"):
                priced.add(name)
            for section in ("amounts", "tiers"):
                for status in row.get(section) or {}:
                    if status in cancelled:
                        warn((*rat, section, status),
                             f"a price for the cancelled status {status!r} is never billed")
            service = services.get(name)
            if service is not None and service["base_type"] == "usage":
                priced.add(name)
                _lint_usage(rat, row, freq, code, rate_plans, warn)
            for discount in row.get("discounts") or []:
                if discount.get("kind") == "promo_code" and discount.get("promo_code"):
                    used_promos.add(discount["promo_code"])
        for charge in charges.get("transitions") or []:
            rows += 1
            priced.add(charge["charge_service"])
        for row in charges.get("one_time") or []:
            rows += 1
            if row.get("amount") is not None or row.get("tiers"):
                priced.add(row["service"])
        if rows:
            priced_currencies.add(code)
    for k, code in enumerate(freq.get("currencies") or []):
        if code not in priced_currencies:
            warn((*at, "currencies", k),
                 f"currency {code} is enabled but has no prices in any price book")
    return priced


PROMO_FIELDS = ("type", "amount", "period_months", "period_days")


def _lint_never_billed(at: Elems, freq: Mapping[str, Any], promos: Mapping[str, Any],
                       warn: Any) -> None:
    """What a frequency stores that billing never uses, or bills without showing it."""
    tiering = freq.get("tiering", "none")
    for book, code, charges in _charges(freq):
        cat: Elems = (*at, "price_books", book, code)
        for k, row in enumerate(charges.get("recurring") or []):
            rat: Elems = (*cat, "recurring", k)
            tiers = row.get("tiers") or {}
            if tiering != "none":
                for status, amount in (row.get("amounts") or {}).items():
                    if tiers.get(status):
                        warn((*rat, "amounts", status),
                             f"the flat amount {amount} of {row['service']!r} while {status} is "
                             f"never billed: the frequency is tiered and {status} has tiers")
            for d, discount in enumerate(row.get("discounts") or []):
                config = promos.get(discount.get("promo_code") or "") \
                    if discount.get("kind") == "promo_code" else None
                if config is None:
                    continue
                ignored = [f for f in PROMO_FIELDS
                           if _differs(discount.get(f), config.get(f), f == "amount")]
                if ignored:
                    words = [f.replace("_", " ") for f in ignored]
                    names = words[0] if len(words) == 1 else \
                        ", ".join(words[:-1]) + " and " + words[-1]
                    warn((*rat, "discounts", d, ignored[0]),
                         f"the {names} of promo-code discount {discount['name']!r} "
                         f"{'is' if len(ignored) == 1 else 'are'} never billed: the settings "
                         f"of promo code {discount['promo_code']!r} apply")
        if tiering != "none":
            for k, row in enumerate(charges.get("one_time") or []):
                if row.get("tiers") and row.get("amount") is not None:
                    warn((*cat, "one_time", k, "amount"),
                         f"the one-time amount {row['amount']} of {row['service']!r} is never "
                         "billed: the frequency is tiered and the charge has tiers")


def _differs(stored: Any, billed: Any, money: bool) -> bool:
    if money and stored is not None and billed is not None:
        return bool(Decimal(str(stored)) != Decimal(str(billed)))
    return bool(stored != billed)


def _lint_usage(at: Elems, row: Mapping[str, Any], freq: Mapping[str, Any], currency: str,
                rate_plans: Mapping[str, Any], warn: Any) -> None:
    """Some rate plan gives a rate: the row's service-level plan, else the frequency's.

    As in the engine, a plan without a rate for the service and currency is skipped.
    """
    settings = row.get("settings") or {}
    names = [n for n in (settings.get("rate_plan"), freq.get("rate_plan")) if n]
    if any(n not in rate_plans for n in names):
        return  # an unknown rate plan: validation reports it
    for name in names:
        if any(r["service"] == row["service"] and r["currency"] == currency
               for r in rate_plans[name]["rates"]):
            return
    if not names:
        where = "no rate plan applies"
    elif len(names) == 1 or names[0] == names[1]:
        where = f"rate plan {names[0]!r} has no rate for it in {currency}"
    else:
        where = f"neither rate plan {names[0]!r} nor {names[1]!r} has a rate for it in {currency}"
    beyond = "beyond its usage bucket " if row.get("usage_bucket") else ""
    warn((*at, "service"), f"usage of {row['service']!r} {beyond}is never charged: {where}")


# ---------------------------------------------------------------------------------------------
# bundles priced above their parts


def _unit_price(row: Mapping[str, Any], status: str, tiering: str) -> Decimal | None:
    if tiering != "none":
        tiers = (row.get("tiers") or {}).get(status)
        if tiers:
            return Decimal(tiers[0]["amount"])
    amount = (row.get("amounts") or {}).get(status)
    return Decimal(amount) if amount is not None else None


def _bundle_above_parts(doc: Mapping[str, Any]) -> list[tuple[Elems, str]]:
    """Packages that cost more than their services bought separately, with no discount.

    The seed's advice is "if there's an advertised price below the sum of the services,
    balance out the package with a discount"; its smell is a bundle whose services cost more
    together than apart. Services have no list price of their own in this format, so "apart"
    is read as: the cheapest price of the same service, in the same status, price book,
    currency and bill frequency, in an active frequency of another enabled package that
    prices *fewer* recurring services in that book and currency (a smaller offer).

    A package frequency is reported, once per price book and currency, when for some status
    at least two of its recurring services have such a separate price and its prices for
    them add up to more than the separate prices, and none of its recurring rows in that
    book and currency carries a discount. The unit price of a tiered row is its first tier.
    """
    offers: list[tuple[Elems, str, Mapping[str, Any], str, str, str, Mapping[str, Any]]] = []
    for i, package in enumerate(doc.get("packages") or []):
        if not package.get("enabled"):
            continue
        for j, freq in enumerate(package.get("frequencies") or []):
            if not freq.get("active"):
                continue
            bill = json.dumps(freq.get("bill_frequency"), sort_keys=True)
            for book, code, charges in _charges(freq):
                at: Elems = ("packages", i, "frequencies", j, "price_books", book, code)
                offers.append((at, package["name"], freq, bill, book, code, charges))

    # (service, status, bill, book, currency) -> [(size, package, price)]
    prices: dict[tuple[str, str, str, str, str], list[tuple[int, str, Decimal]]] = {}
    sizes: dict[Elems, int] = {}
    for at, name, freq, bill, book, code, charges in offers:
        rows = charges.get("recurring") or []
        tiering = freq.get("tiering", "none")
        size = sum(1 for r in rows if r.get("amounts") or r.get("tiers"))
        sizes[at] = size
        for row in rows:
            for status in {*(row.get("amounts") or {}), *(row.get("tiers") or {})}:
                price = _unit_price(row, status, tiering)
                if price is not None:
                    key = (row["service"], status, bill, book, code)
                    prices.setdefault(key, []).append((size, name, price))

    any_nan = any(p.is_nan() for entries in prices.values() for _s, _n, p in entries)
    smallest: dict[tuple[tuple[str, str, str, str, str], int], tuple[Any, Any, Any]] = {}

    def cheapest(key: tuple[str, str, str, str, str], below: int, name: str) -> Decimal | None:
        """``min`` of the prices under ``key`` of packages other than ``name`` with fewer than
        ``below`` priced services (the first of equal prices, as ``min`` gives it), or None.
        Worked out once per key and size: the cheapest, and the cheapest of another package
        than the cheapest's."""
        entries = prices.get(key, [])
        if any_nan:  # a NaN cannot be ordered: compare exactly the prices min() would
            separate = [p for size, other, p in entries if other != name and size < below]
            return min(separate) if separate else None
        memo = smallest.get((key, below))
        if memo is None:
            best: Decimal | None = None
            best_name: str | None = None
            other_best: Decimal | None = None
            for size, other, p in entries:
                if size < below and (best is None or p < best):
                    best, best_name = p, other
            for size, other, p in entries:
                if size < below and other != best_name and (other_best is None or p < other_best):
                    other_best = p
            memo = smallest[(key, below)] = (best, best_name, other_best)
        best, best_name, other_best = memo
        return best if best is not None and best_name != name else other_best

    out: list[tuple[Elems, str]] = []
    for at, name, freq, bill, book, code, charges in offers:
        rows = charges.get("recurring") or []
        if any(row.get("discounts") for row in rows):
            continue
        tiering = freq.get("tiering", "none")
        statuses = sorted({s for row in rows for s in (*(row.get("amounts") or {}),
                                                       *(row.get("tiers") or {}))})
        for status in statuses:
            together = Decimal(0)
            apart = Decimal(0)
            shared: list[str] = []
            for row in rows:
                price = _unit_price(row, status, tiering)
                if price is None:
                    continue
                key = (row["service"], status, bill, book, code)
                separate = cheapest(key, sizes[at], name)
                if separate is not None:
                    together += price
                    apart += separate
                    shared.append(row["service"])
            if len(shared) >= 2 and together > apart:
                listed = ", ".join(repr(s) for s in shared)
                out.append((at, f"package {name!r} charges {together} in status {status!r} for "
                                f"{listed}, more than the same services cost in smaller "
                                f"packages ({apart}); balance it with a discount or lower the "
                                "prices"))
                break
    return out
