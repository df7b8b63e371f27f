"""kill -9 at random points of an import, a package save and a migration (the fault-injection
harness of ``tests/models/test_kill_points.py`` and ``benchmarks/bench_kills.py``).

Each run forks a child that does the real thing (``catalog-editor import`` through the CLI's
own entry point, ``store.save_package``, ``open_database`` on an old-revision file) and sends
itself ``SIGKILL`` at a random point: right after its Nth SQL statement, or a random fraction
of a millisecond later from a timer thread, so that some kills land inside a statement (the
``COMMIT`` writing the WAL included). The parent then checks the file (``PRAGMA
integrity_check``), opens it the normal way and compares its export with the catalog before
and after the operation: it must be the one or the other, never a mix.

Migrations build on ``tests/models/test_crash_points.py`` (which crashes after every single
statement of creating and migrating): here with kill -9, random timing and the export compared.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

FINISHED = 8
KINDS = ("import", "save", "migrate")


def statements(action: Callable[[], None]) -> tuple[int, int]:
    """How many SQL statements ``action`` runs, and how many had run at its last commit."""
    count = [0]
    commits = [0]

    def seen(*_args: object) -> None:
        count[0] += 1

    def committed(*_args: object) -> None:
        commits.append(count[0])

    event.listen(Engine, "after_cursor_execute", seen)
    event.listen(Engine, "commit", committed)
    try:
        action()
    finally:
        event.remove(Engine, "after_cursor_execute", seen)
        event.remove(Engine, "commit", committed)
    return count[0], max(commits)


def kill_at(n: int, delay: float, action: Callable[[], None]) -> bool:
    """Run ``action`` in a forked child that gets ``SIGKILL`` ``delay`` seconds after its
    ``n``th SQL statement. True when it was killed (False: it finished first)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            count = [0]

            def die() -> None:
                os.kill(os.getpid(), signal.SIGKILL)

            def at_statement(*_args: object) -> None:
                count[0] += 1
                if count[0] != n:
                    return
                if delay <= 0:
                    die()
                timer = threading.Timer(delay, die)
                timer.daemon = True
                timer.start()

            event.listen(Engine, "after_cursor_execute", at_statement)
            action()
        finally:
            os._exit(FINISHED)
    _pid, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def canonical(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False)


@dataclass
class Tally:
    """What the kills of one kind found."""

    kills: int = 0
    finished: int = 0  # the child finished before its kill point
    states: collections.Counter[str] = field(default_factory=collections.Counter)
    damaged: int = 0  # integrity_check not ok, or the file would not open
    bytes_lost: int = 0  # bytes of the saved catalog's export missing from a mixed state

    def line(self, kind: str) -> str:
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items()))
        return (f"{kind}: {self.kills} kills tried ({self.finished} finished first); states "
                f"found: {states}; damaged {self.damaged}; bytes lost {self.bytes_lost}")


class Case:
    """One kind of operation on a prepared database: ``old`` and ``new`` are the exports
    before and after it ran to the end (``new`` taken on a copy)."""

    def __init__(self, kind: str, folder: Path, demo: dict[str, Any], bigger: dict[str, Any]
                 ) -> None:
        from app.catalog.database import store
        from app.models.database import open_database

        self.kind, self.folder = kind, folder
        self.source = folder / f"{kind}-source.sqlite"
        if kind == "migrate":
            from models.test_crash_points import _make_revision_0001

            _make_revision_0001(self.source)
        else:
            db = open_database(self.source)
            store.import_catalog(db, demo, source="demo")
            db.close()
        self.incoming = folder / "incoming.json"
        self.incoming.write_text(json.dumps(bigger), encoding="utf-8")
        package = copy.deepcopy(demo["packages"][0])
        package["enabled"] = not package["enabled"]
        for frequency in package["frequencies"]:
            frequency["sku"] = f"{frequency.get('sku') or 'SKU'}-SAVED"
        self.package = package
        if kind == "migrate":
            self.old = None  # an old revision has no export; compared after reopening
        else:
            self.old = canonical(self._export(self.source))
        done = folder / f"{kind}-done.sqlite"
        shutil.copyfile(self.source, done)
        self.action(done)()
        self.new = canonical(self._export(done))
        self.points, self.commit_at = statements(self.action(self._copy("count")))

    def _copy(self, name: str) -> Path:
        target = self.folder / f"{self.kind}-{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.source, target)
        return target

    @staticmethod
    def _export(path: Path) -> Any:
        from app.catalog.database import store
        from app.models.database import open_database

        db = open_database(path)
        try:
            return store.export_catalog(db)
        finally:
            db.close()

    def action(self, path: Path) -> Callable[[], None]:
        from app.catalog.database import store
        from app.models.database import open_database

        if self.kind == "import":
            def run() -> None:
                from app.cli import cli

                with contextlib.suppress(SystemExit):
                    cli.main(["import", "--db", str(path), str(self.incoming)],
                             standalone_mode=False)
        elif self.kind == "save":
            def run() -> None:
                db = open_database(path)
                store.save_package(db, self.package, original_name=self.package["name"])
                db.close()
        else:
            def run() -> None:
                open_database(path).close()
        return run

    def kill_once(self, rng: random.Random, tally: Tally) -> None:
        path = self._copy("killed")
        if rng.random() < 0.5:  # anywhere, right after a statement or inside the next one
            n = rng.randint(1, self.points)
            delay = rng.choice((0.0, rng.uniform(0, 0.003)))
        else:  # around the last commit: before it, inside it (WAL frames written), after it
            n = max(1, self.commit_at - rng.randint(0, 2))
            delay = rng.uniform(0, 0.03)
        tally.kills += 1
        if not kill_at(n, delay, self.action(path)):
            tally.finished += 1
        before = self._revision(path) if self.kind == "migrate" else None
        try:
            ok = integrity(path) == "ok"
            found = canonical(self._export(path))
        except Exception:  # noqa: BLE001 - a file that does not open is the finding
            tally.damaged += 1
            return
        if not ok:
            tally.damaged += 1
        if self.kind == "migrate":
            state = "mixed" if found != self.new else (
                "old" if before == "0001" else "new" if before == _head() else "between")
        else:
            state = "old" if found == self.old else "new" if found == self.new else "mixed"
        tally.states[state] += 1
        if state == "mixed":
            reference = self.old or self.new
            tally.bytes_lost += max(len(reference) - _common(reference, found), 1)

    @staticmethod
    def _revision(path: Path) -> str:
        from models.test_crash_points import revision_on_disk

        return str(revision_on_disk(path))


def _head() -> str:
    from app.models.database import head_revision

    return head_revision()


def _common(a: str, b: str) -> int:
    import difflib

    return sum(block.size for block in difflib.SequenceMatcher(None, a, b).get_matching_blocks())


def bigger_catalog() -> dict[str, Any]:
    """The catalog the import brings in: generated, larger than the demo, nothing in common."""
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "benchmarks"))
    try:
        from generate_catalog import generate_catalog
    finally:
        sys.path.remove(str(root / "benchmarks"))
    doc: dict[str, Any] = generate_catalog(packages=40, frequencies=120, seed=12)
    return doc


def run(kind: str, folder: Path, demo: dict[str, Any], kills: int, seed: int = 12) -> Tally:
    case = Case(kind, folder, demo, bigger_catalog())
    tally = Tally()
    rng = random.Random(f"{seed}-{kind}")
    for _ in range(kills):
        case.kill_once(rng, tally)
    return tally
