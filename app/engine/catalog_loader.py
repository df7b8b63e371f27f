"""Building the catalog snapshot from the exchange format's catalog document.

``catalog_from_document`` expects a schema-valid document; it still checks every reference the
engine follows (a status, a service, a price book, a counting rule...) and raises
:class:`~app.engine.snapshot.CatalogError` listing all the dangling ones with their JSON paths.
Package frequencies are built on first use (:class:`FrequencyTable`), so a snapshot of a
catalog of tens of thousands of frequencies loads quickly; the default check builds them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.engine.allocation import gc_paused
from app.engine.money import parse_decimal, quantum
from app.engine.packed import PackedFrequency, PackedList
from app.engine.periods import bill_frequency_from_document
from app.engine.problems import BRACKET_NEEDS_COUNTING_RULE, Problem
from app.engine.rules import bucket_threshold_problem, tier_end_problem
from app.engine.snapshot import (
    EMPTY_CHARGES,
    NO_SETTINGS,
    BucketTier,
    Catalog,
    CatalogError,
    Charges,
    Contract,
    CountingRule,
    Currency,
    Discount,
    DiscountConfig,
    OneTimeCharge,
    Package,
    PackageFrequency,
    Penalty,
    PriceBook,
    PricePlan,
    PromoCode,
    RatePlan,
    RecurringCharge,
    Service,
    ServiceSettings,
    Status,
    Tier,
    Transition,
    TransitionCharge,
    UsageBucket,
    UsageBucketSetting,
)

# --------------------------------------------------------------------------------------------
# Loading


RawFrequency = tuple[Mapping[str, Any] | PackedFrequency, str, str, frozenset[str]]
"""A frequency's document (or where its package's bytes are), package, path and the package's
services."""


def _opt_date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _path(*parts: object) -> str:
    return "".join(str(p) for p in parts)


class _Loader:
    """Builds snapshot objects, collecting every problem instead of stopping at the first.

    JSON paths are only assembled when something is wrong: the happy path of a large catalog
    stays cheap. Equal amount strings share one parsed ``Decimal``.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.decimals: dict[str, Decimal] = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def money(self, value: Any, *path: object) -> Decimal:
        if isinstance(value, str):
            cached = self.decimals.get(value)
            if cached is not None:
                return cached
        try:
            amount = parse_decimal(value)
        except ValueError as exc:
            self.problem(_path(*path), str(exc))
            return Decimal(0)
        if amount < 0:
            self.problem(_path(*path), f"a catalog amount cannot be negative ({value})")
        elif isinstance(value, str):
            self.decimals[value] = amount
        return amount

    def tiers(self, raw: list[dict[str, Any]], path: str) -> tuple[Tier, ...]:
        tiers: list[Tier] = []
        previous: int | None = None
        last = len(raw) - 1
        for i, item in enumerate(raw):
            end = item.get("end")
            if end is None:
                if i != last:
                    self.problem(f"{path}[{i}].end", "only the last tier may be open-ended")
            else:
                problem = tier_end_problem(i, end, previous)
                if problem:
                    self.problem(f"{path}[{i}].end", problem)
                previous = end
            tiers.append(Tier(end, self.money(item.get("amount"), path, "[", i, "].amount")))
        if not tiers:
            self.problem(path, "tiers cannot be empty")
        elif tiers[-1].end is not None:
            self.problem(f"{path}[{last}].end", "the last tier must be open-ended (null)")
        return tuple(tiers)

    def bucket_tiers(self, raw: list[dict[str, Any]], path: str) -> tuple[BucketTier, ...]:
        tiers = [
            BucketTier(self.money(t.get("threshold"), path, "[", i, "].threshold"),
                       self.money(t.get("flat_charge"), path, "[", i, "].flat_charge"))
            for i, t in enumerate(raw)
        ]
        if not tiers:
            self.problem(path, "a usage bucket needs at least one tier")
        for i in range(1, len(tiers)):  # refused, not sorted: the catalog says what it means
            problem = bucket_threshold_problem(i, tiers[i].threshold, tiers[i - 1].threshold)
            if problem:
                self.problem(f"{path}[{i}].threshold", problem)
        return tuple(tiers)


