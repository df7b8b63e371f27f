"""Catalog lint: each smell on a small catalog that is otherwise clean."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app.catalog.document.lint import lint_catalog
from app.catalog.document.validation import validate_catalog

Doc = dict[str, Any]
NO_SETTINGS = {"gl_code": None, "tax_category": None, "rate_plan": None, "tax_inclusive": None}


def rec(service: str, amounts: dict[str, str], **extra: Any) -> Doc:
    row = {"service": service, "amounts": amounts, "tiers": {}, "settings": dict(NO_SETTINGS),
           "usage_bucket": None, "discounts": []}
    row.update(extra)
    return row


def frequency(name: str, recurring: list[Doc], **extra: Any) -> Doc:
    f = {"name": name, "sku": None, "active": True, "bill_frequency": "monthly",
         "contract": None, "rate_plan": None, "tiering": "none", "counting_rule": None,
         "currencies": ["USD"], "custom_fields": {},
         "price_books": {"standard": {"USD": {"recurring": recurring, "transitions": [],
                                              "one_time": []}}}}
    f.update(extra)
    return f


def package(name: str, services: list[str], frequencies: list[Doc], **extra: Any) -> Doc:
    p = {"name": name, "enabled": True, "company": None, "rollup_services": False,
         "billing_activation_service": None, "services": services, "frequencies": frequencies}
    p.update(extra)
    return p


def base() -> Doc:
    """A lint-clean catalog: an Internet package and a bundle priced below its parts."""
    internet = package("Internet", ["Internet", "Modem", "Install", "Fee", "Data"], [
        frequency("Internet Monthly", [
            rec("Internet", {"Pre-Active": "0.00", "Active": "50.00"}),
            rec("Modem", {"Active": "10.00"}),
            rec("Data", {}, usage_bucket={"bucket": "10 GB", "unit": None, "tiers": None},
                discounts=[]),
        ], rate_plan="Std data"),
    ])
    usd = internet["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["transitions"] = [{"service": "Internet", "transition": "activation",
                           "charge_service": "Fee", "amount": "49.00", "penalty": None}]
    usd["one_time"] = [{"service": "Install", "amount": "100.00", "tiers": None, "settings": {}}]
    bundle = package("Bundle", ["Internet", "Modem", "TV"], [
        frequency("Bundle Monthly", [
            rec("Internet", {"Active": "45.00"}),
            rec("Modem", {"Active": "10.00"}),
            rec("TV", {"Active": "20.00"}, discounts=[{
                "kind": "promo_code", "name": "Spring", "promo_code": "SPRING", "gl_code": None,
                "active": True, "start": "2026-01-01", "end": None, "prorate": False,
                "status": "Active", "type": "percent", "amount": "10", "period_months": 3}]),
        ]),
    ], rollup_services=True)
    return {
        "format": "catalog", "version": 1,
        "currencies": [{"code": "USD", "minor_units": 2}, {"code": "EUR", "minor_units": 2}],
        "price_books": [{"code": "standard", "name": "Standard"}],
        "statuses": [{"name": "Pre-Active"}, {"name": "Active"},
                     {"name": "Cancelled", "cancelled": True}],
        "transitions": [{"name": "activation", "from": "Pre-Active", "to": "Active"}],
        "services": [
            {"name": "Internet", "base_type": "recurring", "tax_category": "telecom"},
            {"name": "Modem", "base_type": "recurring", "tax_category": "telecom",
             "tax_inclusive": True},
            {"name": "TV", "base_type": "recurring"},
            {"name": "Install", "base_type": "one_time"},
            {"name": "Fee", "base_type": "fee"},
            {"name": "Data", "base_type": "usage", "unit": "GB"},
        ],
        "tax_rates": [{"category": "telecom", "country": "US", "rate": "0.07"}],
        "rate_plans": [{"name": "Std data", "rates": [
            {"service": "Data", "currency": "USD", "per_unit": "2.00"}]}],
        "usage_buckets": [{"name": "10 GB", "service": "Data", "unit": "GB",
                           "tiers": [{"threshold": "10", "flat_charge": "0"}]}],
        "counting_rules": [{"name": "Lines", "counts": "services", "items": ["Internet"],
                            "statuses": ["Active"]}],
        "contracts": [], "companies": [],
        "custom_fields": [{"name": "Code", "entity": "package_frequency", "type": "text",
                           "required": False}],
        "promo_codes": [{"code": "SPRING", "discount": {"type": "percent", "amount": "10"}}],
        "price_plans": [],
        "packages": [internet, bundle],
    }


def internet(doc: Doc) -> Doc:
    f: Doc = doc["packages"][0]["frequencies"][0]
    return f


def bundle(doc: Doc) -> Doc:
    f: Doc = doc["packages"][1]["frequencies"][0]
    return f


def usd(freq: Doc) -> Doc:
    c: Doc = freq["price_books"]["standard"]["USD"]
    return c


INET = "packages[0].frequencies[0]"
BUN = "packages[1].frequencies[0]"


def warnings(doc: Doc) -> list[tuple[str, str]]:
    problems = lint_catalog(doc)
    assert all(p.severity == "warning" for p in problems)
    return [(p.path, p.message) for p in problems]


def only(doc: Doc) -> tuple[str, str]:
    found = warnings(doc)
    assert len(found) == 1, found
    return found[0]


def test_base_is_valid_and_clean() -> None:
    assert validate_catalog(base()) == []
    assert lint_catalog(base()) == []


def test_spec_example_smells(spec_catalog: Doc) -> None:
    assert [p.path for p in lint_catalog(spec_catalog)] == [
        "promo_codes[0].code",  # SPRING: no discount uses it
        "packages[0].frequencies[0].price_books.standard.USD.recurring[0].tiers",  # tiering none
    ]


# ---------------------------------------------------------------------------------------------
# a bundle priced above its parts


def test_bundle_above_its_parts_without_discount() -> None:
    doc = base()
    usd(bundle(doc))["recurring"][2]["discounts"] = []
    usd(bundle(doc))["recurring"][0]["amounts"]["Active"] = "55.00"
    doc["promo_codes"] = []
    path, message = only(doc)
    assert path == f"{BUN}.price_books.standard.USD"
    assert message == (
        "package 'Bundle' charges 65.00 in status 'Active' for 'Internet', 'Modem', more than "
        "the same services cost in smaller packages (60.00); balance it with a discount or "
        "lower the prices")


def test_bundle_above_its_parts_with_a_discount_is_balanced() -> None:
    doc = base()
    usd(bundle(doc))["recurring"][0]["amounts"]["Active"] = "55.00"
    assert warnings(doc) == []


def test_bundle_compared_only_with_the_same_bill_frequency() -> None:
    doc = base()
    usd(bundle(doc))["recurring"][2]["discounts"] = []
    usd(bundle(doc))["recurring"][0]["amounts"]["Active"] = "55.00"
    doc["promo_codes"] = []
    bundle(doc)["bill_frequency"] = "annual"
    assert warnings(doc) == []


def test_a_smaller_package_is_not_compared_with_a_bigger_one() -> None:
    doc = base()
    usd(bundle(doc))["recurring"][2]["discounts"] = []
    doc["promo_codes"] = []
    # the Internet package now costs more than the bundle for the same services: that is the
    # point of a bundle, not a smell
    usd(internet(doc))["recurring"][0]["amounts"]["Active"] = "80.00"
    assert warnings(doc) == []


def test_bundle_uses_first_tier_as_unit_price() -> None:
    doc = base()
    usd(bundle(doc))["recurring"][2]["discounts"] = []
    doc["promo_codes"] = []
    bundle(doc)["tiering"] = "progressive"
    usd(bundle(doc))["recurring"][0].update(amounts={}, tiers={"Active": [
        {"end": 1, "amount": "70.00"}, {"end": None, "amount": "40.00"}]})
    path, message = only(doc)
    assert path == f"{BUN}.price_books.standard.USD" and "charges 80.00" in message


# ---------------------------------------------------------------------------------------------
# frequencies and currencies


def test_frequency_with_no_enabled_currency() -> None:
    doc = base()
    bundle(doc)["currencies"] = []
    assert only(doc) == (
        f"{BUN}.currencies",
        "no currency is enabled: the frequency cannot be sold (Active stays disabled until a "
        "currency is enabled)")


def test_currency_enabled_without_prices() -> None:
    doc = base()
    internet(doc)["currencies"].append("EUR")
    assert only(doc) == (f"{INET}.currencies[1]",
                         "currency EUR is enabled but has no prices in any price book")


def test_bracket_without_counting_rule_is_an_error_not_a_smell() -> None:
    """The exchange format requires it ("A bracket frequency names a counting_rule"), so it is
    validation's error, once, and not also a lint warning beside it in the Checks tab."""
    doc = base()
    internet(doc)["tiering"] = "bracket"
    assert warnings(doc) == []
    assert [(p.path, p.message) for p in validate_catalog(doc)] == [
        (f"{INET}.counting_rule",
         "bracket tiering needs a counting rule (it counts the units that pick the tier)")]


