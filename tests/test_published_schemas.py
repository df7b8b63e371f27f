"""The JSON Schemas published in docs/ are the ones the application validates with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from app.package_data import schema

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind", ["catalog", "account", "bill"])
def test_docs_schema_matches_shipped_schema(kind: str) -> None:
    published = json.loads((ROOT / "docs" / "schemas" / f"{kind}.schema.json").read_text())
    assert published == schema(kind)
    Draft202012Validator.check_schema(published)


def test_spec_examples_are_valid(spec_catalog: dict, spec_account: dict) -> None:
    assert list(Draft202012Validator(schema("catalog")).iter_errors(spec_catalog)) == []
    assert list(Draft202012Validator(schema("account")).iter_errors(spec_account)) == []
