"""The catalog's reference graph: which field of which object names an object of which kind.

:data:`REFERENCES` is the one map; :func:`places` walks a document along it. Renames in Setup
(``reference_edit.rename_references``), "in use by" (``reference_edit.users``) use it, and the
tests hold validation to it (every place declared here is checked for an unknown name).

A place is a path of steps from the top of the document: a key, ``"*"`` (each item of a list),
``"{}"`` (each value of an object) or ``"{key}"`` (each key of an object: the key itself is the
name, as a status in ``amounts`` or a currency under a price book).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
Step = str

_F = ("packages", "*", "frequencies", "*")
_CHARGES = (*_F, "price_books", "{}", "{}")


@dataclass(frozen=True)
class Reference:
    """Objects of ``kind`` are named at ``path``; ``when`` (given the top-level object the path
    starts in) says whether this object's field names that kind at all."""

    kind: str
    path: tuple[Step, ...]
    when: Callable[[Mapping[str, Any]], bool] | None = None


def _counts(what: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda rule: rule.get("counts") == what


REFERENCES: tuple[Reference, ...] = (
    # in the reference data
    Reference("statuses", ("transitions", "*", "from")),
    Reference("statuses", ("transitions", "*", "to")),
    Reference("statuses", ("counting_rules", "*", "statuses", "*")),
    Reference("statuses", ("promo_codes", "*", "discount", "status")),
    Reference("statuses", ("price_plans", "*", "prices", "*", "status")),
    Reference("services", ("rate_plans", "*", "rates", "*", "service")),
    Reference("services", ("usage_buckets", "*", "service")),
    Reference("services", ("counting_rules", "*", "items", "*"), _counts("services")),
    Reference("packages", ("counting_rules", "*", "items", "*"), _counts("packages")),
    Reference("services", ("price_plans", "*", "prices", "*", "service")),
    Reference("currencies", ("rate_plans", "*", "rates", "*", "currency")),
    Reference("currencies", ("price_plans", "*", "prices", "*", "currency")),
    # in the packages
    Reference("companies", ("packages", "*", "company")),
    Reference("services", ("packages", "*", "services", "*")),
    Reference("services", ("packages", "*", "billing_activation_service")),
    Reference("contracts", (*_F, "contract")),
    Reference("rate_plans", (*_F, "rate_plan")),
    Reference("counting_rules", (*_F, "counting_rule")),
    Reference("currencies", (*_F, "currencies", "*")),
    Reference("custom_fields", (*_F, "custom_fields", "{key}")),
    Reference("price_books", (*_F, "price_books", "{key}")),
    Reference("currencies", (*_F, "price_books", "{}", "{key}")),
    Reference("services", (*_CHARGES, "recurring", "*", "service")),
    Reference("statuses", (*_CHARGES, "recurring", "*", "amounts", "{key}")),
    Reference("statuses", (*_CHARGES, "recurring", "*", "tiers", "{key}")),
    Reference("rate_plans", (*_CHARGES, "recurring", "*", "settings", "rate_plan")),
    Reference("usage_buckets", (*_CHARGES, "recurring", "*", "usage_bucket", "bucket")),
    Reference("statuses", (*_CHARGES, "recurring", "*", "discounts", "*", "status")),
    Reference("promo_codes", (*_CHARGES, "recurring", "*", "discounts", "*", "promo_code")),
    Reference("services", (*_CHARGES, "transitions", "*", "service")),
    Reference("transitions", (*_CHARGES, "transitions", "*", "transition")),
    Reference("services", (*_CHARGES, "transitions", "*", "charge_service")),
    Reference("services", (*_CHARGES, "one_time", "*", "service")),
    Reference("rate_plans", (*_CHARGES, "one_time", "*", "settings", "rate_plan")),
)


@dataclass(frozen=True)
class Place:
    """One place naming an object: ``holder[key]`` is the name (with ``is_key``, ``key`` is
    itself the name, a key of the object ``holder``); ``owner`` is the top-level object the
    place is in (a package, a transition...), ``owner_kind`` its list, ``elems`` its JSON path."""

    holder: Any
    key: Any
    is_key: bool
    owner_kind: str
    owner: Mapping[str, Any]
    elems: tuple[str | int, ...]

    @property
    def name(self) -> Any:
        return self.key if self.is_key else self.holder[self.key]


def places(doc: Mapping[str, Any], kind: str | None = None) -> Iterator[Place]:
    """Every place in ``doc`` that names an object of ``kind`` (every kind: ``None``), in the
    order of :data:`REFERENCES`; missing or null fields are skipped."""
    for ref in REFERENCES:
        if kind is None or ref.kind == kind:
            yield from _walk(doc, ref, ref.path, (), None)


def _walk(node: Any, ref: Reference, rest: tuple[Step, ...], elems: tuple[str | int, ...],
          owner: Mapping[str, Any] | None) -> Iterator[Place]:
    step, more = rest[0], rest[1:]
    items: list[tuple[Any, Any]]
    if step == "*":
        items = list(enumerate(node)) if isinstance(node, list) else []
    elif step in ("{}", "{key}"):
        items = list(node.items()) if isinstance(node, Mapping) else []
    else:
        items = [(step, node.get(step))] if isinstance(node, Mapping) else []
    for key, child in items:
        top = owner
        if top is None and len(elems) == 1:
            if not isinstance(child, Mapping):
                continue
            top = child
            if ref.when is not None and not ref.when(child):
                continue
        if not more:
            if step == "{key}":
                yield Place(node, key, True, str(elems[0]) if elems else "", top or {},
                            (*elems, key))
            elif child is not None:
                yield Place(node, key, False, str(elems[0]) if elems else str(key), top or {},
                            (*elems, key))
        else:
            yield from _walk(child, ref, more, (*elems, key), top)


def rename(place: Place, new: Any) -> None:
    """Make ``place`` name ``new`` (an object's key renamed in place, keeping the order)."""
    if not place.is_key:
        place.holder[place.key] = new
        return
    items = list(place.holder.items())
    place.holder.clear()
    for key, value in items:
        place.holder[new if key == place.key else key] = value
