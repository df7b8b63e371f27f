"""The file handling of `catalog-editor` when things go wrong: odd paths, full disks, locked,
read-only, missing and damaged databases, backups. Every expected failure is one line on
stderr and exit status 2, and nothing that was saved is lost."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.cli import cli
from app.models import backups
from app.models.database import head_revision, open_database

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


def exported(db: Path) -> Any:
    result = run("export", "--db", db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- paths are paths ------------------------------------------------------------------------


@pytest.mark.parametrize("folder, name", [
    ("what?", "what?.sqlite"),
    ("100%", "50% off.sqlite"),
    ("#tag", "cat#1.sqlite"),
    ("with spaces", "my catalog.sqlite"),
    ("Ünïcødé 目录", "catálogo ü.sqlite"),
    ("a?b%c#d e", "?%# é.sqlite"),
])
def test_odd_characters_in_folder_and_file_names_round_trip(
        tmp_path: Path, spec_catalog: dict[str, Any], folder: str, name: str) -> None:
    place = tmp_path / folder
    place.mkdir()
    source = write(place / f"in {name}.json", spec_catalog)
    db = place / name
    assert run("import", "--db", db, source).exit_code == 0
    out = place / f"out {name}.json"
    result = run("export", "--db", db, "--out", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == spec_catalog
    # the database is that file, and no other file was made beside it
    assert sorted(p.name for p in place.iterdir() if not p.name.startswith(f"{name}-")) == \
        sorted([source.name, name, out.name])
    assert db.stat().st_size > 0
    reopened = open_database(db, create=False)
    assert reopened.location == str(db)
    reopened.close()


def test_an_old_database_named_with_a_question_mark_is_migrated_not_replaced(
        tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    from alembic import command

    from app.models.database import alembic_config, sqlite_url

    db = tmp_path / "what?.sqlite"
    command.upgrade(alembic_config(sqlite_url(db).render_as_string()), "0001")
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO company (name, position) VALUES ('Acme', 0)")
    conn.close()
    assert not (tmp_path / "what").exists()
    doc = exported(db)
    assert [c["name"] for c in doc["companies"]] == ["Acme"]
    assert not (tmp_path / "what").exists()


# --- files written atomically ---------------------------------------------------------------


def test_an_export_over_a_good_file_on_a_full_disk_leaves_it_intact(
        tmp_path: Path, spec_catalog: dict[str, Any], tmpfs: Any) -> None:
    db = tmp_path / "cat.sqlite"
    assert run("import", "--db", db, write(tmp_path / "c.json", spec_catalog)).exit_code == 0
    disk = tmpfs("small", 256)
    target = disk.folder / "catalog.json"
    assert run("export", "--db", db, "--out", target).exit_code == 0
    before = target.read_bytes()
    disk.fill()
    for fmt in ("json", "killbill-xml"):
        result = run("export", "--db", db, "--out", target, "--format", fmt)
        assert result.exit_code == 2 and "Traceback" not in result.output
        line = result.stderr.strip().splitlines()[-1]  # after Kill Bill's "not mapped" notes
        assert "disk is full" in line and str(target) in line
        assert target.read_bytes() == before
    assert json.loads(before) == spec_catalog
    assert [p.name for p in disk.folder.iterdir() if p.name.endswith(".partial")] == []


def test_an_export_into_a_missing_folder_says_so(tmp_path: Path,
                                                 spec_catalog: dict[str, Any]) -> None:
    db = tmp_path / "cat.sqlite"
    assert run("import", "--db", db, write(tmp_path / "c.json", spec_catalog)).exit_code == 0
    line = one_line_error(run("export", "--db", db, "--out", tmp_path / "nowhere" / "c.json"))
    assert "folder does not exist" in line


def test_simulate_out_file_is_replaced_atomically(tmp_path: Path, spec_catalog: dict[str, Any],
                                                  spec_account: dict[str, Any],
                                                  tmpfs: Any) -> None:
    spec_account["usage"] = []
    catalog = write(tmp_path / "c.json", spec_catalog)
    account = write(tmp_path / "a.json", spec_account)
    disk = tmpfs("small", 256)
    out = disk.folder / "bill.json"
    args = ["simulate", "--catalog", catalog, "--account", account, "--from", "2026-01-01",
            "--periods", "2", "--out", out]
    assert run(*args).exit_code == 0
    before = out.read_bytes()
    disk.fill()
    for fmt in ("json", "table"):
        result = run(*args, "--format", fmt)
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert out.read_bytes() == before


# --- full disk, locked, read-only, missing, damaged databases -------------------------------


def test_an_import_into_a_database_on_a_full_disk_changes_nothing(
        spec_catalog: dict[str, Any], demo_catalog: dict[str, Any], tmpfs: Any,
        tmp_path: Path) -> None:
    disk = tmpfs("small", 4096)
    db = disk.folder / "cat.sqlite"
    assert run("import", "--db", db, write(tmp_path / "c.json", spec_catalog)).exit_code == 0
    disk.fill()
    line = one_line_error(run("import", "--db", db, write(tmp_path / "d.json", demo_catalog)))
    assert "disk is full" in line and "Nothing was changed" in line
    disk.free()
    assert exported(db) == spec_catalog


def test_an_import_on_an_injected_full_disk_says_so_and_keeps_the_catalog(
        tmp_path: Path, spec_catalog: dict[str, Any], full_disk: Any) -> None:
    """The same without root or a tmpfs: SQLite's own SQLITE_FULL, injected."""
    from kill_harness import bigger_catalog

    db = tmp_path / "cat.sqlite"
    assert run("import", "--db", db, write(tmp_path / "spec.json", spec_catalog)).exit_code == 0
    before = exported(db)
    full_disk()
    line = one_line_error(run("import", "--db", db, write(tmp_path / "big.json",
                                                          bigger_catalog())))
    assert line == (f"{db}: the disk is full. Nothing was changed; free some space and try "
                    "again.")
    assert exported(db) == before


