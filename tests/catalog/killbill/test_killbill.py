"""Kill Bill catalog XML: exports validate against Kill Bill's own XSD, the samples import."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from shared_files import KILLBILL, needs_shared

from app.catalog.errors import ImportFailure
from app.catalog.killbill import MappingNote, catalog_to_killbill, importer, killbill_to_catalog
from app.package_data import schema

DATA = Path(__file__).parent.parent / "data"
SAMPLES = sorted((KILLBILL / "catalogs").rglob("*.xml"))
WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

pytestmark = needs_shared("external", "killbill", "catalog.xsd")


LOADER: Any = None


@pytest.fixture(autouse=True)
def _kill_bill_loader(kb_loader: Any) -> None:
    """Every Kill Bill XML these tests make also goes through Kill Bill's own loader (in one
    batch at the end of the session: see ``kb_loader`` in tests/conftest.py)."""
    global LOADER
    LOADER = kb_loader


@cache
def xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(KILLBILL / "catalog.xsd"))


def assert_valid_xml(data: bytes) -> ET.Element:
    errors = [str(e.reason) for e in xsd().iter_errors(data.decode("utf-8"))]
    assert errors == []
    LOADER.collect(os.environ.get("PYTEST_CURRENT_TEST", "export"), data)
    return ET.fromstring(data)


def assert_valid_catalog(doc: dict[str, Any]) -> None:
    jsonschema.validate(doc, schema("catalog"))
    try:
        from app.catalog.document.validation import validate_catalog
    except ImportError:  # pragma: no cover - written alongside
        return
    assert [str(p) for p in validate_catalog(doc) if p.severity == "error"] == []


def export(doc: dict[str, Any]) -> tuple[ET.Element, list[MappingNote]]:
    data, notes = catalog_to_killbill(doc, catalog_name="Test", effective_date=WHEN)
    return assert_valid_xml(data), notes


def prices(element: ET.Element | None) -> dict[str, str]:
    if element is None:
        return {}
    return {p.findtext("currency", ""): p.findtext("value", "") for p in element.iter("price")}


def phases(root: ET.Element, plan: str) -> list[tuple[Any, ...]]:
    """(type, number unit, fixed prices, recurring prices) of each phase of a plan."""
    element = root.find(f"plans/plan[@name='{plan}']")
    assert element is not None, plan
    out = []
    for phase in [*element.findall("initialPhases/phase"), element.find("finalPhase")]:
        assert phase is not None
        length = f"{phase.findtext('duration/number', '')} {phase.findtext('duration/unit')}"
        out.append(
            (
                phase.get("type"),
                length.strip(),
                prices(phase.find("fixed/fixedPrice")),
                prices(phase.find("recurring/recurringPrice")),
            )
        )
    return out


def paths(notes: list[MappingNote]) -> set[str]:
    return {n.path for n in notes}


@pytest.fixture
def example() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "spec_example_catalog.json").read_text("utf-8"))
    return loaded


def frequency(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = doc["packages"][0]["frequencies"][0]
    return found


# -- export ------------------------------------------------------------------------------------


def test_spec_example_exports_a_plan_with_trial_then_evergreen(example: dict[str, Any]) -> None:
    root, notes = export(example)
    assert root.findtext("effectiveDate") == "2026-01-01T00:00:00+00:00"
    assert [c.text for c in root.findall("currencies/currency")] == ["USD"]
    product = root.find("products/product")
    assert product is not None
    assert (product.get("name"), product.get("prettyName"), product.findtext("category")) == (
        "Home-Bundle",
        "Home Bundle",
        "BASE",
    )
    # The frequency is a base plan; each service an add-on plan bought with its quantity.
    assert [a.text for a in product.findall("available/addonProduct")] == [
        "Home-Bundle-Internet-100", "Home-Bundle-Data", "Home-Bundle-Installation",
    ]  # fmt: skip
    assert phases(root, "HB-M") == [("EVERGREEN", "UNLIMITED", {}, {"USD": "0"})]
    # "price 0 for 3 months" is a 3-month TRIAL; the installation is a fixed price.
    assert phases(root, "HB-M-Internet-100") == [
        ("TRIAL", "3 MONTHS", {}, {}),
        ("EVERGREEN", "UNLIMITED", {}, {"USD": "50.00"}),
    ]
    assert phases(root, "HB-M-Installation") == [("EVERGREEN", "UNLIMITED", {"USD": "100.00"}, {})]
    usage = root.find("plans/plan[@name='HB-M-Data']/finalPhase/usages/usage")
    assert usage is not None and usage.get("usageType") == "CONSUMABLE"
    assert prices(usage.find("tiers/tier/blocks/tieredBlock/prices")) == {"USD": "2.00"}
    assert [p.text for p in root.findall("priceLists/defaultPriceList/plans/plan")] == [
        "HB-M", "HB-M-Internet-100", "HB-M-Data", "HB-M-Installation",
    ]  # fmt: skip
    base = "packages[0].frequencies[0].price_books.standard.USD"
    assert {
        "statuses", "transitions", "tax_rates", "counting_rules", "contracts", "companies",
        "custom_fields", "promo_codes", "price_plans", "price_books[1].countries", "services[0]",
        f"{base}.transitions[0]", f"{base}.recurring[0]",
        "packages[0].frequencies[0].custom_fields",
    } <= paths(notes)  # fmt: skip
    transition = next(n for n in notes if n.path == f"{base}.transitions[0]")
    assert "49.00" in transition.message and "penalty" in transition.message


def test_discounts_chain_into_phases_in_order(example: dict[str, Any]) -> None:
    row = frequency(example)["price_books"]["standard"]["USD"]["recurring"][0]
    row["discounts"].append(
        dict(row["discounts"][0], name="Then 20% off", type="percent", amount="20")
    )
    row["discounts"].append(
        dict(
            row["discounts"][0],
            name="Then 5 off for a week",
            type="fixed",
            amount="5.00",
            period_months=None,
            period_days=7,
        )
    )
    root, _ = export(example)
    # three periods before the full price: three distinct phase types (Kill Bill finds a
    # phase by <plan>-<type>, so a second DISCOUNT would be billed at the first one's price)
    assert phases(root, "HB-M-Internet-100") == [
        ("TRIAL", "3 MONTHS", {}, {}),
        ("DISCOUNT", "3 MONTHS", {}, {"USD": "40.00"}),
        ("FIXEDTERM", "7 DAYS", {}, {"USD": "45.00"}),
        ("EVERGREEN", "UNLIMITED", {}, {"USD": "50.00"}),
    ]


def test_four_discount_periods_leave_the_service_out_with_the_reason(
    example: dict[str, Any],
) -> None:
    row = frequency(example)["price_books"]["standard"]["USD"]["recurring"][0]
    row["discounts"] += [
        dict(row["discounts"][0], name=f"Then {p} for a month", type="price", amount=p,
             period_months=1)
        for p in ("10.00", "20.00", "30.00")
    ]  # fmt: skip
    root, notes = export(example)
    assert root.find("plans/plan[@name='HB-M-Internet-100']") is None
    assert any(
        "'Internet 100'" in n.message and "4 discount periods" in n.message and "left out"
        in n.message for n in notes
    )  # fmt: skip
    assert phases(root, "HB-M") == [("EVERGREEN", "UNLIMITED", {}, {"USD": "0"})]


def test_discounts_of_several_services_merge_into_one_timeline(example: dict[str, Any]) -> None:
    cell = frequency(example)["price_books"]["standard"]["USD"]
    second = copy.deepcopy(cell["recurring"][0])
    second.update(service="Installation", amounts={"Active": "10.00"})
    second["discounts"][0].update(
        name="Half price 5 months", type="percent", amount="50", period_months=5
    )
    cell["recurring"].append(second)
    root, _ = export(example)
    # each service keeps its own periods in its own add-on plan
    assert phases(root, "HB-M-Internet-100") == [
        ("TRIAL", "3 MONTHS", {}, {}),
        ("EVERGREEN", "UNLIMITED", {}, {"USD": "50.00"}),
    ]
    assert phases(root, "HB-M-Installation") == [
        ("DISCOUNT", "5 MONTHS", {"USD": "100.00"}, {"USD": "5.00"}),
        ("EVERGREEN", "UNLIMITED", {}, {"USD": "10.00"}),
    ]


def test_discounts_kill_bill_cannot_express_are_reported(example: dict[str, Any]) -> None:
    row = frequency(example)["price_books"]["standard"]["USD"]["recurring"][0]
    row["discounts"][0].update(kind="promo_code", promo_code="SPRING")
    root, notes = export(example)
    assert phases(root, "HB-M-Internet-100") == [("EVERGREEN", "UNLIMITED", {}, {"USD": "50.00"})]
    path = "packages[0].frequencies[0].price_books.standard.USD.recurring[0].discounts[0]"
    assert any(n.path == path and "promo code 'SPRING'" in n.message for n in notes)


def test_percent_discount_rounds_to_the_currency_minor_units(example: dict[str, Any]) -> None:
    example["currencies"] = [{"code": "JPY", "minor_units": 0}]
    freq = frequency(example)
    freq["currencies"] = ["JPY"]
    cell = freq["price_books"]["standard"].pop("USD")
    freq["price_books"]["standard"]["JPY"] = cell
    cell["recurring"][0]["amounts"]["Active"] = "1005"
    cell["recurring"][0]["discounts"][0].update(type="percent", amount="15")
    root, _ = export(example)
    assert phases(root, "HB-M-Internet-100")[0][3] == {"JPY": "854"}  # 854.25 rounded half up


@pytest.mark.parametrize(
    ("bill", "period", "reported"),
    [
        ("weekly", "WEEKLY", False), ("monthly", "MONTHLY", False),
        ("quarterly", "QUARTERLY", False), ("semiannual", "BIANNUAL", False),
        ("annual", "ANNUAL", False), ({"months": 4}, "TRIANNUAL", False),
        ({"months": 24}, "BIENNIAL", False), ({"months": 5}, "TRIANNUAL", True),
        ({"months": 10}, "ANNUAL", True),
    ],
)  # fmt: skip
def test_bill_frequencies_become_billing_periods(
    example: dict[str, Any], bill: Any, period: str, reported: bool
) -> None:
    frequency(example)["bill_frequency"] = bill
    root, notes = export(example)
    assert {e.text for e in root.iter("billingPeriod")} == {period}
    assert ("packages[0].frequencies[0].bill_frequency" in paths(notes)) is reported


@pytest.mark.parametrize(
    ("tiering", "policy"), [("progressive", "ALL_TIERS"), ("bracket", "TOP_TIER")]
)
def test_tiers_become_tiered_blocks(example: dict[str, Any], tiering: str, policy: str) -> None:
    freq = frequency(example)
    freq["tiering"] = tiering
    freq["counting_rule"] = "Active lines" if tiering == "bracket" else None
    freq["price_books"]["standard"]["USD"]["recurring"][0]["discounts"] = []
    root, notes = export(example)
    usage = root.find("plans/plan/finalPhase/usages/usage[@prettyName='Internet 100']")
    assert usage is not None and usage.get("tierBlockPolicy") == policy
    blocks = [
        (b.findtext("size"), b.findtext("max"), prices(b.find("prices")))
        for b in usage.iter("tieredBlock")
    ]
    # ends 9 then open: 9 units in the first tier, the rest in the second
    assert blocks == [("1", "9", {"USD": "100.00"}), ("1", "-1", {"USD": "90.00"})]
    assert root.find("plans/plan[@name='HB-M-Internet-100']/finalPhase/recurring") is None
    assert ("packages[0].frequencies[0].counting_rule" in paths(notes)) is (tiering == "bracket")


def test_usage_bucket_and_rate_become_blocks(example: dict[str, Any]) -> None:
    freq = frequency(example)
    freq["price_books"]["standard"]["USD"]["recurring"].append({
        "service": "Data", "amounts": {}, "tiers": {},
        "settings": {"gl_code": None, "tax_category": None, "rate_plan": None,
                     "tax_inclusive": None},
        "usage_bucket": {"bucket": "100 GB", "unit": None,
                         "tiers": [{"threshold": "100", "flat_charge": "0"},
                                   {"threshold": "150", "flat_charge": "20.00"}]},
        "discounts": [],
    })  # fmt: skip
    root, _ = export(example)
    usage = root.find("plans/plan/finalPhase/usages/usage[@prettyName='Data']")
    assert usage is not None and usage.get("tierBlockPolicy") == "ALL_TIERS"
    blocks = [
        (b.findtext("size"), b.findtext("max"), prices(b.find("prices")))
        for b in usage.iter("tieredBlock")
    ]
    # 100 GB for 0, the next 50 GB for 20.00 more, then 2.00 per GB of the rate plan
    assert blocks == [
        ("100", "1", {"USD": "0"}),
        ("50", "1", {"USD": "20.00"}),
        ("1", "-1", {"USD": "2.00"}),
    ]


def test_other_price_books_become_child_price_lists(example: dict[str, Any]) -> None:
    freq = frequency(example)
    de = copy.deepcopy(freq["price_books"]["standard"]["USD"])
    de["recurring"][0]["amounts"]["Active"] = "40.00"
    de["one_time"] = []
    freq["price_books"]["DE"] = {"USD": de}
    root, notes = export(example)
    child = root.find("priceLists/childPriceList")
    assert child is not None
    assert (child.get("name"), child.get("prettyName")) == ("DE", "Germany")
    assert [p.text for p in child.findall("plans/plan")] == [
        "Home-Bundle-Monthly-DE", "Home-Bundle-Monthly-DE-Internet-100",
        "Home-Bundle-Monthly-DE-Data", "Home-Bundle-Monthly-DE-Installation",
    ]  # fmt: skip
    assert phases(root, "Home-Bundle-Monthly-DE-Internet-100") == [
        ("TRIAL", "3 MONTHS", {}, {}),
        ("EVERGREEN", "UNLIMITED", {}, {"USD": "40.00"}),
    ]
    # the DE book has no one-time charge: the standard one applies (price resolution rule 4)
    assert phases(root, "Home-Bundle-Monthly-DE-Installation") == [
        ("EVERGREEN", "UNLIMITED", {"USD": "100.00"}, {})
    ]
    assert "price_books[1].countries" in paths(notes)


def test_awkward_names_become_unique_valid_ids(example: dict[str, Any]) -> None:
    package = example["packages"][0]
    twin = copy.deepcopy(package)
    package["name"] = "1 Home & Bundle"
    twin["name"] = "1 Home / Bundle"
    twin["frequencies"][0]["name"] = "Bundle\x07 Monthly"
    twin["frequencies"][0]["sku"] = "HB-M"  # same SKU: the second plan needs another name
    example["packages"].append(twin)
    root, notes = export(example)
    assert [
        p.get("name") for p in root.findall("products/product") if p.findtext("category") == "BASE"
    ] == ["_1-Home-Bundle", "_1-Home-Bundle-2"]
    plans = {p.get("name"): p for p in root.findall("plans/plan")}
    assert plans["HB-M"].findtext("product") == "_1-Home-Bundle"
    assert plans["HB-M-2"].findtext("product") == "_1-Home-Bundle-2"
    assert plans["HB-M-2"].get("prettyName") == "Bundle\ufffd Monthly"
    assert "packages[1].frequencies[0].name" in paths(notes)


def test_currency_kill_bill_does_not_know_is_reported(example: dict[str, Any]) -> None:
    example["currencies"].append({"code": "XBT", "minor_units": 4})
    frequency(example)["currencies"].append("XBT")
    root, notes = export(example)
    assert [c.text for c in root.findall("currencies/currency")] == ["USD"]
    assert {"currencies[1]", "packages[0].frequencies[0].currencies"} <= paths(notes)


def test_demo_catalog_exports_valid_xml_and_round_trips(demo_catalog: dict[str, Any]) -> None:
    data, notes = catalog_to_killbill(demo_catalog, effective_date=WHEN)
    root = assert_valid_xml(data)
    bases = [p for p in root.findall("products/product") if p.findtext("category") == "BASE"]
    assert len(bases) == len(demo_catalog["packages"])
    assert notes
    back, report = killbill_to_catalog(data)
    assert_valid_catalog(back)
    assert report
    names = {p["name"] for p in back["packages"]}
    assert {p["name"] for p in demo_catalog["packages"]} <= names


def test_spec_example_round_trip_keeps_the_kill_bill_view(example: dict[str, Any]) -> None:
    data, _ = catalog_to_killbill(example, effective_date=WHEN)
    back, _ = killbill_to_catalog(data)
    assert_valid_catalog(back)
    freq = frequency(back)
    assert (freq["name"], freq["sku"], freq["bill_frequency"]) == (
        "Home Bundle Monthly",
        "HB-M",
        "monthly",
    )


def test_default_effective_date_is_now_in_utc(example: dict[str, Any]) -> None:
    data, _ = catalog_to_killbill(example)
    text = ET.fromstring(data).findtext("effectiveDate") or ""
    stamp = dt.datetime.fromisoformat(text)
    assert stamp.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - stamp) < dt.timedelta(minutes=5)


# -- import ------------------------------------------------------------------------------------


def test_there_are_samples() -> None:
    assert len(SAMPLES) >= 9


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: str(p.relative_to(KILLBILL)))
def test_every_sample_imports_with_a_report_and_exports_again(sample: Path) -> None:
    doc, notes = killbill_to_catalog(sample.read_bytes())
    assert_valid_catalog(doc)
    assert notes and all(isinstance(n, MappingNote) and n.message for n in notes)
    source = ET.fromstring(sample.read_bytes())
    assert len(doc["packages"]) == len(source.findall("products/product"))
    assert [c["code"] for c in doc["currencies"]] == [
        c.text for c in source.findall("currencies/currency")
    ]
    data, _ = catalog_to_killbill(doc, effective_date=WHEN)
    assert_valid_xml(data)


def test_discount_and_evergreen_sample_becomes_a_discounted_price() -> None:
    path = KILLBILL / "catalogs/beatrix/testCatalogDiscountAndEvergreen/discount-and-evergreen.xml"
    doc, _ = killbill_to_catalog(path.read_bytes())
    freq = frequency(doc)
    assert (freq["name"], freq["sku"], freq["bill_frequency"]) == (
        "standard-monthly",
        "standard-monthly",
        "monthly",
    )
    row = freq["price_books"]["standard"]["USD"]["recurring"][0]
    assert row["service"] == "Standard" and row["amounts"] == {"Active": "24.95"}
    assert row["discounts"] == [{
        "kind": "discount", "name": "Discount 3 months", "gl_code": None, "active": True,
        "start": "2019-01-01", "end": None, "prorate": True, "status": "Active",
        "type": "price", "amount": "4.95", "period_months": 3,
    }]  # fmt: skip


def test_utility_sample_tiers_and_child_price_list() -> None:
    path = KILLBILL / "catalogs/beatrix/testInArrearWithCatalogVersions/Utility-v1.xml"
    doc, notes = killbill_to_catalog(path.read_bytes())
    assert [b["code"] for b in doc["price_books"]] == ["standard", "Special"]
    freq = frequency(doc)
    assert freq["tiering"] == "progressive"
    standard = freq["price_books"]["standard"]["USD"]["recurring"][0]
    assert standard["tiers"] == {
        "Active": [{"end": 1000, "amount": "1.50"}, {"end": None, "amount": "2.00"}]
    }
    special = freq["price_books"]["Special"]["USD"]["recurring"][0]
    assert special["service"] == standard["service"] == "kilowatt-hour"
    assert special["tiers"] == {"Active": [{"end": None, "amount": "1.00"}]}
    assert any("quantity" in n.message for n in notes)


def test_spycar_trials_currencies_and_minor_units() -> None:
    doc, notes = killbill_to_catalog((KILLBILL / "catalogs/SpyCarAdvanced.xml").read_bytes())
    minor = {c["code"]: c["minor_units"] for c in doc["currencies"]}
    assert minor == {"USD": 2, "GBP": 2, "EUR": 2, "JPY": 0, "BTC": 3}
    standard = next(p for p in doc["packages"] if p["name"] == "Standard")
    monthly = next(f for f in standard["frequencies"] if f["sku"] == "standard-monthly")
    row = monthly["price_books"]["standard"]["GBP"]["recurring"][0]
    assert row["amounts"] == {"Active": "75.00"}
    assert [(d["amount"], d["period_months"], d.get("period_days")) for d in row["discounts"]] == [
        ("0", None, 30)
    ]
    assert any(n.path == "products/product[4]" and "ADD_ON" in n.message for n in notes)


def test_import_goes_into_the_database(db: Any) -> None:
    from app.catalog.database.store import export_catalog, import_catalog

    doc, _ = killbill_to_catalog((KILLBILL / "catalogs/WeaponsHire.xml").read_bytes())
    import_catalog(db, doc, source="WeaponsHire.xml")
    assert export_catalog(db) == doc


# -- hostile input -----------------------------------------------------------------------------

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<catalog><catalogName>&lol2;</catalogName></catalog>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE catalog [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<catalog><catalogName>&xxe;</catalogName></catalog>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE catalog SYSTEM "http://127.0.0.1:9/catalog.dtd"><catalog/>"""


