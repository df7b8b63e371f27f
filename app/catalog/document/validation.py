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

Why this module is long (about 960 lines): the JSON Schema pass, the rewriting of its messages
and every reference and business rule share one walk over the document and one way of naming a
path, so they were written together. It is to be split by another engineer under issue 15 (each
catalog rule declared once, as a pure function that validation, the Save gate and the dialogs all
call); until then it is kept whole, so that work starts from one file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from app.engine.problems import BRACKET_NEEDS_COUNTING_RULE, Problem, join_path

__all__ = ["validate_catalog", "validate_catalog_file", "MAX_DEPTH"]

Elems = tuple[str | int, ...]
Found = tuple[Elems, str, str]  # (path elements, message, severity)

#: Deepest nesting any valid catalog reaches is about a dozen levels; far beyond is refused
#: up front so that no recursive code (ours or the schema library's) can overflow the stack.
MAX_DEPTH = 64

#: Also a lint warning; the same text lets a caller that shows both drop the repeat.
TIERS_IGNORED = "tiers are set but the frequency's tiering is none: they would be ignored"
TIERS_FIRST_ONLY = ("tiers are set but the frequency's tiering is none: only the first tier's "
                    "amount would be charged")

_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DECIMALISH_RE = re.compile(r"^[0-9]*\.?[0-9]+$|^[0-9]+\.$")


# ---------------------------------------------------------------------------------------------
# entry points


