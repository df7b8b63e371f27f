"""Names and values a person can trust: what the schema cannot see.

A name can look right on screen and still be wrong: a zero-width space makes two packages that
look identical, a right-to-left override shows ``Gold`` as something else, a NUL or a terminal
escape sequence hides in a log line, the same accented letter can be written two ways (NFC and
NFD). Sizes and rates can be absurd: a 10 MB SKU, a tax rate of ``7`` (700 %) typed for 7 %.

:func:`trust_problems` finds these in a catalog document. Refused (errors), because they can
only be mistakes or tricks: control characters in names, NUL and escape characters anywhere,
bidirectional overrides, texts far longer than any catalog needs, and names that differ only in
Unicode normalisation. Warned about: other invisible characters in names, names that look alike
once normalised (NFKC, invisible characters removed, case folded), and tax rates over 100 %.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from app.engine.problems import Problem, join_path

Elems = tuple[str | int, ...]
Found = tuple[Elems, str, str]
"""(JSON path elements, message, severity), as the validator gathers problems."""

NAME_KEYS = frozenset({"name", "code", "sku", "gl_code", "tax_category", "category", "title"})
"""Fields that define a name or code people read and type (references repeat these)."""

MAX_NAME_CHARS = 1_000
"""Longest name or code accepted (a long package name is about 80 characters)."""

MAX_TEXT_CHARS = 100_000
"""Longest text of any other field accepted."""

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
                          "\u061c")
ALLOWED_CONTROLS = frozenset("\t\n\r")

_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f"
                      "\u202a-\u202e\u2066-\u2069]")
"""Characters refused in any text (controls other than tab and newlines, direction controls)."""

_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f"
                        "\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
                        "\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164"
                        "\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U000110bd\U000110cd"
                        "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
                        "\U000e0000-\U000e0fff]")
"""Every character this module could report (controls, every format character of Unicode 16,
filler characters): a document whose JSON text has none of them, and no text longer than a
name may be, has no text problem, which one C-level search of the serialised document decides.
A format character of a later Unicode is caught by the category test of :func:`_has_invisible`."""

_LONG = re.compile(f'"[^"]{{{MAX_NAME_CHARS + 1},}}"')


Link = tuple[Any, str | int] | None
"""A path as a linked list ``(parent link, key)``: built as the walk goes, joined only for the
few strings that have a problem (a large catalog holds about a million strings)."""


def _elems(link: Link) -> Elems:
    out: list[str | int] = []
    while link is not None:
        link, key = link
        out.append(key)
    return tuple(reversed(out))


def _strings(doc: Any) -> Iterator[tuple[Link, str | None, str]]:
    """Every string of the document that needs a closer look, with its path and key: names and
    codes, texts that are too long, texts with a suspect character."""
    stack: list[tuple[Link, str | None, Any]] = [(None, None, doc)]
    suspect = _SUSPECT.search
    while stack:
        link, key, node = stack.pop()
        kind = type(node)
        if kind is str:
            if key in NAME_KEYS or len(node) > MAX_NAME_CHARS or suspect(node) is not None:
                yield link, key, node
        elif kind is dict:
            for k, v in node.items():
                if type(v) in (str, dict, list):
                    stack.append(((link, str(k)), str(k), v))
        elif kind is list:
            for i, v in enumerate(node):
                if type(v) in (str, dict, list):
                    stack.append(((link, i), key, v))


def _joined(path: Elems) -> str:
    out = ""
    for e in path:
        out = join_path(out, e)
    return out


def _visible(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"


def _text_problems(path: Elems, key: str | None, value: str) -> list[Found]:
    is_name = key in NAME_KEYS
    limit = MAX_NAME_CHARS if is_name else MAX_TEXT_CHARS
    if len(value) > limit:
        return [(path, f"{len(value):,} characters long: far longer than any catalog "
                       f"{'name or code' if is_name else 'text'} (at most {limit:,})", "error")]
    found: list[Found] = []
    controls = sorted({c for c in value if unicodedata.category(c) == "Cc"
                       and (is_name or c not in ALLOWED_CONTROLS)})
    if controls:
        found.append((path, "contains control characters ("
                      + ", ".join(_visible(c) for c in controls[:3])
                      + "): they are invisible or act on terminals and logs", "error"))
    bidi = sorted({c for c in value if c in BIDI_CONTROLS})
    if bidi:
        found.append((path, "contains text-direction controls ("
                      + ", ".join(_visible(c) for c in bidi[:3])
                      + "): the text would display differently from what it is", "error"))
    if is_name:
        invisible = sorted({c for c in value if unicodedata.category(c) == "Cf"
                            and c not in BIDI_CONTROLS})
        if invisible:
            found.append((path, "contains invisible characters ("
                          + ", ".join(_visible(c) for c in invisible[:3])
                          + "): the name looks like one without them", "warning"))
    return found


def _seen_as(name: str) -> str:
    """What is on screen: canonical composition (NFC), invisible characters removed."""
    text = unicodedata.normalize("NFC", name)
    return "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc"))


def skeleton(name: str) -> str:
    """What a name looks like: NFKC, without invisible characters, case folded."""
    if name.isascii() and name.isprintable():  # NFKC keeps it, nothing invisible to remove
        return " ".join(name.casefold().split())
    text = unicodedata.normalize("NFKC", name)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc"))
    return " ".join(text.casefold().split())


def _kind(path: Elems) -> Elems:
    """``packages[3].frequencies[0].name`` -> ``packages[].frequencies[].name``."""
    return tuple(-1 if isinstance(e, int) else e for e in path)


def _look_alikes(names: list[tuple[Elems, str]]) -> list[Found]:
    by_kind: dict[tuple[Elems, str], list[tuple[Elems, str]]] = {}
    for path, name in names:
        by_kind.setdefault((_kind(path), skeleton(name)), []).append((path, name))
    found: list[Found] = []
    for group in by_kind.values():
        first_path, first = group[0]
        for path, name in group[1:]:
            if name == first:
                continue  # an exact duplicate: the validator's own rules report it
            if _seen_as(name) == _seen_as(first):
                found.append((path, f"{name!r} looks exactly like {first!r} "
                              f"({_joined(first_path)}): they differ only in invisible "
                              "characters or in how accents are encoded (NFC/NFD); no one can "
                              "tell them apart", "error"))
            else:
                found.append((path, f"{name!r} looks like {first!r} ({_joined(first_path)}): "
                              "they differ only in case or character variants (NFKC)",
                              "warning"))
    return found


def _tax_rates(doc: dict[str, Any]) -> list[Found]:
    found: list[Found] = []
    for i, tax in enumerate(doc.get("tax_rates") or []):
        if not isinstance(tax, dict) or not isinstance(tax.get("rate"), str):
            continue
        try:
            rate = Decimal(tax["rate"])
        except InvalidOperation:
            continue
        if rate.is_finite() and rate > 1:
            found.append((("tax_rates", i, "rate"),
                          f"rate {tax['rate']} is {format(rate * 100, 'f')} %: rates are "
                          "fractions (0.07 for 7 %)", "warning"))
    return found


def trust_problems(doc: object) -> list[Problem]:
    """Every untrustworthy name or value of a catalog document (errors and warnings)."""
    return [Problem(_joined(e), m, s) for e, m, s in trust_findings(doc)]


def _defining_names(doc: dict[str, Any]) -> list[tuple[Elems, str]]:
    """The names and codes that define objects: items of the top-level lists and of the lists
    inside them (package frequencies)."""
    names: list[tuple[Elems, str]] = []
    for kind, items in doc.items():
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            for key in ("name", "code"):
                if isinstance(item.get(key), str):
                    names.append(((kind, i, key), item[key]))
            for inner, subs in item.items():
                if isinstance(subs, list):
                    names += [((kind, i, inner, j, "name"), sub["name"])
                              for j, sub in enumerate(subs)
                              if isinstance(sub, dict) and isinstance(sub.get("name"), str)]
    return [(p, n) for p, n in names if len(n) <= MAX_NAME_CHARS]


def _needs_walk_exactly(doc: dict[str, Any]) -> bool:
    try:
        text = json.dumps(doc, ensure_ascii=False)
    except (TypeError, ValueError):
        return True
    return _has_invisible(text) or "\\u" in text or "\\" in text \
        or _LONG.search(text) is not None


def _has_invisible(chars: str) -> bool:
    """Whether ``chars`` hold a character the walk could report: one ``_INVISIBLE`` lists, or
    any other format character (Cf, one added by a later Unicode)."""
    return _INVISIBLE.search(chars) is not None or any(
        unicodedata.category(c) == "Cf" for c in set(chars) if c >= "\x80")


_ASCII = bytes(range(128))
_LONG_BYTES = re.compile(rb'"[^"]{%d,}"' % (MAX_NAME_CHARS + 1))


def _needs_walk(doc: dict[str, Any]) -> bool:
    """Whether the strings must be walked: :func:`_needs_walk_exactly`'s answer wherever the
    walk would find anything, decided over the compact bytes (orjson) and only their few
    non-ASCII characters, not over a whole text of the document.

    The same answer because both texts hold every string the walk visits with the same escapes
    (a backslash for quotes, backslashes and the controls below U+0020) and the same raw
    characters (DEL and everything beyond ASCII), so they agree on the backslash and the
    invisible characters; only the long-run search differs (separators, bytes against
    characters), and a string the walk finds too long is in both either a long run or escaped.
    A format character (Cf) that ``_INVISIBLE`` leaves out (one added by a later Unicode) always
    means walk: the walk reports every format character, which the exact test did not know."""
    try:
        data = orjson.dumps(doc)
    except TypeError:  # orjson.JSONEncodeError: integers beyond 64 bits, lone surrogates, ...
        return _needs_walk_exactly(doc)
    if b"\\" in data or b"\x7f" in data:
        return True
    wide = data.translate(None, _ASCII)  # the non-ASCII characters, whole (UTF-8)
    if wide:
        chars = wide.decode("utf-8")
        if _has_invisible(chars):
            return True
    return _has_long_string(data)


_BLOCK = (MAX_NAME_CHARS + 1) // 2


def _has_long_string(data: bytes) -> bool:
    """Whether ``_LONG_BYTES`` matches ``data``: a run of more than MAX_NAME_CHARS bytes
    without a quote contains a whole aligned block of ``_BLOCK`` bytes without one, so the
    regular expression (which reads every byte) runs only when such a block exists; finding
    a quote in each block is one C-level search that stops at the first quote."""
    find = data.find
    for start in range(0, len(data) - _BLOCK + 1, _BLOCK):
        if find(b'"', start, start + _BLOCK) == -1:
            return _LONG_BYTES.search(data) is not None
    return False


def trust_findings(doc: object) -> list[Found]:
    """:func:`trust_problems` as the validator gathers them (path elements)."""
    if not isinstance(doc, dict):
        return []
    found: list[Found] = []
    if _needs_walk(doc):
        for link, key, value in _strings(doc):
            found += _text_problems(_elems(link), key, value)
    found += _look_alikes(_defining_names(doc))
    found += _tax_rates(doc)
    return found
