"""The rule pass over a catalog's ``versions`` section (docs/versions.md): dates in order, the
first version without changes, policies that make sense, and price changes that name a
recurring price the frequency has (its package frequency, price book, currency, service and
statuses)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from app.catalog.document.wording import Elems, Found

STANDARD = "standard"


def _day(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None  # the schema pass reports a malformed date


def check_versions(doc: Mapping[str, Any]) -> list[Found]:
    versions = doc.get("versions")
    if not versions:
        return []
    found: list[Found] = []
    frequencies: dict[str, Mapping[str, Any]] = {
        f["name"]: f for p in doc.get("packages") or () for f in p.get("frequencies") or ()}
    statuses = {s["name"] for s in doc.get("statuses") or ()}
    previous: dt.date | None = None
    for i, v in enumerate(versions):
        at: Elems = ("versions", i)
        day = _day(v.get("effective_date"))
        if day is None:
            continue
        if previous is not None and day <= previous:
            found.append(((*at, "effective_date"),
                          f"catalog version {day} is not after the version before it "
                          f"({previous}): versions are listed oldest first, one per date",
                          "error"))
        previous = day
        existing = v.get("existing_subscriptions") or {}
        if i == 0:
            if v.get("prices") or existing:
                found.append((at, "the first catalog version is the catalog's own prices: it "
                                  "has no price changes or policy for existing subscriptions",
                              "error"))
            continue
        moved = _day(existing.get("from")) if existing.get("from") else None
        if moved is not None:
            if existing.get("policy") != "move":
                found.append(((*at, "existing_subscriptions", "from"),
                              "a date for existing subscriptions needs the policy 'move'",
                              "error"))
            elif moved < day:
                found.append(((*at, "existing_subscriptions", "from"),
                              f"existing subscriptions cannot move on {moved}, before the "
                              f"version is effective ({day})", "error"))
        for j, change in enumerate(v.get("prices") or ()):
            found.extend(_check_change((*at, "prices", j), change, frequencies, statuses))
    return found


def _check_change(at: Elems, change: Mapping[str, Any],
                  frequencies: Mapping[str, Mapping[str, Any]], statuses: set[str]) -> list[Found]:
    name = change["frequency"]
    freq = frequencies.get(name)
    if freq is None:
        return [((*at, "frequency"), f"unknown package frequency {name!r}", "error")]
    book = change.get("price_book") or STANDARD
    currency = change["currency"]
    service = change["service"]
    charges = ((freq.get("price_books") or {}).get(book) or {}).get(currency)
    rows = [] if charges is None else [r for r in charges.get("recurring") or ()
                                       if r.get("service") == service]
    if not rows:
        return [(at, f"package frequency {name!r} has no recurring price for {service!r} in "
                     f"price book {book!r} and currency {currency} to change", "error")]
    found: list[Found] = []
    if not change.get("amounts") and not change.get("tiers"):
        found.append((at, "a price change gives new amounts or tiers", "error"))
    for key in ("amounts", "tiers"):
        for status in change.get(key) or {}:
            if status not in statuses:
                found.append(((*at, key, status), f"unknown status {status!r}", "error"))
    if change.get("tiers") and freq.get("tiering", "none") == "none":
        found.append(((*at, "tiers"), "tiers are set but the frequency's tiering is none: "
                                      "they would be ignored", "warning"))
    return found