@dataclass(frozen=True, slots=True)
class _Refs:
    """The reference data a package frequency may name."""

    currencies: Mapping[str, Currency]
    price_books: Mapping[str, PriceBook]
    statuses: Mapping[str, Status]
    transitions: Mapping[str, Transition]
    services: Mapping[str, Service]
    rate_plans: Mapping[str, RatePlan]
    usage_buckets: Mapping[str, UsageBucket]
    counting_rules: Mapping[str, CountingRule]
    contracts: Mapping[str, Contract]
    promo_codes: Mapping[str, PromoCode]


class FrequencyTable(Mapping[str, PackageFrequency]):
    """The package frequencies by name, each built from its document on first use.

    A large catalog holds tens of thousands of frequencies while a simulation touches a few;
    building them on demand keeps loading the snapshot fast. Built frequencies are kept, so the
    table never changes what it returns (concurrent first uses build equal objects).
    """

    def __init__(self, raw: dict[str, RawFrequency],
                 refs: _Refs, decimals: dict[str, Decimal]) -> None:
        self._raw = raw
        self._refs = refs
        self._decimals = decimals
        self._built: dict[str, PackageFrequency] = {}

    def __getitem__(self, name: str) -> PackageFrequency:
        built = self._built.get(name)
        if built is not None:
            return built
        f, package, path, members = self._raw[name]
        ld = _Loader()
        ld.decimals = self._decimals
        with gc_paused():
            built = _frequency(ld, _loaded(f), path, package, members, self._refs)
        if ld.problems:
            raise CatalogError(ld.problems)
        self._built[name] = built
        return built

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def raw(self, name: str) -> RawFrequency:
        """The document of frequency ``name`` with its package, path and package services."""
        f, package, path, members = self._raw[name]
        return _loaded(f), package, path, members

    def replacing(self, raw: dict[str, RawFrequency],
                  removed: set[str]) -> FrequencyTable:
        """A new table: these frequencies (``raw``, as in the constructor) in place of those
        named in ``removed``; every other one (built or not) shared with this table."""
        table = FrequencyTable.__new__(FrequencyTable)
        # copied whole and the few changed taken out: filtering tens of thousands of
        # entries one by one cost more than the edit
        table._raw = dict(self._raw)
        for name in removed:
            table._raw.pop(name, None)
        table._raw.update(raw)
        table._refs = self._refs
        table._decimals = self._decimals
        table._built = dict(self._built)
        for name in (*removed, *raw):
            table._built.pop(name, None)
        return table

    def check(self) -> list[Problem]:
        """Build every frequency now; the problems of all of them."""
        with gc_paused():
            return self._check()

    def _check(self) -> list[Problem]:
        problems: list[Problem] = []
        for name, (f, package, path, members) in self._raw.items():
            if name in self._built:
                continue
            ld = _Loader()
            ld.decimals = self._decimals
            built = _frequency(ld, _loaded(f), path, package, members, self._refs)
            if ld.problems:
                problems.extend(ld.problems)
            else:
                self._built[name] = built
        return problems


def _loaded(f: Mapping[str, Any] | PackedFrequency) -> Mapping[str, Any]:
    """A frequency's document, decoded when the catalog's packages are packed."""
    return f.load() if isinstance(f, PackedFrequency) else f


def catalog_from_document(doc: Mapping[str, Any], *, check: bool = True) -> Catalog:
    """The snapshot of a (schema-valid) catalog document.

    With ``check`` (the default) every reference the engine follows is checked now and
    :class:`CatalogError` lists all the dangling ones. ``check=False`` is for documents that
    are consistent by construction (the catalog database): package frequencies are then only
    built, and checked, when a simulation first uses them.
    """
    with gc_paused():
        catalog = _catalog(doc, check)
    if doc.get("versions"):
        from app.engine.versions import with_versions
        catalog = with_versions(catalog, doc["versions"], check=check)
    return catalog


