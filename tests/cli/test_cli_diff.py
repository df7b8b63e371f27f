"""`catalog-editor diff`: between files and since the last export."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from app.cli import cli


def write(path: Path, doc: Any) -> str:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def edit(doc: dict[str, Any]) -> dict[str, Any]:
    """Three price changes and a removed discount."""
    new = copy.deepcopy(doc)
    usd = new["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["recurring"][0]["amounts"]["Active"] = "55.00"
    usd["recurring"][0]["amounts"]["Pre-Active"] = "5.00"
    usd["one_time"][0]["amount"] = "120.00"
    usd["recurring"][0]["discounts"] = []
    return new


def test_diff_of_two_files(tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    old = write(tmp_path / "old.json", spec_catalog)
    new = write(tmp_path / "new.json", edit(spec_catalog))
    result = CliRunner().invoke(cli, ["diff", old, new, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["summary"] == {"added": 0, "removed": 1, "changed": 3}
    text = CliRunner().invoke(cli, ["diff", old, new]).output
    assert "55.00" in text and "120.00" in text and "Free 3 months" in text


def test_diff_since_last_export_then_empty_after_export(tmp_path: Path,
                                                        spec_catalog: dict[str, Any]) -> None:
    db = str(tmp_path / "c.sqlite")
    runner = CliRunner()
    runner.invoke(cli, ["import", "--db", db, write(tmp_path / "c.json", spec_catalog)])
    never = runner.invoke(cli, ["diff", "--db", db, "--since-last-export"])
    assert never.exit_code == 2 and "never exported" in never.output
    runner.invoke(cli, ["export", "--db", db, "--out", str(tmp_path / "e1.json")])
    runner.invoke(cli, ["import", "--db", db, write(tmp_path / "n.json", edit(spec_catalog))])
    result = runner.invoke(cli, ["diff", "--db", db, "--since-last-export", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output.split("\n", 1)[1])
    assert len(doc["changes"]) == 4
    runner.invoke(cli, ["export", "--db", db, "--out", str(tmp_path / "e2.json")])
    after = runner.invoke(cli, ["diff", "--db", db, "--since-last-export", "--exit-code"])
    assert after.exit_code == 0
    assert "No changes." in after.output


def test_diff_rejects_non_catalogs(tmp_path: Path, spec_account: dict[str, Any]) -> None:
    a = write(tmp_path / "a.json", spec_account)
    result = CliRunner().invoke(cli, ["diff", a, a])
    assert result.exit_code == 2 and "not a catalog document" in result.output
