"""The bill: frozen dataclasses of its periods and lines, and the bill document.

Every line carries the spec's fields (package, service, service_id, kind, status, quantity,
unit_price, amount, gl_code, price_source, explanation) plus what an administrator needs to
check it by hand (the dates it covers, its tier, discount, price book, rollup package).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, fields
from decimal import Decimal
from typing import Any

from app.engine.money import ZERO, format_amount, format_quantity

KINDS = ("recurring", "discount", "transition", "penalty", "one_time", "usage", "contract_fee",
         "tax")


@dataclass(frozen=True, slots=True)
class BillLine:
    """One charge. ``amount`` is rounded once to the currency's minor units.

    ``package`` is the package frequency's name (as the spec's example shows); ``rollup`` is the
    package's name when the package rolls its services up on the printed invoice;
    ``account_package`` is the index of the account-package in the scenario. A tax line with
    ``tax_inclusive`` is informational: its amount is already inside the lines it covers.
    ``days`` of ``period_days`` is the proration of a prorated line (its amount is
    ``quantity x unit_price x days / period_days``); ``account_service`` names the service of
    the account-service a transition or penalty belongs to (``service`` is the fee service it is
    charged on).
    """

    package: str | None
    service: str | None
    service_id: str | None
    kind: str
    status: str | None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    gl_code: str | None
    price_source: str | None
    explanation: str
    description: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    tier: int | None = None
    discount: str | None = None
    price_book: str | None = None
    rollup: str | None = None
    account_package: int | None = None
    tax_category: str | None = None
    tax_inclusive: bool = False
    days: int | None = None
    period_days: int | None = None
    account_service: str | None = None
    catalog_version: str | None = None  # the catalog version whose price the line charges

    @property
    def counts_in_total(self) -> bool:
        return not (self.kind == "tax" and self.tax_inclusive)


def _fast_frozen_init(cls: type[Any]) -> None:
    """Give a frozen, slotted dataclass a quicker ``__init__`` with the same signature.

    A frozen dataclass's generated ``__init__`` looks up ``object.__setattr__`` and the slot
    by name for every field; a simulation creates hundreds of thousands of lines, so this one
    stores each field straight through its slot descriptor instead. Instances stay frozen:
    assignment still raises ``FrozenInstanceError``.
    """
    names = [f.name for f in fields(cls)]
    defaults = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
    source = ["def build(_cls, _defaults):"]
    source += [f"    _set_{n} = _cls.{n}.__set__" for n in names]
    source += [f"    _default_{n} = _defaults[{n!r}]" for n in defaults]
    params = ", ".join(f"{n}=_default_{n}" if n in defaults else n for n in names)
    source.append(f"    def __init__(self, {params}):")
    source += [f"        _set_{n}(self, {n})" for n in names]
    source.append("    return __init__")
    namespace: dict[str, Any] = {}
    exec("\n".join(source), namespace)  # noqa: S102 - generated from the field names only
    init = namespace["build"](cls, defaults)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init


_fast_frozen_init(BillLine)


@dataclass(frozen=True, slots=True)
class BillPeriod:
    """One bill: ``subtotal`` (all but tax lines) + ``tax`` (tax-exclusive tax) = ``total``;
    ``tax_included`` is the tax already inside tax-inclusive charges."""

    start: dt.date
    end: dt.date
    lines: tuple[BillLine, ...]
    subtotal: Decimal
    tax: Decimal
    tax_included: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class Bill:
    account: str
    currency: str
    minor_units: int
    periods: tuple[BillPeriod, ...]
    total: Decimal
    notes: tuple[str, ...] = ()


def make_period(start: dt.date, end: dt.date, lines: list[BillLine]) -> BillPeriod:
    """A period with its totals: sums of its rounded lines."""
    subtotal = tax = included = ZERO
    for line in lines:
        if line.kind != "tax":
            subtotal += line.amount
        elif line.tax_inclusive:
            included += line.amount
        else:
            tax += line.amount
    return BillPeriod(start, end, tuple(lines), subtotal, tax, included, subtotal + tax)


def printed_lines(period: BillPeriod, minor_units: int) -> list[dict[str, Any]]:
    """The customer's printed view: a package with Rollup Services on shows as ONE line named
    after the package (the sum of its lines, in the place of its first line); tax lines stay
    separate; every other line prints as itself."""
    printed: list[dict[str, Any]] = []
    rolled: dict[tuple[str, int | None], dict[str, Any]] = {}
    sums: dict[tuple[str, int | None], Decimal] = {}
    for line in period.lines:
        if line.rollup is not None and line.kind != "tax":
            key = (line.rollup, line.account_package)
            if key not in rolled:
                entry: dict[str, Any] = {"description": line.rollup, "package": line.package,
                                         "kind": "package", "quantity": "1"}
                rolled[key] = entry
                sums[key] = ZERO
                printed.append(entry)
            sums[key] += line.amount
            if line.kind != "discount":  # a discount's dates are its period's, not service's
                _widen_dates(rolled[key], line)
            continue
        printed.append({
            "description": line.description or line.service or line.kind,
            "package": line.package, "kind": line.kind,
            "quantity": format_quantity(line.quantity),
            "unit_price": format_amount(line.unit_price, minor_units),
            "amount": format_amount(line.amount, minor_units),
            **({"included": True} if line.kind == "tax" and line.tax_inclusive else {}),
        })
        _widen_dates(printed[-1], line)
    for key, entry in rolled.items():
        entry["unit_price"] = entry["amount"] = format_amount(sums[key], minor_units)
    return printed


def _widen_dates(entry: dict[str, Any], line: BillLine) -> None:
    """Give a printed line the service dates ``from``/``to`` it covers (the widest of the
    lines it stands for)."""
    if line.start is None or line.end is None:
        return
    start, end = line.start.isoformat(), line.end.isoformat()
    if "from" not in entry or start < entry["from"]:
        entry["from"] = start
    if "to" not in entry or end > entry["to"]:
        entry["to"] = end


def line_to_document(line: BillLine, minor_units: int) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "package": line.package, "service": line.service, "service_id": line.service_id,
        "kind": line.kind, "status": line.status, "quantity": format_quantity(line.quantity),
        "unit_price": format_amount(line.unit_price, minor_units),
        "amount": format_amount(line.amount, minor_units), "gl_code": line.gl_code,
        "price_source": line.price_source, "explanation": line.explanation,
    }
    if line.description:
        doc["description"] = line.description
    if line.start is not None and line.end is not None:
        doc["from"] = line.start.isoformat()
        doc["to"] = line.end.isoformat()
    for key in ("tier", "discount", "price_book", "rollup", "account_package", "tax_category",
                "catalog_version"):
        value = getattr(line, key)
        if value is not None:
            doc[key] = value
    if line.kind == "tax" or line.tax_inclusive:
        doc["tax_inclusive"] = line.tax_inclusive
    if line.days is not None and line.period_days is not None:
        doc["days"] = line.days
        doc["period_days"] = line.period_days
    if line.account_service is not None:
        doc["account_service"] = line.account_service
    return doc


def bill_to_document(bill: Bill) -> dict[str, Any]:
    """The exchange format's bill document: money as strings with the currency's minor units."""
    m = bill.minor_units
    return {
        "format": "bill", "version": 1, "account": bill.account, "currency": bill.currency,
        "periods": [{
            "start": p.start.isoformat(), "end": p.end.isoformat(),
            "lines": [line_to_document(line, m) for line in p.lines],
            "printed_lines": printed_lines(p, m),
            "subtotal": format_amount(p.subtotal, m), "tax": format_amount(p.tax, m),
            "tax_included": format_amount(p.tax_included, m),
            "total": format_amount(p.total, m),
        } for p in bill.periods],
        "total": format_amount(bill.total, m),
        "notes": list(bill.notes),
    }
