"""The demo catalog a new user opens: valid, lint-clean, canonical, readable, and complete.

"Complete" means it shows every feature of the catalog format, so a user exploring the editor
(and the simulator) finds an example of each.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from app.catalog.document.lint import lint_catalog
from app.catalog.document.validation import validate_catalog

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def text() -> str:
    return (resources.files("app.resources") / "demo" / "catalog.json").read_text("utf-8")


@pytest.fixture(scope="module")
def demo(text: str) -> Doc:
    doc: Doc = json.loads(text)
    return doc


def frequencies(doc: Doc) -> Iterator[tuple[Doc, Doc]]:
    for package in doc["packages"]:
        for freq in package["frequencies"]:
            yield package, freq


def charges(doc: Doc) -> Iterator[tuple[Doc, str, str, Doc]]:
    for _, freq in frequencies(doc):
        for book, by_currency in freq["price_books"].items():
            for currency, c in by_currency.items():
                yield freq, book, currency, c


def recurring(doc: Doc) -> Iterator[tuple[Doc, str, Doc]]:
    for freq, book, _, c in charges(doc):
        for row in c["recurring"]:
            yield freq, book, row


# ---------------------------------------------------------------------------------------------
# valid, clean, readable


def test_demo_validates_without_problems(demo: Doc) -> None:
    assert validate_catalog(demo) == []


def test_demo_has_no_lint_warnings(demo: Doc) -> None:
    assert lint_catalog(demo) == []


def test_demo_is_pretty_printed_and_small_enough_to_read(demo: Doc, text: str) -> None:
    assert text == json.dumps(demo, indent=2, ensure_ascii=False) + "\n"
    assert len(text.splitlines()) <= 1550  # 1500, plus the scheduled 2027 price change


def test_package_data_loader_returns_the_demo(demo: Doc, demo_catalog: Doc) -> None:
    assert demo_catalog == demo


# ---------------------------------------------------------------------------------------------
# the canonical (exported) form


def _keys(obj: Doc, always: set[str], optional: tuple[str, ...] = (),
          default: Any = None) -> list[str]:
    """Problems with an object's keys: ``always`` present, ``optional`` only when not default."""
    problems = [f"missing {k}" for k in sorted(always - obj.keys())]
    extra = obj.keys() - always - set(optional)
    problems += [f"unexpected {k}" for k in sorted(extra)]
    for k in optional:
        if k in obj and obj[k] == default:
            problems.append(f"{k} holds its default {obj[k]!r} and should be left out")
    return problems


