"""Lint of catalog versions: the traps production systems refuse or get wrong."""

from __future__ import annotations

import copy
from typing import Any

from app.catalog.document.lint import lint_catalog

Doc = dict[str, Any]


def messages(doc: Doc) -> list[str]:
    return [f"{p.path}: {p.message}" for p in lint_catalog(doc)]


def test_the_demo_versions_lint_clean(demo_catalog: Doc) -> None:
    assert messages(demo_catalog) == []


def test_a_price_change_that_changes_a_plans_phases(demo_catalog: Doc) -> None:
    doc = copy.deepcopy(demo_catalog)
    # the bundle credit (10.00 off for 6 months) of a 10.00 price is free: DISCOUNT -> TRIAL
    doc["versions"][1]["prices"][0]["amounts"] = {"Active": "10.00"}
    [found] = [m for m in messages(doc) if "phases" in m]
    assert found.startswith("versions[1].prices: plan 'FTB-M-Internet-500' changes its phases "
                            "from DISCOUNT + EVERGREEN to TRIAL + EVERGREEN in catalog version "
                            "2027-01-01: Kill Bill refuses")


def test_two_changes_in_one_billing_period(demo_catalog: Doc) -> None:
    doc = copy.deepcopy(demo_catalog)
    again = copy.deepcopy(doc["versions"][1])
    again.update(effective_date="2027-01-20", name="late January")
    again["prices"] = again["prices"][:1]
    again["prices"][0]["amounts"] = {"Active": "61.00"}
    doc["versions"].append(again)
    assert ("versions[2].prices[0]: package frequency 'Fiber TV Bundle Monthly' changes price "
            "twice within one billing period (catalog versions 2027-01-01 and 2027-01-20): a "
            "bill would carry two prices for one period") in messages(doc)
    again["effective_date"] = "2027-02-01"
    assert not [m for m in messages(doc) if "twice" in m]


def test_a_draft_dated_before_a_published_version(demo_catalog: Doc) -> None:
    doc = copy.deepcopy(demo_catalog)
    later = copy.deepcopy(doc["versions"][1])
    later.update(effective_date="2027-06-01", name="June", published=True)
    doc["versions"].append(later)
    assert ("versions[1].effective_date: draft catalog version 2027-01-01 is dated before "
            "published catalog version 2027-06-01: subscribers are already billed by it from "
            "2027-06-01; schedule the change after 2027-06-01") in messages(doc)
