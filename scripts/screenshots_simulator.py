"""Screenshots of the Simulator tab, headless:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_simulator.py [OUT_DIR]

Loads the demo catalog into a temporary database, opens the Simulator with the demo scenario
(two packages, a mid-month activation, a suspension, a promo code, usage) over three months,
and writes to ``docs/screenshots/`` (or OUT_DIR):

* ``simulator.png``: the detailed bill with a prorated line explained (its days in the formula);
* ``simulator-transition.png``: a transition charge, naming the account-service it belongs to;
* ``simulator-included-tax.png``: tax included in the prices, shown as included;
* ``simulator-narrow.png``: the Simulator 1000 px wide, a refused number of periods;
* ``simulator-printed.png``: the customer's printed view of one period (rollup package);
* ``simulator-chart.png``: the chart of the total per period by kind;
* ``simulator-problem.png``: a status timeline out of order, shown at the row at fault;
* ``invoice-page1.png``: the first page of the exported PDF invoice.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QLocale, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.catalog.database import store  # noqa: E402
from app.models.database import open_database  # noqa: E402
from app.package_data import demo_catalog  # noqa: E402
from app.views.simulator.bill_export import render_pdf_page  # noqa: E402
from app.views.simulator.bill_model import LINE_ROLE  # noqa: E402
from app.views.simulator.scenario import SetValue  # noqa: E402
from app.views.simulator.view import SimulatorView  # noqa: E402

SIZE = (1600, 940)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else \
        Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    app = QApplication.instance() or QApplication(argv)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "catalog.sqlite")
        store.import_catalog(db, demo_catalog(), source="demo catalog")
        view = SimulatorView(db)
        view.setWindowTitle("Catalog Editor — Simulator")
        view.resize(*SIZE)
        view.show()
        view.list_panel.demo_button.click()
        app.processEvents()
        panel = view.bill_panel
        model = panel.lines_model
        prorated = next((r for r in range(model.rowCount())
                         if model.index(r, 0).data(LINE_ROLE).get("days") not in (None, 31)
                         and model.index(r, 0).data(LINE_ROLE)["kind"] == "recurring"
                         and model.index(r, 0).data(LINE_ROLE)["amount"] != "0.00"), 0)
        panel.select_line(prorated)
        panel.lines_view.scrollTo(model.index(prorated, 0))
        app.processEvents()
        view.grab().save(str(out / "simulator.png"))

        transition = next((r for r in range(model.rowCount())
                           if model.index(r, 0).data(LINE_ROLE)["kind"] == "transition"), 0)
        panel.select_line(transition)
        panel.lines_view.scrollTo(model.index(transition, 0))
        app.processEvents()
        view.grab().save(str(out / "simulator-transition.png"))

        included = next((r for r in range(model.rowCount())
                         if model.index(r, 0).data(LINE_ROLE)["kind"] == "tax"
                         and model.index(r, 0).data(LINE_ROLE).get("tax_inclusive")), 0)
        panel.select_line(included)
        panel.lines_view.scrollTo(model.index(included, 0))
        app.processEvents()
        view.grab().save(str(out / "simulator-included-tax.png"))

        view.resize(1000, 700)  # a 1024-px-wide screen
        spin = panel.periods_spin
        spin.setFocus()
        spin.lineEdit().selectAll()
        QTest.keyClicks(spin, "2000")
        QTest.keyClick(spin, Qt.Key.Key_Return)
        app.processEvents()
        view.grab().save(str(out / "simulator-narrow.png"))
        view.resize(*SIZE)
        app.processEvents()

        panel.period_combo.setCurrentIndex(1)
        panel.printed_button.click()
        panel.select_line(0)
        app.processEvents()
        view.grab().save(str(out / "simulator-printed.png"))
        panel.detailed_button.click()
        panel.period_combo.setCurrentIndex(0)

        panel.tabs.setCurrentWidget(panel.chart)
        app.processEvents()
        view.grab().save(str(out / "simulator-chart.png"))
        panel.tabs.setCurrentIndex(0)

        pdf = Path(folder) / "invoice.pdf"
        view.export_pdf(str(pdf))
        render_pdf_page(pdf, 1240).save(str(out / "invoice-page1.png"))

        view.status.clear()
        # a bad scenario: the TV suspension dated before the TV was activated
        packages = view.editor.packages_panel
        services = view.scenario.doc["packages"][0]["services"]
        row = next(i for i, s in enumerate(services) if len(s["statuses"]) > 2)
        packages.select_package(0)
        packages.select_service(row)
        view.stack.push(SetValue(view.scenario,
                                 ("packages", 0, "services", row, "statuses", 1, "from"),
                                 "2026-01-02"))
        view.recompute()
        app.processEvents()
        view.editor.ensureWidgetVisible(view.editor.timeline_panel.problem)
        app.processEvents()
        view.grab().save(str(out / "simulator-problem.png"))
        view.close()
        db.close()
    for name in ("simulator.png", "simulator-transition.png", "simulator-included-tax.png",
                 "simulator-narrow.png", "simulator-printed.png", "simulator-chart.png",
                 "simulator-problem.png", "invoice-page1.png"):
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
