"""Publishing to Kill Bill from the command line: `export --format killbill-xml` with its
options and `check --target killbill`, as an administrator runs them, every file through Kill
Bill's own loader (with --versions for successive publications)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from app.cli import cli


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def load(tmp_path: Path, doc: dict[str, Any], name: str = "catalog.sqlite") -> str:
    db = tmp_path / name
    source = tmp_path / f"{name}.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    assert run("import", "--db", str(db), str(source)).exit_code == 0
    return str(db)


def publish(db: str, out: Path, *extra: str) -> Any:
    return run("export", "--db", db, "--format", "killbill-xml", "--out", str(out), *extra)


def test_check_exits_2_and_says_who_would_pay_what(
    tmp_path: Path, demo_catalog: dict[str, Any]
) -> None:
    db = load(tmp_path, demo_catalog)
    result = run("check", "--db", db, "--target", "killbill")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith("Kill Bill check: 41 plans from 8 frequencies")
    assert "error: bills differently (1 in 1 frequencies):" in lines
    assert (
        "  Business Lines Monthly: a subscriber with only Static IP would pay 10.00 instead of "
        "0.00 (USD, bill 1): bracket tiers counted by a counting rule across services"
    ) in lines
    assert any(line.startswith("warning: not expressed (") for line in lines)


def test_check_passes_when_everything_bills_alike(
    tmp_path: Path, spec_catalog: dict[str, Any]
) -> None:
    doc = copy.deepcopy(spec_catalog)
    freq = doc["packages"][0]["frequencies"][0]
    freq["price_books"]["standard"]["USD"]["transitions"] = []
    result = run("check", "--db", load(tmp_path, doc), "--target", "killbill")
    assert result.exit_code == 0, result.output
    assert "error:" not in result.output


def test_strict_export_writes_nothing_when_kill_bill_would_bill_differently(
    tmp_path: Path, demo_catalog: dict[str, Any]
) -> None:
    db = load(tmp_path, demo_catalog)
    out = tmp_path / "catalog.xml"
    result = publish(db, out, "--strict")
    assert result.exit_code == 2
    assert not out.exists()
    assert "would pay 10.00 instead of 0.00" in result.output


def test_report_of_a_large_export_is_summarised(tmp_path: Path, kb_loader: Any) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from generate_catalog import generate_catalog

    db = load(tmp_path, generate_catalog(60, 240, seed=3))
    out = tmp_path / "big.xml"
    result = publish(db, out, "--details", "10")
    assert result.exit_code == 0
    assert len(result.output.splitlines()) < 40  # thousands of notes, summarised by kind
    assert "... and" in result.output
    kb_loader.assert_accepted({"generated 240 frequencies": out.read_bytes()})


def test_bad_effective_date_is_refused_in_the_users_words(
    tmp_path: Path, demo_catalog: dict[str, Any]
) -> None:
    db = load(tmp_path, demo_catalog)
    result = publish(db, tmp_path / "x.xml", "--effective-date", "01/03/2026")
    assert result.exit_code == 2
    assert "--effective-date '01/03/2026': not a date" in result.output
    assert not (tmp_path / "x.xml").exists()


def test_catalog_name_and_effective_date_are_written_and_the_name_remembered(
    tmp_path: Path, demo_catalog: dict[str, Any], kb_loader: Any
) -> None:
    db = load(tmp_path, demo_catalog)
    first, second = tmp_path / "v1.xml", tmp_path / "v2.xml"
    assert publish(db, first, "--catalog-name", "Fiber", "--effective-date",
                   "2026-02-01").exit_code == 0  # fmt: skip
    text = first.read_text("utf-8")
    assert "<catalogName>Fiber</catalogName>" in text
    assert "<effectiveDate>2026-02-01T00:00:00+00:00</effectiveDate>" in text
    assert publish(db, second, "--effective-date", "2026-03-01").exit_code == 0
    assert "<catalogName>Fiber</catalogName>" in second.read_text("utf-8")
    kb_loader.assert_accepted(
        {"v1": first.read_bytes(), "v2": second.read_bytes()}, versions=True
    )


def test_four_successive_publications_are_accepted_as_versions(
    tmp_path: Path, demo_catalog: dict[str, Any], kb_loader: Any
) -> None:
    """A price change, dropping a discount, adding a 14-day trial, making a free month paid:
    each published after the other, Kill Bill accepts the versions in order."""
    doc = copy.deepcopy(demo_catalog)
    db = load(tmp_path, doc)
    files: dict[str, bytes] = {}

    def again(label: str, month: int) -> str:
        source = tmp_path / f"{label}.json"
        source.write_text(json.dumps(doc), encoding="utf-8")
        assert run("import", "--db", db, str(source)).exit_code == 0
        out = tmp_path / f"{label}.xml"
        result = publish(db, out, "--effective-date", f"2026-{month:02d}-01")
        assert result.exit_code == 0
        files[label] = out.read_bytes()
        return str(result.output)

    rows = doc["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]["recurring"]
    again("v0", 1)
    rows[0]["amounts"]["Active"] = "47.00"
    again("price change", 2)
    rows[1]["discounts"].pop()
    report = again("dropped discount", 3)
    assert "FI-M-Internet-500" in report and "need a change of plan" in report
    rows[0]["discounts"] = [dict(rows[1]["discounts"][0], name="14-day trial",
                                 period_months=None, period_days=14)]  # fmt: skip
    again("14-day trial", 4)
    rows[1]["discounts"][0].update(type="percent", amount="50")
    again("free month paid", 5)
    kb_loader.assert_accepted(files, versions=True)
    # without the renames, Kill Bill refuses the third version
    assert b"FI-M-Internet-500-USD-2" in files["dropped discount"]


def test_names_are_kept_whatever_is_added_before_them(
    tmp_path: Path, demo_catalog: dict[str, Any], kb_loader: Any
) -> None:
    db = load(tmp_path, demo_catalog)
    first = tmp_path / "v1.xml"
    assert publish(db, first, "--effective-date", "2026-01-01").exit_code == 0
    doc = copy.deepcopy(demo_catalog)
    twin = copy.deepcopy(doc["packages"][0])
    twin["name"] = "Fiber/Internet"  # would become the product id Fiber-Internet
    twin["frequencies"] = twin["frequencies"][:1]
    twin["frequencies"][0].update(name="Fiber Slash Monthly", sku="FI-M")  # same SKU
    doc["packages"].insert(0, twin)
    source = tmp_path / "v2.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    assert run("import", "--db", db, str(source)).exit_code == 0
    second = tmp_path / "v2.xml"
    assert publish(db, second, "--effective-date", "2026-02-01").exit_code == 0
    from app.catalog.killbill import shadow

    before, after = shadow.read_plans(first.read_bytes()), shadow.read_plans(second.read_bytes())
    assert after["FI-M"].pretty == "Fiber Internet Monthly"
    assert after["FI-M"].product == before["FI-M"].product == "Fiber-Internet"
    assert all(after[name].product == plan.product for name, plan in before.items())
    kb_loader.assert_accepted({"v1": first.read_bytes(), "v2": second.read_bytes()},
                              versions=True)  # fmt: skip


def test_a_kill_bill_catalog_imported_then_published_keeps_its_names_and_is_a_new_version(
    tmp_path: Path, kb_loader: Any
) -> None:
    sample = Path(__file__).resolve().parents[2].parent / "shared" / "external" / "killbill"
    source = sample / "catalogs" / "WeaponsHire.xml"
    db = str(tmp_path / "weapons.sqlite")
    assert run("import", "--db", db, "--format", "killbill-xml", str(source)).exit_code == 0
    out = tmp_path / "weapons.xml"
    result = publish(db, out, "--effective-date", "2030-01-01")
    assert result.exit_code == 0
    from app.catalog.killbill import shadow

    before, after = shadow.read_plans(source.read_bytes()), shadow.read_plans(out.read_bytes())
    # plans keep their Kill Bill names; one whose phases the mapping changes (a plan with
    # usage becomes a plan and an add-on; a FIXEDTERM end becomes open-ended) gets a new name,
    # said in the report, so that Kill Bill accepts the version
    renamed = set(before) - set(after)
    assert len(renamed) <= 3
    for name in renamed:
        assert f"existing subscriptions of {name} need a change of plan" in result.output
    assert "<product name=\"Pistol\" prettyName=\"Pistol For Hire\">" in out.read_text("utf-8")
    assert "<catalogName>Firearms</catalogName>" in out.read_text("utf-8")  # remembered
    kb_loader.assert_accepted({"WeaponsHire": source.read_bytes(), "ours": out.read_bytes()},
                              versions=True)  # fmt: skip