@pytest.mark.parametrize("data", [LAUGHS, XXE, EXTERNAL_DTD], ids=["laughs", "xxe", "dtd"])
def test_dtds_and_entities_are_refused(data: bytes) -> None:
    with pytest.raises(ImportFailure, match="DTD"):
        killbill_to_catalog(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<catalog><plans></catalog>", "not well-formed XML: line 1 column 19: mismatched tag"),
        (b"", "not well-formed XML"),
        (b"<plans/>", "the root element is <plans>"),
        (b"<catalog><currencies/></catalog>", "has no <products>, <plans>"),
        ("<?xml version='1.0' encoding='latin-1'?><catalog/>".encode("utf-16"), "XML"),
    ],
)  # fmt: skip
def test_files_that_are_not_catalogs_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ImportFailure, match=message):
        killbill_to_catalog(data)


def test_too_large_files_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_XML_BYTES", 1000)
    with pytest.raises(ImportFailure, match="too large") as refused:
        killbill_to_catalog((KILLBILL / "catalogs/WeaponsHire.xml").read_bytes())
    assert "the limit is 1,000 bytes: the editor is sized for catalogs of up to 30,000" in (
        refused.value.message)


def test_the_xml_limit_has_room_for_the_largest_catalog_exported_as_kill_bill_xml(
        tmp_path: Path) -> None:
    """A hundredth of the generator's largest catalog, exported as Kill Bill XML and scaled up
    (about 480 MB), is under the limit with room to spare."""
    import sys

    from app.catalog.database import store
    from app.catalog.killbill import catalog_to_killbill

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from generate_catalog import generate_catalog

    db = store.open_catalog(tmp_path / "c.sqlite")
    store.import_catalog(db, generate_catalog(300, 900))
    data, _notes = catalog_to_killbill(store.export_catalog(db))
    db.close()
    assert 1.5 * 100 * len(data) < importer.MAX_XML_BYTES