def canonical_problems(doc: Doc) -> list[str]:
    """Where a document departs from the exporter's canonical form (see the brief/spec)."""
    out: list[str] = []

    def check(where: str, problems: list[str]) -> None:
        out.extend(f"{where}: {p}" for p in problems)

    check("top", _keys(doc, {"format", "version", "currencies", "price_books", "statuses",
                             "transitions", "services", "tax_rates", "rate_plans",
                             "usage_buckets", "counting_rules", "contracts", "companies",
                             "custom_fields", "promo_codes", "price_plans", "packages"},
                       ("versions",)))
    for c in doc["currencies"]:
        check(c["code"], _keys(c, {"code", "minor_units"}, ("name",)))
    for b in doc["price_books"]:
        check(b["code"], _keys(b, {"code", "name"}, ("countries",), []))
    for s in doc["statuses"]:
        check(s["name"], _keys(s, {"name"}, ("cancelled",), False))
    for t in doc["transitions"]:
        check(t["name"], _keys(t, {"name", "from", "to"}))
    for s in doc["services"]:
        check(s["name"], _keys(s, {"name", "base_type"},
                               ("gl_code", "tax_category", "tax_inclusive", "unit")))
    for r in doc["tax_rates"]:
        check("tax rate", _keys(r, {"category", "country", "rate"}))
    for p in doc["rate_plans"]:
        check(p["name"], _keys(p, {"name", "rates"}))
        for r in p["rates"]:
            check(p["name"], _keys(r, {"service", "currency", "per_unit"}))
    for b in doc["usage_buckets"]:
        check(b["name"], _keys(b, {"name", "service", "unit", "tiers"}))
    for r in doc["counting_rules"]:
        check(r["name"], _keys(r, {"name", "counts", "items", "statuses"}))
    for c in doc["contracts"]:
        check(c["name"], _keys(c, {"name", "term_months", "early_termination_fee"}, ("gl_code",)))
    for c in doc["companies"]:
        check(c["name"], _keys(c, {"name"}))
    for f in doc["custom_fields"]:
        check(f["name"], _keys(f, {"name", "entity", "type", "required"}, ("options",), []))
    for p in doc["promo_codes"]:
        check(p["code"], _keys(p, {"code", "discount"}))
        check(p["code"], _keys(p["discount"], {"type", "amount"},
                               ("period_months", "period_days", "prorate", "status", "gl_code",
                                "start", "end")))
    for p in doc["price_plans"]:
        for price in p["prices"]:
            check(p["name"], _keys(price, {"service", "currency", "amount"}, ("status",)))
    for package in doc["packages"]:
        check(package["name"], _keys(package, {"name", "enabled", "company", "rollup_services",
                                               "billing_activation_service", "services",
                                               "frequencies"}))
    for _, f in frequencies(doc):
        check(f["name"], _keys(f, {"name", "sku", "active", "bill_frequency", "contract",
                                   "rate_plan", "tiering", "counting_rule", "currencies",
                                   "custom_fields", "price_books"}))
    for f, book, currency, c in charges(doc):
        where = f"{f['name']} {book} {currency}"
        check(where, _keys(c, {"recurring", "transitions", "one_time"}))
        for row in c["recurring"]:
            check(where, _keys(row, {"service", "amounts", "tiers", "settings", "usage_bucket",
                                     "discounts"}))
            check(where, _keys(row["settings"], {"gl_code", "tax_category", "rate_plan",
                                                 "tax_inclusive"}))
            if row["usage_bucket"] is not None:
                check(where, _keys(row["usage_bucket"], {"bucket", "unit", "tiers"}))
            for d in row["discounts"]:
                always = {"kind", "name", "gl_code", "active", "start", "end", "prorate",
                          "status", "type", "amount", "period_months"}
                if d["kind"] == "promo_code":
                    always.add("promo_code")
                check(where, _keys(d, always, ("period_days",)))
        for t in c["transitions"]:
            check(where, _keys(t, {"service", "transition", "charge_service", "amount",
                                   "penalty"}))
            if t["penalty"] is not None:
                check(where, _keys(t["penalty"], {"amount"},
                                   ("threshold_months", "threshold_days")))
        for o in c["one_time"]:
            check(where, _keys(o, {"service", "amount", "tiers", "settings"}))
            check(where, _keys(o["settings"], set(),
                               ("gl_code", "tax_category", "rate_plan", "tax_inclusive")))
    for i, v in enumerate(doc.get("versions") or ()):
        later = {"existing_subscriptions", "prices"} if i else set()
        check(f"version {i}", _keys(v, {"effective_date"} | later, ("name", "published"), False))
    return out


def test_demo_is_in_canonical_form(demo: Doc) -> None:
    assert canonical_problems(demo) == []


def test_spec_example_is_in_canonical_form(spec_catalog: Doc) -> None:
    # The brief says the spec's example is in the canonical form: the checker agrees.
    assert canonical_problems(spec_catalog) == []


def test_canonical_checker_notices_departures(demo: Doc) -> None:
    broken = json.loads(json.dumps(demo))
    broken["statuses"][0]["cancelled"] = False
    del broken["packages"][0]["frequencies"][0]["custom_fields"]
    assert len(canonical_problems(broken)) == 2


# ---------------------------------------------------------------------------------------------
# every feature of the format


def test_realistic_telecom_packages(demo: Doc) -> None:
    assert len(demo["packages"]) >= 6
    services = {s["name"] for s in demo["services"]}
    for word in ["Internet", "TV", "Phone", "Rental", "Business", "Mobile"]:
        assert any(word in name for name in services), word


def test_bill_frequencies(demo: Doc) -> None:
    bills = [json.dumps(f["bill_frequency"]) for _, f in frequencies(demo)]
    for bill in ['"monthly"', '"annual"', '"quarterly"']:
        assert bill in bills
    assert any(b.startswith("{") for b in bills), "a custom N-month frequency"


def test_two_price_books_and_two_currencies(demo: Doc) -> None:
    assert {b["code"] for b in demo["price_books"]} >= {"standard", "EU"}
    assert {c["code"] for c in demo["currencies"]} == {"USD", "EUR"}
    priced = {(book, cur) for _, book, cur, _ in charges(demo)}
    assert {("standard", "USD"), ("standard", "EUR"), ("EU", "EUR")} <= priced


def test_service_settings_override_in_a_regional_price_book(demo: Doc) -> None:
    overrides = [row for _, book, row in recurring(demo)
                 if book != "standard" and any(v is not None for v in row["settings"].values())]
    assert overrides