def test_counting_rule_without_bracket_tiering() -> None:
    doc = base()
    internet(doc)["counting_rule"] = "Lines"
    assert only(doc) == (f"{INET}.counting_rule", "the counting rule is ignored: only bracket "
                                               "tiering uses one (tiering is none)")


def test_tiers_with_tiering_none() -> None:
    doc = base()
    usd(internet(doc))["recurring"][0]["tiers"] = {"Active": [{"end": None, "amount": "1"}]}
    usd(internet(doc))["one_time"][0]["tiers"] = [{"end": None, "amount": "1"}]
    ignored = "tiers are set but the frequency's tiering is none: they would be ignored"
    assert warnings(doc) == [
        (f"{INET}.price_books.standard.USD.recurring[0].tiers", ignored),
        (f"{INET}.price_books.standard.USD.one_time[0].tiers", ignored),
    ]
    usd(internet(doc))["one_time"][0]["amount"] = None  # the engine then takes the first tier
    assert warnings(doc)[1] == (
        f"{INET}.price_books.standard.USD.one_time[0].tiers",
        "tiers are set but the frequency's tiering is none: only the first tier's amount would "
        "be charged")


def test_price_for_a_cancelled_status() -> None:
    doc = base()
    usd(internet(doc))["recurring"][1]["amounts"]["Cancelled"] = "10.00"
    assert only(doc) == (f"{INET}.price_books.standard.USD.recurring[1].amounts.Cancelled",
                         "a price for the cancelled status 'Cancelled' is never billed")