def test_a_phase_length_out_of_range_is_reported_not_imported() -> None:
    path = KILLBILL / "catalogs/beatrix/testCatalogDiscountAndEvergreen/discount-and-evergreen.xml"
    data = path.read_bytes().replace(b"<number>3</number>", b"<number>99999999999999999999</number>")
    doc, notes = killbill_to_catalog(data)
    assert_valid_catalog(doc)
    assert notes


DISCOUNT_SAMPLE = (
    KILLBILL / "catalogs/beatrix/testCatalogDiscountAndEvergreen/discount-and-evergreen.xml"
)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-24.95", "negative price -24.95"),
        ("1e2", "price '1e2' is not a plain decimal number"),
        ("100,00", "price '100,00' is not a plain decimal number"),
        ("1" * 30, "is too large (30 digits"),
        ("", "is not a plain decimal number"),
    ],
)
def test_a_price_kill_bill_would_refuse_refuses_the_import_naming_it(
    value: str, reason: str
) -> None:
    data = DISCOUNT_SAMPLE.read_bytes().replace(
        b"<value>24.95</value>", f"<value>{value}</value>".encode()
    )
    with pytest.raises(ImportFailure) as caught:
        killbill_to_catalog(data)
    assert reason in caught.value.message
    assert caught.value.message.startswith("plans/plan[") and "/price[" in caught.value.message
    assert "nothing imported" in caught.value.message


