"""Build the self-contained application folder with PyInstaller.

    make build                     # or: .venv/bin/python installer/build.py

produces ``dist/catalog-editor/`` holding the ``catalog-editor`` executable (window and command
line), the demo catalog, the icon, the ``.desktop`` entry and a VERSION file. The same command
builds on Windows and macOS (see README, "Building the application"); nothing here hard-codes a
platform path.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402

NAME = "catalog-editor"


def pyinstaller_args(dist: Path, work: Path) -> list[str]:
    sep = ";" if sys.platform == "win32" else ":"

    def data(src: Path, dest: str) -> list[str]:
        return ["--add-data", f"{src}{sep}{dest}"]

    icon = ROOT / "resources" / "icons" / ("catalog-editor.ico" if sys.platform == "win32"
                                           else "catalog-editor-256.png")
    args = [
        str(ROOT / "installer" / "entry.py"),
        "--name", NAME,
        "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work), "--specpath", str(work),
        "--paths", str(ROOT),
        *data(ROOT / "app" / "schemas", "app/schemas"),
        *data(ROOT / "app" / "models" / "migrations", "app/models/migrations"),
        *data(ROOT / "resources" / "demo", "app/resources/demo"),
        *data(ROOT / "resources" / "icons", "app/resources/icons"),
        *data(ROOT / "resources" / "catalog-editor.desktop", "app/resources"),
        "--collect-submodules", "app",
        "--collect-data", "babel",
        "--collect-data", "jsonschema_specifications",
        "--collect-data", "xmlschema",
        "--collect-submodules", "alembic",
        "--collect-submodules", "filelock",  # its fallbacks are imported lazily
        "--collect-submodules", "sqlalchemy.dialects.sqlite",
        # a shared catalog on PostgreSQL: the dialect and the driver are imported by name
        "--collect-submodules", "sqlalchemy.dialects.postgresql",
        "--collect-submodules", "psycopg",
        "--collect-all", "psycopg_binary",
        "--hidden-import", "PySide6.QtCharts",
        "--hidden-import", "PySide6.QtSvg",
        "--hidden-import", "PySide6.QtPrintSupport",
        "--exclude-module", "tkinter",
        "--exclude-module", "PySide6.QtWebEngineCore",
        "--exclude-module", "PySide6.QtWebEngineWidgets",
        "--exclude-module", "PySide6.Qt3DCore",
        "--exclude-module", "PySide6.QtQuick3D",
        "--exclude-module", "PySide6.QtMultimedia",
    ]
    if icon.exists() and sys.platform in ("win32", "darwin"):
        args += ["--icon", str(icon)]
    if sys.platform == "darwin":
        args += ["--windowed", "--osx-bundle-identifier", "org.catalog-editor.app"]
    return args


def build() -> Path:
    import PyInstaller.__main__

    dist = ROOT / "dist"
    work = ROOT / "build" / "pyinstaller"
    PyInstaller.__main__.run(pyinstaller_args(dist, work))
    folder = dist / NAME
    (folder / "VERSION").write_text(__version__ + "\n", encoding="utf-8")
    shutil.copy2(ROOT / "resources" / "catalog-editor.desktop", folder / f"{NAME}.desktop")
    shutil.copy2(ROOT / "resources" / "icons" / "catalog-editor-256.png", folder / f"{NAME}.png")
    shutil.copy2(ROOT / "installer" / "install-linux.sh", folder / "install-linux.sh")
    print(f"built {folder} (version {__version__})")
    return folder


if __name__ == "__main__":
    build()
