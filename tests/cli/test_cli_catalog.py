"""`catalog-editor import`, `export` and `validate`, as a user runs them."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from app import __version__
from app.cli import cli


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write(path: Path, doc: Any) -> str:
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return str(path)


def broken_catalog(doc: dict[str, Any]) -> dict[str, Any]:
    """A broken reference, a negative price and tiers out of order."""
    bad = copy.deepcopy(doc)
    usd = bad["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["transitions"][0]["charge_service"] = "Nonexistent Fee"
    usd["recurring"][0]["amounts"]["Active"] = "-50.00"
    usd["recurring"][0]["tiers"]["Active"] = [
        {"end": 9, "amount": "100.00"}, {"end": 5, "amount": "95.00"},
        {"end": None, "amount": "90.00"},
    ]
    return bad


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_python_dash_m_app_runs_the_same_command(tmp_path: Path,
                                                  spec_catalog: dict[str, Any]) -> None:
    path = write(tmp_path / "c.json", spec_catalog)
    done = subprocess.run([sys.executable, "-m", "app", "validate", path],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout


def test_validate_reports_every_problem_with_its_path(tmp_path: Path,
                                                      spec_catalog: dict[str, Any]) -> None:
    path = write(tmp_path / "bad.json", broken_catalog(spec_catalog))
    result = CliRunner().invoke(cli, ["validate", path])
    assert result.exit_code == 2
    base = "packages[0].frequencies[0].price_books.standard.USD"
    out = result.output
    assert f"{base}.transitions[0].charge_service" in out and "Nonexistent Fee" in out
    assert f"{base}.recurring[0].amounts.Active" in out and "negative" in out
    assert f"{base}.recurring[0].tiers.Active" in out
    assert all(line.startswith(path) for line in out.strip().splitlines())


def test_validate_malformed_json_names_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "catalog",\n "version": 1,\n  oops}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert "broken.json" in result.output and "line 3" in result.output


def test_import_then_export_reproduces_the_demo_catalog(tmp_path: Path,
                                                        demo_catalog: dict[str, Any]) -> None:
    db = str(tmp_path / "c.sqlite")
    src = write(tmp_path / "demo.json", demo_catalog)
    assert run("import", "--db", db, src).exit_code == 0
    out = tmp_path / "out.json"
    result = run("export", "--db", db, "--out", str(out))
    assert result.exit_code == 0
    exported = json.loads(out.read_text())
    # exporting publishes every catalog version (docs/versions.md); the rest is as imported
    assert [v.pop("published") for v in exported["versions"]] == [True, True]
    assert exported == demo_catalog


def test_export_to_stdout(tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    db = str(tmp_path / "c.sqlite")
    run("import", "--db", db, write(tmp_path / "c.json", spec_catalog))
    result = run("export", "--db", db)
    assert json.loads(result.output) == spec_catalog


def test_failing_import_changes_nothing(tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    db = tmp_path / "c.sqlite"
    run("import", "--db", str(db), write(tmp_path / "good.json", spec_catalog))
    before = run("export", "--db", str(db)).output
    bad = write(tmp_path / "bad.json", broken_catalog(spec_catalog))
    result = CliRunner().invoke(cli, ["import", "--db", str(db), bad])
    assert result.exit_code == 2
    assert "nothing imported" in result.output
    assert run("export", "--db", str(db)).output == before


def test_newer_database_is_refused(tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    db = tmp_path / "c.sqlite"
    run("import", "--db", str(db), write(tmp_path / "good.json", spec_catalog))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    result = CliRunner().invoke(cli, ["export", "--db", str(db)])
    assert result.exit_code == 2
    assert "newer version" in result.output


def test_export_of_missing_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2
    assert "no such database" in result.output


@pytest.mark.parametrize("content", ["[]", '"catalog"', "{}"])
def test_validate_wrong_document_shapes(tmp_path: Path, content: str) -> None:
    path = tmp_path / "odd.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert "odd.json" in result.output


def test_db_given_before_the_command_is_the_one_used(tmp_path: Path,
                                                    spec_catalog: dict[str, Any]) -> None:
    """``catalog-editor --db PATH import ...`` (as ``--help`` shows the option, on the top
    level) writes PATH, not the default database the user did not name."""
    from app.paths import default_database

    db = tmp_path / "named.sqlite"
    src = write(tmp_path / "c.json", spec_catalog)
    result = run("--db", str(db), "import", src)
    assert result.exit_code == 0, result.output
    assert str(db) in result.output
    assert not default_database().exists()
    out = tmp_path / "out.json"
    assert run("--db", str(db), "export", "--out", str(out)).exit_code == 0
    assert [p["name"] for p in json.loads(out.read_text())["packages"]] == \
        [p["name"] for p in spec_catalog["packages"]]


def test_db_given_twice_differently_is_refused(tmp_path: Path,
                                              spec_catalog: dict[str, Any]) -> None:
    src = write(tmp_path / "c.json", spec_catalog)
    result = run("--db", str(tmp_path / "a.sqlite"), "import", "--db",
                 str(tmp_path / "b.sqlite"), src)
    assert result.exit_code == 2
    assert "--db" in result.output and "give it once" in result.output
    assert not (tmp_path / "a.sqlite").exists() and not (tmp_path / "b.sqlite").exists()
