"""The command line over a catalog with a scheduled price change (the demo's: Internet 500
55.00 -> 60.00 in the Fiber TV Bundle from 2027-01-01, existing subscribers from 2027-03-01):
`simulate` names each line's version, `simulate --compare-versions` shows before/after,
`diff --versions` what a version changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from app.cli import cli
from app.package_data import resource

DEMO = str(resource("demo", "catalog.json"))


def scenario(tmp_path: Path, start: str) -> str:
    doc = {"format": "account", "version": 1,
           "account": {"name": f"From {start}", "country": "US", "currency": "USD",
                       "price_book": "standard", "bill_day": 1, "price_plan": None,
                       "promo_codes": []},
           "packages": [{"frequency": "Fiber TV Bundle Monthly", "start": start,
                         "cancelled": None, "services": [
                             {"id": "net", "service": "Internet 500", "quantity": 1,
                              "price": None,
                              "statuses": [{"status": "Active", "from": start}]}]}],
           "usage": []}
    path = tmp_path / f"account-{start}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def simulate(*args: str) -> Any:
    result = CliRunner().invoke(cli, ["simulate", "--catalog", DEMO, *args])
    assert result.exit_code == 0, result.output
    return result.output


def net_lines(bill: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(p["start"], ln["amount"], ln["catalog_version"]) for p in bill["periods"]
            for ln in p["lines"] if ln["service_id"] == "net" and ln["kind"] == "recurring"]


def test_simulate_a_2026_subscriber_moves_in_march(tmp_path: Path) -> None:
    bill = json.loads(simulate("--account", scenario(tmp_path, "2026-05-01"),
                               "--from", "2027-01-01", "--periods", "3"))
    assert net_lines(bill) == [("2027-01-01", "55.00", "2026-01-01"),
                               ("2027-02-01", "55.00", "2026-01-01"),
                               ("2027-03-01", "60.00", "2027 prices")]
    march = [ln for ln in bill["periods"][2]["lines"] if ln["service_id"] == "net"][0]
    assert march["explanation"].endswith(
        "catalog version 2027 prices, price for existing subscriptions from 2027-03-01")


def test_simulate_a_february_2027_subscriber_pays_the_new_price(tmp_path: Path) -> None:
    bill = json.loads(simulate("--account", scenario(tmp_path, "2027-02-01"),
                               "--from", "2027-02-01", "--periods", "2"))
    assert net_lines(bill) == [("2027-02-01", "60.00", "2027 prices"),
                               ("2027-03-01", "60.00", "2027 prices")]
    assert "price for new subscriptions from 2027-01-01" in bill["periods"][0]["lines"][0][
        "explanation"]


def test_compare_versions_marks_the_periods_that_differ(tmp_path: Path) -> None:
    account = scenario(tmp_path, "2026-05-01")
    doc = json.loads(simulate("--account", account, "--from", "2027-01-01", "--periods", "3",
                              "--compare-versions"))
    assert [(p["start"], p["before"], p["after"], p["differs"]) for p in doc["periods"]] == [
        ("2027-01-01", "58.85", "58.85", False), ("2027-02-01", "58.85", "58.85", False),
        ("2027-03-01", "58.85", "64.20", True)]
    assert doc["periods"][0]["notes"] == [
        "Fiber TV Bundle Monthly: moves to catalog version 2027 prices on 2027-03-01"]
    text = simulate("--account", account, "--from", "2027-01-01", "--periods", "3",
                    "--compare-versions", "--format", "table")
    assert "* 2027-03-01..2027-04-01" in text
    assert "  2027-01-01..2027-02-01" in text
    assert "55.00 ->      60.00      +5.00" in text


def test_compare_versions_for_a_february_2027_subscriber(tmp_path: Path) -> None:
    doc = json.loads(simulate("--account", scenario(tmp_path, "2027-02-01"), "--from",
                              "2027-01-01", "--periods", "3", "--compare-versions"))
    assert [p["differs"] for p in doc["periods"]] == [False, True, True]
    assert doc["difference"] == "10.70"


def test_diff_between_two_versions() -> None:
    result = CliRunner().invoke(cli, ["diff", "--versions", "2026-01-01", "2027-01-01", DEMO])
    assert result.exit_code == 0, result.output
    assert ('~ recurring price "Fiber TV Bundle Monthly / standard / USD / Internet 500": '
            'amounts.Active "55.00" -> "60.00"') in result.output
    unknown = CliRunner().invoke(cli, ["diff", "--versions", "2026-01-01", "2030-01-01", DEMO])
    assert unknown.exit_code == 2
    assert "no catalog version '2030-01-01' (versions: 2026-01-01, 2027-01-01)" in unknown.output


def test_validate_names_a_bad_price_change(tmp_path: Path) -> None:
    doc = json.loads(Path(DEMO).read_text("utf-8"))
    doc["versions"][1]["prices"][0]["service"] = "TV Premium"
    doc["versions"][1]["existing_subscriptions"]["from"] = "2026-12-01"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert "versions[1].existing_subscriptions.from: existing subscriptions cannot move on " \
           "2026-12-01, before the version is effective (2027-01-01)" in result.output
    assert "versions[1].prices[0]: package frequency 'Fiber TV Bundle Monthly' has no " \
           "recurring price for 'TV Premium'" in result.output