# ---------------------------------------------------------------------------------------------
# discounts, promo codes, transitions


def test_discount_that_ends_before_it_starts() -> None:
    doc = base()
    usd(bundle(doc))["recurring"][2]["discounts"][0]["end"] = "2025-12-31"
    assert only(doc) == (
        f"{BUN}.price_books.standard.USD.recurring[2].discounts[0].end",
        "the discount ends (2025-12-31) before it starts (2026-01-01): it never applies")


def test_promo_code_that_ends_before_it_starts() -> None:
    doc = base()
    doc["promo_codes"][0]["discount"].update(start="2026-05-01", end="2026-04-30")
    assert only(doc) == ("promo_codes[0].discount.end", "the promo code ends (2026-04-30) "
                                                        "before it starts (2026-05-01): it "
                                                        "never applies")


def test_promo_code_no_discount_uses() -> None:
    doc = base()
    doc["promo_codes"].append({"code": "AUTUMN", "discount": {"type": "fixed", "amount": "5"}})
    assert only(doc) == ("promo_codes[1].code", "promo code 'AUTUMN' is not used by any "
                                                "discount: entering it on an account changes "
                                                "nothing")


def test_transition_charge_on_a_non_fee_service() -> None:
    doc = base()
    usd(internet(doc))["transitions"][0]["charge_service"] = "Modem"
    # the fee service is now unpriced as well
    assert warnings(doc) == [
        ("packages[0].services[3]",
         "service 'Fee' has no price in any frequency or price book of package 'Internet'"),
        (f"{INET}.price_books.standard.USD.transitions[0].charge_service",
         "transition charge on 'Modem', which is not a fee service (base type recurring)"),
    ]


# ---------------------------------------------------------------------------------------------
# packages


def test_disabled_package_with_active_frequency() -> None:
    doc = base()
    doc["packages"][1]["enabled"] = False
    assert only(doc) == (f"{BUN}.active", "package 'Bundle' is disabled but this frequency is "
                                        "active: it cannot be sold")


def test_enabled_package_without_active_frequency() -> None:
    doc = base()
    bundle(doc)["active"] = False
    assert only(doc) == ("packages[1].enabled", "package 'Bundle' is enabled but has no active "
                                                "frequency: it cannot be added to an account")


def test_disabled_package_with_inactive_frequencies_is_fine() -> None:
    doc = base()
    doc["packages"][1]["enabled"] = False
    bundle(doc)["active"] = False
    assert warnings(doc) == []


def test_service_without_any_price() -> None:
    doc = base()
    doc["packages"][1]["services"].append("Install")
    assert only(doc) == ("packages[1].services[3]", "service 'Install' has no price in any "
                                                    "frequency or price book of package "
                                                    "'Bundle'")


def test_usage_service_priced_by_the_frequency_rate_plan_alone() -> None:
    doc = base()
    usd(internet(doc))["recurring"].pop(2)  # no bucket row: the rate plan still rates Data
    assert warnings(doc) == []


