"""``catalog-editor simulate-book``: a book of accounts in, per-account totals and a summary
out, the same on one worker as on two."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from app.cli.book import simulate_book
from app.engine import account_from_document, catalog_from_document, simulate
from app.package_data import demo_catalog, resource


def demo_account() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resource("demo", "account.json").read_text("utf-8"))
    return loaded


def write_book(tmp_path: Path) -> tuple[Path, Path, list[dict[str, Any]]]:
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(demo_catalog()), encoding="utf-8")
    accounts = []
    for n in range(5):
        doc = copy.deepcopy(demo_account())
        doc["account"]["name"] = f"Customer {n}"
        doc["packages"][0]["services"][0]["quantity"] = 1 + n
        accounts.append(doc)
    wrong = copy.deepcopy(accounts[0])
    wrong["account"]["name"] = "Typo"
    wrong["packages"][0]["frequency"] = "No Such Frequency"
    book = tmp_path / "book.jsonl"
    book.write_text("".join(json.dumps(a) + "\n" for a in [*accounts, wrong]), "utf-8")
    return catalog, book, accounts


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(simulate_book, [str(a) for a in args])


def test_totals_match_the_engine_on_one_worker_and_on_two(tmp_path: Path) -> None:
    catalog, book, accounts = write_book(tmp_path)
    snapshot = catalog_from_document(demo_catalog())
    expected = {a["account"]["name"]: str(simulate(snapshot, account_from_document(a, snapshot),
                                                   dt.date(2026, 1, 1),
                                                   12).total) for a in accounts}
    assert len(set(expected.values())) > 1  # the quantities make the accounts differ
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"totals{workers}.jsonl"
        result = run("--catalog", catalog, "--accounts", book, "--from", "2026-01-01",
                     "--periods", "12", "--workers", workers, "--out", out)
        assert result.exit_code == 0, result.output
        lines = [json.loads(t) for t in out.read_text("utf-8").splitlines()]
        outputs.append(lines)
        assert {r["account"]: r["total"] for r in lines if "total" in r} == expected
        [typo] = [r for r in lines if r["account"] == "Typo"]
        assert "No Such Frequency" in typo["problems"][0]
        assert all(len(r["periods"]) == 12 for r in lines if "total" in r)
        assert "6 accounts, 1 not billed; 60 account-periods" in result.stderr
        assert f"with {workers} worker(s)" in result.stderr
    assert outputs[0] == outputs[1]  # same order, same figures


def test_a_csv_book_and_a_book_that_cannot_be_read(tmp_path: Path) -> None:
    catalog, _book, accounts = write_book(tmp_path)
    book = tmp_path / "book.csv"
    with book.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account"])
        writer.writerow([json.dumps(accounts[0])])
    result = run("--catalog", catalog, "--accounts", book, "--from", "2026-01-01",
                 "--periods", "2", "--workers", "1")
    assert result.exit_code == 0, result.output
    [line] = [json.loads(t) for t in result.stdout.splitlines()]
    assert line["account"] == "Customer 0" and len(line["periods"]) == 2

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name\nx\n", encoding="utf-8")
    result = run("--catalog", catalog, "--accounts", wrong, "--from", "2026-01-01",
                 "--periods", "2")
    assert result.exit_code == 2 and "needs a column 'account'" in result.output
    result = run("--catalog", catalog, "--accounts", tmp_path / "missing.jsonl",
                 "--from", "2026-1-1", "--periods", "2")
    assert result.exit_code == 2
