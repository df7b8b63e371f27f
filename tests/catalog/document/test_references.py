"""The reference graph (app.catalog.document.references) is the one map of who names whom:
validation reports an unknown name at every place it declares, and Setup's renames and "in use
by" follow it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.catalog.document.reference_edit import rename_references, users
from app.catalog.document.references import REFERENCES, Reference, places, rename
from app.catalog.document.validation import validate_catalog
from app.catalog.jobs import errors_of
from app.engine.problems import format_path


@pytest.mark.parametrize("ref", REFERENCES, ids=lambda r: f"{r.kind}@{'.'.join(r.path)}")
def test_validation_reports_an_unknown_name_at_every_place_of_the_graph(
        ref: Reference, demo_catalog: dict[str, Any], spec_catalog: dict[str, Any]) -> None:
    # a place neither catalog fills: a one-time charge's own rate plan
    usd = spec_catalog["packages"][0]["frequencies"][0]["price_books"]["standard"]["USD"]
    usd["one_time"][0]["settings"] = {"rate_plan": spec_catalog["rate_plans"][0]["name"]}
    assert errors_of(validate_catalog(spec_catalog)) == []
    for doc in (demo_catalog, spec_catalog):
        here = [p for p in places(doc, ref.kind) if _matches(p.elems, ref.path)
                and (ref.when is None or ref.when(p.owner))]
        if here:
            break
    else:
        pytest.skip(f"neither the demo nor the spec catalog names a {ref.kind} there")
    broken = copy.deepcopy(doc)
    place = next(p for p in places(broken, ref.kind) if p.elems == here[0].elems)
    rename(place, "Nope")
    path = format_path((*place.elems[:-1], "Nope") if place.is_key else place.elems)
    errors = {(p.path, p.message.split(" '")[0]) for p in errors_of(validate_catalog(broken))}
    singular = {"statuses": "status", "companies": "company", "currencies": "currency"}.get(
        ref.kind, ref.kind.rstrip("s").replace("_", " "))
    assert (path, f"unknown {singular}") in errors, sorted(errors)[:5]


def _matches(elems: tuple[str | int, ...], pattern: tuple[str, ...]) -> bool:
    if len(elems) != len(pattern):
        return False
    for elem, step in zip(elems, pattern, strict=True):
        if step == "*" and not isinstance(elem, int):
            return False
        if step not in ("*", "{}", "{key}") and elem != step:
            return False
    return True


def test_a_status_renamed_in_setup_is_renamed_wherever_the_graph_says(
        spec_catalog: dict[str, Any]) -> None:
    reference = {k: v for k, v in spec_catalog.items() if k != "packages"}
    before = [p.elems for p in places(reference, "statuses") if p.name == "Active"]
    assert before
    rename_references(reference, "statuses", "Active", "Live")
    assert [p.name for p in places(reference, "statuses") if p.elems in before] == \
        ["Live"] * len(before)
    assert not any(p.name == "Active" for p in places(reference, "statuses"))


def test_in_use_by_names_the_packages_and_reference_objects(spec_catalog: dict[str, Any]) -> None:
    reference = {k: v for k, v in spec_catalog.items() if k != "packages"}
    used_by = users(reference, spec_catalog["packages"], "services", "Data")
    assert used_by[0] == "package 'Home Bundle'"
    assert "usage bucket '100 GB'" in used_by
