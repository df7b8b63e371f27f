"""The account scenario: an account, its account-packages and account-services with their status
history, and usage; loaded from the exchange format's account document and checked against a
catalog.

:func:`account_from_document` lists *every* problem it finds (with the JSON path of each) in one
:class:`ScenarioError`. Things that can be simulated but deserve a look (an inactive package
frequency, usage after a package was cancelled...) become warnings on ``Account.warnings`` and
notes on the bill.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.engine.money import parse_decimal
from app.engine.problems import Problem, ScenarioError
from app.engine.snapshot import Catalog
from app.engine.usage import conversion_factor


@dataclass(frozen=True, slots=True)
class StatusChange:
    """The account-service is in ``status`` from ``start`` (inclusive) until the next change."""

    status: str
    start: dt.date


@dataclass(frozen=True, slots=True)
class AccountService:
    id: str
    service: str
    quantity: int
    price: Decimal | None  # the custom price (price resolution step 1)
    statuses: tuple[StatusChange, ...]
    path: str = ""
    dates: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dates", tuple(c.start for c in self.statuses))

    @property
    def start(self) -> dt.date:
        """When the service was added to the account: its first status date."""
        return self.statuses[0].start

    def status_on(self, day: dt.date) -> str | None:
        """The status on ``day``; ``None`` before the service was added."""
        i = bisect_right(self.dates, day)
        return self.statuses[i - 1].status if i else None


@dataclass(frozen=True, slots=True)
class AccountPackage:
    index: int
    frequency: str
    start: dt.date
    cancelled: dt.date | None
    services: tuple[AccountService, ...]

    @property
    def path(self) -> str:
        return f"packages[{self.index}]"


@dataclass(frozen=True, slots=True)
class UsageRecord:
    service_id: str
    quantity: Decimal
    unit: str | None
    date: dt.date


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    country: str
    currency: str
    price_book: str
    bill_day: int
    price_plan: str | None
    promo_codes: frozenset[str]
    packages: tuple[AccountPackage, ...]
    usage: tuple[UsageRecord, ...] = ()
    warnings: tuple[Problem, ...] = ()


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(Problem(path, message, "warning"))

    def text(self, obj: Mapping[str, Any], key: str, path: str, *, required: bool = True,
             default: str | None = None) -> str | None:
        if key not in obj or obj[key] is None:
            if required:
                self.error(f"{path}.{key}" if path else key, "missing")
            return default
        value = obj[key]
        if not isinstance(value, str) or not value:
            self.error(f"{path}.{key}" if path else key,
                       f"expected a non-empty string, got {value!r}")
            return default
        return value

    def date(self, obj: Mapping[str, Any], key: str, path: str,
             *, required: bool = True) -> dt.date | None:
        where = f"{path}.{key}"
        if key not in obj or obj[key] is None:
            if required:
                self.error(where, "missing")
            return None
        value = obj[key]
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(where, f"not a date (YYYY-MM-DD): {value!r}")
            return None

    def items(self, obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(f"{path}.{key}" if path else key, "expected a list")
            return []
        return value


def account_from_document(doc: Mapping[str, Any], catalog: Catalog) -> Account:
    """The account scenario of an account document, checked against ``catalog``.

    Raises :class:`ScenarioError` listing every problem found.
    """
    ck = _Checker()
    if not isinstance(doc, Mapping):
        raise ScenarioError([Problem("", "an account document must be a JSON object")])
    raw = doc.get("account")
    if not isinstance(raw, Mapping):
        ck.error("account", "missing")
        raise ScenarioError(ck.problems)

    name = ck.text(raw, "name", "account", default="") or ""
    country = ck.text(raw, "country", "account", default="") or ""
    currency = ck.text(raw, "currency", "account")
    if currency is not None and currency not in catalog.currencies:
        ck.error("account.currency", f"unknown currency '{currency}'")
    book = ck.text(raw, "price_book", "account")
    if book is not None and book not in catalog.price_books:
        ck.error("account.price_book", f"unknown price book '{book}'")
    bill_day = raw.get("bill_day")
    if isinstance(bill_day, bool) or not isinstance(bill_day, int):
        ck.error("account.bill_day", f"expected a whole day of the month, got {bill_day!r}")
        bill_day = 1
    elif not 1 <= bill_day <= 28:
        ck.error("account.bill_day", f"bill day must be between 1 and 28, got {bill_day}")
    plan = ck.text(raw, "price_plan", "account", required=False)
    if plan is not None and plan not in catalog.price_plans:
        ck.error("account.price_plan", f"unknown price plan '{plan}'")
    codes: set[str] = set()
    for i, code in enumerate(ck.items(raw, "promo_codes", "account")):
        if code not in catalog.promo_codes:
            ck.error(f"account.promo_codes[{i}]", f"unknown promo code {code!r}")
        else:
            codes.add(code)

    by_id: dict[str, tuple[AccountService, AccountPackage | None, str]] = {}
    packages: list[AccountPackage] = []
    for i, p in enumerate(ck.items(doc, "packages", "")):
        package = _package(ck, p, i, catalog, currency, by_id)
        if package is not None:
            packages.append(package)

    usage = _usage(ck, ck.items(doc, "usage", ""), catalog, by_id, book or "", currency or "")

    if ck.problems:
        raise ScenarioError(ck.problems)
    assert currency is not None and book is not None
    return Account(name, country, currency, book, bill_day, plan, frozenset(codes),
                   tuple(packages), tuple(usage), tuple(ck.warnings))


def _package(ck: _Checker, p: Any, i: int, catalog: Catalog, currency: str | None,
             by_id: dict[str, tuple[AccountService, AccountPackage | None, str]]
             ) -> AccountPackage | None:
    path = f"packages[{i}]"
    if not isinstance(p, Mapping):
        ck.error(path, "expected an object")
        return None
    freq_name = ck.text(p, "frequency", path)
    frequency = catalog.frequencies.get(freq_name) if freq_name else None
    package = None
    if freq_name is not None and frequency is None:
        ck.error(f"{path}.frequency", f"unknown package frequency {freq_name!r}")
    elif frequency is not None:
        package = catalog.packages[frequency.package]
        if currency is not None and currency not in frequency.currencies:
            ck.error(f"{path}.frequency",
                     f"currency '{currency}' is not enabled on package frequency '{freq_name}'")
        if not frequency.active:
            ck.warn(f"{path}.frequency", f"package frequency '{freq_name}' is inactive; an "
                    "existing account-package keeps billing, but it can no longer be sold")
        if not package.enabled:
            ck.warn(f"{path}.frequency", f"package '{package.name}' is disabled; an existing "
                    "account-package keeps billing, but it can no longer be sold")
    start = ck.date(p, "start", path)
    cancelled = ck.date(p, "cancelled", path, required=False)
    if start is not None and cancelled is not None and cancelled < start:
        ck.error(f"{path}.cancelled", f"cancelled on {cancelled} before the package starts "
                                      f"({start})")
    services: list[AccountService] = []
    names_seen: set[str] = set()
    for j, s in enumerate(ck.items(p, "services", path)):
        svc = _service(ck, s, f"{path}.services[{j}]", catalog, package, start, by_id)
        if svc is not None:
            services.append(svc)
            names_seen.add(svc.service)
    if package is not None and package.billing_activation_service is not None \
            and package.billing_activation_service not in names_seen and services:
        ck.warn(path, f"package '{package.name}' bills only once its billing activation "
                f"service '{package.billing_activation_service}' is active, and this "
                "account-package has no such service: its recurring charges are held back")
    if freq_name is None or start is None:
        return None
    result = AccountPackage(i, freq_name, start, cancelled, tuple(services))
    for svc in services:
        by_id[svc.id] = (svc, result, svc.path)
    return result


def _service(ck: _Checker, s: Any, path: str, catalog: Catalog, package: Any,
             package_start: dt.date | None,
             by_id: dict[str, tuple[AccountService, AccountPackage | None, str]]
             ) -> AccountService | None:
    if not isinstance(s, Mapping):
        ck.error(path, "expected an object")
        return None
    sid = ck.text(s, "id", path)
    if sid is not None:
        if sid in by_id:
            ck.error(f"{path}.id", f"duplicate service id '{sid}' (also {by_id[sid][2]})")
        else:
            by_id[sid] = (AccountService(sid, "", 0, None, (), path), None, path)
    name = ck.text(s, "service", path)
    if name is not None:
        if name not in catalog.services:
            ck.error(f"{path}.service", f"unknown service '{name}'")
        elif package is not None and name not in package.services:
            ck.error(f"{path}.service", f"service '{name}' is not in package '{package.name}'")
    quantity = s.get("quantity", 1)
    if quantity is None:
        quantity = 1
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        ck.error(f"{path}.quantity", f"expected a whole number of units >= 0, got {quantity!r}")
        quantity = 1
    price = None
    if s.get("price") is not None:
        try:
            price = parse_decimal(s["price"])
            if price < 0:
                ck.error(f"{path}.price", "a custom price cannot be negative")
        except ValueError as exc:
            ck.error(f"{path}.price", str(exc))
    changes: list[StatusChange] = []
    raw_statuses = ck.items(s, "statuses", path)
    if not raw_statuses:
        ck.error(f"{path}.statuses", "an account-service needs at least one status")
    for k, st in enumerate(raw_statuses):
        where = f"{path}.statuses[{k}]"
        if not isinstance(st, Mapping):
            ck.error(where, "expected an object")
            continue
        status = ck.text(st, "status", where)
        if status is not None and status not in catalog.statuses:
            ck.error(f"{where}.status", f"unknown status '{status}'")
        day = ck.date(st, "from", where)
        if day is None or status is None:
            continue
        if changes:
            before = changes[-1].start
            if day < before:
                ck.error(f"{where}.from", f"status history not in date order: {day} comes "
                                          f"before {before} (statuses[{k - 1}].from)")
            elif day == before:
                ck.error(f"{where}.from", f"overlapping status history: statuses[{k - 1}] "
                                          f"also starts on {day}")
        elif package_start is not None and day < package_start:
            ck.error(f"{where}.from", f"the service's first status ({day}) is before the "
                                      f"package starts ({package_start})")
        changes.append(StatusChange(status, day))
    if sid is None or name is None or not changes:
        return None
    return AccountService(sid, name, quantity, price, tuple(changes), path)


def _usage(ck: _Checker, raw: list[Any], catalog: Catalog,
           by_id: dict[str, tuple[AccountService, AccountPackage | None, str]],
           book: str, currency: str) -> list[UsageRecord]:
    records: list[UsageRecord] = []
    for i, u in enumerate(raw):
        path = f"usage[{i}]"
        if not isinstance(u, Mapping):
            ck.error(path, "expected an object")
            continue
        sid = ck.text(u, "service_id", path)
        day = ck.date(u, "date", path)
        try:
            quantity = parse_decimal(u.get("quantity"))
            if quantity < 0:
                ck.error(f"{path}.quantity", "usage cannot be negative")
        except ValueError as exc:
            ck.error(f"{path}.quantity", str(exc))
            quantity = Decimal(0)
        unit = ck.text(u, "unit", path, required=False)
        if sid is None:
            continue
        found = by_id.get(sid)
        if found is None:
            ck.error(f"{path}.service_id", f"unknown service_id '{sid}'")
            continue
        svc, ap, _ = found
        service = catalog.services.get(svc.service)
        if ap is None or service is None:
            continue  # the account-service itself is faulty and already reported
        if service.base_type != "usage":
            ck.error(f"{path}.service_id", f"service_id '{sid}' is '{svc.service}', which is "
                                           f"not a usage service")
            continue
        target = _usage_unit(catalog, ap.frequency, book, currency, svc.service)
        if unit is not None and target is not None and conversion_factor(unit, target) is None:
            ck.error(f"{path}.unit", f"cannot convert '{unit}' to '{target}' (the unit of "
                                     f"'{svc.service}')")
            continue
        if day is None:
            continue
        if day < svc.start:
            ck.error(f"{path}.date", f"usage on {day} is before service '{sid}' starts "
                                     f"({svc.start})")
            continue
        if ap.cancelled is not None and day >= ap.cancelled:
            ck.warn(f"{path}.date", f"usage on {day} is after the package was cancelled "
                                    f"({ap.cancelled}) and is not billed")
        records.append(UsageRecord(sid, quantity, unit, day))
    return records


def _usage_unit(catalog: Catalog, frequency: str, book: str, currency: str,
                service: str) -> str | None:
    """The unit usage of ``service`` is measured in: the bucket's (or its override), else the
    service's own."""
    freq = catalog.frequencies.get(frequency)
    if freq is not None:
        row, _ = freq.recurring_row(book, currency, service)
        if row is not None and row.usage_bucket is not None:
            setting = row.usage_bucket
            bucket = catalog.usage_buckets.get(setting.bucket)
            if setting.unit:
                return setting.unit
            if bucket is not None:
                return bucket.unit
    return catalog.services[service].unit
