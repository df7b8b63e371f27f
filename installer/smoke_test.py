"""Prove the BUILT application works (not the source tree): version, validate, simulate,
import/export, and the window opened offscreen.

    make smoke        # after make build; or: .venv/bin/python installer/smoke_test.py [FOLDER]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402


def main(folder: Path) -> int:
    exe = folder / ("catalog-editor.exe" if sys.platform == "win32" else "catalog-editor")
    if not exe.exists():
        print(f"FAIL: {exe} does not exist; run make build first")
        return 1
    work = Path(tempfile.mkdtemp(prefix="smoke-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(work / "data"),
               XDG_CONFIG_HOME=str(work / "config"), HOME=str(work))
    # Run from an empty folder so nothing can be picked up from the source tree.
    cwd = work
    demo = ROOT / "resources" / "demo"
    failures: list[str] = []

    def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(exe), *args], capture_output=True, text=True, env=env,
                              cwd=cwd, timeout=300)
        label = " ".join(args)
        if done.returncode != expect:
            failures.append(f"`{label}` exited {done.returncode}, expected {expect}:\n"
                            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        else:
            print(f"ok: catalog-editor {label}")
        return done

    version = run("--version")
    if __version__ not in version.stdout:
        failures.append(f"--version printed {version.stdout!r}, not {__version__}")
    if (folder / "VERSION").read_text().strip() != __version__:
        failures.append("VERSION file disagrees with app.__version__")
    bundled = list(folder.rglob("demo/catalog.json"))
    if not bundled:
        failures.append("the demo catalog is not inside the application folder")
    run("validate", str(demo / "catalog.json"))
    bad = work / "bad.json"
    bad.write_text('{"format": "catalog"}', encoding="utf-8")
    run("validate", str(bad), expect=2)
    if (demo / "account.json").exists():
        sim = run("simulate", "--catalog", str(demo / "catalog.json"), "--account",
                  str(demo / "account.json"), "--from", "2026-02-01", "--periods", "3")
        if sim.returncode == 0 and json.loads(sim.stdout)["format"] != "bill":
            failures.append("simulate did not print a bill document")
    db = work / "smoke.sqlite"
    run("import", "--db", str(db), str(demo / "catalog.json"))
    out = work / "out.json"
    run("export", "--db", str(db), "--out", str(out))
    if out.exists():
        exported = json.loads(out.read_text())
        # an export publishes every catalog version (docs/versions.md): the only difference
        published = [v.pop("published", None) for v in exported.get("versions", [])]
        if exported != json.loads((demo / "catalog.json").read_text()):
            failures.append("export of the imported demo catalog differs from the demo catalog")
        elif not all(published):
            failures.append("the export did not mark the catalog versions published")
    window_env = dict(env, CATALOG_EDITOR_QUIT_AFTER_MS="3000")
    shown = subprocess.run([str(exe), "--db", str(work / "window.sqlite"), "--demo"],
                           capture_output=True, text=True, env=window_env, cwd=cwd, timeout=300)
    if shown.returncode != 0 or "window shown" not in shown.stdout:
        failures.append(f"the window did not open offscreen (exit {shown.returncode}):\n"
                        f"{shown.stdout[-2000:]}\n{shown.stderr[-2000:]}")
    else:
        print("ok: window opened offscreen on the demo catalog")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{5 - min(5, len(failures))} passed, {len(failures)} failed" if failures
          else "smoke test passed")
    return 1 if failures else 0


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "catalog-editor"
    target = target.resolve()
    raise SystemExit(main(target))
