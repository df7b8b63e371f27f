"""One path per job: the window and the command line read, check and bill a file the same way.

Each case is a catalog file (and the spec's account); the command line's verdict
(``catalog-editor import`` and ``simulate --catalog``) and the window's (File > Import, then the
Simulator on the imported catalog) must agree: the same refusal, or the same bill.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from app.catalog import jobs
from app.catalog.database import store
from app.catalog.errors import ImportFailure
from app.cli import cli
from app.views.main_window import MainWindow
from app.views.simulator.compute import Simulation

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")

Doc = dict[str, Any]
START, PERIODS = "2026-01-01", 3


def _row(doc: Doc) -> Doc:
    row: Doc = doc["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"][
        "recurring"][0]
    return row


def _as_is(doc: Doc) -> str:
    return json.dumps(doc)


def _percent_150(doc: Doc) -> str:
    _row(doc)["discounts"][0].update(type="percent", amount="150")
    return json.dumps(doc)


def _tier_ends_decrease(doc: Doc) -> str:
    _row(doc)["tiers"]["Active"] = [{"end": 9, "amount": "100.00"}, {"end": 5, "amount": "95.00"},
                                    {"end": None, "amount": "90.00"}]
    return json.dumps(doc)


def _duplicated_key(doc: Doc) -> str:
    # the same key twice in one object: json.loads would keep the last value silently
    text = json.dumps(doc, indent=1)
    return text.replace('"format": "catalog",', '"format": "catalog",\n "version": 7,', 1)


CASES: dict[str, Callable[[Doc], str]] = {
    "valid": _as_is,
    "150 % discount": _percent_150,
    "tier ends decrease": _tier_ends_decrease,
    "duplicated key": _duplicated_key,
}


def cli_verdict(tmp_path: Path, catalog: Path, account: Path) -> tuple[bool, bool, str | None]:
    """(import accepted, simulate billed, bill total) from the command line."""
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", "--db", str(tmp_path / "cli.sqlite"), str(catalog)])
    assert imported.exit_code in (0, 2), imported.output
    billed = runner.invoke(cli, ["simulate", "--catalog", str(catalog), "--account", str(account),
                                 "--from", START, "--periods", str(PERIODS)])
    assert billed.exit_code in (0, 2), billed.output
    total = json.loads(billed.stdout)["total"] if billed.exit_code == 0 else None
    return imported.exit_code == 0, billed.exit_code == 0, total


def window_verdict(qtbot: Any, db: Any, catalog: Path,
                   account: Doc) -> tuple[bool, bool, str | None]:
    """(import accepted, billed, bill total) from the window: File > Import, then the
    Simulator's computation on the catalog now saved."""
    window = MainWindow(db)
    qtbot.addWidget(window)
    accepted = window.import_catalog(str(catalog), preview=False)
    if not accepted:
        assert window.last_report.text(), "a refusal says why"
        return False, False, None
    outcome = Simulation(store.snapshot_document(db)).run(
        account, dt.date.fromisoformat(START), PERIODS)
    return True, outcome.ok, outcome.bill["total"] if outcome.bill else None


@pytest.mark.parametrize("case", list(CASES))
def test_window_and_command_line_agree(case: str, qtbot: Any, db: Any, tmp_path: Path,
                                       spec_catalog: Doc, spec_account: Doc) -> None:
    spec_account["usage"] = []  # the spec's example names an account-service it does not have
    catalog = tmp_path / "catalog.json"
    catalog.write_text(CASES[case](copy.deepcopy(spec_catalog)), encoding="utf-8")
    account = tmp_path / "account.json"
    account.write_text(json.dumps(spec_account), encoding="utf-8")
    from_cli = cli_verdict(tmp_path, catalog, account)
    from_window = window_verdict(qtbot, db, catalog, spec_account)
    assert from_window == from_cli
    if case == "valid":
        assert from_cli[:2] == (True, True) and from_cli[2] is not None
    else:
        assert from_cli == (False, False, None)  # refused everywhere, never billed


def test_simulate_refuses_what_validate_refuses(tmp_path: Path, spec_catalog: Doc,
                                               spec_account: Doc) -> None:
    """``simulate --catalog`` used to check the schema only and billed a 150 % discount as a
    negative amount; now it stops at the rule ``validate`` reports, with its message."""
    spec_account["usage"] = []
    catalog, account = tmp_path / "c.json", tmp_path / "a.json"
    catalog.write_text(_percent_150(spec_catalog), encoding="utf-8")
    account.write_text(json.dumps(spec_account), encoding="utf-8")
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", str(catalog)])
    billed = runner.invoke(cli, ["simulate", "--catalog", str(catalog), "--account", str(account),
                                 "--from", START, "--periods", "1"])
    assert validated.exit_code == billed.exit_code == 2
    assert billed.stdout == ""
    assert "a percent discount cannot exceed 100 (got 150)" in validated.stderr
    assert "a percent discount cannot exceed 100 (got 150)" in billed.stderr


def test_window_import_refuses_a_duplicated_key(qtbot: Any, db: Any, tmp_path: Path,
                                                spec_catalog: Doc) -> None:
    path = tmp_path / "dup.json"
    path.write_text(_duplicated_key(spec_catalog), encoding="utf-8")
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert not window.import_catalog(str(path), preview=False)
    assert "duplicate key 'version'" in window.last_report.text()
    assert "line 4 column 2" in window.last_report.text()  # the second "version"
    assert store.export_catalog(db)["packages"] == []  # nothing imported


def test_read_document_names_the_file_for_every_refusal(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(ImportFailure, match="missing.json: cannot read the file"):
        jobs.read_document(missing)
    nan = tmp_path / "nan.json"
    nan.write_text('{"amount": NaN}', encoding="utf-8")
    with pytest.raises(ImportFailure, match=r"nan.json: line 1 column 12: NaN"):
        jobs.read_document(nan)


def test_write_export_writes_whole_and_returns_what_changed(demo_db: Any, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "catalog.json"
    out.write_text("the previous export", encoding="utf-8")
    changes, export = jobs.write_export(demo_db, str(out))
    assert changes.kinds == {"exports"} and not changes.catalog
    assert json.loads(out.read_text(encoding="utf-8")) == export.document
    assert store.last_export(demo_db) is not None
    assert [p.name for p in folder.iterdir()] == ["catalog.json"]  # no temporary file left
    blocked = tmp_path / "no-such-folder" / "catalog.json"
    with pytest.raises(OSError):
        jobs.write_export(demo_db, str(blocked))


def test_an_untrusted_catalog_is_checked_before_it_is_billed(spec_catalog: Doc,
                                                             spec_account: Doc) -> None:
    refused = jobs.prepare_billing(json.loads(_percent_150(copy.deepcopy(spec_catalog))),
                                   trusted=False)
    assert not refused.ok
    assert [p.message for p in refused.problems] == [
        "a percent discount cannot exceed 100 (got 150)"]
    outcome = jobs.bill_account(refused, spec_account, dt.date(2026, 1, 1), 1)
    assert outcome.bill is None and outcome.catalog_fault
    spec_account["usage"] = []
    billed = jobs.bill_account(jobs.prepare_billing(spec_catalog, trusted=False), spec_account,
                               dt.date(2026, 1, 1), 1)
    assert billed.ok and billed.bill is not None and billed.bill["format"] == "bill"
