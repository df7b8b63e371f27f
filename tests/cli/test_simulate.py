"""``catalog-editor simulate``: the bill JSON or a table; bad input exits 2 with one line naming
the file and the JSON path; internal errors exit 1."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).parent.parent / "engine"))

from engine_builders import assert_valid  # noqa: E402

from app.cli.simulate import simulate  # noqa: E402


@pytest.fixture
def files(tmp_path: Path, spec_catalog: dict[str, Any],
          spec_account: dict[str, Any]) -> dict[str, Path]:
    spec_account["usage"] = []  # the spec's example names an account-service it does not have
    paths = {"catalog": tmp_path / "catalog.json", "account": tmp_path / "account.json"}
    paths["catalog"].write_text(json.dumps(spec_catalog), encoding="utf-8")
    paths["account"].write_text(json.dumps(spec_account), encoding="utf-8")
    return paths


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(simulate, [str(a) for a in args])


def base(files: dict[str, Path], *extra: str | Path) -> Result:
    return invoke("--catalog", files["catalog"], "--account", files["account"],
                  "--from", "2026-01-01", "--periods", "3", *extra)


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_json_bill_on_standard_output(files: dict[str, Path]) -> None:
    result = base(files)
    assert result.exit_code == 0, result.output
    bill = json.loads(result.stdout)
    assert_valid("bill", bill)
    assert [p["start"] for p in bill["periods"]] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert all("printed_lines" in p for p in bill["periods"])


def test_table_and_out_file(files: dict[str, Path], tmp_path: Path) -> None:
    result = base(files, "--format", "table")
    assert result.exit_code == 0, result.output
    assert "Bill 2026-02-01 .. 2026-03-01 (USD)" in result.stdout
    assert "Active 2026-02-01..2026-03-01, 28/28 days" in result.stdout
    assert "Total of 3 bill(s):" in result.stdout
    out = tmp_path / "bill.json"
    result = base(files, "--out", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "bill"


def test_unknown_frequency_names_the_file_and_path(files: dict[str, Path]) -> None:
    account = json.loads(files["account"].read_text(encoding="utf-8"))
    account["packages"][0]["frequency"] = "Foo"
    files["account"].write_text(json.dumps(account), encoding="utf-8")
    assert one_line_error(base(files)) == \
        f"{files['account']}: packages[0].frequency: unknown package frequency 'Foo'"


def test_several_problems_still_make_one_line(files: dict[str, Path]) -> None:
    account = json.loads(files["account"].read_text(encoding="utf-8"))
    account["packages"][0]["services"][0]["statuses"][1]["from"] = "2026-01-01"
    account["account"]["price_book"] = "XX"
    files["account"].write_text(json.dumps(account), encoding="utf-8")
    line = one_line_error(base(files))
    assert line == f"{files['account']}: account.price_book: unknown price book 'XX' " \
                   "(and 1 more problem(s))"


def test_schema_violation_in_the_account(files: dict[str, Path]) -> None:
    account = json.loads(files["account"].read_text(encoding="utf-8"))
    account["account"]["bill_day"] = 31
    files["account"].write_text(json.dumps(account), encoding="utf-8")
    line = one_line_error(base(files))
    assert line.startswith(f"{files['account']}: account.bill_day: 31 is greater than")


def test_dangling_reference_in_the_catalog(files: dict[str, Path],
                                           spec_catalog: dict[str, Any]) -> None:
    broken = copy.deepcopy(spec_catalog)
    broken["packages"][0]["frequencies"][0]["rate_plan"] = "Gone"
    files["catalog"].write_text(json.dumps(broken), encoding="utf-8")
    assert one_line_error(base(files)) == \
        f"{files['catalog']}: packages[0].frequencies[0].rate_plan: unknown rate plan 'Gone'"


def test_unreadable_and_malformed_files(files: dict[str, Path], tmp_path: Path) -> None:
    files["catalog"].write_text("{not json", encoding="utf-8")
    assert one_line_error(base(files)).startswith(
        f"{files['catalog']}: line 1 column 2: not valid JSON")
    files["catalog"] = tmp_path / "missing.json"
    assert one_line_error(base(files)).startswith(f"{files['catalog']}: cannot read the file")


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-02-30", "--periods", "1"], "simulate: --from: not a date (YYYY-MM-DD)"),
    (["--from", "2026-02-01", "--periods", "0"], "simulate: --periods: must be between 1"),
    (["--from", "2026-02-01", "--periods", "x"], "simulate: --periods: not a whole number"),
    (["--from", "2026-02-01"], "simulate: Missing option '--periods'"),
    (["--from", "2026-02-01", "--periods", "1", "--format", "xml"], "simulate: Invalid value"),
])
def test_bad_options_exit_2_with_one_line(files: dict[str, Path], args: list[str],
                                          message: str) -> None:
    result = invoke("--catalog", files["catalog"], "--account", files["account"], *args)
    assert one_line_error(result).startswith(message)


def test_exactly_one_catalog_source(files: dict[str, Path], tmp_path: Path) -> None:
    both = invoke("--catalog", files["catalog"], "--db", tmp_path / "x.sqlite", "--account",
                  files["account"], "--from", "2026-01-01", "--periods", "1")
    neither = invoke("--account", files["account"], "--from", "2026-01-01", "--periods", "1")
    for result in (both, neither):
        assert one_line_error(result) == \
            "simulate: give exactly one of --catalog CATALOG.json and --db PATH"


def test_catalog_from_a_database(files: dict[str, Path], tmp_path: Path,
                                 spec_catalog: dict[str, Any]) -> None:
    from app.catalog.database.store import import_catalog
    from app.models.database import open_database

    path = tmp_path / "catalog.sqlite"
    db = open_database(path)
    try:
        import_catalog(db, spec_catalog, source="test")
    finally:
        db.close()
    by_db = invoke("--db", path, "--account", files["account"], "--from", "2026-01-01",
                   "--periods", "3")
    assert by_db.exit_code == 0, by_db.output
    assert json.loads(by_db.stdout) == json.loads(base(files).stdout)
    missing = invoke("--db", tmp_path / "none.sqlite", "--account", files["account"], "--from",
                     "2026-01-01", "--periods", "1")
    assert one_line_error(missing).startswith(str(tmp_path / "none.sqlite"))


def test_internal_errors_exit_1(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import app.engine

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.engine, "simulate", broken)
    result = base(files)
    assert result.exit_code == 1
    assert result.stderr == "simulate: internal error: RuntimeError: boom\n"


def test_registered_in_the_catalog_editor_command(files: dict[str, Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    code = main(["simulate", "--catalog", str(files["catalog"]), "--account",
                 str(files["account"]), "--from", "2026-02-01", "--periods", "1"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["periods"][0]["total"] == "0.00"
