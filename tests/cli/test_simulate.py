"""``catalog-editor simulate``: the bill JSON or a table; bad input exits 2 with one line naming
the file and the JSON path (a catalog file: exactly what ``validate`` says, each problem on its
own line); internal errors exit 1."""

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

from app.cli import cli  # noqa: E402
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


USD = ("packages", 0, "frequencies", 0, "price_books", "standard", "USD")


def _at(doc: dict[str, Any], *path: str | int) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _two_rows(doc: dict[str, Any]) -> None:
    second = copy.deepcopy(_at(doc, *USD, "recurring", 0))
    second["amounts"] = {"Active": "20.00"}
    second["discounts"] = []
    _at(doc, *USD, "recurring").append(second)


def _percent_150(doc: dict[str, Any]) -> None:
    rebate = _at(doc, *USD, "recurring", 0, "discounts", 0)
    rebate.update(type="percent", amount="150")


def _tier_ends(doc: dict[str, Any]) -> None:
    _at(doc, *USD, "recurring", 0)["tiers"]["Active"] = [
        {"end": 9, "amount": "100.00"}, {"end": 5, "amount": "95.00"},
        {"end": None, "amount": "90.00"}]


def _set(value: Any, *path: str | int) -> Any:
    def change(doc: dict[str, Any]) -> None:
        _at(doc, *path[:-1])[path[-1]] = value
    return change


def _duplicate_service(doc: dict[str, Any]) -> None:
    doc["services"].append(dict(doc["services"][0]))


def _duplicate_frequency(doc: dict[str, Any]) -> None:
    copied = copy.deepcopy(doc["packages"][0])
    copied["name"] = "Home Bundle Copy"
    doc["packages"].append(copied)


def _bracket_without_rule(doc: dict[str, Any]) -> None:
    doc["packages"][0]["frequencies"][0]["tiering"] = "bracket"


def _one_time_row_for_recurring(doc: dict[str, Any]) -> None:
    _at(doc, *USD, "one_time", 0)["service"] = "Internet 100"


def _both_thresholds(doc: dict[str, Any]) -> None:
    _at(doc, *USD, "transitions", 0, "penalty")["threshold_days"] = 10


def _discount_dates(doc: dict[str, Any]) -> None:
    _at(doc, *USD, "recurring", 0, "discounts", 0)["end"] = "2025-12-01"


def _same_status_transition(doc: dict[str, Any]) -> None:
    doc["transitions"][0]["to"] = "Pre-Active"


def _no_standard_book(doc: dict[str, Any]) -> None:
    book = doc["packages"][0]["frequencies"][0]["price_books"]
    book["DE"] = book.pop("standard")
    doc["price_books"] = [b for b in doc["price_books"] if b["code"] != "standard"]


def _disabled_currency_prices(doc: dict[str, Any]) -> None:
    doc["currencies"].append({"code": "EUR", "minor_units": 2})
    book = doc["packages"][0]["frequencies"][0]["price_books"]["standard"]
    book["EUR"] = copy.deepcopy(book["USD"])


# Each catalog `validate` (and so `import`) refuses, with what it says in its first line.
REFUSED = [
    ("two recurring rows for one service", _two_rows,
     "has two recurring rows in this price book and currency"),
    ("a 150 % discount", _percent_150, "a percent discount cannot exceed 100 (got 150)"),
    ("tier ends not increasing", _tier_ends, "tier ends must increase"),
    ("an unknown charge service", _set("Nonexistent Fee", *USD, "transitions", 0,
                                       "charge_service"), "unknown service 'Nonexistent Fee'"),
    ("an unknown rate plan", _set("Gone", "packages", 0, "frequencies", 0, "rate_plan"),
     "unknown rate plan 'Gone'"),
    ("an unknown status", _set("Gone", *USD, "recurring", 0, "discounts", 0, "status"),
     "unknown status 'Gone'"),
    ("a negative price", _set("-50.00", *USD, "recurring", 0, "amounts", "Active"),
     "prices cannot be negative"),
    ("a price typed with a comma", _set("12,50", *USD, "one_time", 0, "amount"),
     "is not a decimal amount"),
    ("duplicate service names", _duplicate_service, "duplicate service 'Internet 100'"),
    ("duplicate package frequency names", _duplicate_frequency,
     "duplicate package frequency name 'Home Bundle Monthly'"),
    ("bracket tiering without a counting rule", _bracket_without_rule,
     "bracket tiering needs a counting rule (it counts the units that pick the tier)"),
    ("a one-time row for a recurring service", _one_time_row_for_recurring,
     "service 'Internet 100' is not a one-time service (base type recurring)"),
    ("a penalty with two thresholds", _both_thresholds,
     "give threshold_months or threshold_days, not both"),
    ("a discount that ends before it starts", _discount_dates,
     "the discount ends (2025-12-01) before it starts (2026-01-01)"),
    ("a transition that does not change the status", _same_status_transition,
     "a transition must change the status"),
    ("no standard price book", _no_standard_book, "a price book with code 'standard' is required"),
    ("prices in a currency the frequency does not enable", _disabled_currency_prices,
     "currency EUR has prices but is not enabled on this frequency"),
    ("an object that is null", _set(None, *USD, "recurring", 0, "settings"),
     "expected an object, got null"),
    ("a month count of zero", _set(0, "contracts", 0, "term_months"), "must be at least 1, not 0"),
]


