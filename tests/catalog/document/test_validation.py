"""Catalog validation: schema messages, references and business rules, each with its JSON path.

Every rule is tested on a small valid catalog (``base()``) with one thing broken, checking
the path a user would be pointed at and the words they would read.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_files import SHARED, needs_shared

from app.catalog.document.validation import MAX_DEPTH, validate_catalog
from app.catalog.jobs import check_catalog_file as validate_catalog_file
from app.engine.problems import Problem

DATA = Path(__file__).parent.parent / "data"
F = "packages[0].frequencies[0]"
USD = f"{F}.price_books.standard.USD"
REC = f"{USD}.recurring[0]"

Doc = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# a small valid catalog, and ways to reach into it


def base() -> Doc:
    """A small catalog that exercises most references, valid as it stands."""
    no_settings = {"gl_code": None, "tax_category": None, "rate_plan": None,
                   "tax_inclusive": None}
    return {
        "format": "catalog", "version": 1,
        "currencies": [{"code": "USD", "minor_units": 2}, {"code": "EUR", "minor_units": 2}],
        "price_books": [{"code": "standard", "name": "Standard"},
                        {"code": "EU", "name": "Europe", "countries": ["DE"]}],
        "statuses": [{"name": "Pre-Active"}, {"name": "Active"}, {"name": "Suspended"},
                     {"name": "Cancelled", "cancelled": True}],
        "transitions": [{"name": "activation", "from": "Pre-Active", "to": "Active"}],
        "services": [
            {"name": "Internet", "base_type": "recurring", "tax_category": "telecom"},
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
        "contracts": [{"name": "12 months", "term_months": 12,
                       "early_termination_fee": "150.00"}],
        "companies": [{"name": "Acme"}],
        "custom_fields": [
            {"name": "Code", "entity": "package_frequency", "type": "text", "required": False},
            {"name": "Speed", "entity": "package_frequency", "type": "number",
             "required": False},
            {"name": "Channel", "entity": "package_frequency", "type": "choice",
             "required": False, "options": ["Web", "Retail"]},
            {"name": "On web", "entity": "package_frequency", "type": "boolean",
             "required": False},
            {"name": "Launch", "entity": "package_frequency", "type": "date", "required": False},
            {"name": "Notes", "entity": "account_package", "type": "text", "required": False},
        ],
        "promo_codes": [{"code": "SPRING", "discount": {"type": "percent", "amount": "10",
                                                        "period_months": 3}}],
        "price_plans": [{"name": "Staff", "prices": [
            {"service": "Internet", "status": "Active", "currency": "USD", "amount": "0.00"}]}],
        "packages": [{
            "name": "Home", "enabled": True, "company": "Acme", "rollup_services": False,
            "billing_activation_service": "Internet",
            "services": ["Internet", "TV", "Install", "Fee", "Data"],
            "frequencies": [{
                "name": "Home Monthly", "sku": "H-M", "active": True,
                "bill_frequency": "monthly", "contract": "12 months", "rate_plan": "Std data",
                "tiering": "none", "counting_rule": None, "currencies": ["USD"],
                "custom_fields": {"Code": "X1", "Speed": 100, "Channel": "Web", "On web": True,
                                  "Launch": "2026-01-01"},
                "price_books": {"standard": {"USD": {
                    "recurring": [
                        {"service": "Internet", "amounts": {"Active": "50.00"}, "tiers": {},
                         "settings": dict(no_settings), "usage_bucket": None,
                         "discounts": [{
                             "kind": "discount", "name": "Free", "gl_code": None,
                             "active": True, "start": "2026-01-01", "end": None,
                             "prorate": True, "status": "Active", "type": "price",
                             "amount": "0.00", "period_months": 3}]},
                        {"service": "Data", "amounts": {}, "tiers": {},
                         "settings": dict(no_settings),
                         "usage_bucket": {"bucket": "10 GB", "unit": None, "tiers": None},
                         "discounts": []},
                    ],
                    "transitions": [{"service": "Internet", "transition": "activation",
                                     "charge_service": "Fee", "amount": "49.00",
                                     "penalty": {"amount": "25.00", "threshold_months": 1}}],
                    "one_time": [{"service": "Install", "amount": "100.00", "tiers": None,
                                  "settings": {}}],
                }}},
            }],
        }],
    }


def freq(doc: Doc) -> Doc:
    f: Doc = doc["packages"][0]["frequencies"][0]
    return f


def usd(doc: Doc) -> Doc:
    c: Doc = freq(doc)["price_books"]["standard"]["USD"]
    return c


def row(doc: Doc) -> Doc:
    r: Doc = usd(doc)["recurring"][0]
    return r


def discount(doc: Doc) -> Doc:
    d: Doc = row(doc)["discounts"][0]
    return d


def errors(doc: object) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in validate_catalog(doc) if p.severity == "error"]


def only_error(doc: object) -> tuple[str, str]:
    found = errors(doc)
    assert len(found) == 1, found
    return found[0]


def test_the_base_catalog_is_valid() -> None:
    assert validate_catalog(base()) == []


def test_validation_does_not_modify_the_document() -> None:
    doc = base()
    row(doc)["amounts"]["Active"] = "-1"
    before = copy.deepcopy(doc)
    validate_catalog(doc)
    assert doc == before


# ---------------------------------------------------------------------------------------------
# reference documents


def test_spec_example_catalog_has_no_errors() -> None:
    doc = json.loads((DATA / "spec_example_catalog.json").read_text("utf-8"))
    problems = validate_catalog(doc)
    assert [p for p in problems if p.severity == "error"] == []
    # The spec's example prices tiers on a frequency whose tiering is none: accepted, flagged.
    assert [p.path for p in problems] == [f"{REC}.tiers"]


@needs_shared("spec", "exchange-format.md")
def test_spec_example_copy_is_the_catalog_printed_in_the_spec() -> None:
    spec = SHARED / "spec" / "exchange-format.md"
    text = spec.read_text("utf-8")
    printed = text.split("```json\n", 1)[1].split("```", 1)[0]
    assert (DATA / "spec_example_catalog.json").read_text("utf-8") == printed


def test_demo_catalog_is_valid(demo_catalog: Doc) -> None:
    assert validate_catalog(demo_catalog) == []


# ---------------------------------------------------------------------------------------------
# files


def test_file_with_broken_reference_negative_price_and_bad_tiers_reports_all_three(
    tmp_path: Path,
) -> None:
    doc = base()
    freq(doc)["tiering"] = "progressive"
    freq(doc)["rate_plan"] = "Premium data"
    row(doc)["amounts"]["Active"] = "-5.00"
    row(doc)["tiers"] = {"Active": [{"end": 9, "amount": "100.00"}, {"end": 5, "amount": "90.00"},
                                    {"end": None, "amount": "80.00"}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), "utf-8")
    parsed, problems = validate_catalog_file(str(path))
    assert parsed == doc
    assert [(p.path, p.message) for p in problems if p.severity == "error"] == [
        (f"{F}.rate_plan", "unknown rate plan 'Premium data'"),
        (f"{REC}.amounts.Active", "negative amount '-5.00': prices cannot be negative"),
        (f"{REC}.tiers.Active[1].end",
         "end must be more than 9, the end of tier 1"),
    ]


def test_unreadable_file(tmp_path: Path) -> None:
    doc, problems = validate_catalog_file(str(tmp_path / "missing.json"))
    assert doc is None
    assert len(problems) == 1 and "cannot read the file" in problems[0].message


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "catalog",\n  "version": 1,,\n}', "utf-8")
    doc, problems = validate_catalog_file(str(path))
    assert doc is None
    assert len(problems) == 1
    assert problems[0].path == ""
    assert "not valid JSON" in problems[0].message
    assert "line 3 column 16" in problems[0].message


def test_nan_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_text('{"format": NaN}', "utf-8")
    doc, problems = validate_catalog_file(str(path))
    assert doc is None and "NaN" in problems[0].message


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "Caf\u00e9"}'.encode("latin-1"))
    doc, problems = validate_catalog_file(str(path))
    assert doc is None and "UTF-8" in problems[0].message


def test_wrong_top_level_type_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", "utf-8")
    doc, problems = validate_catalog_file(str(path))
    assert doc is None
    assert [(p.path, p.message) for p in problems] == [
        ("", "a catalog document must be a JSON object, got a list")]


def test_valid_file_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(base()).encode())
    doc, problems = validate_catalog_file(str(path))
    assert doc == base() and [p for p in problems if p.severity == "error"] == []


def test_deeply_nested_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}", "utf-8")
    doc, problems = validate_catalog_file(str(path))
    assert len(problems) == 1 and problems[0].severity == "error"


# ---------------------------------------------------------------------------------------------
# schema messages


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (lambda d: row(d)["amounts"].update(Active="-5.00"), f"{REC}.amounts.Active",
         "negative amount '-5.00': prices cannot be negative"),
        (lambda d: row(d)["amounts"].update(Active="12,50"), f"{REC}.amounts.Active",
         "'12,50' is not a decimal amount (write 12.50)"),
        (lambda d: row(d)["amounts"].update(Active="1,250.00"), f"{REC}.amounts.Active",
         "'1,250.00' is not a decimal amount (write 1250.00, without thousands separators)"),
        (lambda d: row(d)["amounts"].update(Active="9.1234567"), f"{REC}.amounts.Active",
         "'9.1234567' has too many decimal places (at most 6)"),
        (lambda d: row(d)["amounts"].update(Active=".5"), f"{REC}.amounts.Active",
         "'.5' is not a decimal amount (write 0.5)"),
        (lambda d: row(d)["amounts"].update(Active=" 5.00"), f"{REC}.amounts.Active",
         "' 5.00' has spaces around it (write 5.00)"),
        (lambda d: row(d)["amounts"].update(Active="abc"), f"{REC}.amounts.Active",
         "'abc' is not a decimal amount (write digits with an optional decimal point, "
         "e.g. 49.99)"),
        (lambda d: row(d)["amounts"].update(Active=50), f"{REC}.amounts.Active",
         'write amounts in quotes, as text: "50" rather than 50'),
        (lambda d: d["tax_rates"][0].update(rate="-0.07"), "tax_rates[0].rate",
         "negative rate '-0.07': rates cannot be negative"),
        (lambda d: d["usage_buckets"][0]["tiers"][0].update(threshold="-1"),
         "usage_buckets[0].tiers[0].threshold",
         "negative quantity '-1': quantities cannot be negative"),
        (lambda d: usd(d)["one_time"][0].update(amount="-1"), f"{USD}.one_time[0].amount",
         "negative amount '-1': prices cannot be negative"),
        (lambda d: d["packages"][0].update(colour="red"), "packages[0].colour",
         "unknown field 'colour'"),
        (lambda d: d["services"][0].update(nmae="x"), "services[0].nmae",
         "unknown field 'nmae' (did you mean 'name'?)"),
        (lambda d: d["services"][1].pop("name"), "services[1]", "missing required field 'name'"),
        (lambda d: d.update(services="Internet"), "services", "expected a list, got a string"),
        (lambda d: d["services"][0].update(gl_code=4000), "services[0].gl_code",
         "expected a string or null, got a number"),
        (lambda d: freq(d).update(contract=12), f"{F}.contract",
         "expected a string or null, got a number"),
        (lambda d: freq(d).update(contract=""), f"{F}.contract", "must not be empty"),
        (lambda d: freq(d).update(bill_frequency="daily"), f"{F}.bill_frequency",
         "unknown bill frequency 'daily' (choose weekly, monthly, quarterly, semiannual, annual "
         'or {"months": N})'),
        (lambda d: freq(d).update(bill_frequency={"months": 0}), f"{F}.bill_frequency.months",
         "must be at least 1, not 0"),
        (lambda d: d["services"][0].update(base_type="subscription"), "services[0].base_type",
         "unknown base type 'subscription' (choose recurring, one_time, fee or usage)"),
        (lambda d: d.update(format="account"), "format",
         "not a catalog document: format is 'account', expected 'catalog'"),
        (lambda d: d.update(version=2), "version",
         "unsupported version 2: this program reads catalog version 1"),
        (lambda d: d["currencies"][0].update(code="usd"), "currencies[0].code",
         "'usd' is not a currency code (write three capital letters, e.g. USD)"),
        (lambda d: d["tax_rates"][0].update(country="us"), "tax_rates[0].country",
         "'us' is not a country code (write two capital letters, e.g. DE)"),
        (lambda d: discount(d).update(start="2026/01/01"), f"{REC}.discounts[0].start",
         "'2026/01/01' is not a date (write YYYY-MM-DD, e.g. 2026-01-31)"),
        (lambda d: discount(d).update(start="2026-02-30"), f"{REC}.discounts[0].start",
         "'2026-02-30' is not a real calendar date"),
        (lambda d: freq(d).update(currencies=["USD", "USD"]), f"{F}.currencies",
         "lists 'USD' more than once"),
        (lambda d: row(d).update(tiers={"Active": []}), f"{REC}.tiers.Active",
         "needs at least one tier"),
        (lambda d: row(d).update(usage_bucket={"unit": None}), f"{REC}.usage_bucket",
         "missing required field 'bucket'"),
        (lambda d: d["contracts"][0].update(term_months=601), "contracts[0].term_months",
         "must be at most 600, not 601"),
        (lambda d: d["companies"][0].update(name="x" * 201), "companies[0].name",
         "is too long (at most 200 characters)"),
    ],
)
def test_schema_messages(mutate: Any, path: str, message: str) -> None:
    doc = base()
    mutate(doc)
    assert (path, message) in errors(doc)


def test_one_of_noise_is_reduced_to_one_message() -> None:
    doc = base()
    usd(doc)["transitions"][0]["penalty"] = {"amount": "-1", "threshold_months": 1}
    assert errors(doc) == [(f"{USD}.transitions[0].penalty.amount",
                            "negative amount '-1': prices cannot be negative")]


def test_top_level_must_be_an_object() -> None:
    assert errors([]) == [("", "a catalog document must be a JSON object, got a list")]
    assert errors(None) == [("", "a catalog document must be a JSON object, got null")]


def test_missing_required_fields_at_top_level_are_each_reported() -> None:
    assert errors({"format": "catalog", "version": 1}) == [
        ("", f"missing required field {k!r}")
        for k in ["currencies", "price_books", "statuses", "services", "packages"]
    ]


def test_wrong_structure_stops_the_rule_checks() -> None:
    doc = base()
    doc["services"][0]["name"] = 5
    freq(doc)["rate_plan"] = "Nope"  # would be an unknown reference
    assert errors(doc) == [("services[0].name", "expected a string, got a number")]


def test_problems_come_in_document_order() -> None:
    doc = base()
    doc["packages"][0]["frequencies"][0]["contract"] = "Nope"
    doc["currencies"][1]["code"] = "eur"
    doc["services"][0]["base_type"] = "x"
    paths = [p for p, _ in errors(doc)]
    assert paths == ["currencies[1].code", "services[0].base_type", f"{F}.contract"]


def test_deeply_nested_document_is_a_problem_not_a_crash() -> None:
    deep: Any = []
    for _ in range(50_000):
        deep = [deep]
    doc = base()
    freq(doc)["custom_fields"]["Code"] = deep
    problems = validate_catalog(doc)
    assert len(problems) == 1
    assert problems[0].path.startswith(f"{F}.custom_fields.Code[0]")
    assert f"more than {MAX_DEPTH} levels" in problems[0].message


def test_huge_values_give_short_messages() -> None:
    doc = base()
    doc["services"][0]["name"] = "x" * 100_000
    doc["currencies"][0]["code"] = "Q" * 100_000
    problems = validate_catalog(doc)
    assert problems and all(len(p.message) < 300 for p in problems)


def test_many_problems_are_all_reported() -> None:
    doc = base()
    row(doc)["amounts"] = {f"S{i}": "-1" for i in range(500)}
    found = errors(doc)
    assert sum(1 for _, m in found if m.startswith("negative amount")) == 500
    assert sum(1 for _, m in found if m.startswith("unknown status")) == 500


# ---------------------------------------------------------------------------------------------
# duplicates


@pytest.mark.parametrize(
    ("key", "index", "field", "message"),
    [
        ("currencies", 0, "code", "duplicate currency code 'USD' (also currencies[0])"),
        ("price_books", 0, "code", "duplicate price book code 'standard' (also price_books[0])"),
        ("statuses", 1, "name", "duplicate status 'Active' (also statuses[1])"),
        ("transitions", 0, "name", "duplicate transition 'activation' (also transitions[0])"),
        ("services", 0, "name", "duplicate service 'Internet' (also services[0])"),
        ("rate_plans", 0, "name", "duplicate rate plan 'Std data' (also rate_plans[0])"),
        ("usage_buckets", 0, "name", "duplicate usage bucket '10 GB' (also usage_buckets[0])"),
        ("counting_rules", 0, "name", "duplicate counting rule 'Lines' (also counting_rules[0])"),
        ("contracts", 0, "name", "duplicate contract '12 months' (also contracts[0])"),
        ("companies", 0, "name", "duplicate company 'Acme' (also companies[0])"),
        ("custom_fields", 0, "name", "duplicate custom field 'Code' (also custom_fields[0])"),
        ("promo_codes", 0, "code", "duplicate promo code 'SPRING' (also promo_codes[0])"),
        ("price_plans", 0, "name", "duplicate price plan 'Staff' (also price_plans[0])"),
    ],
)
def test_duplicate_names(key: str, index: int, field: str, message: str) -> None:
    doc = base()
    doc[key].append(copy.deepcopy(doc[key][index]))
    last = len(doc[key]) - 1
    assert (f"{key}[{last}].{field}", message) in errors(doc)


def test_duplicate_tax_rate() -> None:
    doc = base()
    doc["tax_rates"].append({"category": "telecom", "country": "US", "rate": "0.08"})
    assert only_error(doc) == (
        "tax_rates[1]", "duplicate tax rate for category 'telecom' in US (also tax_rates[0])")


def test_duplicate_package() -> None:
    doc = base()
    doc["packages"].append({**copy.deepcopy(doc["packages"][0]), "frequencies": []})
    assert only_error(doc) == ("packages[1].name", "duplicate package 'Home' (also packages[0])")


def test_frequency_names_are_unique_across_packages() -> None:
    doc = base()
    other = copy.deepcopy(doc["packages"][0])
    other["name"] = "Other"
    other["frequencies"][0]["sku"] = "O-M"
    doc["packages"].append(other)
    assert only_error(doc) == (
        "packages[1].frequencies[0].name",
        "duplicate package frequency name 'Home Monthly' (also packages[0].frequencies[0]); "
        "accounts refer to frequencies by name, so names are unique across all packages")


def test_duplicate_sku_is_a_warning() -> None:
    doc = base()
    second = copy.deepcopy(freq(doc))
    second["name"] = "Home Annual"
    doc["packages"][0]["frequencies"].append(second)
    problems = validate_catalog(doc)
    assert problems == [Problem("packages[0].frequencies[1].sku",
                                f"SKU 'H-M' is also used by {F}", "warning")]
    assert problems[0].severity == "warning"


# ---------------------------------------------------------------------------------------------
# references


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (lambda d: d["transitions"][0].update(**{"from": "New"}), "transitions[0].from",
         "unknown status 'New'"),
        (lambda d: d["transitions"][0].update(to="Live"), "transitions[0].to",
         "unknown status 'Live'"),
        (lambda d: d["rate_plans"][0]["rates"][0].update(service="Voice"),
         "rate_plans[0].rates[0].service", "unknown service 'Voice'"),
        (lambda d: d["rate_plans"][0]["rates"][0].update(currency="GBP"),
         "rate_plans[0].rates[0].currency", "unknown currency 'GBP'"),
        (lambda d: d["usage_buckets"][0].update(service="Voice"), "usage_buckets[0].service",
         "unknown service 'Voice'"),
        (lambda d: d["counting_rules"][0]["items"].append("Phone"), "counting_rules[0].items[1]",
         "unknown service 'Phone'"),
        (lambda d: d["counting_rules"][0].update(counts="packages"),
         "counting_rules[0].items[0]", "unknown package 'Internet'"),
        (lambda d: d["counting_rules"][0]["statuses"].append("Live"),
         "counting_rules[0].statuses[1]", "unknown status 'Live'"),
        (lambda d: d["promo_codes"][0]["discount"].update(status="Live"),
         "promo_codes[0].discount.status", "unknown status 'Live'"),
        (lambda d: d["price_plans"][0]["prices"][0].update(service="Voice"),
         "price_plans[0].prices[0].service", "unknown service 'Voice'"),
        (lambda d: d["price_plans"][0]["prices"][0].update(status="Live"),
         "price_plans[0].prices[0].status", "unknown status 'Live'"),
        (lambda d: d["price_plans"][0]["prices"][0].update(currency="GBP"),
         "price_plans[0].prices[0].currency", "unknown currency 'GBP'"),
        (lambda d: d["packages"][0].update(company="Globex"), "packages[0].company",
         "unknown company 'Globex'"),
        (lambda d: d["packages"][0]["services"].append("Phone"), "packages[0].services[5]",
         "unknown service 'Phone'"),
        (lambda d: d["packages"][0].update(billing_activation_service="Phone"),
         "packages[0].billing_activation_service", "unknown service 'Phone'"),
        (lambda d: freq(d).update(contract="24 months"), f"{F}.contract",
         "unknown contract '24 months'"),
        (lambda d: freq(d).update(rate_plan="Premium"), f"{F}.rate_plan",
         "unknown rate plan 'Premium'"),
        (lambda d: freq(d).update(counting_rule="Boxes"), f"{F}.counting_rule",
         "unknown counting rule 'Boxes'"),
        (lambda d: freq(d)["currencies"].append("GBP"), f"{F}.currencies[1]",
         "unknown currency 'GBP'"),
        (lambda d: freq(d)["custom_fields"].update(Colour="red"), f"{F}.custom_fields.Colour",
         "unknown custom field 'Colour'"),
        (lambda d: freq(d)["price_books"].update(US=freq(d)["price_books"].pop("standard")),
         f"{F}.price_books.US", "unknown price book 'US'"),
        (lambda d: row(d).update(service="Internet 1000"), f"{REC}.service",
         "unknown service 'Internet 1000' (did you mean 'Internet'?)"),
        (lambda d: row(d)["amounts"].update(Live="1.00"), f"{REC}.amounts.Live",
         "unknown status 'Live'"),
        (lambda d: row(d).update(settings={"rate_plan": "Premium"}), f"{REC}.settings.rate_plan",
         "unknown rate plan 'Premium'"),
        (lambda d: usd(d)["recurring"][1]["usage_bucket"].update(bucket="20 GB"),
         f"{USD}.recurring[1].usage_bucket.bucket", "unknown usage bucket '20 GB'"),
        (lambda d: discount(d).update(status="Live"), f"{REC}.discounts[0].status",
         "unknown status 'Live'"),
        (lambda d: discount(d).update(kind="promo_code", promo_code="AUTUMN"),
         f"{REC}.discounts[0].promo_code", "unknown promo code 'AUTUMN'"),
        (lambda d: usd(d)["transitions"][0].update(transition="reactivation"),
         f"{USD}.transitions[0].transition", "unknown transition 'reactivation'"),
        (lambda d: usd(d)["transitions"][0].update(charge_service="Late fee"),
         f"{USD}.transitions[0].charge_service", "unknown service 'Late fee'"),
        (lambda d: usd(d)["transitions"][0].update(service="Phone"),
         f"{USD}.transitions[0].service", "unknown service 'Phone'"),
        (lambda d: usd(d)["one_time"][0].update(service="Wiring"), f"{USD}.one_time[0].service",
         "unknown service 'Wiring'"),
        (lambda d: usd(d)["one_time"][0].update(settings={"rate_plan": "X"}),
         f"{USD}.one_time[0].settings.rate_plan", "unknown rate plan 'X'"),
    ],
)
def test_unknown_references(mutate: Any, path: str, message: str) -> None:
    doc = base()
    mutate(doc)
    found_path, found = only_error(doc)
    assert found_path == path
    assert found == message or found.startswith(message + " (did you mean ")


def test_unknown_currency_under_price_books() -> None:
    doc = base()
    freq(doc)["price_books"]["standard"]["GBP"] = copy.deepcopy(usd(doc))
    assert only_error(doc) == (f"{F}.price_books.standard.GBP", "unknown currency 'GBP'")


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (lambda d: d["usage_buckets"][0].update(service="Internet"), "usage_buckets[0].service",
         "usage bucket service 'Internet' must be a usage service, not recurring"),
        (lambda d: d["packages"][0].update(billing_activation_service="Data")
         or d["packages"][0]["services"].remove("Data")
         or usd(d)["recurring"].pop(1),
         "packages[0].billing_activation_service",
         "billing activation service 'Data' is not one of this package's services"),
        (lambda d: row(d).update(service="Data") or usd(d)["recurring"].pop(1)
         and row(d).update(usage_bucket=None) or d["usage_buckets"].append(
             {"name": "TV hours", "service": "TV", "unit": "h",
              "tiers": [{"threshold": "1", "flat_charge": "0"}]}),
         "usage_buckets[1].service", "usage bucket service 'TV' must be a usage service, "
         "not recurring"),
        (lambda d: usd(d)["recurring"][1]["usage_bucket"].update(bucket="TV box")
         or d["usage_buckets"].append({"name": "TV box", "service": "Data", "unit": "GB",
                                       "tiers": [{"threshold": "1", "flat_charge": "0"}]})
         or row(d).update(usage_bucket={"bucket": "10 GB", "unit": None, "tiers": None}),
         f"{REC}.usage_bucket.bucket", "usage bucket '10 GB' is for service 'Data', "
         "not 'Internet'"),
        (lambda d: d["packages"][0]["services"].remove("TV") or row(d).update(service="TV"),
         f"{REC}.service", "service 'TV' is not in package 'Home'"),
        (lambda d: d["packages"][0]["services"].append("Internet"), "packages[0].services[5]",
         "service 'Internet' is listed twice (also services[0])"),
    ],
)
def test_references_of_the_wrong_kind(mutate: Any, path: str, message: str) -> None:
    doc = base()
    mutate(doc)
    assert (path, message) in errors(doc)


# ---------------------------------------------------------------------------------------------
# business rules


def test_standard_price_book_is_required_when_there_are_prices() -> None:
    doc = base()
    doc["price_books"][0]["code"] = "US"
    freq(doc)["price_books"] = {"US": freq(doc)["price_books"]["standard"]}
    code, message = only_error(doc)
    assert code == "price_books"
    assert message.startswith("a price book with code 'standard' is required")


def test_standard_price_book_is_not_required_without_prices() -> None:
    doc = base()
    doc["price_books"] = []
    freq(doc)["price_books"] = {}
    assert errors(doc) == []


def tiers(*ends: int | None) -> list[dict[str, Any]]:
    return [{"end": e, "amount": "10.00"} for e in ends]


@pytest.mark.parametrize(
    ("ends", "path", "message"),
    [
        ((9, 5, None), "[1].end", "end must be more than 9, the end of tier 1"),
        ((9, 9, None), "[1].end", "end must be more than 9, the end of tier 1"),
        ((9, None, None), "[1].end", "only the last tier may be open-ended (end null): tier 2 of "
                                     "3 has no end"),
        ((9, 20), "[1].end", "the last tier must be open-ended (end null), not end at 20"),
    ],
)
def test_tier_rules(ends: tuple[int | None, ...], path: str, message: str) -> None:
    doc = base()
    freq(doc)["tiering"] = "progressive"
    row(doc)["tiers"] = {"Active": tiers(*ends)}
    assert only_error(doc) == (f"{REC}.tiers.Active{path}", message)
    one_time = base()
    freq(one_time)["tiering"] = "progressive"
    usd(one_time)["one_time"][0].update(amount=None, tiers=tiers(*ends))
    assert only_error(one_time) == (f"{USD}.one_time[0].tiers{path}", message)


def test_valid_tiers() -> None:
    doc = base()
    freq(doc)["tiering"] = "progressive"
    row(doc)["tiers"] = {"Active": tiers(1, 5, None), "Suspended": tiers(None)}
    usd(doc)["one_time"][0].update(amount=None, tiers=tiers(1, None))
    assert validate_catalog(doc) == []


def test_tiers_with_tiering_none_are_flagged_as_ignored() -> None:
    doc = base()
    row(doc)["tiers"] = {"Active": tiers(9, None)}
    usd(doc)["one_time"][0]["tiers"] = tiers(1, None)
    problems = validate_catalog(doc)
    assert [(p.path, p.severity) for p in problems] == [
        (f"{REC}.tiers", "warning"), (f"{USD}.one_time[0].tiers", "warning")]
    assert "would be ignored" in problems[0].message
    assert "would be ignored" in problems[1].message
    usd(doc)["one_time"][0]["amount"] = None
    assert "only the first tier's amount" in validate_catalog(doc)[1].message


def test_bracket_tiering_needs_a_counting_rule() -> None:
    doc = base()
    freq(doc)["tiering"] = "bracket"
    assert only_error(doc) == (
        f"{F}.counting_rule",
        "bracket tiering needs a counting rule (it counts the units that pick the tier)")
    freq(doc)["counting_rule"] = "Lines"
    assert errors(doc) == []


def test_amounts_missing_for_a_status_that_tiers_cover_is_fine() -> None:
    doc = base()
    freq(doc).update(tiering="bracket", counting_rule="Lines")
    row(doc).update(amounts={}, tiers={"Active": tiers(4, None)})
    assert validate_catalog(doc) == []


def test_currency_with_prices_must_be_enabled() -> None:
    doc = base()
    freq(doc)["price_books"]["EU"] = {"EUR": copy.deepcopy(usd(doc))}
    assert only_error(doc) == (
        f"{F}.price_books.EU.EUR", "currency EUR has prices but is not enabled on this frequency")
    freq(doc)["currencies"].append("EUR")
    assert errors(doc) == []


def test_active_frequency_needs_an_enabled_currency() -> None:
    doc = base()
    freq(doc).update(currencies=[], price_books={})
    assert only_error(doc) == (
        f"{F}.active", "an active package frequency needs at least one enabled currency "
                       "(enable a currency, or make the frequency inactive)")
    freq(doc)["active"] = False
    assert errors(doc) == []


@pytest.mark.parametrize(
    ("service", "message"),
    [
        ("Install", "one-time service 'Install' cannot have a recurring price; put it under "
                    "one_time"),
        ("Fee", "fee service 'Fee' cannot have a recurring price; fee services are charged "
                "through transition charges"),
    ],
)
def test_recurring_rows_only_for_recurring_and_usage_services(service: str, message: str) -> None:
    doc = base()
    row(doc)["service"] = service
    row(doc)["discounts"] = []
    assert only_error(doc) == (f"{REC}.service", message)


def test_one_time_rows_only_for_one_time_services() -> None:
    doc = base()
    usd(doc)["one_time"][0]["service"] = "TV"
    assert only_error(doc) == (f"{USD}.one_time[0].service",
                               "service 'TV' is not a one-time service (base type recurring)")


def test_one_time_charge_needs_an_amount_or_tiers() -> None:
    doc = base()
    usd(doc)["one_time"][0]["amount"] = None
    assert only_error(doc) == (f"{USD}.one_time[0].amount",
                               "a one-time charge needs an amount or tiers")


def test_two_rows_for_one_service() -> None:
    doc = base()
    usd(doc)["recurring"].append(copy.deepcopy(row(doc)))
    usd(doc)["one_time"].append(copy.deepcopy(usd(doc)["one_time"][0]))
    usd(doc)["transitions"].append(copy.deepcopy(usd(doc)["transitions"][0]))
    assert errors(doc) == [
        (f"{USD}.recurring[2].service", "service 'Internet' has two recurring rows in this price "
                                        "book and currency (also recurring[0])"),
        (f"{USD}.transitions[1]", "two charges for transition 'activation' of 'Internet' (also "
                                  "transitions[0])"),
        (f"{USD}.one_time[1].service", "service 'Install' has two one_time rows in this price "
                                       "book and currency (also one_time[0])"),
    ]


def test_transition_charge_service_must_be_a_fee_service() -> None:
    doc = base()
    usd(doc)["transitions"][0]["charge_service"] = "TV"
    assert only_error(doc) == (f"{USD}.transitions[0].charge_service",
                               "charge service 'TV' must be a fee service (base type fee), "
                               "not recurring")


def test_transition_charge_service_must_be_in_the_package() -> None:
    doc = base()
    doc["services"].append({"name": "Phone", "base_type": "recurring"})
    usd(doc)["transitions"][0]["service"] = "Phone"
    assert only_error(doc) == (f"{USD}.transitions[0].service",
                               "service 'Phone' is not in package 'Home'")


def test_transition_must_change_status() -> None:
    doc = base()
    doc["transitions"][0]["to"] = "Pre-Active"
    assert only_error(doc) == ("transitions[0].to", "a transition must change the status: from "
                                                    "and to are both 'Pre-Active'")


@pytest.mark.parametrize(
    ("penalty", "path", "message"),
    [
        ({"amount": "5", "threshold_months": 1, "threshold_days": 10}, ".threshold_days",
         "give threshold_months or threshold_days, not both"),
        ({"amount": "5"}, "", "a penalty needs a threshold: threshold_months or threshold_days"),
        ({"amount": "5", "threshold_months": None, "threshold_days": None}, "",
         "a penalty needs a threshold: threshold_months or threshold_days"),
    ],
)
def test_penalty_threshold(penalty: Doc, path: str, message: str) -> None:
    doc = base()
    usd(doc)["transitions"][0]["penalty"] = penalty
    assert only_error(doc) == (f"{USD}.transitions[0].penalty{path}", message)


def test_penalty_with_days_threshold_is_fine() -> None:
    doc = base()
    usd(doc)["transitions"][0]["penalty"] = {"amount": "5", "threshold_days": 30}
    assert errors(doc) == []


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, ".end",
         "the discount ends (2026-02-01) before it starts (2026-03-01)"),
        ({"type": "percent", "amount": "120"}, ".amount",
         "a percent discount cannot exceed 100 (got 120)"),
        ({"period_days": 10}, ".period_days", "give period_months or period_days, not both"),
        ({"kind": "promo_code"}, ".promo_code", "a promo-code discount must name its promo code"),
        ({"promo_code": "SPRING"}, ".promo_code",
         "a discount of kind 'discount' must not name a promo code ('SPRING'); set kind to "
         "promo_code to use the code's discount"),
    ],
)
def test_discount_rules(change: Doc, path: str, message: str) -> None:
    doc = base()
    discount(doc).update(change)
    assert only_error(doc) == (f"{REC}.discounts[0]{path}", message)


def test_valid_discounts() -> None:
    doc = base()
    discount(doc).update(kind="promo_code", promo_code="SPRING", type="percent", amount="100",
                         end="2026-01-01")
    row(doc)["discounts"].append({**discount(doc), "kind": "discount", "promo_code": None,
                                  "period_months": None, "period_days": 7})
    assert validate_catalog(doc) == []


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, ".end",
         "the discount ends (2026-02-01) before it starts (2026-03-01)"),
        ({"amount": "150"}, ".amount", "a percent discount cannot exceed 100 (got 150)"),
        ({"period_days": 10}, ".period_days", "give period_months or period_days, not both"),
    ],
)
def test_promo_code_rules(change: Doc, path: str, message: str) -> None:
    doc = base()
    doc["promo_codes"][0]["discount"].update(change)
    assert only_error(doc) == (f"promo_codes[0].discount{path}", message)


def test_duplicate_prices_in_rate_and_price_plans() -> None:
    doc = base()
    doc["rate_plans"][0]["rates"].append(dict(doc["rate_plans"][0]["rates"][0]))
    doc["price_plans"][0]["prices"].append(dict(doc["price_plans"][0]["prices"][0]))
    assert errors(doc) == [
        ("rate_plans[0].rates[1]", "duplicate rate for 'Data' in USD (also rates[0])"),
        ("price_plans[0].prices[1]", "duplicate price for 'Internet' in USD (also prices[0])"),
    ]


def test_price_plan_price_for_every_status_is_distinct_from_one_status() -> None:
    doc = base()
    doc["price_plans"][0]["prices"].append(
        {"service": "Internet", "currency": "USD", "amount": "1.00"})
    assert errors(doc) == []


def test_usage_bucket_thresholds_increase() -> None:
    doc = base()
    doc["usage_buckets"][0]["tiers"] = [{"threshold": "10", "flat_charge": "0"},
                                        {"threshold": "10.0", "flat_charge": "5"}]
    assert only_error(doc) == (
        "usage_buckets[0].tiers[1].threshold",
        "threshold must be more than 10, the threshold of tier 1")
    override = base()
    usd(override)["recurring"][1]["usage_bucket"]["tiers"] = [
        {"threshold": "20", "flat_charge": "0"}, {"threshold": "5", "flat_charge": "5"}]
    assert only_error(override)[0] == f"{USD}.recurring[1].usage_bucket.tiers[1].threshold"


def test_choice_field_needs_options() -> None:
    doc = base()
    del doc["custom_fields"][2]["options"]
    del freq(doc)["custom_fields"]["Channel"]
    assert only_error(doc) == ("custom_fields[2].options",
                               "choice field 'Channel' needs a list of options")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("Code", 5, "custom field 'Code' holds text, got 5"),
        ("Speed", "fast", "custom field 'Speed' holds a number, got 'fast'"),
        ("Speed", True, "custom field 'Speed' holds a number, got true"),
        ("On web", "yes", "custom field 'On web' holds true or false, got 'yes'"),
        ("Launch", "01/02/2026", "custom field 'Launch' holds dates: expected YYYY-MM-DD, got "
                                 "'01/02/2026'"),
        ("Launch", "2026-13-01", "custom field 'Launch': '2026-13-01' is not a real calendar "
                                 "date"),
        ("Channel", "Phone", "custom field 'Channel': 'Phone' is not one of its options ('Web' "
                             "or 'Retail')"),
        ("Notes", "x", "custom field 'Notes' is for account package records, not package "
                       "frequencies"),
    ],
)
def test_custom_field_values(name: str, value: object, message: str) -> None:
    doc = base()
    freq(doc)["custom_fields"][name] = value
    assert only_error(doc) == (f"{F}.custom_fields.{name}", message)


def test_custom_field_values_may_be_null_unless_required() -> None:
    doc = base()
    freq(doc)["custom_fields"] = {"Code": None, "Speed": 1.5}
    assert errors(doc) == []
    doc["custom_fields"][0]["required"] = True
    assert only_error(doc) == (f"{F}.custom_fields", "missing required custom field 'Code'")
    freq(doc)["custom_fields"]["Code"] = "  "
    assert only_error(doc) == (f"{F}.custom_fields", "missing required custom field 'Code'")
    del freq(doc)["custom_fields"]
    assert only_error(doc) == (f"{F}.custom_fields", "missing required custom field 'Code'")


def test_optional_keys_may_be_omitted() -> None:
    """The schema's optional keys (not the canonical form) are accepted with their defaults."""
    doc = base()
    for key in ["transitions", "tax_rates", "custom_fields"]:
        del doc[key]
    del usd(doc)["transitions"]
    del freq(doc)["custom_fields"]
    for r in usd(doc)["recurring"]:
        for key in ["amounts", "settings", "discounts"]:
            r.pop(key)
    assert errors(doc) == []


