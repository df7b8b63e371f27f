"""Package data (demo catalog, icons, schemas) through importlib.resources."""

from __future__ import annotations

import json
import sys
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any


def _resources_root() -> Traversable:
    """``resources/`` of the source tree is installed as the package ``app.resources``.

    In the built application (PyInstaller) the files are collected as data beside the frozen
    ``app`` package instead, since the build reads the source tree where ``app/resources``
    does not exist as a folder.
    """
    try:
        return resources.files("app.resources")
    except ModuleNotFoundError:
        bundle = getattr(sys, "_MEIPASS", None)
        if bundle is None:
            raise
        return Path(bundle) / "app" / "resources"


def resource(*parts: str) -> Traversable:
    """A file shipped under ``resources/`` (demo catalog and account, icons, .desktop)."""
    node = _resources_root()
    for part in parts:
        node = node / part
    return node


def schema_path(kind: str) -> Traversable:
    return resources.files("app") / "schemas" / f"{kind}.schema.json"


@cache
def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``catalog``, ``account`` or ``bill`` documents."""
    loaded: dict[str, Any] = json.loads(schema_path(kind).read_text(encoding="utf-8"))
    return loaded


def demo_catalog() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resource("demo", "catalog.json").read_text("utf-8"))
    return loaded
