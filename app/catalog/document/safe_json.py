"""Reading JSON documents from files a user picked, refusing what is hostile.

``json.loads`` happily accepts things an importer must not: duplicate keys (the last one silently
wins), ``NaN`` and ``Infinity``, integers with thousands of digits, floats that overflow to
infinity, nesting deep enough to exhaust the stack, and (given bytes) UTF-16. The loader here
refuses each of them with an :class:`ImportFailure` whose message names the source, the line and
the column, so the window and the command line can say exactly where the file is wrong.

Two paths, one answer. The fast one parses with ``orjson`` (which itself refuses invalid UTF-8,
``NaN``/``Infinity``, overflowing floats and lone surrogates), then checks in one iterative
walk that nothing nests deeper than allowed and that no number came back as a float (orjson
turns integers past 64 bits into floats; the format has no floats), and compares the number of
``:`` in the file with that in the parsed value written back: a duplicate key loses a pair, so
the counts differ. Whenever orjson refuses or a check has any doubt, the careful path (the
standard library's parser with a hook per object) decides and says where the fault is. A
30,000-frequency catalog reads in about 1.4x the time of ``orjson.loads`` alone
(``benchmarks/bench_limits.py``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

import orjson

from app.catalog.errors import ImportFailure
from app.engine.problems import Problem

MAX_BYTES = 1024 * 1024 * 1024
"""Largest document accepted: 1 GiB. The editor is sized for catalogs of up to 30,000 packages
and 90,000 package frequencies (the largest that benchmarks/generate_catalog.py writes: 243 MB;
exported by the editor, indented, about 775 MB), and this leaves room above that. Reading such
a file takes memory: see benchmarks/bench_large_file.py."""

SIZE_REASON = ("the editor is sized for catalogs of up to 30,000 packages and 90,000 package "
               "frequencies, about 775 MB as it exports them")
"""Why the size limit is what it is, said in the message when a document is over it."""

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted (a catalog document needs about 10)."""

MAX_NUMBER_CHARS = 40
"""Longest number literal accepted; the format's integers (tier ends, months) are small."""

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_STRING_RE = re.compile(_STRING, re.S)
_TOKEN_RE = re.compile(
    _STRING + r"|[\[\]{}:,]|-?[0-9][0-9.eE+\-]*|-|[A-Za-z]+", re.S
)  # error location only
_SURROGATE_ESCAPE_RE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_RE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


