"""A catalog with versions exported to Kill Bill as a versioned catalog: one <catalog> per
version, same name, its effectiveDate, effectiveDateForExistingSubscriptions on the plans
whose subscribers move; Kill Bill's own loader accepts the sequence (kb-validate --versions)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as DET
from click.testing import CliRunner
from shared_files import needs_shared

from app.catalog.killbill.versions import export_killbill_versions
from app.cli import cli

pytestmark = needs_shared("external", "killbill", "loader", "kb-validate")


def test_the_demo_versions_pass_kb_validate_versions(demo_catalog: dict[str, Any],
                                                     kb_loader: Any) -> None:
    exports = export_killbill_versions(demo_catalog)
    roots = [DET.fromstring(v.export.data) for v in exports]
    assert [r.findtext("effectiveDate") for r in roots] == ["2026-01-01T00:00:00+00:00",
                                                            "2027-01-01T00:00:00+00:00"]
    assert {r.findtext("catalogName") for r in roots} == {"CatalogEditor"}
    moved = {p.get("name"): p.findtext("effectiveDateForExistingSubscriptions")
             for p in roots[1].iter("plan") if p.find("effectiveDateForExistingSubscriptions")
             is not None}
    assert moved == {"FTB-M-Internet-500": "2027-03-01T00:00:00Z",
                     "FI-M-Internet-500-USD": "2027-03-01T00:00:00Z"}
    assert roots[0].find(".//effectiveDateForExistingSubscriptions") is None
    price = roots[1].find(".//plan[@name='FTB-M-Internet-500']/finalPhase//recurringPrice/price")
    assert price is not None and price.findtext("value") == "60.00"
    files = {f"v{i}.xml": v.export.data for i, v in enumerate(exports)}
    result = kb_loader.check(files, versions=True)
    assert all(r.startswith("OK") for r in result.values()), result


def test_grandfathered_versions_leave_existing_subscriptions_where_they_are(
        demo_catalog: dict[str, Any], kb_loader: Any) -> None:
    doc = copy.deepcopy(demo_catalog)
    doc["versions"][1]["existing_subscriptions"] = {"policy": "grandfathered"}
    exports = export_killbill_versions(doc)
    assert b"effectiveDateForExistingSubscriptions" not in exports[1].export.data
    assert kb_loader.refused({f"v{i}.xml": v.export.data for i, v in enumerate(exports)},
                             versions=True) == {}


def test_export_writes_one_file_per_version(tmp_path: Path, demo_catalog: dict[str, Any],
                                            kb_loader: Any) -> None:
    import json

    src = tmp_path / "demo.json"
    src.write_text(json.dumps(demo_catalog), encoding="utf-8")
    db = str(tmp_path / "c.sqlite")
    assert CliRunner().invoke(cli, ["import", "--db", db, str(src)]).exit_code == 0
    out = tmp_path / "catalog.xml"
    result = CliRunner().invoke(cli, ["export", "--db", db, "--format", "killbill-xml",
                                      "--versions", "--out", str(out)])
    assert result.exit_code == 0, result.output
    first, second = tmp_path / "catalog-2026-01-01.xml", tmp_path / "catalog-2027-01-01.xml"
    assert "catalog version 2027 prices, effectiveDate 2027-01-01, existing subscriptions " \
           "move on FTB-M-Internet-500, FI-M-Internet-500-USD" in result.output
    assert kb_loader.refused({"a": first.read_bytes(), "b": second.read_bytes()},
                             versions=True) == {}
