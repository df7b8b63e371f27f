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
from backends import (  # noqa: F401 - fixtures: both backends (SQLite, PostgreSQL)
    backend,
    backend_db,
    backend_target,
    open_backend,
    pg_databases,
    pg_template,
)
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


class Tmpfs:
    """A small tmpfs mounted on a folder (root only): a real full disk, a real read-only
    file system."""

    def __init__(self, folder: Path, size_kb: int) -> None:
        import subprocess

        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                               str(folder)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()})")

    def fill(self) -> None:
        """Use up every free byte."""
        for n, chunk in enumerate((65536, 4096, 512, 1)):
            fd = os.open(self.folder / f"filler-{n}", os.O_WRONLY | os.O_CREAT)
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError:
                pass
            finally:
                os.close(fd)

    def free(self) -> None:
        for filler in self.folder.glob("filler-*"):
            filler.unlink()

    def read_only(self) -> None:
        import subprocess

        subprocess.run(["mount", "-o", "remount,ro", str(self.folder)], check=True)

    def unmount(self) -> None:
        import subprocess

        subprocess.run(["umount", "-l", str(self.folder)], capture_output=True)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Any]:
    """``tmpfs(name, size_kb)`` mounts a small tmpfs under tmp_path (skips when not root)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted: list[Tmpfs] = []

    def mount(name: str = "disk", size_kb: int = 512) -> Tmpfs:
        fs = Tmpfs(tmp_path / name, size_kb)
        mounted.append(fs)
        return fs

    yield mount
    for fs in mounted:
        fs.unmount()


@pytest.fixture
def full_disk() -> Iterator[Callable[[], None]]:
    """``full_disk()``: from then on every new SQLite connection of this process finds the disk
    full (``SQLITE_FULL``, as SQLite reports a full disk) as soon as its database would grow:
    ``PRAGMA max_page_count`` pinned to the file's size. Works on any machine, root or not."""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    def pin(dbapi_connection: Any, _record: object) -> None:
        count = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {count}")

    armed: list[bool] = []

    def arm() -> None:
        event.listen(Pool, "connect", pin)
        armed.append(True)

    yield arm
    if armed:
        event.remove(Pool, "connect", pin)


@pytest.fixture
def write_lock() -> Iterator[Any]:
    """``write_lock(db_path, seconds)``: another connection holds the database's write lock
    (``BEGIN IMMEDIATE``) for that long, in a thread; returns the thread to join."""
    import sqlite3
    import threading
    import time

    threads: list[threading.Thread] = []

    def hold(db: Path, seconds: float) -> threading.Thread:
        ready = threading.Event()

        def run() -> None:
            conn = sqlite3.connect(db, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            ready.set()
            time.sleep(seconds)
            conn.execute("ROLLBACK")
            conn.close()

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)
        ready.wait()
        return thread

    yield hold
    for thread in threads:
        thread.join()


@pytest.fixture(autouse=True)
def _model_testers(request: pytest.FixtureRequest) -> Iterator[None]:
    """The testers ``model_testers.check_model`` starts live until the test ends."""
    with model_testers.watching(request.config):
        yield


# -- Kill Bill's own catalog loader ----------------------------------------------------------

KB_VALIDATE = SHARED / "external" / "killbill" / "loader" / "kb-validate"


class KillBillLoader:
    """Runs ``shared/external/killbill/loader/kb-validate`` (Kill Bill's own upload checks) on
    many files in one call, as a Kill Bill server would on upload. ``check`` returns, per file
    name, ``"OK ..."`` or ``"REFUSED <Kill Bill's reasons>"``; ``assert_accepted`` fails the
    test with Kill Bill's words. Results are cached by content, so each file runs once."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._cache: dict[tuple[bool, tuple[bytes, ...]], list[str]] = {}
        self.seen: list[tuple[str, bytes]] = []  # every export made through ``collect``

    def check(self, files: dict[str, bytes], *, versions: bool = False) -> dict[str, str]:
        import hashlib
        import subprocess

        names = list(files)
        key = (versions, tuple(files[n] for n in names))
        if key not in self._cache:
            folder = self.workdir / hashlib.sha1(b"".join(key[1]) + bytes(versions)).hexdigest()
            folder.mkdir(parents=True, exist_ok=True)
            paths = []
            for i, name in enumerate(names):
                path = folder / f"{i:05d}.xml"
                path.write_bytes(files[name])
                paths.append(str(path))
            args = [str(KB_VALIDATE), *(["--versions"] if versions else []), *paths]
            done = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
            if done.returncode not in (0, 1):
                pytest.fail(f"kb-validate could not run (exit {done.returncode}): {done.stderr}")
            lines = [ln for ln in done.stdout.splitlines() if "\t" in ln]
            assert len(lines) == len(paths), done.stdout + done.stderr
            self._cache[key] = [" ".join(ln.split("\t")[1:]) for ln in lines]
        return dict(zip(names, self._cache[key], strict=True))

    def collect(self, what: str, data: bytes) -> None:
        """Keep an export for the end-of-session batch (one loader call for them all)."""
        self.seen.append((f"{len(self.seen)}: {what}", data))

    def refused(self, files: dict[str, bytes], *, versions: bool = False) -> dict[str, str]:
        """The files Kill Bill refuses, with its reasons."""
        result = self.check(files, versions=versions)
        return {n: r for n, r in result.items() if not r.startswith("OK")}

    def assert_accepted(self, files: dict[str, bytes], *, versions: bool = False) -> None:
        assert self.refused(files, versions=versions) == {}


def _loader_available() -> bool:
    """kb-validate is run whenever shared/ is present; only its absence skips (never in CI)."""
    if KB_VALIDATE.exists():
        return True
    if in_ci():
        pytest.fail(f"CI: Kill Bill's loader is missing ({KB_VALIDATE}); shared/ must be there")
    return False


@pytest.fixture(scope="session")
def kb_loader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KillBillLoader]:
    """Kill Bill's loader, compiled once (installing a JDK with apt-get when run as root: the
    first run on a fresh machine takes a while). One lock across test workers, so two workers
    do not compile into the same cache at once. At the end every file handed to ``collect``
    goes through it in one batch."""
    import fcntl

    if not _loader_available():
        pytest.skip(f"Kill Bill's loader is not beside the repository ({KB_VALIDATE})")
    loader = KillBillLoader(tmp_path_factory.mktemp("kb-validate"))
    lock_path = Path(tmp_path_factory.getbasetemp()).parent / "kb-validate.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        probe = SHARED / "external" / "killbill" / "catalogs" / "WeaponsHire.xml"
        assert loader.check({"WeaponsHire.xml": probe.read_bytes()})["WeaponsHire.xml"].startswith(
            "OK"
        )
    yield loader
    if loader.seen:
        refused = loader.refused(dict(loader.seen))
        assert refused == {}, "Kill Bill refuses exports made by the tests"
