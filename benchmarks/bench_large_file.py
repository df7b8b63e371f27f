"""The largest catalog the editor is sized for, as a file: read, validate, import, export.

    .venv/bin/python benchmarks/bench_large_file.py [--file CATALOG.json]
                                                    [--packages 30000 --frequencies 90000]

Without --file, generates the catalog (benchmarks/generate_catalog.py, 30,000 packages and
90,000 frequencies by default: 243 MB) into a temporary folder. Each step runs in a fresh
process and prints its time and the peak memory of that process (resident set size), so the
memory used to read such a file is measured on its own: reading (the hardened reader),
validating, importing into SQLite, exporting as the command line does (indented JSON), and
validating that export (about three times the size: it must be readable too).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STEP = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from app.catalog.database import store
from app.catalog.document.safe_json import load_json_document
step, source, db_path, out = sys.argv[2:6]
started = time.perf_counter()
figures = {}
if step == "export":
    db = store.open_catalog(db_path)
    doc = store.export_catalog(db)
    data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    Path(out).write_bytes(data)
    figures["file MB"] = len(data) / 1e6
    db.close()
else:
    doc = load_json_document(Path(source).read_bytes(), source=source)
    figures["read s"] = time.perf_counter() - started
    if step == "validate":
        errors = [p for p in store.validate_document(doc) if p.severity == "error"]
        figures["errors"] = len(errors)
    elif step == "import":
        db = store.open_catalog(db_path)
        store.import_catalog(db, doc, source=source)
        db.close()
        figures["database MiB"] = Path(db_path).stat().st_size / 2**20
figures["total s"] = time.perf_counter() - started
figures["peak MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(figures))
"""


def run(step: str, source: Path, db: Path, out: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", STEP, str(ROOT), step, str(source), str(db),
                             str(out)], capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{step} failed:\n{result.stderr}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--packages", type=int, default=30_000)
    parser.add_argument("--frequencies", type=int, default=90_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.file
        if source is None:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from generate_catalog import generate_catalog

            source = Path(tmp) / "large.json"
            doc = generate_catalog(args.packages, args.frequencies)
            source.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            del doc
        print(f"{'file':<34} {source.stat().st_size / 1e6:8.1f} MB  ({source})")
        db, out = Path(tmp) / "large.sqlite", Path(tmp) / "exported.json"
        for step in ("read", "validate", "import", "export", "validate the export"):
            figures = (run("validate", out, db, out) if step == "validate the export"
                       else run(step, source, db, out))
            shown = ", ".join(f"{k} {v:,.1f}" for k, v in figures.items())
            print(f"{step:<34} {shown}")


if __name__ == "__main__":
    main()
