"""Shared fixtures. Qt runs offscreen; every test gets its own database file, a copy of one
migrated once per session (migrating from empty costs several times more than copying)."""

from __future__ import annotations

import copy
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import model_testers
import pytest
from shared_files import SHARED, in_ci

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"


def pytest_sessionstart(session: pytest.Session) -> None:
    if in_ci() and not SHARED.is_dir():
        raise pytest.UsageError(f"CI=true but {SHARED} is missing: the specs and Kill Bill "
                                "samples must be beside the repository in CI")


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


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database migrated to the newest revision, once per session (and worker)."""
    from app.models.database import open_database

    path = tmp_path_factory.mktemp("template") / "catalog.sqlite"
    open_database(path).close()
    return path


@pytest.fixture
def make_db(template_db: Path, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Open a fresh empty database (a copy of the template) at a path, or at a new one."""
    from app.models.database import open_database

    opened: list[Any] = []

    def make(path: Path | None = None) -> Any:
        target = path or tmp_path / f"db{len(opened)}.sqlite"
        shutil.copyfile(template_db, target)
        database = open_database(target)
        opened.append(database)
        return database

    yield make
    for database in opened:
        database.close()


@pytest.fixture
def db(db_path: Path, make_db: Callable[..., Any]) -> Any:
    """An empty, migrated catalog database (a copy of the session's template)."""
    return make_db(db_path)


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



@pytest.fixture(autouse=True)
def _model_testers(request: pytest.FixtureRequest) -> Iterator[None]:
    """The testers ``model_testers.check_model`` starts live until the test ends."""
    with model_testers.watching(request.config):
        yield