# ---------------------------------------------------------------------------------------------
# hypothesis: random mutations never crash the validator

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=True)
    | st.text(max_size=8) | st.sampled_from(["-1", "1,5", "", "Active", "USD", "2026-02-30"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


def _containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if isinstance(value, dict | list) else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _containers(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _containers(v, (*path, i))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        doc = doc[p]
    return doc


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    doc: Any = base() if draw(st.booleans()) else json.loads(
        (DATA / "spec_example_catalog.json").read_text("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        targets = _containers(doc)
        if not targets:
            break
        container = _get(doc, draw(st.sampled_from(targets)))
        action = draw(st.sampled_from(["replace", "delete", "add", "copy"]))
        keys = list(container) if isinstance(container, dict) else list(range(len(container)))
        if action == "add" or not keys:
            if isinstance(container, dict):
                container[draw(st.text(max_size=6))] = draw(JSONISH)
            else:
                container.append(draw(JSONISH))
            continue
        key = draw(st.sampled_from(keys))
        if action == "replace":
            container[key] = draw(JSONISH)
        elif action == "delete":
            del container[key]
        elif isinstance(container, list):  # copy: duplicates, a common editing slip
            container.append(copy.deepcopy(container[key]))
        else:
            container[key] = copy.deepcopy(draw(st.sampled_from(list(container.values()))))
    return doc


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_random_mutations_never_crash(doc: Any) -> None:
    problems = validate_catalog(doc)
    assert all(isinstance(p, Problem) and p.severity in ("error", "warning") for p in problems)
    assert all(isinstance(p.path, str) and p.message for p in problems)


VALUE_SWAPS = st.sampled_from(["-5.00", "12,50", "", "x", "Nope", "2026-02-30", "usd"])


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_wrong_string_values_never_crash_the_rule_checks(data: st.DataObject) -> None:
    """Value-only schema problems let the rule checks run; they must cope with bad strings."""
    doc = base()
    strings: list[tuple[Any, Any]] = []

    def collect(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in list(items):
            if isinstance(v, str):
                strings.append((node, k))
            elif isinstance(v, dict | list):
                collect(v)

    collect(doc)
    for node, key in data.draw(st.lists(st.sampled_from(strings), min_size=1, max_size=5)):
        node[key] = data.draw(VALUE_SWAPS)
    problems = validate_catalog(doc)
    assert all(isinstance(p, Problem) and p.message for p in problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated(), st.builds(base)))
def test_fast_schema_check_agrees_with_jsonschema(doc: Any) -> None:
    """The compiled fast check may only skip jsonschema when jsonschema finds nothing."""
    from app.catalog.document.validation import _validator, schema_valid_fast

    assert schema_valid_fast(doc) == (next(_validator().iter_errors(doc), None) is None)


@pytest.mark.parametrize("value", ["-5.00", "12,50", "2026-02-30", "2026-13-01", "usd", ""])
def test_fast_schema_check_catches_bad_values(value: str) -> None:
    from app.catalog.document.validation import _validator, schema_valid_fast

    doc = json.loads((DATA / "spec_example_catalog.json").read_text("utf-8"))
    usd = doc["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    if "-" in value and value.count("-") == 2:
        usd["recurring"][0]["discounts"][0]["start"] = value
    elif value in ("usd", ""):
        doc["currencies"][0]["code"] = value
    else:
        usd["recurring"][0]["amounts"]["Active"] = value
    assert not schema_valid_fast(doc)
    assert next(_validator().iter_errors(doc), None) is not None


def test_the_schema_nests_nothing_without_bound() -> None:
    """validate_catalog skips its depth walk for documents the schema accepts: that is only
    safe while no definition of the schema refers to itself, directly or not."""
    schema = json.loads((Path(__file__).parents[3] / "app" / "schemas"
                         / "catalog.schema.json").read_text("utf-8"))
    defs = schema["$defs"]

    def refs(node: Any) -> set[str]:
        if isinstance(node, dict):
            found = {node["$ref"].rsplit("/", 1)[1]} if "$ref" in node else set()
            return found.union(*(refs(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(refs(v) for v in node))
        return set()

    def reachable(name: str) -> set[str]:
        seen: set[str] = set()
        todo = list(refs(defs[name]))
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(refs(defs[n]))
        return seen

    assert [name for name in defs if name in reachable(name)] == []
