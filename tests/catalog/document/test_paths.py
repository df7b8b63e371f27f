"""One JSON-path helper: format, parse, and say where in the catalog's words."""

from __future__ import annotations

from typing import Any

import pytest

from app.catalog.document.paths import describe_path, describe_problem, format_path, parse_path

TIER = "packages[0].frequencies[0].price_books.standard.USD.recurring[0].tiers.Active[1].end"


@pytest.mark.parametrize("text", [TIER, "services[3]", "account.currency", "", "a.b[0][1]"])
def test_parse_is_the_inverse_of_format(text: str) -> None:
    assert format_path(parse_path(text)) == text


def test_the_json_path_root_is_ignored() -> None:
    assert parse_path("$.account.currency") == ("account", "currency")


@pytest.mark.parametrize(("path", "words"), [
    (TIER, "Home Bundle Monthly › Standard › USD › Internet 100 › Active, tier 2 › End"),
    ("packages[0].frequencies[0].price_books.standard.USD.recurring[0].discounts[0].amount",
     "Home Bundle Monthly › Standard › USD › Internet 100 › Free 3 months › Amount"),
    ("packages[0].frequencies[0].price_books.standard.USD.transitions[0].charge_service",
     "Home Bundle Monthly › Standard › USD › Internet 100 activation › Charge service"),
    ("packages[0].frequencies[0].price_books.DE", "Home Bundle Monthly › Germany"),
    ("packages[0].services[2]", "Home Bundle › Services › Activation Fee"),
    ("usage_buckets[0].tiers[1].threshold", "100 GB, tier 2 › Threshold"),
    ("services[1].tax_category", "Installation › Tax category"),
    ("packages[7].name", "Packages 8 › Name"),  # beyond the document: shown as it is
    ("", ""),
])
def test_a_path_in_the_catalogs_words(spec_catalog: Any, path: str, words: str) -> None:
    assert describe_path(spec_catalog, path) == words


def test_a_problem_in_the_catalogs_words(spec_catalog: Any) -> None:
    assert describe_problem(spec_catalog, TIER, "end must be more than 9, the end of tier 1") == (
        "Home Bundle Monthly › Standard › USD › Internet 100 › Active, tier 2: End must be more "
        "than 9, the end of tier 1")
    assert describe_problem(spec_catalog, "packages[0].frequencies[0].rate_plan",
                            "unknown rate plan 'Gone'") == (
        "Home Bundle Monthly › Rate plan: Unknown rate plan 'Gone'")