class _Refused(Exception):
    """Raised inside the json hooks; turned into an ImportFailure with a position."""

    def __init__(self, what: str, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.what = what
        self.message = message
        self.key = key


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def _fail(source: str, message: str, path: str = "", line: int = 0, col: int = 0) -> ImportFailure:
    where = f"{source}: line {line} column {col}: " if line else f"{source}: "
    return ImportFailure(where + message, [Problem(path, message)])


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """Rough JSON tokens with their offsets; used only to locate a fault already detected."""
    for match in _TOKEN_RE.finditer(text):
        yield match.group(0), match.start()


def _locate(text: str, what: str, key: str | None, max_depth: int) -> tuple[int, str]:
    """Offset and JSON path of the first ``what`` fault in ``text`` (0, "" when not found)."""
    stack: list[tuple[str, Any, set[str]]] = []  # (kind, current key or index, keys seen)
    expect_key = False
    last_key: str | None = None

    def path() -> str:
        out = ""
        for kind, k, _ in stack:
            if k is None:
                continue
            out = f"{out}[{k}]" if kind == "[" else (f"{out}.{k}" if out else str(k))
        return out

    for tok, pos in _tokens(text):
        first = tok[0]
        if first in "[{":
            if len(stack) >= max_depth and what == "depth":
                return pos, path()
            stack.append((first, 0 if first == "[" else None, set()))
            expect_key = first == "{"
        elif first in "]}":
            if stack:
                stack.pop()
            expect_key = False
        elif first == ",":
            if stack and stack[-1][0] == "[":
                kind, index, seen = stack[-1]
                stack[-1] = (kind, index + 1, seen)
            expect_key = bool(stack) and stack[-1][0] == "{"
        elif first == ":":
            expect_key = False
        elif first == '"' and expect_key and stack:
            try:
                last_key = json.loads(tok)
            except ValueError:
                last_key = tok
            kind, _, seen = stack[-1]
            if what == "duplicate" and last_key == key and last_key in seen:
                return pos, path()
            seen.add(str(last_key))
            stack[-1] = (kind, last_key, seen)
            expect_key = False
        elif what == "number" and (first.isdigit() or first == "-"):
            if len(tok) > MAX_NUMBER_CHARS or _number_refused(tok):
                return pos, path()
        elif what == "constant" and tok in ("NaN", "Infinity"):
            return (pos - 1 if text[pos - 1 : pos] == "-" else pos), path()
    return 0, ""


def _number_refused(tok: str) -> bool:
    try:
        if any(c in tok for c in ".eE"):
            return not math.isfinite(float(tok))
    except ValueError:
        return False
    return False


def _lone_surrogate_at(text: str) -> int:
    """Offset of the first escape of a lone surrogate (``\\ud800`` without its pair), or 0."""
    for match in _SURROGATE_RE.finditer(text):
        start = match.start()
        backslashes = len(text[:start]) - len(text[:start].rstrip("\\"))
        if backslashes % 2:
            continue  # an escaped backslash followed by the letter u
        is_high = match.group(0)[3] in "89abAB"
        if not is_high or match.group(1) is None:
            return start
    return 0


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused("number", f"number too large ({len(text)} digits)")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused("number", f"number too long ({len(text)} characters)")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("number", f"number out of range ({text})")
    return value


def _parse_constant(text: str) -> Any:
    raise _Refused("constant", f"{text} is not allowed in JSON documents")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused("duplicate", f"duplicate key {key!r}", key)
        out[key] = value
    return out


_NOT_BRACKETS: dict[int, int | None] = {i: None for i in range(128) if chr(i) not in "[]{}"}
_NOT_BRACKETS[ord("{")] = ord("[")
_NOT_BRACKETS[ord("}")] = ord("]")


def _depth_exceeded(text: str, max_depth: int) -> bool:
    """True when arrays and objects nest deeper than ``max_depth`` (strings ignored).

    Keeps only the brackets outside strings (braces become square brackets: only depth counts
    here, the parser checks that they match), then removes innermost empty pairs round after
    round (each round is a C-speed ``replace``): a document of depth d costs d passes over its
    brackets, however large it is, and nothing here recurses.
    """
    # Without an escaped quote, every other piece between quotes is outside a string.
    outside = _STRING_RE.sub("", text) if '\\"' in text else "".join(text.split('"')[0::2])
    brackets = outside.translate(_NOT_BRACKETS)
    if not brackets.isascii() or brackets.strip("[]"):
        brackets = re.sub(r"[^\[\]]+", "", brackets)
    rounds = 0
    while brackets:
        reduced = brackets.replace("[]", "")
        if reduced == brackets:
            return False  # unbalanced: the parser reports where
        rounds += 1
        if rounds > max_depth:
            return True
        brackets = reduced
    return False


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _fast_checks_pass(data: bytes, value: Any, max_depth: int) -> bool:
    """True when ``value`` (orjson's reading of ``data``) is certainly what the careful path
    returns: nesting within ``max_depth``, no float, and no key lost to a duplicate."""
    if type(value) is float:
        return False
    level = [value] if type(value) in (dict, list) else []
    depth = 0
    has_float = False
    while level:
        depth += 1
        if depth > max_depth:
            return False
        deeper: list[Any] = []
        push = deeper.append
        for container in level:
            values = container.values() if type(container) is dict else container
            for item in values:
                kind = type(item)
                if kind is dict or kind is list:
                    push(item)
                elif kind is float:
                    has_float = True
        level = deeper
    if has_float:
        return False
    if b"\\u003a" in data or b"\\u003A" in data:  # a colon written as an escape
        return False
    return data.count(b":") == orjson.dumps(value).count(b":")


def _decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        col = len(head) - (head.rfind(b"\n") + 1) + 1
        raise _fail(
            source,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line=line,
            col=col,
        ) from None


def load_json_document(
    data: bytes | str,
    *,
    source: str,
    max_bytes: int | None = None,
    max_depth: int = MAX_DEPTH,
) -> object:
    """Parse a JSON document, refusing hostile input with an :class:`ImportFailure`.

    Refused: more than ``max_bytes`` bytes (or characters, given text; default
    :data:`MAX_BYTES`), bytes that are not
    UTF-8 (a UTF-8 byte order mark is allowed), nesting deeper than ``max_depth``, duplicate
    keys in one object, ``NaN`` / ``Infinity``, number literals longer than 40 characters or
    floats that overflow, and strings holding lone surrogates (which no file can store). The
    message names ``source``, and the line and column where the fault is.
    """
    if not isinstance(data, bytes | str):
        raise ImportFailure(f"{source}: expected bytes or text, got {type(data).__name__}")
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    if len(data) > max_bytes:
        raise _fail(
            source,
            f"the document is too large ({len(data):,} bytes; the limit is {max_bytes:,} "
            f"bytes: {SIZE_REASON})",
        )
    raw: bytes | None
    try:
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
    except UnicodeEncodeError:
        raw = None  # a lone surrogate: the careful path says where
    if raw is not None:
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # the careful path says what and where
        else:
            if _fast_checks_pass(raw, value, max_depth):
                return value
            del value
    if isinstance(data, bytes):
        text = _decode(data, source)
    else:
        text = data
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            line, col = _line_col(text, exc.start)
            raise _fail(source, "the text holds a lone UTF-16 surrogate", "", line, col) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if _depth_exceeded(text, max_depth):
        pos, path = _locate(text, "depth", None, max_depth)
        line, col = _line_col(text, pos)
        raise _fail(source, f"nested deeper than {max_depth} levels", path, line, col)
    decoder = json.JSONDecoder(
        object_pairs_hook=_pairs,
        parse_int=_parse_int,
        parse_float=_parse_float,
        parse_constant=_parse_constant,
    )
    try:
        value = decoder.decode(text)
    except _Refused as exc:
        pos, path = _locate(text, exc.what, exc.key, max_depth)
        line, col = _line_col(text, pos) if pos else (0, 0)
        raise _fail(source, exc.message, path, line, col) from None
    except json.JSONDecodeError as exc:
        raise _fail(source, f"not valid JSON: {exc.msg}", "", exc.lineno, exc.colno) from None
    except RecursionError:  # pragma: no cover - the depth check runs first
        raise _fail(source, f"nested deeper than {max_depth} levels") from None
    except ValueError as exc:  # e.g. int() refusing a literal past Python's digit limit
        raise _fail(source, f"not valid JSON: {exc}") from None
    if _SURROGATE_ESCAPE_RE.search(text) and _has_lone_surrogate(value):
        pos = _lone_surrogate_at(text)
        line, col = _line_col(text, pos) if pos else (0, 0)
        raise _fail(
            source, "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff)", "", line, col
        )
    return value
