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
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
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