def test_bracket_tiers_with_a_counting_rule(demo: Doc) -> None:
    bracket = [f for _, f in frequencies(demo) if f["tiering"] == "bracket"]
    assert bracket and all(f["counting_rule"] for f in bracket)
    assert any(len(tiers) >= 2 for f, _, row in recurring(demo) if f in bracket
               for tiers in row["tiers"].values())
    assert {r["counts"] for r in demo["counting_rules"]} == {"services", "packages"}


def test_progressive_tiers_recurring_and_one_time_installation(demo: Doc) -> None:
    progressive = [f for _, f in frequencies(demo) if f["tiering"] == "progressive"]
    assert progressive
    assert any(len(t) >= 2 for f, _, row in recurring(demo) if f in progressive
               for t in row["tiers"].values())
    one_time_tiers = [o["tiers"] for f, _, _, c in charges(demo) if f in progressive
                      for o in c["one_time"] if o["tiers"]]
    assert [{"end": 1, "amount": "100.00"}, {"end": None, "amount": "75.00"}] in one_time_tiers


def test_stacked_discounts_free_then_twenty_percent(demo: Doc) -> None:
    stacks = [[(d["type"], d["amount"], d["period_months"]) for d in row["discounts"]]
              for _, _, row in recurring(demo)]
    assert [("price", "0.00", 3), ("percent", "20", 3)] in stacks


def test_promo_code_discount(demo: Doc) -> None:
    codes = {p["code"] for p in demo["promo_codes"]}
    used = {d["promo_code"] for _, _, row in recurring(demo) for d in row["discounts"]
            if d["kind"] == "promo_code"}
    assert used and used <= codes


def test_activation_fee_and_reactivation_penalty(demo: Doc) -> None:
    transitions = [t for _, _, _, c in charges(demo) for t in c["transitions"]]
    assert any(t["transition"] == "activation" and t["amount"] != "0.00" for t in transitions)
    assert any(t["transition"] == "reactivation" and t["penalty"]
               and t["penalty"].get("threshold_months") == 1 for t in transitions)
    assert any(t["penalty"] and t["penalty"].get("threshold_days") for t in transitions)


def test_one_time_charges(demo: Doc) -> None:
    assert any(o["amount"] for _, _, _, c in charges(demo) for o in c["one_time"])


def test_usage_bucket_in_gb_with_a_rate_plan(demo: Doc) -> None:
    rows = [(f, row) for f, _, row in recurring(demo) if row["usage_bucket"]]
    assert rows
    buckets = {b["name"]: b for b in demo["usage_buckets"]}
    assert all(buckets[row["usage_bucket"]["bucket"]]["unit"] == "GB" for _, row in rows)
    assert all(f["rate_plan"] or row["settings"]["rate_plan"] for f, row in rows)
    assert any(row["usage_bucket"]["tiers"] for _, row in rows), "a bucket override"


def test_contract_with_early_termination_fee(demo: Doc) -> None:
    fees = {c["name"]: c["early_termination_fee"] for c in demo["contracts"]}
    used = {f["contract"] for _, f in frequencies(demo) if f["contract"]}
    assert used and all(fees[name] != "0.00" for name in used)


def test_custom_fields_of_each_type_with_values(demo: Doc) -> None:
    fields = {f["name"]: f["type"] for f in demo["custom_fields"]}
    assert {"text", "number", "choice", "boolean"} <= set(fields.values())
    valued = {fields[name] for _, f in frequencies(demo) for name in f["custom_fields"]}
    assert {"text", "number", "choice", "boolean"} <= valued


def test_staff_price_plan(demo: Doc) -> None:
    assert any(p["name"] == "Staff" and p["prices"] for p in demo["price_plans"])


def test_rolled_up_package_with_a_promotional_credit(demo: Doc) -> None:
    rolled = [p for p in demo["packages"] if p["rollup_services"]]
    assert rolled
    credits = [d for p in rolled for f in p["frequencies"]
               for by_cur in f["price_books"].values() for c in by_cur.values()
               for row in c["recurring"] for d in row["discounts"]
               if d["type"] == "fixed" and d["period_months"]]
    assert credits


def test_disabled_package(demo: Doc) -> None:
    disabled = [p for p in demo["packages"] if not p["enabled"]]
    assert disabled and all(not f["active"] for p in disabled for f in p["frequencies"])


def test_taxes_in_two_countries_inclusive_and_exclusive(demo: Doc) -> None:
    assert {r["country"] for r in demo["tax_rates"]} == {"US", "DE"}
    inclusive = {s.get("tax_inclusive") for s in demo["services"] if s.get("tax_category")}
    assert {True, False} <= inclusive


def test_billing_activation_service(demo: Doc) -> None:
    assert any(p["billing_activation_service"] for p in demo["packages"])