def replace_packages(catalog: Catalog, packages: Sequence[Mapping[str, Any]],
                     removed: Iterable[str] = ()) -> Catalog:
    """A new snapshot: ``catalog`` with the packages ``removed`` (names) gone and
    ``packages`` (documents from a catalog consistent by construction, as for
    ``check=False``) in place of those of the same name; every other package and frequency is
    shared, so an edit of one package costs that package. The reference data are unchanged."""
    if not isinstance(catalog.frequencies, FrequencyTable):
        raise TypeError("replace_packages needs a snapshot from catalog_from_document")
    gone = set(removed) | {p["name"] for p in packages}
    old_frequencies = {f for name in gone if name in catalog.packages
                       for f in catalog.packages[name].frequencies}
    package_map = dict(catalog.packages)
    for name in gone:
        package_map.pop(name, None)
    raw: dict[str, RawFrequency] = {}
    for p in packages:
        members = frozenset(p.get("services", []))
        names = []
        for j, f in enumerate(p.get("frequencies", [])):
            raw[f["name"]] = (f, p["name"], f"packages[{p['name']!r}].frequencies[{j}]", members)
            names.append(f["name"])
        package_map[p["name"]] = Package(
            p["name"], bool(p.get("enabled", True)), p.get("company"),
            bool(p.get("rollup_services", False)), p.get("billing_activation_service"),
            tuple(p.get("services", [])), tuple(names))
    frequencies = catalog.frequencies.replacing(raw, old_frequencies)
    fresh = dataclasses.replace(catalog, packages=package_map, frequencies=frequencies, memo={},
                                versions=())
    if catalog.versions:
        from app.engine.versions import rebuild_versions
        fresh = rebuild_versions(fresh, catalog.versions)
    return fresh


