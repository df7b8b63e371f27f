"""Pass 2 of catalog validation: duplicate names, references that do not resolve, and the
business rules of ``docs/catalog-format.md``, on a document whose structure the schema pass
found sound. The value rules (tier ends, bucket thresholds, percent) are declared once in
:mod:`app.engine.rules`.

Why this module is long (about 450 lines): one walk over the catalog checks every object in
document order, which keeps validation one pass over a large catalog.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from app.catalog.document.versions_pass import check_versions
from app.catalog.document.wording import _DATE_RE, Elems, Found, _choices, _show
from app.engine.problems import BRACKET_NEEDS_COUNTING_RULE, format_path
from app.engine.rules import bucket_threshold_problem, percent_problem, tier_end_problem

#: Warnings of the rule pass (lint leaves them to it).
TIERS_IGNORED = "tiers are set but the frequency's tiering is none: they would be ignored"
TIERS_FIRST_ONLY = ("tiers are set but the frequency's tiering is none: only the first tier's "
                    "amount would be charged")




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

    def unique(self, seen: dict[Any, int], key: Any, k: int, at: Elems, message: str,
               section: str) -> bool:
        """Record ``key`` as item ``k`` of ``section``; when an earlier item had it, report
        ``message`` at ``at`` naming that item. True when ``key`` is new."""
        if key in seen:
            self.error(at, f"{message} (also {section}[{seen[key]}])")
            return False
        seen[key] = k
        return True

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
        # the custom fields every package frequency must fill in, in their order
        self.required_fields = [name for name, field in self.fields.items()
                                if field["entity"] == "package_frequency" and field["required"]]
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
        self.found.extend(check_versions(self.doc))
        return self.found

    def check_tax_rates(self) -> None:
        seen: dict[tuple[str, str], int] = {}
        for i, rate in self.items("tax_rates"):
            key = (rate["category"], rate["country"])
            self.unique(seen, key, i, ("tax_rates", i),
                        f"duplicate tax rate for category {key[0]!r} in {key[1]}", "tax_rates")

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
                self.unique(seen, key, k, at, f"duplicate rate for {key[0]!r} in {key[1]}",
                            "rates")

    def check_bucket_tiers(self, at: Elems, tiers: list[dict[str, Any]]) -> None:
        for k in range(1, len(tiers)):
            problem = bucket_threshold_problem(k, _dec(tiers[k]["threshold"]),
                                               _dec(tiers[k - 1]["threshold"]))
            if problem:
                self.error((*at, k, "threshold"), problem)

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
        status = d.get("status")
        if status not in self.statuses and status is not None:
            self.ref((*at, "status"), status, self.statuses, "status")
        kind, amount = d["type"], d["amount"]
        # only a percent can be too large; an amount in text parses or is the schema's
        # problem, so the other types need no parse
        if kind == "percent" or type(amount) is not str:
            problem = percent_problem(kind, _dec(amount))
            if problem:
                self.error((*at, "amount"), problem)
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
                self.unique(seen, key, k, at, f"duplicate price for {key[0]!r} in {key[2]}",
                            "prices")

    # -- packages and their frequencies

    def check_packages(self) -> None:
        freq_names: dict[str, Elems] = {}
        skus: dict[str, Elems] = {}
        any_prices = False
        services = self.services
        for i, package in self.items("packages"):
            at: Elems = ("packages", i)
            company = package.get("company")
            if company not in self.companies and company is not None:
                self.ref((*at, "company"), company, self.companies, "company")
            members: dict[str, int] = {}
            for k, name in enumerate(package["services"]):
                if name not in services and name is not None:
                    self.ref((*at, "services", k), name, services, "service")
                if name in members:
                    self.error((*at, "services", k),
                               f"service {name!r} is listed twice (also services[{members[name]}])")
                else:
                    members[name] = k
            bas = package.get("billing_activation_service")
            if bas is not None and (
                bas in services
                or self.ref((*at, "billing_activation_service"), bas, services, "service")
            ) and bas not in members:
                self.error((*at, "billing_activation_service"),
                           f"billing activation service {bas!r} is not one of this package's "
                           "services")
            for j, freq in enumerate(package["frequencies"]):
                fat: Elems = (*at, "frequencies", j)
                name = freq["name"]
                if name in freq_names:
                    self.error((*fat, "name"),
                               f"duplicate package frequency name {name!r} (also "
                               f"{format_path(freq_names[name])}); accounts refer to "
                               "frequencies by name, so names are unique across all packages")
                else:
                    freq_names[name] = fat
                sku = freq.get("sku")
                if sku:
                    if sku in skus:
                        self.warning((*fat, "sku"), f"SKU {sku!r} is also used by "
                                                    f"{format_path(skus[sku])}")
                    else:
                        skus[sku] = fat
                any_prices |= self.check_frequency(fat, package, members, freq)
        if any_prices and "standard" not in self.books:
            self.error(("price_books",),
                       "a price book with code 'standard' is required: package frequencies "
                       "have prices, and the standard book is where every other book falls back")

    # The checks below run for every frequency, charge row and tier of a large catalog: a name
    # that resolves (the common case) costs one dict lookup, and a problem's path and message
    # are built only when there is a problem. ``self.ref`` is called only for a name that does
    # not resolve (it reports it, exactly as for every other reference).

    def check_frequency(self, at: Elems, package: Mapping[str, Any], members: Mapping[str, int],
                        freq: Mapping[str, Any]) -> bool:
        """Check one package frequency; True when it has any price."""
        contract = freq.get("contract")
        if contract not in self.contracts and contract is not None:
            self.ref((*at, "contract"), contract, self.contracts, "contract")
        plan = freq.get("rate_plan")
        if plan not in self.rate_plans and plan is not None:
            self.ref((*at, "rate_plan"), plan, self.rate_plans, "rate plan")
        rule = freq.get("counting_rule")
        if rule not in self.rules and rule is not None:
            self.ref((*at, "counting_rule"), rule, self.rules, "counting rule")
        enabled: list[str] = freq["currencies"]
        currencies = self.currencies
        for k, code in enumerate(enabled):
            if code not in currencies and code is not None:
                self.ref((*at, "currencies", k), code, currencies, "currency")
        if freq["active"] and not enabled:
            self.error((*at, "active"),
                       "an active package frequency needs at least one enabled currency "
                       "(enable a currency, or make the frequency inactive)")
        tiering = freq["tiering"]
        if tiering == "bracket" and rule is None:
            self.error((*at, "counting_rule"), BRACKET_NEEDS_COUNTING_RULE)
        values = freq.get("custom_fields") or {}
        if values or self.required_fields:  # else there is nothing to check
            self.check_custom_values((*at, "custom_fields"), values)
        has_prices = False
        books = self.books
        for book, by_currency in (freq.get("price_books") or {}).items():
            bat: Elems = (*at, "price_books", book)
            if book not in books and book is not None:
                self.ref(bat, book, books, "price book")
            for code, charges in by_currency.items():
                cat: Elems = (*bat, code)
                if code is not None and (code in currencies
                                         or self.ref(cat, code, currencies, "currency")) \
                        and code not in enabled:
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
        for name in self.required_fields:
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
            name = row["service"]
            # row_service's answer, its path built only for a service that needs a look
            service: dict[str, Any] | None
            if name is not None and name not in seen and name in services and name in members:
                seen[name] = k
                service = services[name]
            else:
                service = self.row_service(seen, (*at, "recurring", k), k, "recurring", name,
                                           package, members)
            if service is not None and service["base_type"] in ("one_time", "fee"):
                self.error((*at, "recurring", k, "service"),
                           _wrong_row(name, service["base_type"], "recurring"))
            self.check_recurring(at, k, row, tiering)
        seen = {}
        seen_transitions: dict[tuple[str, str], int] = {}
        for k, charge in enumerate(charges.get("transitions") or []):
            rows += 1
            name, transition = charge["service"], charge["transition"]
            if not (name is not None and name in services and name in members):
                self.member((*at, "transitions", k, "service"), name, package, members)
            if transition not in self.transitions and transition is not None:
                self.ref((*at, "transitions", k, "transition"), transition, self.transitions,
                         "transition")
            charge_service = charge["charge_service"]
            if charge_service is not None and (
                    charge_service in services
                    or self.ref((*at, "transitions", k, "charge_service"), charge_service,
                                services, "service")):
                base = services[charge_service]["base_type"]
                if base != "fee":
                    self.error((*at, "transitions", k, "charge_service"),
                               f"charge service {charge_service!r} must be a fee service "
                               f"(base type fee), not {base}")
            key = (name, transition)
            if key in seen_transitions:
                self.unique(seen_transitions, key, k, (*at, "transitions", k),
                            f"two charges for transition {key[1]!r} of {key[0]!r}",
                            "transitions")
            else:
                seen_transitions[key] = k
            penalty = charge.get("penalty")
            if penalty is not None:
                months, days = penalty.get("threshold_months"), penalty.get("threshold_days")
                if months is not None and days is not None:
                    self.error((*at, "transitions", k, "penalty", "threshold_days"),
                               "give threshold_months or threshold_days, not both")
                elif months is None and days is None:
                    self.error((*at, "transitions", k, "penalty"),
                               "a penalty needs a threshold: threshold_months or threshold_days")
        for k, row in enumerate(charges.get("one_time") or []):
            rows += 1
            oat: Elems = (*at, "one_time", k)
            name = row["service"]
            service = self.row_service(seen, oat, k, "one_time", name, package, members)
            if service is not None and service["base_type"] != "one_time":
                self.error((*oat, "service"), _wrong_row(name, service["base_type"],
                                                         "one_time"))
            tiers = row.get("tiers")
            if tiers is not None:
                if tiering == "none":
                    self.warning((*oat, "tiers"), TIERS_IGNORED if row.get("amount") is not None
                                 else TIERS_FIRST_ONLY)
                self.check_tiers((*oat, "tiers"), tiers)
            elif row.get("amount") is None:
                self.error((*oat, "amount"), "a one-time charge needs an amount or tiers")
            self.check_settings(oat, row.get("settings"))
        return rows

    def row_service(self, seen: dict[str, int], at: Elems, k: int, section: str, name: str,
                    package: Mapping[str, Any], members: Mapping[str, int]) \
            -> dict[str, Any] | None:
        """The service charge row ``k`` (at ``at``) names, as :meth:`member` gives it, with the
        row counted in ``seen`` (:meth:`once`); a service that resolves and is in the package
        costs two lookups."""
        if name in seen:
            self.once(seen, name, (*at, "service"), k, section)
        else:
            seen[name] = k
        if name is not None and name in self.services and name in members:
            return self.services[name]
        return self.member((*at, "service"), name, package, members)

    def check_settings(self, at: Elems, settings: Mapping[str, Any] | None) -> None:
        """The settings of the charge row at ``at``: the rate plan they name."""
        if settings:
            plan = settings.get("rate_plan")
            if plan not in self.rate_plans and plan is not None:
                self.ref((*at, "settings", "rate_plan"), plan, self.rate_plans, "rate plan")

    def once(self, seen: dict[str, int], service: str, at: Elems, k: int, section: str) -> None:
        self.unique(seen, service, k, at, f"service {service!r} has two {section} rows in this "
                    "price book and currency", section)

    def check_recurring(self, charges_at: Elems, k: int, row: Mapping[str, Any],
                        tiering: str) -> None:
        """Check recurring row ``k`` of the charges at ``charges_at``."""
        statuses = self.statuses
        amounts = row.get("amounts")
        tiers_by_status: Mapping[str, list[dict[str, Any]]] = row.get("tiers") or {}
        settings = row.get("settings")
        setting = row.get("usage_bucket")
        discounts = row.get("discounts")
        if not (tiers_by_status or setting is not None or discounts) \
                and (not amounts or amounts.keys() <= statuses.keys()) \
                and (not settings or settings.get("rate_plan") is None
                     or settings.get("rate_plan") in self.rate_plans):
            return  # the common row: nothing below would report anything
        at: Elems = (*charges_at, "recurring", k)
        if amounts:
            for status in amounts:
                if status not in statuses and status is not None:
                    self.ref((*at, "amounts", status), status, statuses, "status")
        if tiers_by_status:
            if tiering == "none":
                self.warning((*at, "tiers"), TIERS_IGNORED)
            for status, tiers in tiers_by_status.items():
                if status not in statuses and status is not None:
                    self.ref((*at, "tiers", status), status, statuses, "status")
                self.check_tiers((*at, "tiers", status), tiers)
        self.check_settings(at, settings)
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
        if not discounts:
            return
        for d, discount in enumerate(discounts):
            dat: Elems = (*at, "discounts", d)
            self.check_discount_config(dat, discount)
            promo = discount.get("promo_code")
            kind = discount["kind"]
            if kind == "promo_code":
                if promo is None:
                    self.error((*dat, "promo_code"),
                               "a promo-code discount must name its promo code")
                elif promo not in self.promos:
                    self.ref((*dat, "promo_code"), promo, self.promos, "promo code")
            elif kind == "discount" and promo is not None:
                self.error((*dat, "promo_code"),
                           f"a discount of kind 'discount' must not name a promo code "
                           f"({promo!r}); set kind to promo_code to use the code's discount")

    def check_tiers(self, at: Elems, tiers: list[dict[str, Any]]) -> None:
        last = len(tiers) - 1
        if last >= 1:  # the common list: ends rising from at least 1, the last one open
            ends = [tier["end"] for tier in tiers]
            first = ends[0]
            if ends[last] is None and first is not None and first >= 1:
                prev = first
                for end in ends[1:last]:
                    if end is None or end <= prev:
                        break
                    prev = end
                else:
                    return
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
            problem = tier_end_problem(k, end, prev_end)
            if problem:
                self.error((*at, k, "end"), problem)
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