def validate_catalog_file(path: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read and validate a catalog file.

    An unreadable file, text that is not JSON (reported with its line and column) and a
    document that is not a JSON object all become problems. Returns the parsed document when
    the text parsed as a JSON object (even when it has problems), else ``None``.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [Problem("", f"cannot read the file {path}: {reason}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem("", f"the file is not UTF-8 text (byte {exc.start + 1})")]
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return None, [
            Problem("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
        ]
    except RecursionError:
        return None, [Problem("", "not readable: the JSON is nested too deeply")]
    except ValueError as exc:  # NaN/Infinity, numbers too long to convert
        return None, [Problem("", f"not valid JSON: {exc}")]
    problems = validate_catalog(doc)
    return (doc if isinstance(doc, dict) else None), problems


def validate_catalog(doc: object) -> list[Problem]:
    """Every problem of a catalog document: schema first, then references and business rules.

    The document is not modified. Never raises for any JSON-like input (dicts, lists,
    strings, numbers, booleans, ``None``): pathological input becomes a problem.
    """
    try:
        # The schema nests nothing without bound, so a document it accepts is shallow: the
        # depth walk (a second pass over everything) is needed only before jsonschema, which
        # recurses, explains a failure.
        valid = schema_valid_fast(doc)
        deep = None if valid else _too_deep(doc)
        if deep is not None:
            return [Problem(join_path_elems(deep), f"nested too deeply (more than {MAX_DEPTH} "
                            "levels); a catalog is never this deep")]
        found, structural = ([], False) if valid else _schema_problems(doc)
        if not structural and isinstance(doc, dict):
            found += _RuleChecker(doc).run()
        return order_problems(doc, found)
    except (RecursionError, MemoryError):
        return [Problem("", "the document is too large or too deeply nested to check")]
    except ValueError as exc:  # e.g. integers too long to print
        return [Problem("", f"the document cannot be checked: {exc}")]


# ---------------------------------------------------------------------------------------------
# helpers shared by both passes


def join_path_elems(elems: Iterable[str | int]) -> str:
    path = ""
    for e in elems:
        path = join_path(path, e)
    return path


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


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
    return [Problem(join_path_elems(e), msg, sev) for e, msg, sev in unique]


def _show(value: object) -> str:
    """A short, safe rendering of a value for a message."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else "a very large number"
    if isinstance(value, float):
        return repr(value)
    return _kind_of(value)


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def _choices(options: Iterable[str]) -> str:
    items = [str(o) for o in options]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


# ---------------------------------------------------------------------------------------------
# pass 1: the JSON Schema

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


# ---------------------------------------------------------------------------------------------
# pass 2: references and business rules (the document passed the schema)


def _dec(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # a malformed amount: the schema pass reports it
        return Decimal(0)


class _RuleChecker:
    """Duplicate names, unresolved references and business rules of a schema-valid catalog."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.found: list[Found] = []

    # -- plumbing

    def error(self, elems: Elems, message: str) -> None:
        self.found.append((elems, message, "error"))

    def warning(self, elems: Elems, message: str) -> None:
        self.found.append((elems, message, "warning"))

    def items(self, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
        yield from enumerate(self.doc.get(key) or [])

    def index(self, key: str, field: str, kind: str) -> dict[str, dict[str, Any]]:
        """Objects of one kind by name; duplicates are errors."""
        seen: dict[str, int] = {}
        objs: dict[str, dict[str, Any]] = {}
        for i, obj in self.items(key):
            name = obj[field]
            if name in seen:
                self.error((key, i, field),
                           f"duplicate {kind} {name!r} (also {key}[{seen[name]}])")
            else:
                seen[name] = i
                objs[name] = obj
        return objs

    def ref(self, elems: Elems, name: object, known: Mapping[str, object], kind: str) -> bool:
        """Report ``name`` when it is not a known object of ``kind``; True when it resolves."""
        if name is None:
            return False
        if name in known:
            return True
        hint = difflib.get_close_matches(str(name), [str(k) for k in known], n=1)
        extra = f" (did you mean {hint[0]!r}?)" if hint else ""
        self.error(elems, f"unknown {kind} {name!r}{extra}")
        return False

    # -- the passes

    def run(self) -> list[Found]:
        self.currencies = self.index("currencies", "code", "currency code")
        self.books = self.index("price_books", "code", "price book code")
        self.statuses = self.index("statuses", "name", "status")
        self.transitions = self.index("transitions", "name", "transition")
        self.services = self.index("services", "name", "service")
        self.rate_plans = self.index("rate_plans", "name", "rate plan")
        self.buckets = self.index("usage_buckets", "name", "usage bucket")
        self.rules = self.index("counting_rules", "name", "counting rule")
        self.contracts = self.index("contracts", "name", "contract")
        self.companies = self.index("companies", "name", "company")
        self.fields = self.index("custom_fields", "name", "custom field")
        self.promos = self.index("promo_codes", "code", "promo code")
        self.plans = self.index("price_plans", "name", "price plan")
        self.packages = self.index("packages", "name", "package")
        self.check_tax_rates()
        self.check_transitions()
        self.check_rate_plans()
        self.check_usage_buckets()
        self.check_counting_rules()
        self.check_custom_fields()
        self.check_promo_codes()
        self.check_price_plans()
        self.check_packages()
        return self.found

    def check_tax_rates(self) -> None:
        seen: dict[tuple[str, str], int] = {}
        for i, rate in self.items("tax_rates"):
            key = (rate["category"], rate["country"])
            if key in seen:
                self.error(("tax_rates", i),
                           f"duplicate tax rate for category {key[0]!r} in {key[1]} "
                           f"(also tax_rates[{seen[key]}])")
            else:
                seen[key] = i

    def check_transitions(self) -> None:
        for i, t in self.items("transitions"):
            self.ref(("transitions", i, "from"), t["from"], self.statuses, "status")
            self.ref(("transitions", i, "to"), t["to"], self.statuses, "status")
            if t["from"] == t["to"]:
                self.error(("transitions", i, "to"),
                           f"a transition must change the status: from and to are both "
                           f"{t['to']!r}")

    def check_rate_plans(self) -> None:
        for i, plan in self.items("rate_plans"):
            seen: dict[tuple[str, str], int] = {}
            for k, rate in enumerate(plan["rates"]):
                at: Elems = ("rate_plans", i, "rates", k)
                self.ref((*at, "service"), rate["service"], self.services, "service")
                self.ref((*at, "currency"), rate["currency"], self.currencies, "currency")
                key = (rate["service"], rate["currency"])
                if key in seen:
                    self.error(at, f"duplicate rate for {key[0]!r} in {key[1]} "
                                   f"(also rates[{seen[key]}])")
                else:
                    seen[key] = k

    def check_bucket_tiers(self, at: Elems, tiers: list[dict[str, Any]]) -> None:
        for k in range(1, len(tiers)):
            prev, cur = _dec(tiers[k - 1]["threshold"]), _dec(tiers[k]["threshold"])
            if cur <= prev:
                self.error((*at, k, "threshold"),
                           f"bucket thresholds must increase: tier {k + 1} threshold "
                           f"{tiers[k]['threshold']} is not above tier {k}'s threshold "
                           f"{tiers[k - 1]['threshold']}")

    def check_usage_buckets(self) -> None:
        for i, bucket in self.items("usage_buckets"):
            at: Elems = ("usage_buckets", i)
            if self.ref((*at, "service"), bucket["service"], self.services, "service"):
                base = self.services[bucket["service"]]["base_type"]
                if base != "usage":
                    self.error((*at, "service"),
                               f"usage bucket service {bucket['service']!r} must be a usage "
                               f"service, not {base}")
            self.check_bucket_tiers((*at, "tiers"), bucket["tiers"])

    def check_counting_rules(self) -> None:
        for i, rule in self.items("counting_rules"):
            at: Elems = ("counting_rules", i)
            known: Mapping[str, object] = (
                self.packages if rule["counts"] == "packages" else self.services
            )
            kind = "package" if rule["counts"] == "packages" else "service"
            for k, item in enumerate(rule["items"]):
                self.ref((*at, "items", k), item, known, kind)
            for k, status in enumerate(rule["statuses"]):
                self.ref((*at, "statuses", k), status, self.statuses, "status")

    def check_custom_fields(self) -> None:
        for i, field in self.items("custom_fields"):
            if field["type"] == "choice" and not field.get("options"):
                self.error(("custom_fields", i, "options"),
                           f"choice field {field['name']!r} needs a list of options")

    def check_discount_config(self, at: Elems, d: Mapping[str, Any]) -> None:
        """Rules shared by promo code discounts and package frequency discounts."""
        self.ref((*at, "status"), d.get("status"), self.statuses, "status")
        if d["type"] == "percent" and _dec(d["amount"]) > 100:
            self.error((*at, "amount"),
                       f"a percent discount cannot exceed 100 (got {d['amount']})")
        if d.get("period_months") is not None and d.get("period_days") is not None:
            self.error((*at, "period_days"),
                       "give period_months or period_days, not both")
        start, end = d.get("start"), d.get("end")
        if start is not None and end is not None and end < start:
            self.error((*at, "end"), f"the discount ends ({end}) before it starts ({start})")

    def check_promo_codes(self) -> None:
        for i, promo in self.items("promo_codes"):
            self.check_discount_config(("promo_codes", i, "discount"), promo["discount"])

    def check_price_plans(self) -> None:
        for i, plan in self.items("price_plans"):
            seen: dict[tuple[str, object, str], int] = {}
            for k, price in enumerate(plan["prices"]):
                at: Elems = ("price_plans", i, "prices", k)
                self.ref((*at, "service"), price["service"], self.services, "service")
                self.ref((*at, "status"), price.get("status"), self.statuses, "status")
                self.ref((*at, "currency"), price["currency"], self.currencies, "currency")
                key = (price["service"], price.get("status"), price["currency"])
                if key in seen:
                    self.error(at, f"duplicate price for {key[0]!r} in {key[2]} "
                                   f"(also prices[{seen[key]}])")
                else:
                    seen[key] = k

    # -- packages and their frequencies

    def check_packages(self) -> None:
        freq_names: dict[str, Elems] = {}
        skus: dict[str, Elems] = {}
        any_prices = False
        for i, package in self.items("packages"):
            at: Elems = ("packages", i)
            self.ref((*at, "company"), package.get("company"), self.companies, "company")
            members: dict[str, int] = {}
            for k, name in enumerate(package["services"]):
                self.ref((*at, "services", k), name, self.services, "service")
                if name in members:
                    self.error((*at, "services", k),
                               f"service {name!r} is listed twice (also services[{members[name]}])")
                else:
                    members[name] = k
            bas = package.get("billing_activation_service")
            if (
                self.ref((*at, "billing_activation_service"), bas, self.services, "service")
                and bas not in members
            ):
                self.error((*at, "billing_activation_service"),
                           f"billing activation service {bas!r} is not one of this package's "
                           "services")
            for j, freq in enumerate(package["frequencies"]):
                fat: Elems = (*at, "frequencies", j)
                name = freq["name"]
                if name in freq_names:
                    self.error((*fat, "name"),
                               f"duplicate package frequency name {name!r} (also "
                               f"{join_path_elems(freq_names[name])}); accounts refer to "
                               "frequencies by name, so names are unique across all packages")
                else:
                    freq_names[name] = fat
                sku = freq.get("sku")
                if sku:
                    if sku in skus:
                        self.warning((*fat, "sku"), f"SKU {sku!r} is also used by "
                                                    f"{join_path_elems(skus[sku])}")
                    else:
                        skus[sku] = fat
                any_prices |= self.check_frequency(fat, package, members, freq)
        if any_prices and "standard" not in self.books:
            self.error(("price_books",),
                       "a price book with code 'standard' is required: package frequencies "
                       "have prices, and the standard book is where every other book falls back")

    def check_frequency(self, at: Elems, package: Mapping[str, Any], members: Mapping[str, int],
                        freq: Mapping[str, Any]) -> bool:
        """Check one package frequency; True when it has any price."""
        self.ref((*at, "contract"), freq.get("contract"), self.contracts, "contract")
        self.ref((*at, "rate_plan"), freq.get("rate_plan"), self.rate_plans, "rate plan")
        self.ref((*at, "counting_rule"), freq.get("counting_rule"), self.rules, "counting rule")
        enabled: list[str] = freq["currencies"]
        for k, code in enumerate(enabled):
            self.ref((*at, "currencies", k), code, self.currencies, "currency")
        if freq["active"] and not enabled:
            self.error((*at, "active"),
                       "an active package frequency needs at least one enabled currency "
                       "(enable a currency, or make the frequency inactive)")
        tiering = freq["tiering"]
        if tiering == "bracket" and freq.get("counting_rule") is None:
            self.error((*at, "counting_rule"), BRACKET_NEEDS_COUNTING_RULE)
        self.check_custom_values((*at, "custom_fields"), freq.get("custom_fields") or {})
        has_prices = False
        for book, by_currency in (freq.get("price_books") or {}).items():
            bat: Elems = (*at, "price_books", book)
            self.ref(bat, book, self.books, "price book")
            for code, charges in by_currency.items():
                cat: Elems = (*bat, code)
                if self.ref(cat, code, self.currencies, "currency") and code not in enabled:
                    self.error(cat, f"currency {code} has prices but is not enabled on this "
                                    "frequency")
                rows = self.check_charges(cat, package, members, tiering, charges)
                has_prices |= rows > 0
        return has_prices

    def check_custom_values(self, at: Elems, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            vat: Elems = (*at, name)
            if not self.ref(vat, name, self.fields, "custom field"):
                continue
            field = self.fields[name]
            if field["entity"] != "package_frequency":
                self.error(vat, f"custom field {name!r} is for {field['entity'].replace('_', ' ')}"
                                " records, not package frequencies")
                continue
            if value is None:
                continue
            problem = _custom_value_problem(field, value)
            if problem:
                self.error(vat, problem)
        for name, field in self.fields.items():
            if field["entity"] != "package_frequency" or not field["required"]:
                continue
            value = values.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.error(at, f"missing required custom field {name!r}")

    def member(self, at: Elems, name: str, package: Mapping[str, Any],
               members: Mapping[str, int]) -> dict[str, Any] | None:
        """The service a charge row names, when it exists and is in the package."""
        if not self.ref(at, name, self.services, "service"):
            return None
        if name not in members:
            self.error(at, f"service {name!r} is not in package {package['name']!r}")
            return None
        return self.services[name]

    def check_charges(self, at: Elems, package: Mapping[str, Any], members: Mapping[str, int],
                      tiering: str, charges: Mapping[str, Any]) -> int:
        rows = 0
        seen: dict[str, int] = {}
        services = self.services
        for k, row in enumerate(charges.get("recurring") or []):
            rows += 1
            rat: Elems = (*at, "recurring", k)
            name = row["service"]
            service = services.get(name) if name in members else None
            if service is None or name in seen:  # something to report: the careful way
                self.once(seen, name, (*rat, "service"), k, "recurring")
                service = self.member((*rat, "service"), name, package, members)
            else:
                seen[name] = k
            if service is not None and service["base_type"] in ("one_time", "fee"):
                self.error((*rat, "service"), _wrong_row(name, service["base_type"],
                                                         "recurring"))
            self.check_recurring(rat, row, tiering)
        seen = {}
        seen_transitions: dict[tuple[str, str], int] = {}
        for k, charge in enumerate(charges.get("transitions") or []):
            rows += 1
            tat: Elems = (*at, "transitions", k)
            self.member((*tat, "service"), charge["service"], package, members)
            self.ref((*tat, "transition"), charge["transition"], self.transitions, "transition")
            charge_service = charge["charge_service"]
            if self.ref((*tat, "charge_service"), charge_service, self.services, "service"):
                base = self.services[charge_service]["base_type"]
                if base != "fee":
                    self.error((*tat, "charge_service"),
                               f"charge service {charge_service!r} must be a fee service "
                               f"(base type fee), not {base}")
            key = (charge["service"], charge["transition"])
            if key in seen_transitions:
                self.error(tat, f"two charges for transition {key[1]!r} of {key[0]!r} "
                                f"(also transitions[{seen_transitions[key]}])")
            else:
                seen_transitions[key] = k
            penalty = charge.get("penalty")
            if penalty is not None:
                months, days = penalty.get("threshold_months"), penalty.get("threshold_days")
                if months is not None and days is not None:
                    self.error((*tat, "penalty", "threshold_days"),
                               "give threshold_months or threshold_days, not both")
                elif months is None and days is None:
                    self.error((*tat, "penalty"),
                               "a penalty needs a threshold: threshold_months or threshold_days")
        for k, row in enumerate(charges.get("one_time") or []):
            rows += 1
            oat: Elems = (*at, "one_time", k)
            self.once(seen, row["service"], (*oat, "service"), k, "one_time")
            service = self.member((*oat, "service"), row["service"], package, members)
            if service is not None and service["base_type"] != "one_time":
                self.error((*oat, "service"), _wrong_row(row["service"], service["base_type"],
                                                         "one_time"))
            tiers = row.get("tiers")
            if tiers is not None:
                if tiering == "none":
                    self.warning((*oat, "tiers"), TIERS_IGNORED if row.get("amount") is not None
                                 else TIERS_FIRST_ONLY)
                self.check_tiers((*oat, "tiers"), tiers)
            elif row.get("amount") is None:
                self.error((*oat, "amount"), "a one-time charge needs an amount or tiers")
            self.check_settings((*oat, "settings"), row.get("settings"))
        return rows

    def once(self, seen: dict[str, int], service: str, at: Elems, k: int, section: str) -> None:
        if service in seen:
            self.error(at, f"service {service!r} has two {section} rows in this price book and "
                           f"currency (also {section}[{seen[service]}])")
        else:
            seen[service] = k

    def check_recurring(self, at: Elems, row: Mapping[str, Any], tiering: str) -> None:
        statuses = self.statuses
        for status in row.get("amounts") or {}:
            if status not in statuses:
                self.ref((*at, "amounts", status), status, statuses, "status")
        tiers_by_status: Mapping[str, list[dict[str, Any]]] = row.get("tiers") or {}
        if tiers_by_status and tiering == "none":
            self.warning((*at, "tiers"), TIERS_IGNORED)
        for status, tiers in tiers_by_status.items():
            self.ref((*at, "tiers", status), status, statuses, "status")
            self.check_tiers((*at, "tiers", status), tiers)
        settings = row.get("settings")
        if settings and settings.get("rate_plan") not in self.rate_plans:
            self.check_settings((*at, "settings"), settings)
        setting = row.get("usage_bucket")
        if setting is not None:
            bat: Elems = (*at, "usage_bucket")
            if self.ref((*bat, "bucket"), setting["bucket"], self.buckets, "usage bucket"):
                bucket = self.buckets[setting["bucket"]]
                if bucket["service"] in self.services and bucket["service"] != row["service"]:
                    self.error((*bat, "bucket"),
                               f"usage bucket {setting['bucket']!r} is for service "
                               f"{bucket['service']!r}, not {row['service']!r}")
            if setting.get("tiers") is not None:
                self.check_bucket_tiers((*bat, "tiers"), setting["tiers"])
        for d, discount in enumerate(row.get("discounts") or []):
            dat: Elems = (*at, "discounts", d)
            self.check_discount_config(dat, discount)
            promo = discount.get("promo_code")
            if discount["kind"] == "promo_code":
                if promo is None:
                    self.error((*dat, "promo_code"),
                               "a promo-code discount must name its promo code")
                else:
                    self.ref((*dat, "promo_code"), promo, self.promos, "promo code")
            elif discount["kind"] == "discount" and promo is not None:
                self.error((*dat, "promo_code"),
                           f"a discount of kind 'discount' must not name a promo code "
                           f"({promo!r}); set kind to promo_code to use the code's discount")

    def check_settings(self, at: Elems, settings: Mapping[str, Any] | None) -> None:
        if settings:
            self.ref((*at, "rate_plan"), settings.get("rate_plan"), self.rate_plans, "rate plan")

    def check_tiers(self, at: Elems, tiers: list[dict[str, Any]]) -> None:
        last = len(tiers) - 1
        prev_end: int | None = None
        for k, tier in enumerate(tiers):
            end = tier["end"]
            if end is None:
                if k != last:
                    self.error((*at, k, "end"),
                               f"only the last tier may be open-ended (end null): tier {k + 1} "
                               f"of {last + 1} has no end")
                continue
            if k == last:
                self.error((*at, k, "end"),
                           f"the last tier must be open-ended (end null), not end at {end}")
            if prev_end is not None and end <= prev_end:
                self.error((*at, k, "end"),
                           f"tier ends must increase: tier {k + 1} ends at {end}, not after "
                           f"tier {k}'s end {prev_end}")
            prev_end = end


def _wrong_row(service: str, base: str, section: str) -> str:
    if section == "recurring" and base == "fee":
        return (f"fee service {service!r} cannot have a recurring price; fee services are "
                "charged through transition charges")
    if section == "recurring":
        return (f"one-time service {service!r} cannot have a recurring price; put it under "
                "one_time")
    return f"service {service!r} is not a one-time service (base type {base})"


def _custom_value_problem(field: Mapping[str, Any], value: object) -> str | None:
    kind = field["type"]
    name = field["name"]
    if kind == "text":
        ok = isinstance(value, str)
    elif kind == "number":
        ok = (isinstance(value, int | float) and not isinstance(value, bool)
              and math.isfinite(value))
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "date":
        if not isinstance(value, str) or not _DATE_RE.match(value):
            return f"custom field {name!r} holds dates: expected YYYY-MM-DD, got {_show(value)}"
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"custom field {name!r}: {_show(value)} is not a real calendar date"
        return None
    else:  # choice
        options = field.get("options") or []
        if not isinstance(value, str) or value not in options:
            return (f"custom field {name!r}: {_show(value)} is not one of its options "
                    f"({_choices(repr(o) for o in options)})")
        return None
    if ok:
        return None
    expected = {"text": "text", "number": "a number", "boolean": "true or false"}[kind]
    return f"custom field {name!r} holds {expected}, got {_show(value)}"