def _catalog(doc: Mapping[str, Any], check: bool) -> Catalog:
    ld = _Loader()
    currencies: dict[str, Currency] = {}
    for c in doc.get("currencies", []):
        minor = int(c["minor_units"])
        currencies[c["code"]] = Currency(c["code"], minor, quantum(minor))
    price_books = {
        b["code"]: PriceBook(b["code"], b.get("name", b["code"]), tuple(b.get("countries", ())))
        for b in doc.get("price_books", [])
    }
    statuses = {s["name"]: Status(s["name"], bool(s.get("cancelled", False)))
                for s in doc.get("statuses", [])}
    services = {
        s["name"]: Service(s["name"], s["base_type"], s.get("gl_code"), s.get("tax_category"),
                           bool(s.get("tax_inclusive") or False), s.get("unit"))
        for s in doc.get("services", [])
    }

    def need(kind: Mapping[str, Any] | set[str], name: str | None, path: str,
             what: str) -> None:
        if name is not None and name not in kind:
            ld.problem(path, f"unknown {what} '{name}'")

    transitions: dict[str, Transition] = {}
    for i, t in enumerate(doc.get("transitions", [])):
        need(statuses, t["from"], f"transitions[{i}].from", "status")
        need(statuses, t["to"], f"transitions[{i}].to", "status")
        transitions[t["name"]] = Transition(t["name"], t["from"], t["to"])

    tax_rates: dict[tuple[str, str], Decimal] = {}
    for i, r in enumerate(doc.get("tax_rates", [])):
        tax_rates[(r["category"], r["country"])] = ld.money(r["rate"], f"tax_rates[{i}].rate")

    rate_plans: dict[str, RatePlan] = {}
    for i, p in enumerate(doc.get("rate_plans", [])):
        rates: dict[tuple[str, str], Decimal] = {}
        for j, r in enumerate(p.get("rates", [])):
            where = f"rate_plans[{i}].rates[{j}]"
            need(services, r["service"], f"{where}.service", "service")
            need(currencies, r["currency"], f"{where}.currency", "currency")
            rates[(r["service"], r["currency"])] = ld.money(r["per_unit"], where, ".per_unit")
        rate_plans[p["name"]] = RatePlan(p["name"], rates)

    usage_buckets: dict[str, UsageBucket] = {}
    for i, b in enumerate(doc.get("usage_buckets", [])):
        need(services, b["service"], f"usage_buckets[{i}].service", "service")
        usage_buckets[b["name"]] = UsageBucket(
            b["name"], b["service"], b["unit"],
            ld.bucket_tiers(b["tiers"], f"usage_buckets[{i}].tiers"),
        )

    package_docs = doc.get("packages", [])
    packed = isinstance(package_docs, PackedList)
    package_names = set(package_docs.names() if packed else (p["name"] for p in package_docs))
    counting_rules: dict[str, CountingRule] = {}
    for i, r in enumerate(doc.get("counting_rules", [])):
        packages_rule = r["counts"] == "packages"
        for j, item in enumerate(r.get("items", [])):
            need(package_names if packages_rule else services, item,
                 f"counting_rules[{i}].items[{j}]", "package" if packages_rule else "service")
        for j, st in enumerate(r.get("statuses", [])):
            need(statuses, st, f"counting_rules[{i}].statuses[{j}]", "status")
        counting_rules[r["name"]] = CountingRule(
            r["name"], r["counts"], frozenset(r.get("items", [])), frozenset(r.get("statuses", []))
        )

    contracts = {
        c["name"]: Contract(c["name"], int(c["term_months"]),
                            ld.money(c["early_termination_fee"],
                                     f"contracts[{i}].early_termination_fee"),
                            c.get("gl_code"))
        for i, c in enumerate(doc.get("contracts", []))
    }

    promo_codes: dict[str, PromoCode] = {}
    for i, p in enumerate(doc.get("promo_codes", [])):
        d = p["discount"]
        where = f"promo_codes[{i}].discount"
        need(statuses, d.get("status"), f"{where}.status", "status")
        promo_codes[p["code"]] = PromoCode(p["code"], DiscountConfig(
            d["type"], ld.money(d["amount"], where, ".amount"), d.get("period_months"),
            d.get("period_days"), d.get("prorate"), d.get("status"), d.get("gl_code"),
            _opt_date(d.get("start")), _opt_date(d.get("end")),
        ))

    price_plans: dict[str, PricePlan] = {}
    for i, p in enumerate(doc.get("price_plans", [])):
        prices: dict[tuple[str, str | None, str], Decimal] = {}
        for j, r in enumerate(p.get("prices", [])):
            where = f"price_plans[{i}].prices[{j}]"
            need(services, r["service"], f"{where}.service", "service")
            need(statuses, r.get("status"), f"{where}.status", "status")
            need(currencies, r["currency"], f"{where}.currency", "currency")
            prices[(r["service"], r.get("status"), r["currency"])] = ld.money(
                r["amount"], where, ".amount"
            )
        price_plans[p["name"]] = PricePlan(p["name"], prices)

    refs = _Refs(currencies, price_books, statuses, transitions, services, rate_plans,
                 usage_buckets, counting_rules, contracts, promo_codes)
    packages: dict[str, Package] = {}
    raw_frequencies: dict[str, RawFrequency] = {}
    # packed packages (the held document of a large catalog): each frequency is kept as where
    # its package's bytes are, and decoded when a simulation first uses it
    pairs: Iterable[tuple[Mapping[str, Any], bytes | None]] = (
        package_docs.with_texts() if packed else ((p, None) for p in package_docs))
    for i, (p, text) in enumerate(pairs):
        where = f"packages[{i}]"
        members = frozenset(p.get("services", []))
        if check:
            for j, s in enumerate(p.get("services", [])):
                need(services, s, f"{where}.services[{j}]", "service")
        bas = p.get("billing_activation_service")
        if bas is not None and bas not in members:
            ld.problem(f"{where}.billing_activation_service",
                       f"billing activation service '{bas}' is not a service of the package")
        names = []
        for j, f in enumerate(p.get("frequencies", [])):
            name = f["name"]
            if name in raw_frequencies:
                ld.problem(f"{where}.frequencies[{j}].name",
                           f"duplicate package frequency name '{name}'")
            raw_frequencies[name] = (f if text is None else PackedFrequency(text, j), p["name"],
                                     f"{where}.frequencies[{j}]", members)
            names.append(name)
        packages[p["name"]] = Package(p["name"], bool(p.get("enabled", True)), p.get("company"),
                                      bool(p.get("rollup_services", False)), bas,
                                      tuple(p.get("services", [])), tuple(names))
    frequencies = FrequencyTable(raw_frequencies, refs, ld.decimals)
    if check:
        ld.problems.extend(frequencies.check())
    if ld.problems:
        raise CatalogError(ld.problems)

    active = {name for name in statuses if name.casefold() == "active"}
    active |= {t.to_status for t in transitions.values() if t.name.casefold() == "activation"}
    return Catalog(currencies, price_books, statuses, transitions, services, tax_rates,
                   rate_plans, usage_buckets, counting_rules, contracts, promo_codes, price_plans,
                   packages, frequencies, frozenset(active),
                   frozenset(s.name for s in statuses.values() if s.cancelled))


