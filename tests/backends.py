"""Both database backends for the tests: an SQLite file and a fresh PostgreSQL database.

``backend_target`` yields where a fresh, migrated, empty catalog database is (a file path or a
``postgresql://`` URL); ``backend_db`` opens it. Each is parametrized ``sqlite`` and
``postgresql``. A PostgreSQL database is made per test from a template migrated once per
worker (``CREATE DATABASE ... TEMPLATE``), and dropped after the test.

The server comes from ``CATALOG_EDITOR_TEST_PG_URL`` (``make test`` starts one with
``scripts/ensure-postgres.sh`` and sets it). Without it the PostgreSQL variants are skipped,
except when ``CATALOG_EDITOR_REQUIRE_PG`` is set (``make test``, hence CI sets it): then they
fail, so that CI never passes without having run them.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

PG_URL_ENV = "CATALOG_EDITOR_TEST_PG_URL"
REQUIRE_PG_ENV = "CATALOG_EDITOR_REQUIRE_PG"
BACKENDS = ("sqlite", "postgresql")

_counter = itertools.count()


def pg_server_url() -> str:
    """The test server's URL; skips (or, when PostgreSQL is required, fails) without one."""
    url = os.environ.get(PG_URL_ENV, "").strip()
    if url:
        return url
    message = (f"{PG_URL_ENV} is not set, so the PostgreSQL variant cannot run. `make test` "
               "starts a throwaway server (scripts/ensure-postgres.sh) and sets it; to run "
               f"this test directly: export {PG_URL_ENV}=$(scripts/ensure-postgres.sh start)")
    if os.environ.get(REQUIRE_PG_ENV):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _admin(url: str) -> Any:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                           dbname=u.database, autocommit=True, connect_timeout=5)


def database_url(server: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server).set(database=name).render_as_string(hide_password=False)


def unique_name(prefix: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{os.getpid()}_{next(_counter)}".lower()


def create_pg_database(server: str, name: str, template: str | None = None) -> str:
    with _admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template
                                                    else ""))
    return database_url(server, name)


def drop_pg_database(server: str, name: str) -> None:
    with _admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PgDatabases:
    """Fresh PostgreSQL databases on the test server, dropped at the end."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.names: list[str] = []

    def empty(self) -> str:
        name = unique_name("ce_test")
        self.names.append(name)
        return create_pg_database(self.server, name)

    def drop_all(self) -> None:
        for name in self.names:
            drop_pg_database(self.server, name)
        self.names.clear()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[tuple[str, str]]:
    """``(server URL, template database name)``: a database migrated to the newest revision,
    once per worker, copied for every test."""
    from app.models.database import open_database

    server = pg_server_url()
    name = unique_name("ce_template")
    database = open_database(create_pg_database(server, name))
    database.close()
    yield server, name
    drop_pg_database(server, name)


@pytest.fixture
def pg_databases() -> Iterator[PgDatabases]:
    """Fresh, empty (unmigrated) PostgreSQL databases for a test."""
    databases = PgDatabases(pg_server_url())
    yield databases
    databases.drop_all()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def backend_target(backend: str, request: pytest.FixtureRequest, template_db: Path,
                   tmp_path: Path) -> Iterator[str]:
    """Where a fresh, migrated, empty catalog database is: an SQLite file or a PostgreSQL URL."""
    if backend == "sqlite":
        path = tmp_path / "catalog.sqlite"
        shutil.copyfile(template_db, path)
        yield str(path)
        return
    server, template = request.getfixturevalue("pg_template")
    name = unique_name("ce_test")
    url = create_pg_database(server, name, template)
    try:
        yield url
    finally:
        drop_pg_database(server, name)


@pytest.fixture
def open_backend(backend_target: str) -> Iterator[Callable[[], Any]]:
    """Open the test's database (each call another :class:`Database` on the same catalog)."""
    from app.models.database import open_database

    opened: list[Any] = []

    def make() -> Any:
        database = open_database(backend_target)
        opened.append(database)
        return database

    yield make
    for database in opened:
        database.close()


@pytest.fixture
def backend_db(open_backend: Callable[[], Any]) -> Any:
    """A fresh, migrated, empty catalog database on the test's backend."""
    return open_backend()