def test_an_import_waits_for_another_writer_to_finish(
        tmp_path: Path, spec_catalog: dict[str, Any], write_lock: Any) -> None:
    db = tmp_path / "cat.sqlite"
    open_database(db).close()
    holder = write_lock(db, 0.5)
    result = run("import", "--db", db, write(tmp_path / "c.json", spec_catalog))
    holder.join()
    assert result.exit_code == 0, result.output
    assert exported(db) == spec_catalog


def test_an_import_into_a_database_locked_too_long_is_told_so(
        tmp_path: Path, spec_catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
        write_lock: Any) -> None:
    import app.models.database as database

    db = tmp_path / "cat.sqlite"
    open_database(db).close()
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.3)
    holder = write_lock(db, 1.5)
    try:
        line = one_line_error(run("import", "--db", db, write(tmp_path / "c.json",
                                                               spec_catalog)))
    finally:
        holder.join()
    assert "busy" in line and "Nothing was changed" in line and str(db) in line
    assert exported(db)["packages"] == []


def test_overlapping_imports_of_a_large_catalog_wait_or_are_told(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate_catalog import generate_catalog

    big = write(tmp_path / "big.json", generate_catalog(60, 300, seed=3))
    db = tmp_path / "cat.sqlite"
    open_database(db).close()
    command = [sys.executable, "-m", "app", "import", "--db", str(db), str(big)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=ROOT) for _ in range(2)]
    outcomes = []
    for p in runs:
        with p:
            _out, err = p.communicate(timeout=300)
            outcomes.append((p.returncode, err or ""))
    for code, stderr in outcomes:
        assert "Traceback" not in stderr
        assert code == 0 or (code == 2 and "busy" in stderr), (code, stderr)
    assert any(code == 0 for code, _ in outcomes)
    assert len(exported(db)["packages"]) == 60


def _read_only_copy(tmp_path: Path, spec_catalog: dict[str, Any], tmpfs: Any) -> Path:
    db = tmp_path / "cat.sqlite"
    assert run("import", "--db", db, write(tmp_path / "c.json", spec_catalog)).exit_code == 0
    disk = tmpfs("ro", 2048)
    target = disk.folder / "cat.sqlite"
    target.write_bytes(db.read_bytes())
    disk.read_only()
    return target


def test_a_database_in_a_read_only_folder_opens_read_only(
        tmp_path: Path, spec_catalog: dict[str, Any], demo_catalog: dict[str, Any],
        tmpfs: Any) -> None:
    db = _read_only_copy(tmp_path, spec_catalog, tmpfs)
    out = tmp_path / "out.json"
    result = run("export", "--db", db, "--out", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == spec_catalog
    assert "opened read-only (its folder is read-only)" in result.stderr
    assert "not recorded" in result.stderr
    line = one_line_error(run("import", "--db", db, write(tmp_path / "d.json", demo_catalog)))
    assert "read-only" in line and "not a Catalog Editor database" not in line
    assert exported(db) == spec_catalog


def _as_ordinary_user(action: Any) -> Any:
    """Run ``action()`` in a forked child as the user 'nobody' when we are root (root may write
    any file whatever its mode); its (picklable) result comes back through a pipe."""
    import pickle

    if os.geteuid() != 0:
        return action()
    read, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read)
            os.setgid(65534)
            os.setuid(65534)
            data = pickle.dumps(action())
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read, "rb") as incoming:
        data = incoming.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


