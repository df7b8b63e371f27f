"""Each catalog rule is declared once (app.engine.rules): validation, the engine's loader and
the dialogs say the same thing about the same fault."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.catalog.document.validation import validate_catalog
from app.engine import CatalogError, catalog_from_document
from app.engine.rules import bucket_threshold_problem, percent_problem, sentence, tier_end_problem


def test_the_rules() -> None:
    assert tier_end_problem(0, 1, None) is None
    assert tier_end_problem(0, 0, None) == "end must be at least 1"
    assert tier_end_problem(1, 9, 9) == "end must be more than 9, the end of tier 1"
    assert tier_end_problem(2, 21, 20) is None
    assert bucket_threshold_problem(1, Decimal("5"), Decimal("20")) == (
        "threshold must be more than 20, the threshold of tier 1")
    assert bucket_threshold_problem(0, Decimal("5"), None) is None
    assert percent_problem("percent", Decimal("100")) is None
    assert percent_problem("percent", Decimal("100.01")) == (
        "a percent discount cannot exceed 100 (got 100.01)")
    assert percent_problem("fixed", Decimal("150")) is None
    assert sentence("end must be at least 1") == "End must be at least 1."


def test_bucket_thresholds_out_of_order_are_refused_not_sorted(spec_catalog: Any) -> None:
    """The loader used to sort the thresholds silently, billing something the catalog did not
    say; now it refuses with validation's message."""
    spec_catalog["usage_buckets"][0]["tiers"] = [{"threshold": "100", "flat_charge": "0"},
                                                 {"threshold": "50", "flat_charge": "5"}]
    with pytest.raises(CatalogError) as caught:
        catalog_from_document(spec_catalog)
    from_engine = [(p.path, p.message) for p in caught.value.problems]
    from_validation = [(p.path, p.message) for p in validate_catalog(spec_catalog)
                       if p.severity == "error"]
    assert from_engine == from_validation == [
        ("usage_buckets[0].tiers[1].threshold",
         "threshold must be more than 100, the threshold of tier 1")]


def test_tier_ends_say_the_same_in_validation_and_the_engine(spec_catalog: Any) -> None:
    row = spec_catalog["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"][
        "recurring"][0]
    row["tiers"]["Active"] = [{"end": 9, "amount": "100.00"}, {"end": 9, "amount": "95.00"},
                              {"end": None, "amount": "90.00"}]
    with pytest.raises(CatalogError) as caught:
        catalog_from_document(spec_catalog)
    validation = {(p.path, p.message) for p in validate_catalog(spec_catalog)}
    assert {(p.path, p.message) for p in caught.value.problems} <= validation
    assert any(p.message == "end must be more than 9, the end of tier 1"
               for p in caught.value.problems)
