"""Fuzzing the importers: whatever the file holds, the answer is a document or ImportFailure.

Never another exception (a crash in the window, a traceback on the command line), and a
document that comes back is always one the rest of the application accepts.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jsonschema
import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_files import KILLBILL, needs_shared

from app.catalog.document.safe_json import load_json_document
from app.catalog.errors import ImportFailure
from app.catalog.killbill import catalog_to_killbill, killbill_to_catalog
from app.package_data import schema

sys.path.insert(0, str(Path(__file__).parent))
from strategies import catalogs  # noqa: E402

SAMPLES = sorted((KILLBILL / "catalogs").rglob("*.xml"))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def sample_bytes() -> list[bytes]:
    return [p.read_bytes() for p in SAMPLES]


@cache
def xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(KILLBILL / "catalog.xsd"))


def load_or_refuse(data: bytes | str) -> object:
    try:
        return load_json_document(data, source="fuzz.json")
    except ImportFailure as exc:
        assert exc.message.startswith("fuzz.json: ")
        return exc


def import_or_refuse(data: bytes) -> dict[str, Any] | None:
    try:
        doc, notes = killbill_to_catalog(data)
    except ImportFailure as exc:
        assert exc.message
        return None
    jsonschema.validate(doc, schema("catalog"))
    assert all(n.path is not None and n.message for n in notes)
    return doc


# -- JSON --------------------------------------------------------------------------------------

JSON_TOKENS = [
    "{", "}", "[", "]", ",", ":", '"a"', '"a"', '"b"', '"\\ud800"', '"\\u00e9"', '"\\\\"',
    "0", "-1", "1.5", "1e999", "9" * 60, "NaN", "-Infinity", "true", "null", " ", "\n", '"',
    "\\", "\x00", "é",
]  # fmt: skip

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**15), 10**15)
    | st.floats(allow_nan=False, allow_infinity=False, width=32) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=4),
    max_leaves=20,
)  # fmt: skip


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_give_a_value_or_import_failure(data: bytes) -> None:
    load_or_refuse(data)


@FAST
@given(st.lists(st.sampled_from(JSON_TOKENS), max_size=80).map("".join))
def test_json_like_text_agrees_with_json_where_it_is_accepted(text: str) -> None:
    result = load_or_refuse(text.encode("utf-8", "surrogatepass"))
    if not isinstance(result, ImportFailure):
        assert result == json.loads(text)


@FAST
@given(json_values)
def test_valid_documents_load_unchanged(value: Any) -> None:
    text = json.dumps(value)
    loaded = load_json_document(text.encode("utf-8"), source="v")
    assert loaded == value


# -- Kill Bill XML -----------------------------------------------------------------------------

XML_TOKENS = [
    b"<", b">", b"</plan>", b"<plan name='x'>", b"<value>-1</value>", b"1e9999", b"&amp;",
    b"&lol;", b"<!DOCTYPE x>", b"<max>1E400</max>", b"<number>0</number>", b"<size>0</size>",
    b"<unit>YEARS</unit>", b"NaN", b"\x00", b"\xff", b"<tier></tier>", b"<currency>usd</currency>",
    b"<value>99999999999999999999.1234567</value>", b'type="FOO"', b"<![CDATA[x]]>",
    b"<?pi x?>", b"<!-- c -->", b"<finalPhase type='TRIAL'/>",
]  # fmt: skip


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(sample_bytes())))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["delete", "insert", "text"]))
        if op == "delete":
            del data[pos : pos + draw(st.integers(1, 60))]
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from(XML_TOKENS))
        else:  # replace the text of the element closing after pos
            start = data.find(b">", pos)
            end = data.find(b"<", start)
            if 0 <= start < end:
                data[start + 1 : end] = draw(st.sampled_from(
                    [b"", b"-5", b"0", b"3.14159265358979", b"1E5", b"UNLIMITED", b"ALL_TIERS",
                     b"-1", b"BTC", b"  \n ", b"x" * 300]))  # fmt: skip
    return bytes(data)


VOCABULARY = [
    "effectiveDate", "catalogName", "currencies", "currency", "units", "unit", "products",
    "product", "category", "plans", "plan", "initialPhases", "phase", "finalPhase", "duration",
    "number", "fixed", "fixedPrice", "recurring", "billingPeriod", "recurringPrice", "price",
    "value", "usages", "usage", "tiers", "tier", "blocks", "block", "tieredBlock", "size", "max",
    "limits", "limit", "prices", "priceLists", "defaultPriceList", "childPriceList", "rules",
]  # fmt: skip
TEXTS = [
    "",
    "USD",
    "EUR",
    "BASE",
    "MONTHLY",
    "DAILY",
    "DAYS",
    "MONTHS",
    "UNLIMITED",
    "3",
    "-1",
    "0.5",
    "1e3",
    "abc",
    "p1",
    "u1",
    "2020-01-01T00:00:00Z",
    "99999999999",
]
ATTRIBUTES = {
    "name": ["p1", "u1", "x", ""],
    "type": ["TRIAL", "EVERGREEN", "DISCOUNT", "?"],
    "usageType": ["CONSUMABLE", "CAPACITY"],
    "billingMode": ["IN_ARREAR"],
    "tierBlockPolicy": ["ALL_TIERS", "TOP_TIER"],
    "prettyName": ["P"],
}


@cache
def elements(depth: int) -> st.SearchStrategy[str]:
    leaf = st.builds(
        lambda tag, attrs, text: f"<{tag}{attrs}>{escape(text)}</{tag}>",
        st.sampled_from(VOCABULARY),
        st.dictionaries(st.sampled_from(sorted(ATTRIBUTES)), st.sampled_from(TEXTS), max_size=2)
        .map(lambda d: "".join(f' {k}="{escape(v)}"' for k, v in d.items())),
        st.sampled_from(TEXTS),
    )  # fmt: skip
    if depth == 0:
        return leaf
    node = st.builds(
        lambda tag, attrs, children: f"<{tag}{attrs}>{''.join(children)}</{tag}>",
        st.sampled_from(VOCABULARY),
        st.sampled_from(["", ' name="p1"', ' type="EVERGREEN"',
                         ' name="u1" usageType="CONSUMABLE" billingMode="IN_ARREAR"']),
        st.lists(elements(depth - 1), max_size=3),
    )  # fmt: skip
    return leaf | node


@st.composite
def generated_catalogs(draw: st.DrawFn) -> bytes:
    parts = draw(st.lists(elements(3), max_size=5))
    required = (
        "<currencies><currency>USD</currency></currencies><products>"
        "<product name='p1'><category>BASE</category></product></products><plans>"
    )
    body = "".join(parts)
    if draw(st.booleans()):
        body = required + body + "</plans>"
    return f"<catalog>{body}</catalog>".encode()


@needs_shared("external", "killbill", "catalogs")
@SLOW
@given(mutated_samples())
def test_mutated_kill_bill_samples_import_or_fail_cleanly(data: bytes) -> None:
    import_or_refuse(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_catalogs())
def test_generated_catalog_trees_import_or_fail_cleanly(data: bytes) -> None:
    import_or_refuse(data)


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_import_or_fail_cleanly(data: bytes) -> None:
    import_or_refuse(b"<catalog>" + data)
    import_or_refuse(data)


@pytest.mark.slow
@needs_shared("external", "killbill", "catalogs")
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_every_catalog_exports_to_valid_kill_bill_xml(doc: dict[str, Any]) -> None:
    data, notes = catalog_to_killbill(doc, catalog_name="fuzz")
    assert [str(e.reason) for e in xsd().iter_errors(data.decode("utf-8"))] == []
    back = import_or_refuse(data)
    assert back is not None
    # every package is a BASE product; its services are ADD_ON products (imported apart)
    assert len(back["packages"]) >= len(doc["packages"])
