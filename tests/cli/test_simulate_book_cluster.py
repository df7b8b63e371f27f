"""``catalog-editor simulate-book --cluster ADDRESS``: the same book on a Dask cluster (two
worker processes started here) gives the local run's totals, line for line; an address where no
scheduler answers, Dask missing, or --workers beside --cluster end with one line and status 2."""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from app.cli import cluster as cluster_module
from app.cli.book import simulate_book

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def generated(accounts: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate_catalog import generate_accounts, generate_catalog
    finally:
        sys.path.remove(str(BENCHMARKS))
    catalog: dict[str, Any] = generate_catalog(packages=30, frequencies=90, seed=5)
    book: list[dict[str, Any]] = generate_accounts(catalog, accounts, seed=5)
    for n, account in enumerate(book):
        account["account"]["name"] = f"Account {n:03d}"
    return catalog, book


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as local:
        yield local.scheduler_address


@pytest.fixture
def book(tmp_path: Path) -> tuple[Path, Path]:
    catalog, accounts = generated(60)
    wrong = json.loads(json.dumps(accounts[7]))
    wrong["account"]["name"] = "Typo"
    wrong["packages"][0]["frequency"] = "No Such Frequency"
    accounts.insert(20, wrong)
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps(catalog), encoding="utf-8")
    book_path = tmp_path / "book.jsonl"
    book_path.write_text("".join(json.dumps(a) + "\n" for a in accounts), "utf-8")
    return catalog_path, book_path


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(simulate_book, [str(a) for a in args])


def test_the_cluster_gives_the_local_totals_in_the_local_order(
        scheduler: str, book: tuple[Path, Path], tmp_path: Path) -> None:
    catalog, accounts = book
    common = ["--catalog", catalog, "--accounts", accounts, "--from", "2026-01-01",
              "--periods", "6"]
    local = run(*common, "--workers", "2", "--out", tmp_path / "local.jsonl")
    assert local.exit_code == 0, local.output
    remote = run(*common, "--cluster", scheduler, "--out", tmp_path / "cluster.jsonl")
    assert remote.exit_code == 0, remote.output
    expected = (tmp_path / "local.jsonl").read_text("utf-8")
    assert (tmp_path / "cluster.jsonl").read_text("utf-8") == expected
    lines = [json.loads(t) for t in expected.splitlines()]
    assert [r["account"] for r in lines][19:22] == ["Account 019", "Typo", "Account 020"]
    assert len({r["total"] for r in lines if "total" in r}) > 10  # the accounts differ
    summary = "61 accounts, 1 not billed; 360 account-periods"
    assert summary in local.stderr and summary in remote.stderr
    # the summary's totals by currency are the same too
    assert local.stderr.split("totals ")[1] == remote.stderr.split("totals ")[1]
    assert f"with 2 worker(s) of the Dask cluster at {scheduler}" in remote.stderr

    # a second book on the same cluster: the workers' snapshot of the first is not reused
    again = run("--catalog", catalog, "--accounts", accounts, "--from", "2026-03-01",
                "--periods", "2", "--cluster", scheduler)
    alone = run("--catalog", catalog, "--accounts", accounts, "--from", "2026-03-01",
                "--periods", "2", "--workers", "1")
    assert again.exit_code == 0 and again.stdout == alone.stdout


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_address_where_no_scheduler_answers(book: tuple[Path, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    catalog, accounts = book
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{unused_port()}"
    began = time.monotonic()
    result = run("--catalog", catalog, "--accounts", accounts, "--from", "2026-01-01",
                 "--periods", "2", "--cluster", address)
    assert time.monotonic() - began < 15
    assert result.exit_code == 2
    assert result.stderr == (f"simulate-book: --cluster {address}: no Dask scheduler answered "
                             "within 1 s; is the address right and the scheduler running?\n")
    assert result.stdout == ""


def test_dask_missing_ray_and_workers_beside_cluster(book: tuple[Path, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    catalog, accounts = book
    common = ["--catalog", catalog, "--accounts", accounts, "--from", "2026-01-01",
              "--periods", "2"]
    result = run(*common, "--cluster", "ray://head:10001")
    assert result.exit_code == 2 and "Ray clusters are not supported" in result.stderr
    result = run(*common, "--cluster", "tcp://127.0.0.1:8786", "--workers", "2")
    assert result.exit_code == 2 and "give --workers or --cluster, not both" in result.stderr
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    result = run(*common, "--cluster", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2
    assert "Dask is not installed; pip install 'catalog-editor[dask]'" in result.stderr


def test_the_help_names_the_option() -> None:
    result = run("--help")
    assert "--cluster ADDRESS" in result.stdout and "Dask" in result.stdout
