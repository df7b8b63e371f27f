"""The benchmark's generated catalogs and accounts are valid documents the engine can bill."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from engine_builders import assert_valid  # noqa: E402
from generate_catalog import generate_accounts, generate_catalog  # noqa: E402

from app.engine import (  # noqa: E402
    account_from_document,
    bill_to_document,
    catalog_from_document,
    simulate,
)


def test_generated_catalog_and_accounts_are_valid_and_simulate() -> None:
    doc = generate_catalog(packages=30, frequencies=80, seed=3)
    assert_valid("catalog", doc)
    assert len(doc["packages"]) == 30
    assert sum(len(p["frequencies"]) for p in doc["packages"]) == 80
    assert {c["code"] for c in doc["currencies"]} == {"USD", "EUR"}
    catalog = catalog_from_document(doc)
    accounts = generate_accounts(doc, n=25, seed=3)
    kinds: set[str] = set()
    for raw in accounts:
        assert_valid("account", raw)
        services = sum(len(p["services"]) for p in raw["packages"])
        assert 1 <= services <= 20
        bill = simulate(catalog, account_from_document(raw, catalog), dt.date(2026, 1, 1), 12)
        assert_valid("bill", bill_to_document(bill))
        kinds |= {line.kind for period in bill.periods for line in period.lines}
    assert {"recurring", "discount", "usage", "tax"} <= kinds


def test_generation_is_deterministic() -> None:
    assert generate_catalog(5, 10, seed=7) == generate_catalog(5, 10, seed=7)
    doc = generate_catalog(5, 10, seed=7)
    assert generate_accounts(doc, 3, seed=2) == generate_accounts(doc, 3, seed=2)
