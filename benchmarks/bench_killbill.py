"""Kill Bill publication figures: plans exported, plans Kill Bill refuses, plans whose bill in
Kill Bill (by its documented semantics, :mod:`app.catalog.killbill.shadow`) differs from our
simulator's, on the demo and generated catalogs.

    python benchmarks/bench_killbill.py [--sizes 10x20,50x100,...] [--sample N]

Each frequency of the standard price book is billed for 12 periods, in each currency it is
sold in, for: a subscriber with every service the frequency prices; with each recurring
service alone; with the first one twice. Kill Bill's loader (kb-validate, from ../shared)
checks every file in one call.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate_catalog import generate_catalog  # noqa: E402

from app.catalog import killbill  # noqa: E402
from app.catalog.killbill import shadow  # noqa: E402
from app.engine import catalog_from_document  # noqa: E402

KB_VALIDATE = HERE.parent.parent / "shared" / "external" / "killbill" / "loader" / "kb-validate"
WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
START = dt.date(2026, 1, 1)


def demo() -> dict[str, Any]:
    from app.package_data import demo_catalog

    return demo_catalog()


def subscriptions(index: Any, plans: dict[str, Any], units: dict[str, str], freq: dict[str, Any],
                  held: dict[str, int], currency: str) -> list[Any] | None:
    """The Kill Bill subscriptions of a subscriber (None: the frequency is not published)."""
    entry = index.get((str(freq["name"]), "standard")) if index is not None else None
    if index is not None:
        if entry is None:
            return None
        return shadow.subscriptions_for(entry.base, entry.addons(currency), plans, units, held, 12,
                                          entry.counted)
    # before add-ons: one plan per frequency, named after its SKU or name
    for name, plan in plans.items():
        if plan.pretty == freq["name"] and not name.endswith(tuple(f"-{b}" for b in ("EU",))):
            return [shadow.Subscription(name, 1, shadow.recorded_usage(units, held, 12))]
    return None


def measure(label: str, doc: dict[str, Any], sample: int, folder: Path) -> dict[str, Any]:
    if hasattr(killbill.exporter, "export_killbill"):
        done = killbill.exporter.export_killbill(doc, catalog_name="Bench", effective_date=WHEN)
        data, notes, index = done.data, done.notes, done.published
    else:  # before the add-on mapping
        data, notes = killbill.catalog_to_killbill(doc, catalog_name="Bench", effective_date=WHEN)
        index = None
    path = folder / f"{label}.xml"
    path.write_bytes(data)
    plans = shadow.read_plans(data)
    units = shadow.read_units(data)
    dup = sum(1 for p in plans.values() if len({ph.type for ph in p.phases}) < len(p.phases))
    catalog = catalog_from_document(doc)
    services = {s["name"]: s for s in doc.get("services", [])}
    differ = checked = unpublished = 0
    freqs = [(pkg, f) for pkg in doc["packages"] for f in pkg["frequencies"]]
    step = max(1, len(freqs) // sample) if sample else 1
    for _pkg, freq in freqs[::step]:
        std = freq.get("price_books", {}).get("standard") or {}
        for currency in freq.get("currencies", []):
            cell = std.get(currency)
            if not cell:
                continue
            recurring = [r["service"] for r in cell.get("recurring", [])
                         if services.get(r["service"], {}).get("base_type") == "recurring"]
            one_time = [r["service"] for r in cell.get("one_time", [])]
            scenarios = [{s: 1 for s in recurring + one_time}]
            scenarios += [{s: 1} for s in recurring if len(recurring) > 1]
            if recurring:
                scenarios.append({recurring[0]: 2})
            bad = False
            for held in scenarios:
                sc = shadow.Scenario(freq["name"], currency, "standard", held, START, 12)
                subs = subscriptions(index, plans, units, freq, held, currency)
                if subs is None:
                    unpublished += 1
                    break
                ours = shadow.simulator_bill(catalog, sc)
                try:
                    theirs = shadow.killbill_bill(plans, subs, sc)
                except shadow.NoPriceForCurrency:
                    bad = True
                    break
                if ours != theirs:
                    bad = True
                    break
            checked += 1
            differ += bad
    return {"label": label, "data": data, "path": path, "plans": len(plans), "dup": dup,
            "checked": checked, "differ": differ, "unpublished": unpublished,
            "notes": len(notes)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10x20,20x40,30x60,40x80,50x100,1000x3000")
    parser.add_argument("--sample", type=int, default=300,
                        help="frequencies billed per catalog (0: all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = [measure("demo", demo(), args.sample, folder)]
        for i, size in enumerate(args.sizes.split(",")):
            packages, frequencies = map(int, size.split("x"))
            rows.append(measure(f"gen-{size}", generate_catalog(packages, frequencies, seed=i + 1),
                                args.sample, folder))
        out = subprocess.run([str(KB_VALIDATE), *(str(r["path"]) for r in rows)],
                             capture_output=True, text=True, check=False)
        verdicts = {Path(ln.split("\t")[0]).stem: ln.split("\t", 2)[1:]
                    for ln in out.stdout.splitlines() if "\t" in ln}
        print(f"{'catalog':16} {'plans':>6} {'kb-validate':>12} {'refused-plans':>13} "
              f"{'dup-types':>9} {'billed':>7} {'differ':>7} {'left-out':>8}")
        for r in rows:
            verdict, *reasons = verdicts.get(r["label"], ["?"])
            names = set(re.findall(r"plan '?([A-Za-z0-9_.-]+)'?", " ".join(reasons)))
            refused = len(names & set(shadow.read_plans(r["data"]))) if verdict != "OK" else 0
            print(f"{r['label']:16} {r['plans']:>6} {verdict:>12} {refused:>13} {r['dup']:>9} "
                  f"{r['checked']:>7} {r['differ']:>7} {r['unpublished']:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
