"""Validation of catalog documents: the JSON Schema, then references and business rules.

``validate_catalog`` returns every problem it finds, each naming the JSON path at fault in the
exchange format's style (``packages[2].frequencies[0].price_books.standard.USD.recurring[0]``)
with a message a catalog administrator understands. Problems come in document order.

Two passes:

1. the JSON Schema (``app/schemas/catalog.schema.json``, draft 2020-12), with jsonschema's
   messages rewritten ("negative amount '-5.00': prices cannot be negative", "unknown field
   'colour'", "expected a list, got a string"), and ``oneOf`` noise reduced to the branch
   that fits;
2. duplicate names, references that do not resolve, and the business rules of
   ``docs/catalog-format.md``. The rules need the document's structure, so they run only when
   the schema problems are about values (a negative amount, an unknown enum value, an unknown
   extra field), not when a field is missing or has the wrong type; that way a file with a
   broken reference, a negative price and out-of-order tiers reports all three at once.

The importer refuses a document with any problem of severity ``"error"``; ``"warning"``
problems (a duplicated SKU) are shown but accepted.

The passes live in :mod:`~app.catalog.document.schema_pass` and
:mod:`~app.catalog.document.rule_pass`; this module runs them and orders what they find.
"""

from __future__ import annotations

from typing import Any

from app.catalog.document.rule_pass import TIERS_FIRST_ONLY, TIERS_IGNORED, _RuleChecker
from app.catalog.document.schema_pass import _schema_problems, _validator, schema_valid_fast
from app.catalog.document.trust import trust_findings
from app.catalog.document.wording import Elems, Found
from app.engine.allocation import gc_paused
from app.engine.problems import Problem, format_path

__all__ = ["MAX_DEPTH", "TIERS_FIRST_ONLY", "TIERS_IGNORED", "Elems", "Found", "order_problems",
           "schema_valid_fast", "validate_catalog", "validate_catalog_structure", "_validator"]

#: Deepest nesting any valid catalog reaches is about a dozen levels; far beyond is refused
#: up front so that no recursive code (ours or the schema library's) can overflow the stack.
MAX_DEPTH = 64


# ---------------------------------------------------------------------------------------------
# entry points


def validate_catalog(doc: object) -> list[Problem]:
    """Every problem of a catalog document: schema first, then references and business rules.

    The document is not modified. Never raises for any JSON-like input (dicts, lists,
    strings, numbers, booleans, ``None``): pathological input becomes a problem.
    """
    return validate_catalog_structure(doc)[0]


def validate_catalog_structure(doc: object) -> tuple[list[Problem], bool]:
    """:func:`validate_catalog`'s problems, and whether the document's structure held (the
    schema problems, if any, are about values only, so the rule pass ran): a caller that
    goes on to lint knows from it, without another pass, that lint can walk the document.

    The cyclic garbage collector is paused throughout: the checks allocate hundreds of
    thousands of short-lived tuples and strings (paths, keys) that form no cycles, and each
    collection they would trigger walks the document again (a large one holds millions of
    objects); reference counting frees them all the same."""
    with gc_paused():
        return _validate_structure(doc)


def _validate_structure(doc: object) -> tuple[list[Problem], bool]:
    try:
        # The schema nests nothing without bound, so a document it accepts is shallow: the
        # depth walk (a second pass over everything) is needed only before jsonschema, which
        # recurses, explains a failure.
        valid = schema_valid_fast(doc)
        deep = None if valid else _too_deep(doc)
        if deep is not None:
            return [Problem(format_path(deep), f"nested too deeply (more than {MAX_DEPTH} "
                            "levels); a catalog is never this deep")], False
        found, structural = ([], False) if valid else _schema_problems(doc)
        rules_ran = not structural and isinstance(doc, dict)
        if rules_ran:
            assert isinstance(doc, dict)
            found += _RuleChecker(doc).run()
        found += trust_findings(doc)
        return order_problems(doc, found), rules_ran
    except (RecursionError, MemoryError):
        return [Problem("", "the document is too large or too deeply nested to check")], False
    except ValueError as exc:  # e.g. integers too long to print
        return [Problem("", f"the document cannot be checked: {exc}")], False


# ---------------------------------------------------------------------------------------------
# helpers shared by both passes


def _too_deep(doc: object) -> Elems | None:
    """The path of a value nested deeper than MAX_DEPTH, found without recursion.

    One level at a time over the containers only (no path built) says whether any is too deep;
    only then is the path searched for."""
    level = [doc] if isinstance(doc, dict | list) else []
    for _depth in range(MAX_DEPTH):  # level: the containers at this many steps from the top
        deeper: list[Any] = []
        for container in level:
            values = container.values() if isinstance(container, dict) else container
            deeper.extend(v for v in values if isinstance(v, dict | list))
        if not deeper:
            return None
        level = deeper
    if not any(level):  # only empty containers at the deepest level allowed
        return None
    stack: list[tuple[object, Elems]] = [(doc, ())]
    while stack:
        value, elems = stack.pop()
        if len(elems) > MAX_DEPTH:
            return elems[:MAX_DEPTH]
        if isinstance(value, dict):
            stack.extend((v, (*elems, str(k))) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*elems, i)) for i, v in enumerate(value))
    return None


def _order_key(doc: object, elems: Elems) -> tuple[int, ...]:
    """Where a path lies in the document, for sorting problems in document order."""
    key: list[int] = []
    node = doc
    for e in elems:
        if isinstance(node, dict) and e in node:
            key.append(list(node).index(e))
            node = node[e]
        elif isinstance(node, list) and isinstance(e, int) and 0 <= e < len(node):
            key.append(e)
            node = node[e]
        else:
            key.append(1 << 30)  # a key that is not there: after its siblings
            node = None
    return tuple(key)


def order_problems(doc: object, found: list[Found]) -> list[Problem]:
    """Problems from ``(path elements, message, severity)``, deduplicated, in document order."""
    seen: set[tuple[Elems, str]] = set()
    unique: list[Found] = []
    for f in found:
        if (f[0], f[1]) not in seen:
            seen.add((f[0], f[1]))
            unique.append(f)
    unique.sort(key=lambda f: _order_key(doc, f[0]))
    return [Problem(format_path(e), msg, sev) for e, msg, sev in unique]