def test_usage_that_is_never_charged() -> None:
    doc = base()
    internet(doc)["rate_plan"] = None
    assert only(doc) == (f"{INET}.price_books.standard.USD.recurring[2].service",
                         "usage of 'Data' beyond its usage bucket is never charged: no rate "
                         "plan applies")
    internet(doc)["rate_plan"] = "Std data"
    internet(doc)["currencies"].append("EUR")
    internet(doc)["price_books"]["standard"]["EUR"] = copy.deepcopy(usd(internet(doc)))
    assert only(doc) == (f"{INET}.price_books.standard.EUR.recurring[2].service",
                         "usage of 'Data' beyond its usage bucket is never charged: rate plan "
                         "'Std data' has no rate for it in EUR")


def test_service_level_rate_plan_without_a_rate_falls_back_to_the_frequency_plan() -> None:
    doc = base()
    doc["rate_plans"].append({"name": "Empty", "rates": []})
    usd(internet(doc))["recurring"][2]["settings"]["rate_plan"] = "Empty"
    assert warnings(doc) == []
    internet(doc)["rate_plan"] = None
    assert only(doc) == (f"{INET}.price_books.standard.USD.recurring[2].service",
                         "usage of 'Data' beyond its usage bucket is never charged: rate plan "
                         "'Empty' has no rate for it in USD")
    internet(doc)["rate_plan"] = "Empty"
    doc["rate_plans"].append({"name": "Empty too", "rates": []})
    usd(internet(doc))["recurring"][2]["settings"]["rate_plan"] = "Empty too"
    assert only(doc)[1].endswith("neither rate plan 'Empty too' nor 'Empty' has a rate for it "
                                 "in USD")


# ---------------------------------------------------------------------------------------------
# reference data


def test_tax_category_without_any_rate() -> None:
    doc = base()
    doc["services"][2]["tax_category"] = "video"
    assert only(doc) == ("services[2].tax_category",
                         "no tax rate for category 'video' in any country: 'TV' is never taxed")


def test_options_on_a_field_that_is_not_a_choice() -> None:
    doc = base()
    doc["custom_fields"][0]["options"] = ["a", "b"]
    assert only(doc) == ("custom_fields[0].options", "custom field 'Code' has options but its "
                                                     "type is text: the options are ignored")


# ---------------------------------------------------------------------------------------------
# lint on documents that fail the rule checks


def test_lint_copes_with_unknown_references() -> None:
    doc = base()
    usd(internet(doc))["recurring"][0]["service"] = "Ghost"
    usd(internet(doc))["transitions"][0]["charge_service"] = "Ghost fee"
    internet(doc)["rate_plan"] = "Ghost plan"
    doc["packages"][1]["services"].append("Ghost")
    assert any(p.severity == "error" for p in validate_catalog(doc))
    assert [p for p, _ in warnings(doc)] == [
        "packages[0].services[0]", "packages[0].services[3]"]


NAME_KEYS = {"name", "service", "status", "transition", "charge_service", "bucket", "rate_plan",
             "counting_rule", "contract", "company", "promo_code", "from", "to", "services",
             "items", "statuses", "billing_activation_service", "category", "code"}
DEMO_TEXT = (resources.files("app.resources") / "demo" / "catalog.json").read_text("utf-8")


@pytest.fixture(scope="module")
def schema_validator() -> Draft202012Validator:
    text = (resources.files("app") / "schemas" / "catalog.schema.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


@pytest.mark.slow
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_lint_never_crashes_on_schema_valid_documents(
    schema_validator: Draft202012Validator, data: st.DataObject
) -> None:
    """Swap names and values around (keeping the schema happy): lint still answers."""
    doc = base() if data.draw(st.booleans()) else json.loads(DEMO_TEXT)
    strings: list[tuple[Any, Any, str]] = []

    def collect(node: Any, parent: Any = None) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in list(items):
            if isinstance(v, str) and (k in NAME_KEYS or parent in NAME_KEYS):
                strings.append((node, k, v))
            elif isinstance(v, dict | list):
                collect(v, k)

    collect(doc)
    pool = sorted({v for _, _, v in strings})
    for node, key, _ in data.draw(st.lists(st.sampled_from(strings), min_size=1, max_size=6)):
        node[key] = data.draw(st.sampled_from(pool))
    assume(schema_validator.is_valid(doc))
    problems = lint_catalog(doc)
    assert all(p.severity == "warning" and p.message for p in problems)