def test_a_price_in_an_unlisted_currency_refuses_the_import() -> None:
    text = DISCOUNT_SAMPLE.read_text("utf-8")
    head, _, tail = text.partition("<value>24.95</value>")
    cut = head.rindex("<currency>USD</currency>")
    head = head[:cut] + "<currency>GBP</currency>" + head[cut + len("<currency>USD</currency>"):]
    with pytest.raises(ImportFailure, match="currency 'GBP', which the catalog's <currencies>"):
        killbill_to_catalog((head + "<value>24.95</value>" + tail).encode())


def test_an_element_in_a_foreign_namespace_refuses_the_import(db: Any) -> None:
    from app.catalog.database.store import export_catalog, import_catalog

    doc, _ = killbill_to_catalog((KILLBILL / "catalogs/WeaponsHire.xml").read_bytes())
    import_catalog(db, doc, source="WeaponsHire.xml")
    data = DISCOUNT_SAMPLE.read_bytes().replace(
        b"<plans>", b'<plans><evil:plan xmlns:evil="urn:evil" name="x"/>', 1
    )
    with pytest.raises(ImportFailure, match=r"element <plan> at plans\[1\]/plan\[1\] is in the "
                       "XML namespace 'urn:evil'"):  # fmt: skip
        killbill_to_catalog(data)
    assert export_catalog(db) == doc  # nothing replaced


