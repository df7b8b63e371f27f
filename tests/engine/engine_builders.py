"""Small builders of catalog and account documents for the engine tests (plain dicts, checked
against the published JSON Schemas), and a helper that simulates and checks the bill document.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from app.engine import (
    Bill,
    BillLine,
    account_from_document,
    bill_to_document,
    catalog_from_document,
    simulate,
)

Doc = dict[str, Any]

STATUSES: list[Doc] = [{"name": "Pre-Active"}, {"name": "Active"}, {"name": "Suspended"},
                       {"name": "Cancelled", "cancelled": True}]


@cache
def validator(kind: str) -> Draft202012Validator:
    text = (resources.files("app") / "schemas" / f"{kind}.schema.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def assert_valid(kind: str, doc: Doc) -> None:
    errors = sorted(validator(kind).iter_errors(doc), key=lambda e: list(map(str, e.path)))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def service(name: str, base_type: str = "recurring", *, gl: str | None = "4000",
            tax: str | None = None, inclusive: bool | None = None,
            unit: str | None = None) -> Doc:
    doc: Doc = {"name": name, "base_type": base_type, "gl_code": gl, "tax_category": tax,
                "tax_inclusive": inclusive}
    if unit is not None:
        doc["unit"] = unit
    return doc


def recurring(service_name: str, amounts: dict[str, str] | None = None, *,
              tiers: dict[str, list[tuple[int | None, str]]] | None = None,
              discounts: list[Doc] | None = None, settings: Doc | None = None,
              bucket: Doc | None = None) -> Doc:
    return {
        "service": service_name, "amounts": dict(amounts or {}),
        "tiers": {status: [{"end": end, "amount": amount} for end, amount in items]
                  for status, items in (tiers or {}).items()},
        "settings": {"gl_code": None, "tax_category": None, "rate_plan": None,
                     "tax_inclusive": None, **(settings or {})},
        "usage_bucket": bucket, "discounts": list(discounts or []),
    }


def discount(name: str, type_: str, amount: str, *, months: int | None = None,
             days: int | None = None, status: str | None = "Active", prorate: bool = True,
             start: str = "2020-01-01", end: str | None = None, active: bool = True,
             gl: str | None = None, promo: str | None = None) -> Doc:
    doc: Doc = {"kind": "promo_code" if promo else "discount", "name": name, "gl_code": gl,
                "active": active, "start": start, "end": end, "prorate": prorate,
                "status": status, "type": type_, "amount": amount, "period_months": months}
    if days is not None:
        doc["period_days"] = days
    if promo:
        doc["promo_code"] = promo
    return doc


def transition_charge(service_name: str, transition: str, charge_service: str, amount: str,
                      penalty: Doc | None = None) -> Doc:
    return {"service": service_name, "transition": transition, "charge_service": charge_service,
            "amount": amount, "penalty": penalty}


def one_time(service_name: str, amount: str | None, *,
             tiers: list[tuple[int | None, str]] | None = None) -> Doc:
    return {"service": service_name, "amount": amount,
            "tiers": [{"end": e, "amount": a} for e, a in tiers] if tiers else None,
            "settings": {}}


def charges(recurring_rows: list[Doc] | None = None, transitions: list[Doc] | None = None,
            one_time_rows: list[Doc] | None = None) -> Doc:
    return {"recurring": list(recurring_rows or []), "transitions": list(transitions or []),
            "one_time": list(one_time_rows or [])}


def frequency(name: str, books: dict[str, dict[str, Doc]], *, bill: Any = "monthly",
              tiering: str = "none", counting_rule: str | None = None,
              currencies: list[str] | None = None, contract: str | None = None,
              rate_plan: str | None = None, active: bool = True) -> Doc:
    if currencies is None:
        currencies = sorted({cur for per in books.values() for cur in per})
    return {"name": name, "sku": None, "active": active, "bill_frequency": bill,
            "contract": contract, "rate_plan": rate_plan, "tiering": tiering,
            "counting_rule": counting_rule, "currencies": currencies, "price_books": books}


def package(name: str, services: list[str], frequencies: list[Doc], *, rollup: bool = False,
            activation: str | None = None, enabled: bool = True) -> Doc:
    return {"name": name, "enabled": enabled, "company": None, "rollup_services": rollup,
            "billing_activation_service": activation, "services": services,
            "frequencies": frequencies}


def catalog_doc(services: list[Doc], packages: list[Doc], *,
                currencies: list[tuple[str, int]] | None = None,
                price_books: list[str] | None = None, **extra: Any) -> Doc:
    doc: Doc = {
        "format": "catalog", "version": 1,
        "currencies": [{"code": c, "minor_units": m} for c, m in (currencies or [("USD", 2)])],
        "price_books": [{"code": b, "name": b.title()} for b in (price_books or ["standard"])],
        "statuses": STATUSES,
        "transitions": [{"name": "activation", "from": "Pre-Active", "to": "Active"},
                        {"name": "reactivation", "from": "Suspended", "to": "Active"}],
        "services": services, "packages": packages,
    }
    doc.update(extra)
    assert_valid("catalog", doc)
    return doc


def simple_catalog(amounts: dict[str, str] | None = None, *, currency: str = "USD",
                   minor_units: int = 2, bill: Any = "monthly", tax: str | None = None,
                   discounts: list[Doc] | None = None, **extra: Any) -> Doc:
    """One package 'Internet' with one recurring service 'Internet 100' on frequency
    'Internet Monthly' (whatever ``bill`` says)."""
    row = recurring("Internet 100", amounts if amounts is not None else {"Active": "50.00"},
                    discounts=discounts)
    return catalog_doc(
        [service("Internet 100", tax=tax)],
        [package("Internet", ["Internet 100"], [
            frequency("Internet Monthly", {"standard": {currency: charges([row])}}, bill=bill),
        ])],
        currencies=[(currency, minor_units)], **extra,
    )


def acct_service(sid: str, service_name: str, statuses: list[tuple[str, str]], *,
                 quantity: int = 1, price: str | None = None) -> Doc:
    return {"id": sid, "service": service_name, "quantity": quantity, "price": price,
            "statuses": [{"status": s, "from": d} for s, d in statuses]}


def acct_package(freq: str, start: str, services: list[Doc], *,
                 cancelled: str | None = None) -> Doc:
    return {"frequency": freq, "start": start, "cancelled": cancelled, "services": services}


def account_doc(packages: list[Doc], *, currency: str = "USD", book: str = "standard",
                bill_day: int = 1, country: str = "US", plan: str | None = None,
                promo: list[str] | None = None, usage: list[Doc] | None = None) -> Doc:
    doc: Doc = {"format": "account", "version": 1,
                "account": {"name": "Test Account", "country": country, "currency": currency,
                            "price_book": book, "bill_day": bill_day, "price_plan": plan,
                            "promo_codes": list(promo or [])},
                "packages": packages, "usage": list(usage or [])}
    assert_valid("account", doc)
    return doc


def one_service_account(statuses: list[tuple[str, str]], *, start: str | None = None,
                        freq: str = "Internet Monthly", quantity: int = 1,
                        price: str | None = None, cancelled: str | None = None,
                        **kwargs: Any) -> Doc:
    return account_doc([acct_package(
        freq, start or statuses[0][1],
        [acct_service("s1", "Internet 100", statuses, quantity=quantity, price=price)],
        cancelled=cancelled,
    )], **kwargs)


def run(catalog: Doc, account: Doc, start: str, periods: int = 1) -> tuple[Bill, Doc]:
    """Simulate, and check the bill document against the bill schema."""
    snapshot = catalog_from_document(catalog)
    scenario = account_from_document(account, snapshot)
    bill = simulate(snapshot, scenario, dt.date.fromisoformat(start), periods)
    document = bill_to_document(bill)
    assert_valid("bill", document)
    for period in bill.periods:
        assert period.total == sum((ln.amount for ln in period.lines if ln.counts_in_total),
                                   Decimal(0))
        for line in period.lines:
            assert line.explanation
    return bill, document


def lines(bill: Bill, period: int = 0, kind: str | None = None) -> list[BillLine]:
    return [ln for ln in bill.periods[period].lines if kind is None or ln.kind == kind]


def amounts(bill: Bill, period: int = 0, kind: str | None = None) -> list[Decimal]:
    return [ln.amount for ln in lines(bill, period, kind)]


def D(text: str) -> Decimal:  # noqa: N802 - reads like the Decimal it makes
    return Decimal(text)
