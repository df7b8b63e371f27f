"""The exchange format's reading rules that hold for every document (exchange-format.md,
"Field notes"), applied before a document is checked or used:

- an optional key given as ``null`` means the same as leaving it out: it is dropped wherever
  the schema does not give ``null`` a meaning of its own (``"tiers": null`` on a recurring
  line, ``"penalty": null``, ``"amounts": null``...);
- ``usage_bucket`` on a recurring line may be a bucket's name: it becomes ``{"bucket": NAME}``;
- keys beginning with ``x-`` or ``x_`` are another tool's extensions: they are taken out (the
  rest of the application never sees them) and returned by the place of their object, so an
  import can store them and an export give them back (:func:`restore_extensions`).

The place of an object (its *locator*) names the objects that hold it: keys of objects, and
list items by their ``name`` (or ``code``) when they have one, else by position, so it
survives the reordering of named objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import orjson

from app.engine.packed import PackedList

Schema = Mapping[str, Any]
Step = str | int | list[str]  # a key, a position, or ["name" | "code", value]
Extensions = dict[str, dict[str, Any]]  # locator (JSON of its steps) -> extension keys

EXTENSION_PREFIXES = ("x-", "x_")


def is_extension(key: object) -> bool:
    return isinstance(key, str) and key.startswith(EXTENSION_PREFIXES)


@cache
def _schema(kind: str) -> dict[str, Any]:
    text = (resources.files("app") / "schemas" / f"{kind}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _resolve(schema: Schema, root: Schema) -> Schema:
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        schema = root["$defs"][ref.removeprefix("#/$defs/")]
    return schema


def _branches(schema: Schema, root: Schema) -> list[Schema]:
    schema = _resolve(schema, root)
    found = [schema]
    for word in ("oneOf", "anyOf"):
        for branch in schema.get(word, []):
            found.extend(_branches(branch, root))
    return found


def _accepts_null(schema: Schema, root: Schema) -> bool:
    for branch in _branches(schema, root):
        kind = branch.get("type")
        if kind == "null" or (isinstance(kind, list) and "null" in kind):
            return True
        if None in branch.get("enum", ()) or ("const" in branch and branch["const"] is None):
            return True
        if not branch:  # {} accepts anything
            return True
    return False


def _object_schema(schema: Schema, root: Schema) -> Schema | None:
    for branch in _branches(schema, root):
        if "properties" in branch or "additionalProperties" in branch:
            return branch
    return None


def _array_items(schema: Schema, root: Schema) -> Schema | None:
    for branch in _branches(schema, root):
        if "items" in branch:
            items: Schema = branch["items"]
            return items
    return None


def _step(item: object, index: int) -> Step:
    if isinstance(item, dict):
        for key in ("name", "code"):
            if isinstance(item.get(key), str):
                return [key, item[key]]
    return index


def locator(steps: list[Step]) -> str:
    return json.dumps(steps, ensure_ascii=False, separators=(",", ":"))


@dataclass
class _Plan:
    """What the reader does in one object or list of the schema: its properties' plans,
    which keys may not stay null, and the plan of map values or list items."""

    props: dict[str, _Plan | None] = field(default_factory=dict)
    drop_null: set[str] = field(default_factory=set)
    extra: _Plan | None = None
    extra_drops_null: bool = False
    items: _Plan | None = None
    buckets_by_name: bool = False


@cache
def _plan(kind: str) -> _Plan | None:
    root = _schema(kind)
    made: dict[int, _Plan | None] = {}

    def plan(schema: Schema) -> _Plan | None:
        key = id(_resolve(schema, root))
        if key in made:
            return made[key]
        obj, items = _object_schema(schema, root), _array_items(schema, root)
        if obj is None and items is None:
            made[key] = None
            return None
        result = made[key] = _Plan()
        if items is not None:
            result.items = plan(items)
        if obj is not None:
            required = set(obj.get("required", ()))
            for name, sub in obj.get("properties", {}).items():
                result.props[name] = plan(sub)
                if name not in required and not _accepts_null(sub, root):
                    result.drop_null.add(name)
            extra = obj.get("additionalProperties")
            if isinstance(extra, dict):
                result.extra = plan(extra)
                result.extra_drops_null = not _accepts_null(extra, root)
            result.buckets_by_name = "usage_bucket" in result.props
        return result

    return plan(root)


@dataclass(frozen=True)
class _Keys:
    declared: frozenset[str]  # every property name of the schema
    by_text: frozenset[str]  # null dropped somewhere, never meaningful elsewhere
    ambiguous: frozenset[str]  # null dropped somewhere, but required and meaningful elsewhere


@cache
def _keys(kind: str) -> _Keys:
    declared: set[str] = set()
    dropped: set[str] = set()
    required: set[str] = set()  # required where null has a meaning (a tier's open end)
    seen: set[int] = set()
    stack: list[_Plan | None] = [_plan(kind)]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        declared.update(node.props)
        dropped.update(node.drop_null)
        stack.extend([*node.props.values(), node.extra, node.items])
    root = _schema(kind)
    for branch in _all_objects(root):
        props = branch["properties"]
        required.update(k for k in branch.get("required", ())
                        if k in props and _accepts_null(props[k], root))
    return _Keys(frozenset(declared), frozenset(dropped - required),
                 frozenset(dropped & required))


def _all_objects(root: Schema) -> list[Schema]:
    found: list[Schema] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "properties" in node:
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


_EXTENSION_RE = re.compile(rb'"x[-_]')
_BUCKET_BY_NAME_RE = re.compile(rb'(?<=[{,])"usage_bucket":("(?:[^"\\]|\\.)*")')


def _by_text(doc: object, kind: str) -> tuple[bool, object]:
    """Normalize at C speed over the compact JSON when that is exact: (done, document);
    ``doc`` itself when nothing changes. See :func:`normalized_text`."""
    try:
        data = orjson.dumps(doc)
    except (TypeError, orjson.JSONEncodeError):
        return False, doc
    text = normalized_text(data, kind)
    if text is None:
        return False, doc
    if text is data:
        return True, doc
    return True, orjson.loads(text)


def normalized_text(data: bytes, kind: str = "catalog") -> bytes | None:
    """The compact JSON ``data`` normalized as :func:`normalize` would (``data`` itself when
    nothing changes), or None when that cannot be done exactly over the text.

    Not done (the tree walk of :func:`normalize` is needed) when the document holds extension
    keys, or a ``null`` whose key is optional in some object and required with a meaning in
    another, or a ``null`` under a name the schema does not declare (a map's entry).
    Otherwise the nulls of keys that some object drops are cut out of the text (where such a
    key is required, null is refused there anyway, and stays refused as a missing key; a
    string's quotes are always escaped, so no string content can match) and buckets by name
    become objects.
    """
    if _EXTENSION_RE.search(data):
        return None
    keys = _keys(kind)
    nulls = _null_keys(data)
    if nulls is None or nulls & keys.ambiguous or not nulls <= keys.declared:
        return None
    drop = nulls & keys.by_text
    buckets = kind == "catalog" and b'"usage_bucket":"' in data
    if not drop and not buckets:
        return data
    if drop:
        names = b"|".join(re.escape(k.encode()) for k in sorted(drop))
        data = re.sub(rb',"(?:' + names + rb')":null(?=[,}])', b"", data)
        data = re.sub(rb'\{"(?:' + names + rb')":null(?:,|(?=\}))', b"{", data)
    if buckets:
        data = _BUCKET_BY_NAME_RE.sub(rb'"usage_bucket":{"bucket":\1}', data)
    return data


def _escaped(data: bytes, at: int) -> bool:
    """Whether the character at ``at`` follows an odd run of backslashes."""
    run = 0
    while at - run - 1 >= 0 and data[at - run - 1] == 0x5C:
        run += 1
    return run % 2 == 1


def _null_keys(data: bytes) -> set[str] | None:
    """The keys whose value is ``null`` in the compact JSON ``data``, or None when one of them
    cannot be read plainly off the text (an escape in it or beside it).

    Found by searching for ``":null`` and stepping back to the key's opening quote: about 20
    times faster than a regular expression that reads every string of a large document, and
    one match at a time, so nothing large is built (a split of the text into pieces would
    be). An unescaped quote followed by ``:`` always ends a key in compact JSON; a match
    inside a string has its quote escaped and is skipped."""
    found: set[bytes] = set()
    add, find, rfind = found.add, data.find, data.rfind
    at = find(b'":null')
    while at != -1:
        if data[at - 1] != 0x5C or not _escaped(data, at):
            start = rfind(b'"', 0, at)
            if start < 1 or data[start - 1] not in b"{,":
                return None
            add(data[start + 1:at])
        at = find(b'":null', at + 6)
    return {key.decode("utf-8", "replace") for key in found}


def normalize(doc: object, kind: str = "catalog") -> tuple[object, Extensions]:
    """``doc`` as the rest of the application reads it (``doc`` itself when nothing changes,
    else a new document; ``doc`` is never changed), and the extension keys taken out of it by
    locator. ``kind``: ``catalog`` or ``account``. Values the schema does not describe are
    left as they are, for validation to report."""
    extensions: Extensions = {}
    done, result = _by_text(doc, kind)
    if done:
        return result, extensions

    Steps = tuple[Any, Step] | None  # (the parent's steps, this step): built only for containers

    def where(steps: Steps) -> str:
        out: list[Step] = []
        while steps is not None:
            steps, step = steps
            out.append(step)
        return locator(out[::-1])

    def walk(value: object, plan: _Plan | None, steps: Steps) -> object:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, child in value.items():
                if key[:1] == "x" and is_extension(key):
                    extensions.setdefault(where(steps), {})[key] = child
                    continue
                sub = None
                if plan is not None:
                    declared = key in plan.props
                    if child is None:
                        if key in plan.drop_null if declared else plan.extra_drops_null:
                            continue
                    elif (key == "usage_bucket" and plan.buckets_by_name
                          and isinstance(child, str)):
                        child = {"bucket": child}
                    sub = plan.props[key] if declared else plan.extra
                out[key] = (walk(child, sub, (steps, key))
                            if isinstance(child, dict | list) else child)
            return out
        if isinstance(value, list):
            items = plan.items if plan is not None else None
            return [walk(item, items, (steps, _step(item, i)))
                    if isinstance(item, dict | list) else item
                    for i, item in enumerate(value)]
        return value

    return walk(doc, _plan(kind), None), extensions


def _find(value: object, step: Any) -> object:
    if isinstance(step, str):
        return value.get(step) if isinstance(value, dict) else None
    if isinstance(value, list):
        if isinstance(step, int):
            return value[step] if 0 <= step < len(value) else None
        key, name = step
        return next((v for v in value if isinstance(v, dict) and v.get(key) == name), None)
    return None


def with_extensions(doc: dict[str, Any], extensions: Mapping[str, Mapping[str, Any]]) \
        -> dict[str, Any]:
    """``doc`` with its objects' extension keys given back, as :func:`restore_extensions`
    gives them, without changing ``doc``: only the objects on the way to an extension are
    copied, everything else is shared (so a read-only document of 30,000 frequencies with a
    few extension keys costs those few objects, not a second document)."""
    out = dict(doc)
    copied: set[int] = {id(out)}
    indexes: dict[tuple[int, str], dict[Any, int]] = {}  # (list, key) -> {name: position}

    def own(value: Any) -> Any:
        if id(value) in copied:
            return value
        fresh = (dict(value) if isinstance(value, dict)
                 else value.copy() if isinstance(value, PackedList) else list(value))
        copied.add(id(fresh))
        return fresh

    for where, keys in extensions.items():
        target: Any = out
        for step in json.loads(where):
            if isinstance(step, str):
                child = target.get(step) if isinstance(target, dict) else None
                key: Any = step
            elif isinstance(target, list | PackedList):
                if isinstance(step, int):
                    key = step if 0 <= step < len(target) else None
                else:
                    field_, name = step
                    index = indexes.get((id(target), field_))
                    if index is None:
                        index = indexes[(id(target), field_)] = {}
                        if isinstance(target, PackedList) and field_ == "name":
                            for i, n in enumerate(target.names()):  # not decoding each
                                index.setdefault(n, i)
                        else:
                            for i, v in enumerate(target):
                                if isinstance(v, dict):
                                    index.setdefault(v.get(field_), i)
                    key = index.get(name)
                child = None if key is None else target[key]
            else:
                child = None
            if not isinstance(child, dict | list | PackedList):
                target = None
                break
            child = target[key] = own(child)
            target = child
        if isinstance(target, dict):
            target.update(keys)
    return out


def as_read_with_extensions(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` as the held catalog document reads it (the nulls the contract drops cut out
    over the compact text, see :func:`normalized_text`) with its extension keys kept where
    they are: the form in which ``store.catalog_as_exported`` gives the catalog, so that an
    export read so compares with it exactly."""
    normalized, extensions = normalize(doc)
    if extensions and isinstance(normalized, dict):  # read by the walk: now by the text too
        normalized = normalize(normalized)[0]
    if not isinstance(normalized, dict):
        return doc
    return with_extensions(normalized, extensions) if extensions else normalized


def restore_extensions(doc: dict[str, Any], extensions: Mapping[str, Mapping[str, Any]]) -> None:
    """Give the objects of ``doc`` back their extension keys (in place). An extension whose
    object is no longer in the document (renamed or removed since) is left out."""
    for where, keys in extensions.items():
        target: object = doc
        for step in json.loads(where):
            target = _find(target, step)
            if target is None:
                break
        if isinstance(target, dict):
            target.update(keys)
