"""Pass 1 of catalog validation: the JSON Schema (``app/schemas/catalog.schema.json``, draft
2020-12), with jsonschema's messages rewritten for a catalog administrator ("negative amount
'-5.00': prices cannot be negative", "unknown field 'colour'", "expected a list, got a string")
and ``oneOf`` noise reduced to the branch that fits. A compiled check (jsonschema-rs) lets a
valid catalog skip jsonschema altogether.

Why this module is long (about 300 lines): each kind of schema error needs its own rewriting.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from app.catalog.document.wording import (
    _DATE_RE,
    _DECIMALISH_RE,
    Elems,
    Found,
    _choices,
    _kind_of,
    _show,
)

_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@cache
def _schema() -> dict[str, Any]:
    text = (resources.files("app") / "schemas" / "catalog.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@cache
def _fast_check() -> Any:
    """A compiled validator of the same schema (jsonschema-rs, in Rust: about 10x faster than
    fastjsonschema and 150x faster than jsonschema on a 30,000-frequency catalog; see
    ``benchmarks/bench_limits.py``).

    It only says valid or not: a valid document (the common case, and every large one an
    administrator imports) skips jsonschema; an invalid one goes through jsonschema for the
    explained, complete list of problems. Dates are checked as strictly as jsonschema's
    format checker (a test holds the two to the same verdict).
    """
    return jsonschema_rs.validator_for(_schema(), formats={"date": _is_iso_date},
                                       validate_formats=True)


def schema_valid_fast(doc: object) -> bool:
    try:
        return bool(_fast_check().is_valid(doc))
    except (ValueError, OverflowError):  # a value Rust cannot hold (a huge integer)
        return False


@cache
def _patterns() -> dict[str, str]:
    """Schema pattern -> what it describes (money, rate, date, currency_code, country)."""
    defs = _schema()["$defs"]
    out: dict[str, str] = {}
    for kind in ("rate", "date", "currency_code", "country", "money"):
        out[defs[kind]["pattern"]] = kind
    return out


def _schema_problems(doc: object) -> tuple[list[Found], bool]:
    """Schema problems, and whether any breaks the structure the rule checks rely on.

    Wrong values (a negative amount, an unknown enum value, an unknown extra field) leave the
    document's shape intact, so the reference and business-rule checks still run and the user
    sees every problem at once; a wrong type or a missing required field stops them.
    """
    out: list[Found] = []
    structural = False
    if schema_valid_fast(doc):
        return out, structural
    for err in _validator().iter_errors(doc):
        out.extend(_explain(err))
        structural = structural or _structural(err)
    return out, structural


def _structural(err: ValidationError) -> bool:
    if err.validator == "required" or _wrong_type(err):
        return True
    if err.validator in ("oneOf", "anyOf"):
        branch = _fitting_branch(err)
        return branch is None or any(_structural(e) for e in branch)
    return False


def _fitting_branch(err: ValidationError) -> list[ValidationError] | None:
    """The errors of the first oneOf/anyOf branch whose type fits the value, if any."""
    elems = tuple(err.absolute_path)
    for _, errors in sorted(_branches(err).items()):
        if not any(tuple(e.absolute_path) == elems and _wrong_type(e) for e in errors):
            return errors
    return None


def _wrong_type(err: ValidationError) -> bool:
    """A type error, or an enum none of whose values has the value's JSON type."""
    if err.validator == "type":
        return True
    if err.validator == "enum":
        rule: Any = err.validator_value
        return not any(_kind_of(v) == _kind_of(err.instance) for v in rule)
    return False


def _branches(err: ValidationError) -> dict[int, list[ValidationError]]:
    branches: dict[int, list[ValidationError]] = {}
    for sub in err.context or ():
        idx = sub.relative_schema_path[0] if sub.relative_schema_path else 0
        branches.setdefault(int(idx), []).append(sub)
    return branches


