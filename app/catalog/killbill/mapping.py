"""Kill Bill catalog XML: export a catalog document to it and import one from it.

Kill Bill (an open-source billing platform) describes what it sells in a catalog XML file whose
schema is ``catalog.xsd``. Its model is smaller than ours: a *product* is sold through *plans*,
each plan a sequence of *phases* (TRIAL, DISCOUNT, FIXEDTERM, then EVERGREEN) that each carry a
fixed price, a recurring price per currency and usage sections. The mapping (see
``docs/killbill.md``) is:

======================================  =====================================================
ours                                    Kill Bill
======================================  =====================================================
package                                 product (category BASE)
package frequency, standard price book  plan in the DEFAULT price list
other price book                        child price list holding one plan per frequency
bill frequency                          billingPeriod of every recurring and usage section
recurring prices (billing status)       recurring price of the EVERGREEN phase (summed)
timed discounts, in order               TRIAL / DISCOUNT phases before the EVERGREEN one
one-time charges                        fixed price of the first phase
tiers (progressive / bracket)           CONSUMABLE usage, ALL_TIERS / TOP_TIER tiered blocks
usage bucket, rate plan rate            CONSUMABLE usage: one block per bucket tier, then a
                                        per-unit block for the rate
======================================  =====================================================

Whatever has no Kill Bill counterpart (service statuses other than the billing one, transition
charges and penalties, taxes, counting rules, contracts, custom fields, promo codes, price
plans, price book countries...) is listed in the report, one :class:`MappingNote` per thing, so
nothing is dropped silently. Importing reads the same elements back and reports the rest
(rules, add-on links, limits, phases or periods we cannot express).

XML is parsed with defusedxml with DTDs forbidden: entity expansion, external entities and
other DTD tricks are refused with an :class:`ImportFailure`.
"""


from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

Doc = dict[str, Any]

_CURRENCY_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYR BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GGP GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS IMP INR IQD IRR ISK JEP
    JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LVL LYD MAD MDL MGA
    MKD MMK MNT MOP MRO MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
    PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SPL SRD STD SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TVD TWD TZS UAH UGX USD UYU UZS VEF VND VUV WST XAF XCD XDR XOF XPF
    YER ZAR ZMW ZWD BTC"""
KILLBILL_CURRENCIES = frozenset(_CURRENCY_CODES.split())
"""The currencies Kill Bill's catalog.xsd allows."""

STANDARD_BOOK = "standard"
DEFAULT_PRICE_LIST = "DEFAULT"

_FREQUENCY_PERIOD = {
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "semiannual": "BIANNUAL",
    "annual": "ANNUAL",
}
_MONTHS_PERIOD = {
    1: "MONTHLY", 2: "BIMESTRIAL", 3: "QUARTERLY", 4: "TRIANNUAL", 6: "BIANNUAL", 12: "ANNUAL",
    24: "BIENNIAL",
}  # fmt: skip


@dataclass(frozen=True)
class MappingNote:
    """Something that could not be carried over exactly: where it is and what happened to it.

    ``path`` is a JSON path into our catalog document (export) or an XPath-like location in the
    Kill Bill file (import)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(catalog)'}: {self.message}"


class _Notes:
    """Collects notes in order, once each."""

    def __init__(self) -> None:
        self.items: list[MappingNote] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, path: str, message: str) -> None:
        if (path, message) not in self._seen:
            self._seen.add((path, message))
            self.items.append(MappingNote(path, message))


def _join(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


def _dec(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or (number and not -20 <= number.adjusted() <= 20):
        return None  # not a price: no catalog document the schema accepts holds one
    return number


def _dec_text(value: Decimal) -> str:
    """xs:decimal text: plain digits, never an exponent."""
    return format(value, "f")