@pytest.mark.parametrize(("change", "says"), [(c, m) for _, c, m in REFUSED],
                         ids=[name for name, _, _ in REFUSED])
def test_simulate_refuses_every_catalog_validate_refuses_in_its_words(
        files: dict[str, Path], spec_catalog: dict[str, Any], change: Any, says: str) -> None:
    """`simulate --catalog` runs `validate`'s own check: the same exit status 2 and, line for
    line, the same messages on stderr (each problem with its JSON path, then the count), with
    nothing on standard output. Before, it checked the schema (in the schema library's words)
    and what the engine follows, and billed 9 of these 19 catalogs: with two recurring rows for
    one service it silently priced Internet 100 by the second row (20.00 a month, without the
    first row's discount), and a 150 % discount took off 150 % of the charge."""
    change(spec_catalog)
    files["catalog"].write_text(json.dumps(spec_catalog), encoding="utf-8")
    validated = CliRunner().invoke(cli, ["validate", str(files["catalog"])])
    simulated = base(files)
    assert (validated.exit_code, simulated.exit_code) == (2, 2), simulated.output
    assert simulated.stdout == ""
    assert simulated.stderr == validated.stderr
    assert all(line.startswith(f"{files['catalog']}: ") for line in simulated.stderr.splitlines())
    assert says in simulated.stderr
    assert simulated.stderr.splitlines()[-1].endswith(" error(s)")


def test_schema_messages_are_validate_s_friendly_ones(files: dict[str, Path],
                                                      spec_catalog: dict[str, Any]) -> None:
    """A null where an object belongs reads "expected an object, got null", never the schema
    library's "None is not of type 'object'"."""
    spec_catalog["packages"][0] = None
    files["catalog"].write_text(json.dumps(spec_catalog), encoding="utf-8")
    result = base(files)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{files['catalog']}: packages[0]: expected an object, got null",
        f"{files['catalog']}: 1 error(s)"]
    assert "is not of type" not in result.stderr


def test_unreadable_and_malformed_catalogs_read_as_validate_reads_them(
        files: dict[str, Path], tmp_path: Path) -> None:
    for content in (b"{not json", b"\xff\xfe{}", b"[]"):
        files["catalog"].write_bytes(content)
        validated = CliRunner().invoke(cli, ["validate", str(files["catalog"])])
        simulated = base(files)
        assert (validated.exit_code, simulated.exit_code) == (2, 2)
        assert simulated.stderr == validated.stderr
        assert simulated.stderr.startswith(str(files["catalog"]))
    files["catalog"] = tmp_path / "missing.json"
    assert one_line_error(base(files)).startswith(f"{files['catalog']}: cannot read the file")


def test_a_catalog_with_only_warnings_is_simulated(files: dict[str, Path]) -> None:
    """The spec's own example has tiers on a frequency whose tiering is none: `validate` warns
    and accepts it, and `simulate` bills it without repeating the warning."""
    validated = CliRunner().invoke(cli, ["validate", "--no-warnings", str(files["catalog"])])
    assert validated.exit_code == 0 and "warning" in validated.stderr
    result = base(files)
    assert result.exit_code == 0 and result.stderr == ""
