"""`catalog-editor exports`: list, show, diff and prune the export history."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from app.cli import cli


def _setup(tmp_path: Path, spec_catalog: dict[str, Any]) -> tuple[str, CliRunner]:
    db = str(tmp_path / "c.sqlite")
    runner = CliRunner()
    for i, amount in enumerate(("50.00", "55.00", "57.50")):
        doc = copy.deepcopy(spec_catalog)
        usd = doc["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
        usd["recurring"][0]["amounts"]["Active"] = amount
        (tmp_path / f"in{i}.json").write_text(json.dumps(doc), encoding="utf-8")
        assert runner.invoke(cli, ["import", "--db", db, str(tmp_path / f"in{i}.json")]
                             ).exit_code == 0
        out = str(tmp_path / f"out{i}.json")
        assert runner.invoke(cli, ["export", "--db", db, "--out", out]).exit_code == 0
    return db, runner


def test_list_show_and_diff(tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    db, runner = _setup(tmp_path, spec_catalog)
    listing = runner.invoke(cli, ["exports", "list", "--db", db])
    assert listing.exit_code == 0, listing.output
    lines = listing.output.splitlines()
    assert len(lines) == 5 and "3 export(s)" in lines[-1]
    assert lines[1].split()[0] == "1" and lines[1].endswith(str(tmp_path / "out0.json"))
    assert "json" in lines[2] and "KiB" in lines[1]
    shown = runner.invoke(cli, ["exports", "show", "--db", db, "2"])
    assert shown.exit_code == 0
    assert json.loads(shown.output) == json.loads((tmp_path / "out1.json").read_text())
    out = tmp_path / "again.json"
    assert runner.invoke(cli, ["exports", "show", "--db", db, "3", "--out", str(out)]
                         ).exit_code == 0
    assert out.read_bytes() == (tmp_path / "out2.json").read_bytes()
    diff = runner.invoke(cli, ["exports", "diff", "--db", db, "1", "3", "--format", "json"])
    assert diff.exit_code == 0, diff.output
    changes = json.loads(diff.output)["changes"]
    assert [(c["old"], c["new"]) for c in changes] == [("50.00", "57.50")]
    same = runner.invoke(cli, ["exports", "diff", "--db", db, "2", "2", "--exit-code"])
    assert same.exit_code == 0 and "No changes." in same.output
    assert runner.invoke(cli, ["exports", "diff", "--db", db, "1", "2", "--exit-code"]
                         ).exit_code == 1


def test_unknown_numbers_and_bad_prune_arguments(tmp_path: Path,
                                                 spec_catalog: dict[str, Any]) -> None:
    db, runner = _setup(tmp_path, spec_catalog)
    missing = runner.invoke(cli, ["exports", "show", "--db", db, "9"])
    assert missing.exit_code == 2 and "no export number 9" in missing.output
    missing = runner.invoke(cli, ["exports", "diff", "--db", db, "1", "7"])
    assert missing.exit_code == 2 and "no export number 7" in missing.output
    nothing = runner.invoke(cli, ["exports", "prune", "--db", db])
    assert nothing.exit_code == 2 and "--keep" in nothing.output
    bad = runner.invoke(cli, ["exports", "prune", "--db", db, "--before", "1.12.2026"])
    assert bad.exit_code == 2 and "not a date" in bad.output
    negative = runner.invoke(cli, ["exports", "prune", "--db", db, "--keep", "-5"])
    assert negative.exit_code == 2
    pruned = runner.invoke(cli, ["exports", "prune", "--db", db, "--keep", "1"])
    assert pruned.exit_code == 0 and "forgot 2 export(s)" in pruned.output
    listing = runner.invoke(cli, ["exports", "list", "--db", db]).output.splitlines()
    assert len(listing) == 3 and listing[1].split()[0] == "3"
    assert runner.invoke(cli, ["exports", "prune", "--db", db, "--before", "2999-01-01"]
                         ).exit_code == 0
    assert "never exported" in runner.invoke(cli, ["exports", "list", "--db", db]).output