def _explain(err: ValidationError) -> list[Found]:
    elems: Elems = tuple(err.absolute_path)
    value = err.instance
    keyword = err.validator
    rule: Any = err.validator_value
    schema = err.schema if isinstance(err.schema, dict) else {}
    last = next((e for e in reversed(elems) if isinstance(e, str)), "")

    def one(message: str, at: Elems = elems) -> list[Found]:
        return [(at, message, "error")]

    if keyword in ("oneOf", "anyOf"):
        return _explain_choice(err, elems)
    if keyword == "type":
        return one(_type_message(rule, value, schema, elems))
    if keyword == "required":
        assert isinstance(value, dict)
        for prop in rule:
            if prop not in value and err.message.startswith(repr(prop)):
                return one(f"missing required field {prop!r}")
        return one(err.message)
    if keyword == "additionalProperties":
        assert isinstance(value, dict)
        known = list(schema.get("properties", {}))
        out: list[Found] = []
        for k in value:
            if k in known:
                continue
            hint = difflib.get_close_matches(str(k), known, n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            out.append(((*elems, k), f"unknown field {_show(k)}{extra}", "error"))
        return out
    if keyword == "pattern":
        return one(_pattern_message(str(rule), value, last))
    if keyword == "format":
        if isinstance(value, str) and not _DATE_RE.match(value):
            return []  # the pattern error already says it
        return one(f"{_show(value)} is not a real calendar date")
    if keyword == "enum":
        choices = [str(c) for c in rule]
        if last == "bill_frequency":
            choices.append('{"months": N}')
        noun = last.replace("_", " ") if isinstance(last, str) and last else "value"
        return one(f"unknown {noun} {_show(value)} (choose {_choices(choices)})")
    if keyword == "const":
        if last == "format":
            return one(f"not a catalog document: format is {_show(value)}, expected 'catalog'")
        if last == "version":
            return one(f"unsupported version {_show(value)}: this program reads catalog "
                       f"version {rule}")
        return one(f"must be {_show(rule)}, not {_show(value)}")
    if keyword == "minLength":
        return one("must not be empty")
    if keyword == "maxLength":
        return one(f"is too long (at most {rule} characters)")
    if keyword == "minimum":
        return one(f"must be at least {rule}, not {_show(value)}")
    if keyword == "maximum":
        return one(f"must be at most {rule}, not {_show(value)}")
    if keyword == "minItems":
        if last == "tiers" or (elems and isinstance(elems[-1], str) and "tiers" in elems):
            return one("needs at least one tier")
        return one("must not be empty")
    if keyword == "uniqueItems":
        assert isinstance(value, list)
        dup = next((v for i, v in enumerate(value) if v in value[:i]), None)
        return one(f"lists {_show(dup)} more than once")
    return one(err.message)


def _explain_choice(err: ValidationError, elems: Elems) -> list[Found]:
    """Reduce a failed oneOf/anyOf to the branch whose type fits the value."""
    fitting = _fitting_branch(err)
    if fitting is not None:
        out: list[Found] = []
        for sub in fitting:
            out.extend(_explain(sub))
        return out
    branches = _branches(err)
    expected: list[str] = []
    for _, errors in sorted(branches.items()):
        for e in errors:
            if e.validator == "enum" and tuple(e.absolute_path) == elems:
                return _explain(e)  # "unknown bill frequency 5 (choose ...)"
            if e.validator == "type" and tuple(e.absolute_path) == elems:
                vv: Any = e.validator_value
                expected.extend([vv] if isinstance(vv, str) else list(vv))
    if not branches:
        return [(elems, "matches more than one allowed form", "error")]
    schema = next(
        (e.schema for errors in branches.values() for e in errors if isinstance(e.schema, dict)
         and "pattern" in e.schema),
        {},
    )
    return [(elems, _type_message(expected, err.instance, schema, elems), "error")]


def _type_message(expected: object, value: object, schema: Mapping[str, Any], elems: Elems) -> str:
    types = [expected] if isinstance(expected, str) else list(expected)  # type: ignore[call-overload]
    names: list[str] = []
    for t in types:
        name = _TYPE_NAMES.get(str(t), str(t))
        if name not in names:
            names.append(name)
    if not elems:
        return f"a catalog document must be a JSON object, got {_kind_of(value)}"
    pattern = schema.get("pattern") if isinstance(schema, Mapping) else None
    if (
        pattern is not None
        and _patterns().get(pattern) in ("money", "rate")
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        text = _show(value)
        noun = "rates" if _patterns().get(pattern) == "rate" else "amounts"
        return f"write {noun} in quotes, as text: \"{text}\" rather than {text}"
    return f"expected {_choices(names)}, got {_kind_of(value)}"


def _pattern_message(pattern: str, value: object, last: str) -> str:
    kind = _patterns().get(pattern)
    text = str(value)
    if kind in ("money", "rate"):
        noun = {"threshold": "quantity", "rate": "rate", "per_unit": "rate"}.get(last, "amount")
        if kind == "rate":
            noun = "rate"
        return _decimal_message(text, noun, 6 if kind == "rate" else 15,
                                9 if kind == "rate" else 6)
    if kind == "date":
        return f"{_show(text)} is not a date (write YYYY-MM-DD, e.g. 2026-01-31)"
    if kind == "currency_code":
        return f"{_show(text)} is not a currency code (write three capital letters, e.g. USD)"
    if kind == "country":
        return f"{_show(text)} is not a country code (write two capital letters, e.g. DE)"
    return f"{_show(text)} does not have the expected form"


def _decimal_message(text: str, noun: str, int_digits: int, frac_digits: int) -> str:
    what = {"amount": "prices", "rate": "rates", "quantity": "quantities"}[noun]
    s = text.strip()
    if not s:
        return f"the {noun} is empty (write a decimal such as 0.00)"
    if s != text:
        return f"{_show(text)} has spaces around it (write {s})"
    if s.startswith("-") and _DECIMALISH_RE.match(s[1:].replace(",", ".")):
        return f"negative {noun} {_show(s)}: {what} cannot be negative"
    if s.count(",") == 1 and "." not in s and _DECIMALISH_RE.match(s.replace(",", ".")):
        return f"{_show(s)} is not a decimal {noun} (write {s.replace(',', '.')})"
    if "," in s and _DECIMALISH_RE.match(s.replace(",", "")):
        return f"{_show(s)} is not a decimal {noun} (write {s.replace(',', '')}, without " \
               "thousands separators)"
    if _DECIMALISH_RE.match(s):
        whole, _, frac = s.partition(".")
        if len(frac) > frac_digits:
            return f"{_show(s)} has too many decimal places (at most {frac_digits})"
        if len(whole) > int_digits:
            return f"{_show(s)} is too large (at most {int_digits} digits before the point)"
        if not whole or not frac:
            fixed = ("0" + s) if not whole else s.rstrip(".")
            return f"{_show(s)} is not a decimal {noun} (write {fixed})"
    return f"{_show(s)} is not a decimal {noun} (write digits with an optional decimal point, " \
           "e.g. 49.99)"
