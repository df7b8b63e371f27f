"""What keeps an SQLite catalog safe with other code and other processes around it: no
connection held between units of work, a commit refused (with a message) rather than written
into a deleted WAL, a revision that tells a window another process wrote, the owner lock."""

from __future__ import annotations

import copy
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from app.catalog import jobs
from app.catalog.database import sharing, store
from app.models import sqlite_safety
from app.models.database import open_database
from app.models.owner_lock import OwnerLock, lock_path

ROOT = Path(__file__).resolve().parents[2]


def child(code: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Python ``code`` in a child process (the repository importable), ``sys.argv[1:]`` =
    ``args``."""
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done


SAVE_SKU = """
import sys
from app.catalog.database import store
db = store.open_database(sys.argv[1])
package = store.package_document(db, "Mobile")
package["frequencies"][0]["sku"] = sys.argv[2]
store.save_package(db, package, original_name="Mobile")
db.close()
"""

OPEN_AND_CLOSE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM package").fetchall()
conn.close()
"""


def sku(path: Path) -> str:
    done = child("import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
                 "\"SELECT sku FROM package_frequency WHERE name = 'Mobile Monthly'\")"
                 ".fetchone()[0])", path)
    return done.stdout.strip()


def pragma(path: Path, name: str) -> Any:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def open_descriptors(path: Path) -> list[str]:
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc/self/fd")
    out = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(path.resolve())):
            out.append(target)
    return out


def test_no_descriptor_of_the_database_stays_open_between_units_of_work(
        demo_db: Any, db_path: Path) -> None:
    package = store.package_document(demo_db, "Mobile")
    package["frequencies"][0]["sku"] = "MOB-NULL"
    store.save_package(demo_db, package, original_name="Mobile")
    store.export_catalog(demo_db)
    assert open_descriptors(db_path) == []  # nothing a dialog could make SQLite forget
    assert sku(db_path) == "MOB-NULL"


def test_an_in_memory_database_keeps_its_one_connection(demo_catalog: dict[str, Any]) -> None:
    db = open_database("sqlite://")
    store.import_catalog(db, demo_catalog)
    assert len(store.export_catalog(db)["packages"]) == len(demo_catalog["packages"])
    db.close()


def test_a_save_whose_wal_another_process_deleted_is_refused_and_says_so(
        demo_db: Any, db_path: Path) -> None:
    """The POSIX pitfall in the middle of a save: something in this process opens and closes
    each database file (locks gone), another process closes the database as if it were the
    last one (checkpoint, WAL deleted). The save must not go into the deleted WAL."""
    before = store.export_catalog(demo_db)
    package = store.package_document(demo_db, "Mobile")
    package["frequencies"][0]["sku"] = "MOB-LOST"
    done: list[bool] = []

    def meanwhile(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if done or not statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            return  # in the save's write transaction, after its first write
        done.append(True)
        for suffix in ("", "-wal", "-shm"):
            name = f"{db_path}{suffix}"
            if os.path.exists(name):
                os.close(os.open(name, os.O_RDONLY))
        child(OPEN_AND_CLOSE, db_path)

    event.listen(demo_db.engine, "after_cursor_execute", meanwhile)
    try:
        with pytest.raises(jobs.DatabaseFailure) as caught:
            store.save_package(demo_db, package, original_name="Mobile")
    finally:
        event.remove(demo_db.engine, "after_cursor_execute", meanwhile)
    message = jobs.database_failure_message(caught.value, str(db_path))
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("the guard needs /proc/self/fd")
    assert message is not None and "nothing was saved" in message
    assert "removed the database's journal" in message
    assert store.export_catalog(demo_db) == before  # nothing half-written
    assert pragma(db_path, "integrity_check") == "ok"
    store.save_package(demo_db, package, original_name="Mobile")  # the next save goes in
    assert sku(db_path) == "MOB-LOST"


def test_another_process_writing_is_noticed_and_this_process_writing_is_not(
        demo_db: Any, db_path: Path) -> None:
    assert sharing.changed_elsewhere(demo_db) is None
    package = store.package_document(demo_db, "Mobile")
    package["frequencies"][0]["sku"] = "MOB-MINE"
    store.save_package(demo_db, package, original_name="Mobile")
    assert sharing.changed_elsewhere(demo_db) is None  # our own save
    store.snapshot_document(demo_db)
    child(SAVE_SKU, db_path, "MOB-THEIRS")
    changes = sharing.changed_elsewhere(demo_db)
    assert changes is not None and "packages" in changes.kinds
    assert store.snapshot_document(demo_db)["packages"]  # read again, not the held copy
    mobile = next(p for p in store.snapshot_document(demo_db)["packages"]
                  if p["name"] == "Mobile")
    assert mobile["frequencies"][0]["sku"] == "MOB-THEIRS"
    assert sharing.changed_elsewhere(demo_db) is None  # said once


def test_a_write_elsewhere_is_noticed_even_when_this_process_wrote_after_it(
        demo_db: Any, db_path: Path) -> None:
    child(SAVE_SKU, db_path, "MOB-THEIRS")
    package = store.package_document(demo_db, "Mobile")
    package["frequencies"][0]["sku"] = "MOB-MINE-LATER"
    store.save_package(demo_db, package, original_name="Mobile")
    assert sharing.changed_elsewhere(demo_db) is not None


def test_a_reader_filling_the_cached_copy_is_not_a_change(demo_db: Any, db_path: Path) -> None:
    child("import sys; from app.catalog.database import store; "
          "store.load_catalog_document(sys.argv[1])", db_path)
    assert sharing.changed_elsewhere(demo_db) is None


def test_the_revision_lives_in_the_database_header_not_in_a_table(
        demo_db: Any, db_path: Path) -> None:
    before = pragma(db_path, "user_version")
    package = copy.deepcopy(store.package_document(demo_db, "Mobile"))
    package["frequencies"][0]["sku"] = "MOB-REV"
    store.save_package(demo_db, package, original_name="Mobile")
    assert pragma(db_path, "user_version") == before + 1
    assert sqlite_safety.COUNTS_AS_CHANGE == "counts_as_change"


# --- the owner lock -------------------------------------------------------------------------


HOLD = """
import sys, time
from pathlib import Path
from app.models.owner_lock import OwnerLock
lock = OwnerLock(Path(sys.argv[1]))
assert lock.acquire() is None
print("held", flush=True)
time.sleep(600)
"""


def test_the_owner_lock_names_its_holder_and_dies_with_it(db: Any, db_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db_path)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        second = sharing.open_for_window(db_path)
        assert second.read_only
        assert second.read_only_reason is not None
        assert f"another Catalog Editor window (process {holder.pid}" in \
            second.read_only_reason
        with pytest.raises(jobs.DatabaseFailure):  # a read-only engine: no write gets in
            store.import_catalog(second, store.export_catalog(second))
        second.close()
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: no clean-up at all
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert lock_path(db_path).exists()  # the file stays, but nobody holds it any more
    first = sharing.open_for_window(db_path)
    assert not first.read_only and first.owner is not None
    assert OwnerLock(db_path).acquire() is not None  # and now this one is the owner
    first.close()
    again = OwnerLock(db_path)
    assert again.acquire() is None  # released by close()
    again.release()