def test_every_sample_exports_back_with_its_plan_product_and_unit_names() -> None:
    from app.catalog.killbill.exporter import export_killbill
    from app.catalog.killbill.importer import killbill_import

    kept = total = 0
    for sample in SAMPLES:
        data = sample.read_bytes()
        doc, _, names = killbill_import(data)
        out = export_killbill(doc, effective_date=WHEN, names=names).data
        assert_valid_xml(out)
        source, back = ET.fromstring(data), ET.fromstring(out)
        plans = {p.get("name") for p in source.iter("plan") if p.get("name")}
        total += len(plans)
        kept += len(plans & {p.get("name") for p in back.iter("plan") if p.get("name")})
        products = {p.get("name") for p in source.iter("product") if p.get("name")}
        assert products <= {p.get("name") for p in back.iter("product")}, sample.name
        used = {u.text for usage in source.iter("usage") for u in usage.iter("unit") if u.text}
        assert used <= {u.get("name") for u in back.iter("unit")}, sample.name
    assert (kept, total) == (120, 120)


def test_a_one_service_frequency_is_its_own_plan_with_its_trial() -> None:
    sample = KILLBILL / "catalogs/SpyCarAdvanced.xml"
    from app.catalog.killbill.exporter import export_killbill
    from app.catalog.killbill.importer import killbill_import

    doc, _, names = killbill_import(sample.read_bytes())
    root = assert_valid_xml(export_killbill(doc, effective_date=WHEN, names=names).data)
    # standard-monthly: a 30-day free trial then 75.00 GBP a month, as in Kill Bill's sample
    trial, evergreen = phases(root, "standard-monthly")
    assert (trial[0], trial[1]) == ("TRIAL", "30 DAYS")
    assert evergreen[0] == "EVERGREEN" and evergreen[3]["GBP"] == "75.00"
