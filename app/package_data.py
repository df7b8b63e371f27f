"""Package data (demo catalog, icons, schemas) through importlib.resources."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any


def resource(*parts: str) -> Traversable:
    """A file shipped under ``resources/`` (installed as the package ``app.resources``)."""
    node = resources.files("app.resources")
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
