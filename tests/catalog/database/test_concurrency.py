"""Optimistic concurrency on both backends: a save of a package or of the reference data that
someone else saved since it was loaded is refused, naming who and when; nothing is overwritten.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.catalog.database import edit_stamps, store
from app.catalog.errors import ConcurrentEditError

ROOT = Path(__file__).resolve().parents[3]

SAVE_IN_ANOTHER_PROCESS = """
import json, sys
from app.catalog.database import store
db = store.open_catalog(sys.argv[1])
package = store.package_document(db, sys.argv[2])
row = package["frequencies"][0]["price_books"]["standard"]["USD"]["recurring"][0]
status = next(iter(row["amounts"]))
row["amounts"][status] = sys.argv[3]
changes = store.save_package(db, package, original_name=sys.argv[2])
print(json.dumps({"version": changes.version_of(sys.argv[2])}))
db.close()
"""


def _amounts(package: dict[str, Any]) -> dict[str, str]:
    row = package["frequencies"][0]["price_books"]["standard"]["USD"]["recurring"][0]
    amounts: dict[str, str] = row["amounts"]
    return amounts


def _set_price(package: dict[str, Any], amount: str) -> None:
    amounts = _amounts(package)
    amounts[next(iter(amounts))] = amount


def _price(package: dict[str, Any]) -> str:
    return next(iter(_amounts(package).values()))


def save_elsewhere(target: str, package: str, amount: str, user: str = "alice") -> int:
    """Save a new price of ``package`` from another process, as ``user``."""
    env = dict(os.environ, LOGNAME=user, USER=user, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", SAVE_IN_ANOTHER_PROCESS, target, package,
                           amount], env=env, capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return int(json.loads(done.stdout)["version"])


@pytest.fixture
def two(open_backend: Any, demo_catalog: dict[str, Any]) -> tuple[Any, Any, str]:
    """Two :class:`Database` objects on one catalog (two administrators), and a package."""
    first = open_backend()
    store.import_catalog(first, demo_catalog)
    return first, open_backend(), demo_catalog["packages"][0]["name"]


def test_the_second_save_of_a_package_is_refused_naming_who_and_when(
        two: tuple[Any, Any, str]) -> None:
    mine, theirs, name = two
    my_copy = store.package_document(mine, name)
    their_copy = store.package_document(theirs, name)
    assert my_copy[store.VERSION_KEY] == their_copy[store.VERSION_KEY]
    loaded = my_copy[store.VERSION_KEY]

    _set_price(their_copy, "41.00")
    changes = store.save_package(theirs, their_copy, original_name=name)
    assert changes.version_of(name) == loaded + 1

    _set_price(my_copy, "99.00")
    with pytest.raises(ConcurrentEditError) as refused:
        store.save_package(mine, my_copy, original_name=name)
    message = refused.value.message
    assert message.startswith(f"Package '{name}' was changed by {edit_stamps.current_user()} at ")
    assert " UTC since you opened it " in message
    assert f"(version {loaded + 1}, yours {loaded})" in message
    assert "Your edits are kept" in message
    assert _price(store.package_document(mine, name)) == "41.00"  # theirs, not overwritten
    assert _price(my_copy) == "99.00"  # mine, untouched


def test_a_package_saved_by_another_process_is_refused_naming_that_user(
        backend_target: str, two: tuple[Any, Any, str]) -> None:
    mine, _theirs, name = two
    my_copy = store.package_document(mine, name)
    loaded = my_copy[store.VERSION_KEY]
    assert save_elsewhere(backend_target, name, "55.55", user="alice") == loaded + 1
    _set_price(my_copy, "12.34")
    with pytest.raises(ConcurrentEditError, match=(
            rf"Package '{name}' was changed by alice@\S+ at \d{{4}}-\d\d-\d\d \d\d:\d\d UTC "
            rf"since you opened it \(version {loaded + 1}, yours {loaded}\)")):
        store.save_package(mine, my_copy, original_name=name)
    assert _price(store.export_catalog(mine)["packages"][0]) == "55.55"
    # reloading gives their version, and saving it after that goes through
    fresh = store.package_document(mine, name)
    _set_price(fresh, "12.34")
    assert store.save_package(mine, fresh, original_name=name).version_of(name) == loaded + 2


def test_saving_twice_from_one_window_is_not_a_conflict(two: tuple[Any, Any, str]) -> None:
    mine, _theirs, name = two
    package = store.package_document(mine, name)
    for amount in ("1.00", "2.00", "3.00"):
        _set_price(package, amount)
        changes = store.save_package(mine, package, original_name=name)
        package[store.VERSION_KEY] = changes.version_of(name)  # what the window does
    assert _price(store.package_document(mine, name)) == "3.00"


def test_deleting_a_package_changed_since_it_was_loaded_is_refused(
        two: tuple[Any, Any, str], demo_catalog: dict[str, Any]) -> None:
    mine, theirs, _name = two
    name = demo_catalog["packages"][-1]["name"]  # no account and no counting rule uses it
    loaded = store.package_document(mine, name)[store.VERSION_KEY]
    their_copy = store.package_document(theirs, name)
    _set_price(their_copy, "8.00")
    store.save_package(theirs, their_copy, original_name=name)
    with pytest.raises(ConcurrentEditError, match="It was not deleted"):
        store.delete_package(mine, name, expected_version=loaded)
    assert _price(store.package_document(mine, name)) == "8.00"


def test_saving_a_package_someone_deleted_is_refused(two: tuple[Any, Any, str],
                                                     demo_catalog: dict[str, Any]) -> None:
    mine, theirs, _name = two
    # a package no account and no counting rule uses
    name = demo_catalog["packages"][-1]["name"]
    my_copy = store.package_document(mine, name)
    store.delete_package(theirs, name)
    with pytest.raises(ConcurrentEditError, match="was deleted by someone else"):
        store.save_package(mine, my_copy, original_name=name)
    assert name not in {p.name for p in store.package_summaries(mine)}  # not brought back


def test_an_import_stamps_every_object_so_older_copies_are_refused(
        two: tuple[Any, Any, str], demo_catalog: dict[str, Any]) -> None:
    mine, theirs, name = two
    my_copy = store.package_document(mine, name)
    reference, loaded = store.reference_for_editing(mine)
    store.import_catalog(theirs, demo_catalog)  # the same catalog again: a deliberate overwrite
    with pytest.raises(ConcurrentEditError):
        store.save_package(mine, my_copy, original_name=name)
    with pytest.raises(ConcurrentEditError):
        store.save_reference(mine, reference, expected_versions=loaded)
    with theirs.engine.connect() as conn:
        stamp = edit_stamps.package_stamp(conn, name)
    assert stamp is not None and stamp.updated_by == edit_stamps.current_user()
    assert stamp.version == my_copy[store.VERSION_KEY] + 1


def test_reference_data_saved_by_someone_else_is_not_overwritten(
        two: tuple[Any, Any, str]) -> None:
    mine, theirs, _name = two
    my_reference, my_versions = store.reference_for_editing(mine)
    their_reference, their_versions = store.reference_for_editing(theirs)
    service = their_reference["services"][0]["name"]
    their_reference["services"][0]["gl_code"] = "GL-THEIRS"
    store.save_reference(theirs, their_reference, expected_versions=their_versions)

    # another object than theirs, but Setup saves every object: refused all the same
    renames = {"companies": {my_reference["companies"][0]["name"]: "Mine Inc."}}
    my_reference["companies"][0]["name"] = "Mine Inc."
    with pytest.raises(ConcurrentEditError, match=(
            rf"Setup: service '{service}' was changed by {edit_stamps.current_user()} at .* UTC "
            rf"since Setup loaded it \(version 2, yours 1\); nothing was saved")):
        store.save_reference(mine, my_reference, renames=renames,
                             expected_versions=my_versions)
    now = store.reference_document(mine)
    assert now["services"][0]["gl_code"] == "GL-THEIRS"
    assert "Mine Inc." not in [c["name"] for c in now["companies"]]


def test_only_the_reference_objects_a_save_changes_get_a_new_version(
        two: tuple[Any, Any, str]) -> None:
    mine, _theirs, _name = two
    reference, loaded = store.reference_for_editing(mine)
    store.save_reference(mine, reference, expected_versions=loaded)  # nothing changed
    assert store.reference_for_editing(mine)[1] == loaded
    reference["services"][1]["gl_code"] = "GL-NEW"
    store.save_reference(mine, reference, expected_versions=loaded)
    after = store.reference_for_editing(mine)[1]
    changed = {(kind, key) for kind, objects in after.items() for key, version in
               objects.items() if version != loaded[kind][key]}
    assert changed == {("services", reference["services"][1]["name"])}
