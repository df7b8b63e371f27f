"""Money and rates are written as plain decimals (``0.0000001``, never ``1E-7``) through every
format: the database, the JSON export, the Kill Bill XML export, the simulated bill and its CSV;
and what we write passes our own validator."""

from __future__ import annotations

import copy
import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from app.catalog.database import store
from app.catalog.document.validation import validate_catalog
from app.catalog.killbill import catalog_to_killbill

RATES = ["0.0000001", "0.000000001", "0.0000000", "0.100000000", "999999.999999999", "7.5"]
MONEY = ["0.000001", "999999999999999.999999", "0.000000", "1.000000", "0.10"]
EXPONENT = re.compile(r"\d[eE][+-]?\d")
PLAIN = re.compile(r"^-?\d+(\.\d+)?$")


def _catalog(spec_catalog: dict[str, Any], rate: str, money: str) -> dict[str, Any]:
    doc = copy.deepcopy(spec_catalog)
    doc["tax_rates"][0]["rate"] = rate
    doc["rate_plans"][0]["rates"][0]["per_unit"] = money
    usd = doc["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["recurring"][0]["amounts"]["Active"] = money
    return doc


def _numbers(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [n for v in node.values() for n in _numbers(v)]
    if isinstance(node, list):
        return [n for v in node for n in _numbers(v)]
    return [node] if isinstance(node, str) and re.match(r"^-?[\d.]+([eE][+-]?\d+)?$", node) \
        else []


@pytest.mark.parametrize("rate, money", list(zip(RATES, MONEY * 2, strict=False)))
def test_tiny_huge_and_long_values_survive_the_database_and_every_export(
        db: Any, spec_catalog: dict[str, Any], rate: str, money: str) -> None:
    doc = _catalog(spec_catalog, rate, money)
    assert not [p for p in validate_catalog(doc) if p.severity == "error"]
    store.import_catalog(db, doc)
    exported = store.export_catalog(db)
    assert exported == doc  # the exact text, trailing zeros included
    text = json.dumps(exported)
    assert not EXPONENT.search(text)
    assert not [p for p in validate_catalog(json.loads(text)) if p.severity == "error"]
    with db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT rate FROM tax_rate").scalar()
    assert stored == rate

    xml, _notes = catalog_to_killbill(exported)
    texts = [e.text.strip() for e in ET.fromstring(xml).iter() if e.text and e.text.strip()]
    numeric = [t for t in texts if re.match(r"^-?[\d.]+([eE][+-]?\d+)?$", t)]
    assert numeric and all(PLAIN.match(t) for t in numeric), numeric


def test_a_simulated_bill_and_its_csv_have_plain_amounts(
        tmp_path: Path, spec_catalog: dict[str, Any], spec_account: dict[str, Any]) -> None:
    from app.cli import cli
    from app.views.simulator.bill_export import write_csv

    doc = _catalog(spec_catalog, "0.0000001", "0.000001")
    spec_account["usage"] = []
    catalog = tmp_path / "c.json"
    catalog.write_text(json.dumps(doc), encoding="utf-8")
    account = tmp_path / "a.json"
    account.write_text(json.dumps(spec_account), encoding="utf-8")
    result = CliRunner().invoke(cli, ["simulate", "--catalog", str(catalog), "--account",
                                      str(account), "--from", "2026-01-01", "--periods", "2"])
    assert result.exit_code == 0, result.output
    bill = json.loads(result.stdout)
    assert all(PLAIN.match(n) for n in _numbers(bill)), _numbers(bill)
    out = tmp_path / "bill.csv"
    assert write_csv(bill, out) > 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for column in ("quantity", "unit_price", "amount"):
            assert row[column] == "" or PLAIN.match(row[column]), (column, row[column])
