"""`simulate --db PATH --compare-versions --all-scenarios`: one summary per saved scenario of
the demo database, those whose bills change under the scheduled version marked; bad
combinations of options refused with one line and status 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from app.cli import cli
from tests.catalog.test_versions_all import save_two


@pytest.fixture
def db_path(demo_db: Any) -> str:
    save_two(demo_db)
    path = str(demo_db.location)
    demo_db.close()
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["simulate", *args])


def test_all_scenarios_as_json(db_path: str) -> None:
    result = run("--db", db_path, "--compare-versions", "--all-scenarios")
    assert result.exit_code == 0, result.output
    rows = {r["scenario"]: r for r in json.loads(result.output)}
    tv = rows["TV since May 2026"]
    assert (tv["changes"], tv["first_changed_period"], tv["from"], tv["periods"]) == (
        True, "2027-03-01", "2026-05-01", 12)
    assert (tv["before_total"], tv["after_total"], tv["difference"]) == (
        "642.00", "652.70", "10.70")
    phone = rows["Phone since May 2026"]
    assert (phone["changes"], phone["first_changed_period"], phone["difference"]) == (
        False, None, "0.00")


def test_all_scenarios_as_a_table_with_a_range_for_all(db_path: str) -> None:
    result = run("--db", db_path, "--compare-versions", "--all-scenarios", "--format", "table")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    tv = next(ln for ln in lines if "TV since May 2026" in ln)
    assert tv.startswith("* ") and "2027-03-01" in tv and "+10.70" in tv
    phone = next(ln for ln in lines if "Phone since May 2026" in ln)
    assert phone.startswith("  ") and "256.80" in phone
    assert lines[-1] == "1 of 2 scenario(s) change under the scheduled catalog version."
    short = run("--db", db_path, "--compare-versions", "--all-scenarios", "--from",
                "2027-01-01", "--periods", "2")
    assert short.exit_code == 0, short.output
    assert not any(r["changes"] for r in json.loads(short.output))


@pytest.mark.parametrize(("args", "message"), [
    (["--all-scenarios"], "--all-scenarios goes with --compare-versions"),
    (["--compare-versions", "--all-scenarios", "--account", "a.json"],
     "give either --account ACCOUNT.json or --all-scenarios, not both"),
    (["--compare-versions", "--all-scenarios", "--from", "2027-01-01"],
     "give both --from and --periods, or neither"),
    (["--compare-versions", "--all-scenarios", "--from", "2027-01-01", "--periods", "x"],
     "--periods: not a whole number"),
])
def test_bad_combinations_are_refused(db_path: str, args: list[str], message: str) -> None:
    result = run("--db", db_path, *args)
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_all_scenarios_needs_a_database(tmp_path: Path) -> None:
    result = run("--catalog", "catalog.json", "--compare-versions", "--all-scenarios")
    assert result.exit_code == 2 and "--all-scenarios needs --db PATH" in result.output
    missing = run("--db", str(tmp_path / "none.sqlite"), "--compare-versions",
                  "--all-scenarios")
    assert missing.exit_code == 2 and "none.sqlite" in missing.output