def _frequency(ld: _Loader, f: Mapping[str, Any], path: str, package: str,
               members: frozenset[str], refs: _Refs) -> PackageFrequency:
    for key, kind, what in (("contract", refs.contracts, "contract"),
                            ("rate_plan", refs.rate_plans, "rate plan"),
                            ("counting_rule", refs.counting_rules, "counting rule")):
        value = f.get(key)
        if value is not None and value not in kind:
            ld.problem(f"{path}.{key}", f"unknown {what} '{value}'")
    if f.get("tiering") == "bracket" and f.get("counting_rule") is None:
        ld.problem(f"{path}.counting_rule", BRACKET_NEEDS_COUNTING_RULE)
    currencies = f.get("currencies", [])
    for k, cur in enumerate(currencies):
        if cur not in refs.currencies:
            ld.problem(f"{path}.currencies[{k}]", f"unknown currency '{cur}'")
    try:
        frequency = bill_frequency_from_document(f["bill_frequency"])
    except ValueError as exc:
        ld.problem(f"{path}.bill_frequency", str(exc))
        frequency = bill_frequency_from_document("monthly")
    books: dict[str, dict[str, Charges]] = {}
    for book, per_currency in (f.get("price_books") or {}).items():
        if book not in refs.price_books:
            ld.problem(f"{path}.price_books.{book}", f"unknown price book '{book}'")
        converted: dict[str, Charges] = {}
        for cur, charges in per_currency.items():
            if cur not in refs.currencies:
                ld.problem(f"{path}.price_books.{book}.{cur}", f"unknown currency '{cur}'")
            converted[cur] = _charges(ld, charges, f"{path}.price_books.{book}.{cur}", members,
                                      refs)
        books[book] = converted
    return PackageFrequency(
        f["name"], package, f.get("sku"), bool(f.get("active", True)), frequency,
        f.get("contract"), f.get("rate_plan"), f.get("tiering", "none"), f.get("counting_rule"),
        frozenset(currencies), books,
    )


def _member(ld: _Loader, name: str, path: str, *, members: frozenset[str],
            refs: _Refs) -> None:
    if name not in members:
        if name not in refs.services:
            ld.problem(path, f"unknown service '{name}'")
        else:
            ld.problem(path, f"service '{name}' is not a service of the package")


def _settings(ld: _Loader, raw: Mapping[str, Any] | None, path: str,
              refs: _Refs) -> ServiceSettings:
    if not raw:
        return NO_SETTINGS
    plan = raw.get("rate_plan")
    if plan is not None and plan not in refs.rate_plans:
        ld.problem(f"{path}.rate_plan", f"unknown rate plan '{plan}'")
    settings = ServiceSettings(raw.get("gl_code"), raw.get("tax_category"), plan,
                               raw.get("tax_inclusive"))
    return NO_SETTINGS if settings == NO_SETTINGS else settings


