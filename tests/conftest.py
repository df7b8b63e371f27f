"""Shared fixtures. Qt runs offscreen; every test gets its own database file."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def load_data(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def spec_catalog() -> dict[str, Any]:
    """The exchange-format spec's example catalog, exactly as printed there."""
    return copy.deepcopy(load_data("spec_example_catalog.json"))


@pytest.fixture
def spec_account() -> dict[str, Any]:
    return copy.deepcopy(load_data("spec_example_account.json"))


@pytest.fixture
def demo_catalog() -> dict[str, Any]:
    from app.package_data import demo_catalog as load

    return load()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "catalog.sqlite"


@pytest.fixture
def db(db_path: Path) -> Iterator[Any]:
    """An empty, migrated catalog database."""
    from app.models.database import open_database

    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def demo_db(db: Any, demo_catalog: dict[str, Any]) -> Any:
    """A database holding the demo catalog."""
    from app.catalog.database.store import import_catalog

    import_catalog(db, demo_catalog, source="demo")
    return db


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep QSettings and the default database of tests out of the user's folders."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