def test_a_read_only_database_file_exports_without_crashing(spec_catalog: dict[str, Any]) -> None:
    import shutil
    import tempfile

    place = Path(tempfile.mkdtemp(prefix="catalog-ro-", dir="/tmp"))
    try:
        place.chmod(0o777)
        db = place / "cat.sqlite"
        assert run("import", "--db", db, write(place / "c.json", spec_catalog)).exit_code == 0
        db.chmod(0o444)
        out = place / "out.json"

        def export_and_import() -> tuple[int, str, int, str]:
            first = run("export", "--db", db, "--out", out)
            second = run("import", "--db", db, place / "c.json")
            return first.exit_code, first.stderr, second.exit_code, second.stderr

        code, stderr, import_code, import_stderr = _as_ordinary_user(export_and_import)
        assert code == 0, stderr
        assert "opened read-only (the file is read-only)" in stderr
        assert "not recorded" in stderr
        assert json.loads(out.read_text(encoding="utf-8")) == spec_catalog
        assert import_code == 2 and "read-only" in import_stderr
        assert "Traceback" not in stderr + import_stderr
    finally:
        shutil.rmtree(place)


def test_a_missing_database_or_folder_is_named(tmp_path: Path) -> None:
    line = one_line_error(run("export", "--db", tmp_path / "nowhere" / "cat.sqlite"))
    assert "no such database" in line and "does not exist" in line
    line = one_line_error(run("export", "--db", tmp_path / "absent.sqlite"))
    assert "no such database" in line


def _damage(db: Path, page: int | None) -> None:
    """Overwrite part of a page: the first (the schema) or, with None, the package table's."""
    if page is None:
        with sqlite3.connect(db) as conn:
            page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                                "'package'").fetchone()[0] - 1
        conn.close()
    data = bytearray(db.read_bytes())
    size = int.from_bytes(data[16:18], "big") or 65536
    start = size * page + (100 if page == 0 else 0)
    end = start + 200 if page == 0 else size * (page + 1)
    data[start:end] = b"\xde" * (end - start)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("page", [0, None])
def test_a_damaged_database_is_called_damaged_and_points_at_the_backups(
        tmp_path: Path, spec_catalog: dict[str, Any], page: int | None) -> None:
    db = tmp_path / "cat.sqlite"
    assert run("import", "--db", db, write(tmp_path / "c.json", spec_catalog)).exit_code == 0
    backup = backups.create_backup(db, head_revision())
    open_database(db).close()  # checkpointed: everything is in the main file
    _damage(db, page)
    result = run("export", "--db", db)
    line = one_line_error(result)
    assert "damaged" in line and "backups list" in line
    assert "not a Catalog Editor database" not in line
    if page == 0:
        assert str(backup.path) in line


