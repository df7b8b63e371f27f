"""Screenshots of the modal dialogs and the Setup area, on the demo catalog, rendered offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_dialogs.py [OUT_DIR]

Writes dialog-tiers.png, dialog-discounts.png, dialog-usage-bucket.png, dialog-settings.png,
dialog-transition.png, setup.png, setup-rate-plans.png and setup-contracts.png (default:
docs/screenshots/). The dialogs get exactly what the editor hands them for the demo's packages.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.catalog.database import store  # noqa: E402
from app.models.database import open_database  # noqa: E402
from app.package_data import demo_catalog  # noqa: E402


def _charges(package: dict[str, Any], frequency: str, book: str, currency: str) -> dict[str, Any]:
    freq = next(f for f in package["frequencies"] if f["name"] == frequency)
    charges: dict[str, Any] = freq["price_books"][book][currency]
    return charges


def _row(rows: list[dict[str, Any]], service: str) -> dict[str, Any]:
    return next(r for r in rows if r["service"] == service)


def _save(widget: QWidget, out: Path, name: str) -> None:
    app = QApplication.instance()
    widget.show()
    assert app is not None
    app.processEvents()
    path = out / name
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main(out: Path) -> None:
    from app.views.catalog.dialogs.discounts import DiscountsDialog
    from app.views.catalog.dialogs.settings import ServiceSettingsDialog
    from app.views.catalog.dialogs.tiers import TieredChargesDialog
    from app.views.catalog.dialogs.transition import AddTransitionDialog
    from app.views.catalog.dialogs.usage_bucket import UsageBucketDialog
    from app.views.setup.view import SetupView

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="screenshots-")
    db = open_database(Path(folder) / "demo.sqlite")
    store.import_catalog(db, demo_catalog(), source="demo catalog")
    ref = store.reference_document(db)
    statuses = [s["name"] for s in ref["statuses"] if not s.get("cancelled")]
    minor = {c["code"]: c["minor_units"] for c in ref["currencies"]}
    services = {s["name"]: s for s in ref["services"]}

    # Edit Tiered Charges: bracket tiers across statuses (Business Lines Monthly)
    business = store.package_document(db, "Business Lines")
    line = _row(
        _charges(business, "Business Lines Monthly", "standard", "USD")["recurring"],
        "Business Line",
    )
    tiers = TieredChargesDialog(
        None,
        title="Business Line · Standard · USD — bracket tiers across statuses",
        statuses=statuses,
        tiers=line["tiers"],
        minor_units=minor["USD"],
    )
    tiers.select_tier(1)
    _save(tiers, out, "dialog-tiers.png")

    # Edit Discounts: stacked discounts of Internet 500 (Fiber Internet Monthly)
    fiber = store.package_document(db, "Fiber Internet")
    monthly = _charges(fiber, "Fiber Internet Monthly", "standard", "USD")
    internet = _row(monthly["recurring"], "Internet 500")
    discounts = DiscountsDialog(
        None,
        service="Internet 500",
        discounts=internet["discounts"],
        statuses=statuses,
        promo_codes=[p["code"] for p in ref["promo_codes"]],
        minor_units=minor["USD"],
    )
    discounts.select(min(1, len(internet["discounts"]) - 1))
    _save(discounts, out, "dialog-discounts.png")

    # Usage bucket: Mobile Data in the EU price book, with a threshold override
    mobile = store.package_document(db, "Mobile")
    data = _row(_charges(mobile, "Mobile Monthly", "EU", "EUR")["recurring"], "Mobile Data")
    bucket = UsageBucketDialog(
        None,
        service="Mobile Data",
        buckets=ref["usage_buckets"],
        current=data["usage_bucket"],
        minor_units=minor["EUR"],
    )
    _save(bucket, out, "dialog-usage-bucket.png")

    # Service settings: Internet 100 in the EU price book (tax inclusive there)
    eu = _row(_charges(fiber, "Fiber Internet Monthly", "EU", "EUR")["recurring"], "Internet 100")
    settings = ServiceSettingsDialog(
        None,
        service="Internet 100",
        settings=eu["settings"],
        rate_plans=[p["name"] for p in ref["rate_plans"]],
        tax_categories=sorted({t["category"] for t in ref["tax_rates"]}),
        one_time=False,
    )
    _save(settings, out, "dialog-settings.png")

    # Add Transition: the reactivation fee with its one-month penalty
    reactivation = next(t for t in monthly["transitions"] if t["transition"] == "reactivation")
    transition = AddTransitionDialog(
        None,
        services=fiber["services"],
        transitions=[t["name"] for t in ref["transitions"]],
        fee_services=[s for s in fiber["services"] if services[s]["base_type"] == "fee"],
        current=None,
        minor_units=minor["USD"],
    )
    transition.service_combo.setCurrentText(reactivation["service"])
    transition.transition_combo.setCurrentText(reactivation["transition"])
    transition.charge_combo.setCurrentText(reactivation["charge_service"])
    transition.amount_edit.set_amount(reactivation["amount"])
    transition.penalty_box.setChecked(True)
    transition.penalty_amount.set_amount(reactivation["penalty"]["amount"])
    transition.threshold_spin.setValue(reactivation["penalty"]["threshold_months"])
    _save(transition, out, "dialog-transition.png")

    # The Setup area: services, and rate plans with their nested rates
    setup = SetupView(db)
    setup.resize(1100, 640)
    setup.select_kind("services")
    _save(setup, out, "setup.png")
    setup.select_kind("rate_plans")
    setup.select_row(0)
    _save(setup, out, "setup-rate-plans.png")
    setup.select_kind("contracts")
    setup.select_row(0)
    _save(setup, out, "setup-contracts.png")
    db.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