def _charges(ld: _Loader, raw: Mapping[str, Any], path: str, members: frozenset[str],
             refs: _Refs) -> Charges:
    statuses = refs.statuses
    decimals = ld.decimals
    recurring: dict[str, RecurringCharge] = {}
    for k, r in enumerate(raw.get("recurring", ())):
        service = r["service"]
        if service not in members:
            _member(ld, service, f"{path}.recurring[{k}].service", members=members, refs=refs)
        raw_amounts = r.get("amounts")
        amounts: dict[str, Decimal] = {}
        if raw_amounts:
            for status, amount in raw_amounts.items():
                value = decimals.get(amount) if isinstance(amount, str) else None
                amounts[status] = value if value is not None else ld.money(
                    amount, path, ".recurring[", k, "].amounts.", status)
            for status in raw_amounts.keys() - statuses.keys():
                ld.problem(f"{path}.recurring[{k}].amounts.{status}",
                           f"unknown status '{status}'")
        tiers: dict[str, tuple[Tier, ...]] = {}
        raw_tiers = r.get("tiers")
        if raw_tiers:
            for status, items in raw_tiers.items():
                if status not in statuses:
                    ld.problem(f"{path}.recurring[{k}].tiers.{status}",
                               f"unknown status '{status}'")
                tiers[status] = ld.tiers(items, f"{path}.recurring[{k}].tiers.{status}")
        bucket = None
        ub = r.get("usage_bucket")
        if ub:
            if ub["bucket"] not in refs.usage_buckets:
                ld.problem(f"{path}.recurring[{k}].usage_bucket.bucket",
                           f"unknown usage bucket '{ub['bucket']}'")
            bucket = UsageBucketSetting(
                ub["bucket"], ub.get("unit"),
                ld.bucket_tiers(ub["tiers"], f"{path}.recurring[{k}].usage_bucket.tiers")
                if ub.get("tiers") else None,
            )
        raw_discounts = r.get("discounts")
        discounts = tuple(
            _discount(ld, d, f"{path}.recurring[{k}].discounts[{m}]", m + 1, refs)
            for m, d in enumerate(raw_discounts)
        ) if raw_discounts else ()
        settings = r.get("settings")
        recurring[service] = RecurringCharge(
            service, amounts, tiers,
            _settings(ld, settings, f"{path}.recurring[{k}].settings", refs)
            if settings else NO_SETTINGS,
            bucket, discounts,
        )
    transitions: list[TransitionCharge] = []
    for k, t in enumerate(raw.get("transitions", ())):
        tpath = f"{path}.transitions[{k}]"
        if t["service"] not in members:
            _member(ld, t["service"], f"{tpath}.service", members=members, refs=refs)
        if t["transition"] not in refs.transitions:
            ld.problem(f"{tpath}.transition", f"unknown transition '{t['transition']}'")
        if t["charge_service"] not in refs.services:
            ld.problem(f"{tpath}.charge_service", f"unknown service '{t['charge_service']}'")
        penalty = None
        pen = t.get("penalty")
        if pen:
            months, days = pen.get("threshold_months"), pen.get("threshold_days")
            if months is None and days is None:
                ld.problem(f"{tpath}.penalty", "a penalty needs threshold_months or threshold_days")
            penalty = Penalty(ld.money(pen["amount"], tpath, ".penalty.amount"), months, days)
        transitions.append(TransitionCharge(t["service"], t["transition"], t["charge_service"],
                                            ld.money(t["amount"], tpath, ".amount"), penalty))
    one_time: dict[str, OneTimeCharge] = {}
    for k, o in enumerate(raw.get("one_time", ())):
        opath = f"{path}.one_time[{k}]"
        if o["service"] not in members:
            _member(ld, o["service"], f"{opath}.service", members=members, refs=refs)
        amount = o.get("amount")
        one_time[o["service"]] = OneTimeCharge(
            o["service"],
            None if amount is None else ld.money(amount, opath, ".amount"),
            ld.tiers(o["tiers"], f"{opath}.tiers") if o.get("tiers") else None,
            _settings(ld, o.get("settings"), f"{opath}.settings", refs),
        )
    if not recurring and not transitions and not one_time:
        return EMPTY_CHARGES
    return Charges(recurring, tuple(transitions), one_time)


def _discount(ld: _Loader, d: Mapping[str, Any], path: str, position: int,
              refs: _Refs) -> Discount:
    """A discount row; for ``kind: promo_code`` the code's configuration wins field by field
    (its type, amount and period always; prorate, status, GL code and dates when it sets
    them)."""
    status = d.get("status")
    if status is not None and status not in refs.statuses:
        ld.problem(f"{path}.status", f"unknown status '{status}'")
    discount = Discount(
        d["kind"], d["name"], d.get("promo_code"), d.get("gl_code"), bool(d["active"]),
        dt.date.fromisoformat(d["start"]), _opt_date(d.get("end")),
        bool(d.get("prorate", False)), status, d["type"], ld.money(d["amount"], path, ".amount"),
        d.get("period_months"), d.get("period_days"), position,
    )
    if d["kind"] != "promo_code":
        return discount
    code = d.get("promo_code")
    promo = refs.promo_codes.get(code) if code is not None else None
    if promo is None:
        ld.problem(f"{path}.promo_code", f"unknown promo code '{code}'" if code is not None
                   else "a promo-code discount must name its promo code")
        return discount
    c = promo.discount
    return Discount(
        "promo_code", discount.name, promo.code,
        c.gl_code if c.gl_code is not None else discount.gl_code,
        discount.active, c.start or discount.start, c.end if c.end is not None else discount.end,
        c.prorate if c.prorate is not None else discount.prorate,
        c.status if c.status is not None else discount.status,
        c.type, c.amount, c.period_months, c.period_days, position,
    )