def test_a_file_that_is_not_sqlite_is_still_called_foreign(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite"
    db.write_text("just some notes\n" * 100, encoding="utf-8")
    line = one_line_error(run("export", "--db", db))
    assert "not a Catalog Editor database" in line


# --- backups ------------------------------------------------------------------------------


def _at_revision_0001(db: Path) -> None:
    from alembic import command

    from app.models.database import alembic_config, sqlite_url

    command.upgrade(alembic_config(sqlite_url(db).render_as_string()), "0001")
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO company (name, position) VALUES ('Acme', 0)")
    conn.close()


def test_an_upgrade_says_where_the_checked_backup_is(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    _at_revision_0001(db)
    result = run("export", "--db", db)
    assert result.exit_code == 0
    found = backups.list_backups(db)
    assert len(found) == 1 and found[0].revision == "0001"
    assert f"backed up in {found[0].path}" in result.stderr
    assert backups.check_backup(found[0].path) == "0001"
    assert not list(tmp_path.glob(".*partial*"))
    assert not list(tmp_path.glob("*.backup-*-journal"))


def test_backups_list_restore_and_delete(tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    db = tmp_path / "old.sqlite"
    _at_revision_0001(db)
    assert run("export", "--db", db).exit_code == 0  # upgraded, backup taken
    [first] = backups.list_backups(db)
    assert run("import", "--db", db, write(tmp_path / "c.json", spec_catalog)).exit_code == 0
    listing = run("backups", "list", "--db", db)
    assert listing.exit_code == 0 and str(first.path) in listing.stdout
    assert "revision 0001" in listing.stdout

    restored = run("backups", "restore", "--db", db, first.path)
    assert restored.exit_code == 0, restored.output
    assert "backed up the current database to" in restored.stderr
    doc = exported(db)  # migrated again from 0001, the catalog as it was then
    assert doc["packages"] == [] and [c["name"] for c in doc["companies"]] == ["Acme"]
    safety = [b for b in backups.list_backups(db) if "before-restore" in b.revision]
    assert len(safety) == 1
    # the content replaced by the restore is in the safety backup
    run("backups", "restore", "--db", db, safety[0].path)
    assert exported(db) == spec_catalog

    assert run("backups", "delete", "--db", db, first.path).exit_code == 0
    assert not first.path.exists()
    line = one_line_error(run("backups", "delete", "--db", db, tmp_path / "c.json"))
    assert "not a backup of" in line
    assert (tmp_path / "c.json").exists()


def test_restoring_a_damaged_backup_is_refused(tmp_path: Path,
                                              spec_catalog: dict[str, Any]) -> None:
    db = tmp_path / "cat.sqlite"
    assert run("import", "--db", db, write(tmp_path / "c.json", spec_catalog)).exit_code == 0
    bad = backups.create_backup(db, head_revision())
    _damage(bad.path, 2)
    line = one_line_error(run("backups", "restore", "--db", db, bad.path))
    assert "damaged" in line or "not a Catalog Editor backup" in line
    assert exported(db) == spec_catalog


def test_restoring_over_a_damaged_database_brings_it_back(tmp_path: Path,
                                                         spec_catalog: dict[str, Any]) -> None:
    db = tmp_path / "cat.sqlite"
    assert run("import", "--db", db, write(tmp_path / "c.json", spec_catalog)).exit_code == 0
    good = backups.create_backup(db, head_revision())
    open_database(db).close()
    _damage(db, 0)
    assert run("export", "--db", db).exit_code == 2
    assert run("backups", "restore", "--db", db, good.path).exit_code == 0
    assert exported(db) == spec_catalog


def test_only_the_newest_five_backups_are_kept(tmp_path: Path) -> None:
    db = tmp_path / "cat.sqlite"
    open_database(db).close()
    made = [backups.create_backup(db, head_revision()) for _ in range(7)]
    kept = backups.list_backups(db)
    assert len(kept) == backups.KEEP_BACKUPS == 5
    assert {b.path for b in kept} == {b.path for b in made[2:]}


def test_a_crash_while_backing_up_leaves_no_backup_that_looks_good(tmp_path: Path) -> None:
    db = tmp_path / "cat.sqlite"
    open_database(db).close()
    for stage in ("_integrity", "_fsync"):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child dies mid-backup
            try:
                setattr(backups, stage, lambda *_a: os._exit(7))
                backups.create_backup(db, "0001")
            finally:
                os._exit(8)
        _pid, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 7
        assert backups.list_backups(db) == []
        assert list(tmp_path.glob(".cat.backup-*"))  # the hidden leftover
    good = backups.create_backup(db, "0001")
    assert [b.path for b in backups.list_backups(db)] == [good.path]
    assert not list(tmp_path.glob(".cat.backup-*"))


# --- long problem lists ---------------------------------------------------------------------


def test_a_hundred_thousand_unknown_references_print_a_bounded_list(
        tmp_path: Path, spec_catalog: dict[str, Any]) -> None:
    rule = spec_catalog["counting_rules"][0]
    rule["items"] = [f"Missing service {n}" for n in range(100_000)]
    path = write(tmp_path / "bad.json", spec_catalog)
    for command in (["validate", path], ["import", "--db", tmp_path / "c.sqlite", path]):
        result = run(*command)
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        # 50 problems, "... and N more" and the summary; the catalog's few warnings beside them
        assert len([line for line in lines if ": warning: " not in line]) <= 52
        assert len(lines) <= 60
        assert any(line.startswith("... and ") and line.endswith(" more") for line in lines)
        assert "100000 error(s)" in result.stderr or "100000 problem(s)" in result.stderr
