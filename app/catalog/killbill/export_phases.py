"""Kill Bill export, part 2: one frequency's plan, its phases and usage sections as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from app.catalog.killbill.export_prices import (
    _NCNAME_BAD,
    PublishedFrequency,
    _CurrencyPlan,
    _Phase,
    _PriceRows,
    _prices,
    _sub,
    _Usage,
    _UsageTier,
)
from app.catalog.killbill.mapping import (
    _FREQUENCY_PERIOD,
    _MONTHS_PERIOD,
    DEFAULT_PRICE_LIST,
    STANDARD_BOOK,
    Doc,
    _dec_text,
    _join,
)


class _PhaseWriter(_PriceRows):
    """Writes a plan with its phases from the rows :class:`_PriceRows` builds."""

    def _plan(
        self,
        root_plans: ET.Element,
        product: ET.Element,
        freq: Doc,
        freq_path: str,
        book: str,
        usage_services: list[str],
    ) -> list[str]:
        """Write the plans of one (frequency, price book): a base plan, and one add-on plan per
        service it prices; returns their ids (none when the frequency cannot be billed)."""
        bill = freq.get("bill_frequency")
        period = self._period(bill, _join(freq_path, "bill_frequency"))
        currencies = [c for c in freq.get("currencies") or [] if c in self.currencies]
        books = freq.get("price_books") if isinstance(freq.get("price_books"), dict) else {}
        assert isinstance(books, dict)
        name = freq.get("name")
        label = f"frequency {name!r}" + ("" if book == STANDARD_BOOK else f" (price book {book})")
        if book != STANDARD_BOOK and not books.get(book):
            return []
        if book == STANDARD_BOOK and not books.get(book):
            if books:
                return []  # priced only in other books: their child price lists carry it
            self.notes.add(
                _join(freq_path, "price_books"),
                f"{label} has no prices (Kill Bill refuses a plan with nothing to bill): "
                "left out",
            )
            return []
        if book != STANDARD_BOOK:  # other currencies: the DEFAULT list's plan has them
            own = books.get(book)
            currencies = [c for c in currencies if isinstance(own, dict) and c in own]
        per_currency: dict[str, _CurrencyPlan] = {}
        for currency in currencies:
            per_currency[currency] = self._currency_plan(
                freq, freq_path, book, currency, usage_services
            )
        for code, cells in books.items():
            if not isinstance(cells, dict):
                continue
            for currency in cells:
                if currency not in currencies and book == code:
                    self.notes.add(
                        _join(_join(_join(freq_path, "price_books"), code), currency),
                        f"charges in {currency} not exported: the frequency is not "
                        f"sold in {currency}"
                        + ("" if currency in self.currencies else " Kill Bill knows"),
                    )
        services: list[str] = []
        for cp in per_currency.values():
            for service in [*(r.service for r in cp.flat), *cp.tiered, *cp.usage, *cp.one_times]:
                if service not in services:
                    services.append(service)
        built: dict[tuple[str, tuple[str, ...]], tuple[list[_Phase], _Phase, list[_Usage]]] = {}
        for service in services:
            for group in self._currency_groups(service, per_currency):
                view = {c: per_currency[c] for c in group}
                addon = self._addon(service, view, freq, freq_path, book, label)
                if addon is not None:
                    built[(service, group)] = addon
        if not built:
            where = ", ".join(currencies) or "no currency Kill Bill knows"
            self.notes.add(
                _join(freq_path, "price_books"),
                f"{label} has no price Kill Bill can bill (status {self.status!r}, {where}): "
                "left out",
            )
            return []
        freq_key = f"{product.get('prettyName')}:{freq.get('sku') or name}"
        base_key = f"plan:{freq_key}:{book}"
        if book == STANDARD_BOOK:
            sku = freq.get("sku")
            wanted = sku if isinstance(sku, str) and sku and not _NCNAME_BAD.search(sku) else None
            base_wanted = wanted or str(name)
            if sku and not wanted:
                self.notes.add(
                    _join(freq_path, "sku"),
                    f"SKU {sku!r} is not a valid Kill Bill "
                    "plan name; the plan is named after the frequency",
                )
        else:
            base_wanted = f"{name}-{book}"
        plan_id = self.ids.make(base_wanted, "plan", base_key)
        where = _join(_join(freq_path, "price_books"), book)
        # A frequency pricing one service is that service's plan: a subscriber buys it with
        # the service's quantity (and a Kill Bill catalog imported keeps its plans as they are).
        only = next(iter(built)) if len(built) == 1 else None
        single = only is not None and set(only[1]) == set(currencies)
        if single:
            assert only is not None
            initial, final, usages = built.pop(only)
        else:
            initial, final, usages = [], _Phase(
                "EVERGREEN", None, "UNLIMITED", recurring={c: Decimal(0) for c in currencies}
            ), []
        plan_id = self._keep_or_rename(
            base_key, plan_id, base_wanted, (*(p.type for p in initial), final.type), where, label
        )
        pretty = self._text(name, _join(freq_path, "name"))
        plan_el = _sub(root_plans, "plan", name=plan_id, prettyName=pretty)
        _sub(plan_el, "product", str(product.get("name")))
        self._write_phases(plan_el, initial, final, period, usages, plan_id)
        ids = [plan_id]
        addons: dict[str, dict[str, str]] = {c: {} for c in currencies}
        if single:
            assert only is not None
            for c in currencies:
                addons[c][only[0]] = plan_id
        split = {svc for svc, _ in built if sum(1 for s2, _ in built if s2 == svc) > 1}
        for (service, group), (initial, final, usages) in built.items():
            addon_product = self._addon_product(product, service)
            suffix = f"-{'-'.join(group)}" if service in split else ""
            key = f"plan:{freq_key}:{book}:{service}:{','.join(group) if suffix else ''}"
            wanted_addon = f"{plan_id}-{service}{suffix}"
            addon_id = self.ids.make(wanted_addon, "plan", key)
            addon_id = self._keep_or_rename(
                key, addon_id, wanted_addon, (*(p.type for p in initial), final.type), where,
                f"{label}, service {service!r}",
            )  # fmt: skip
            pretty_addon = f"{name}: {service}" + (f" ({', '.join(group)})" if suffix else "")
            addon_el = _sub(
                root_plans, "plan", name=addon_id, prettyName=self._text(pretty_addon, "")
            )
            if suffix:
                self.notes.add(
                    where,
                    f"{label}, service {service!r}: its discounts or tiers differ between "
                    "currencies, so "
                    f"it is the add-on {addon_id} for subscribers in {', '.join(group)} only",
                )
            _sub(addon_el, "product", addon_product)
            self._write_phases(addon_el, initial, final, period, usages, addon_id)
            ids.append(addon_id)
            for c in group:
                addons[c][service] = addon_id
        list_name = DEFAULT_PRICE_LIST if book == STANDARD_BOOK else self.list_ids.get(book, book)
        self.published[(str(name), book)] = PublishedFrequency(
            str(name), book, list_name, plan_id, addons,
            frozenset(svc for cp in per_currency.values() for svc in cp.tiered),
        )  # fmt: skip
        return ids

    def _write_phases(
        self, plan_el: ET.Element, initial: list[_Phase], final: _Phase, period: str,
        usages: list[_Usage], plan_id: str,
    ) -> None:  # fmt: skip
        if initial:
            phases_el = _sub(plan_el, "initialPhases")
            for phase in initial:
                self._phase(phases_el, "phase", phase, period, usages, plan_id)
        self._phase(plan_el, "finalPhase", final, period, usages, plan_id)

    def _keep_or_rename(
        self, key: str, plan_id: str, wanted: str, shape: tuple[str, ...], where: str, what: str
    ) -> str:
        """The plan's name, or a new one when its phases differ from those it had in the last
        published version (Kill Bill refuses to change a plan's phases)."""
        before = self.previous.get(plan_id)
        if before is None or before == shape:
            return plan_id
        new_id = self.ids.rename(key, wanted, "plan")
        self.notes.add(
            where,
            f"{what}: its phases change ({', '.join(before)} -> {', '.join(shape)}), which "
            f"Kill Bill refuses for a plan kept from the last published version: published "
            f"as plan {new_id}; existing subscriptions of {plan_id} need a change of plan",
        )
        return new_id

    @staticmethod
    def _currency_groups(
        service: str, per_currency: dict[str, _CurrencyPlan]
    ) -> list[tuple[str, ...]]:
        """The currencies whose discount periods and tiers for ``service`` have one shape, each
        group becoming its own add-on plan (a plan changes phase at the same time, and has the
        same tiers, in every currency); currencies without a price for it join the first."""
        groups: dict[tuple[Any, ...], list[str]] = {}
        loose: list[str] = []
        for c, cp in per_currency.items():
            row = next((r for r in cp.flat if r.service == service), None)
            tiers = cp.tiered.get(service)
            usage = cp.usage.get(service)
            if row is None and tiers is None and usage is None:
                loose.append(c)
                continue
            shape = (
                tuple((g.number, g.unit) for g in row.segments) if row else None,
                tuple(end for end, _ in tiers) if tiers else None,
                tuple((t.size, t.max) for t in usage) if usage else None,
            )
            groups.setdefault(shape, []).append(c)
        out = [list(g) for g in groups.values()] or [[]]
        out[0] += loose
        order = list(per_currency)
        return [tuple(sorted(g, key=order.index)) for g in out]

    def _addon_product(self, product: ET.Element, service: str) -> str:
        """The ADD_ON product of a package's service, listed as available with the package's
        BASE product."""
        key = (str(product.get("name")), service)
        if key not in self.addon_products:
            addon_id = self.ids.make(
                f"{key[0]}-{service}", "product", f"product:{key[0]}:{service}"
            )
            self.addon_products[key] = addon_id
            element = _sub(self.products_el, "product", name=addon_id,
                           prettyName=self._text(service, ""))  # fmt: skip
            _sub(element, "category", "ADD_ON")
            available = product.find("available")
            if available is None:
                available = _sub(product, "available")
            _sub(available, "addonProduct", addon_id)
        return self.addon_products[key]

    def _addon(
        self,
        service: str,
        per_currency: dict[str, _CurrencyPlan],
        freq: Doc,
        freq_path: str,
        book: str,
        label: str,
    ) -> tuple[list[_Phase], _Phase, list[_Usage]] | None:
        """The phases and usage sections of one service's add-on plan, or None (with the
        reason) when Kill Bill cannot bill it as our simulator does."""
        what = f"{label}, service {service!r}"
        path = _join(_join(freq_path, "price_books"), book)
        currencies = list(per_currency)
        rows = {
            c: next((r for r in cp.flat if r.service == service), None)
            for c, cp in per_currency.items()
        }
        shapes = {
            tuple((s.number, s.unit) for s in row.segments) for row in rows.values() if row
        }
        if len(shapes) > 1:
            self.notes.add(
                path,
                f"{what}: its discount periods differ between currencies; Kill Bill plans "
                "change phase at the same time in every currency: left out",
            )
            return None
        shape = shapes.pop() if shapes else ()
        missing = [c for c, row in rows.items() if row is None]
        has_flat = len(missing) < len(currencies)
        if has_flat and missing:
            self.notes.add(
                path,
                f"{what} has no recurring price in {', '.join(missing)}: written as 0 there "
                "(the simulator bills nothing for it)",
            )
        segments: list[tuple[int, str, dict[str, Decimal]]] = []
        for k, (number, unit) in enumerate(shape):
            prices = {
                c: (row.segments[k].price if row else Decimal(0)) for c, row in rows.items()
            }
            if segments and segments[-1][1] == unit and segments[-1][2] == prices:
                segments[-1] = (segments[-1][0] + number, unit, prices)
            else:
                segments.append((number, unit, prices))
        final_prices = {c: (row.base if row else Decimal(0)) for c, row in rows.items()}
        if len(segments) > 3:
            self.notes.add(
                path,
                f"{what}: {len(segments)} discount periods in a row; a Kill Bill plan holds at "
                "most three phases (TRIAL, DISCOUNT, FIXEDTERM) before the last: left out",
            )
            return None
        free_first = bool(segments) and all(v == 0 for v in segments[0][2].values())
        if len(segments) == 3:
            types = ["TRIAL", "DISCOUNT", "FIXEDTERM"]
        elif len(segments) == 2:
            types = ["TRIAL", "DISCOUNT"] if free_first else ["DISCOUNT", "FIXEDTERM"]
        else:
            types = ["TRIAL" if free_first else "DISCOUNT"]
        initial: list[_Phase] = []
        for kind, (number, unit, prices) in zip(types, segments, strict=False):
            if kind == "TRIAL" and all(v == 0 for v in prices.values()):
                initial.append(_Phase(kind, number, unit, fixed={}))
            else:
                initial.append(_Phase(kind, number, unit, recurring=prices))
        final = _Phase(
            "EVERGREEN", None, "UNLIMITED", recurring=final_prices if has_flat else None
        )
        one = {
            c: cp.one_times[service] for c, cp in per_currency.items() if service in cp.one_times
        }
        if one:
            lacking = [c for c in currencies if c not in one]
            if lacking:
                self.notes.add(
                    path,
                    f"{what}: no one-time charge in {', '.join(lacking)}: written as 0 there "
                    "(the simulator charges nothing)",
                )
            first = initial[0] if initial else final
            first.fixed = {c: one.get(c, Decimal(0)) for c in currencies}
        had = [c for c, cp in per_currency.items() if service in cp.tiered or service in cp.usage]
        views = {
            c: _CurrencyPlan(
                tiered={service: cp.tiered[service]} if service in cp.tiered else {},
                usage={service: cp.usage[service]} if service in cp.usage else {},
            )
            for c, cp in per_currency.items()
        }
        usages = self._usages(views, freq, freq_path, book)
        for usage in usages:
            for tier in usage.tiers:
                lacking = [c for c in currencies if c not in tier.prices]
                if any(c in had for c in lacking):
                    return None  # tiers that differ between currencies: noted by _usages
                for c in lacking:
                    tier.prices[c] = Decimal(0)
        if had and len(had) < len(currencies):
            self.notes.add(
                path,
                f"{what}: no usage prices in "
                f"{', '.join(c for c in currencies if c not in had)}: written as 0 there",
            )
        if final.recurring is None and final.fixed is None and not usages:
            return None
        return initial, final, usages

    def _period(self, bill: Any, path: str) -> str:
        if isinstance(bill, str) and bill in _FREQUENCY_PERIOD:
            return _FREQUENCY_PERIOD[bill]
        months = bill.get("months") if isinstance(bill, dict) else None
        if isinstance(months, int) and months in _MONTHS_PERIOD:
            return _MONTHS_PERIOD[months]
        if isinstance(months, int) and months > 0:
            nearest = min(_MONTHS_PERIOD, key=lambda m: (abs(m - months), m))
            self.notes.add(
                path,
                f"every {months} months has no Kill Bill billing period: "
                f"exported as {_MONTHS_PERIOD[nearest]} (every {nearest} months) "
                "with the price unchanged",
            )
            return _MONTHS_PERIOD[nearest]
        self.notes.add(path, f"unknown bill frequency {bill!r}: exported as MONTHLY")
        return "MONTHLY"

    def _usages(
        self, per_currency: dict[str, _CurrencyPlan], freq: Doc, freq_path: str, book: str
    ) -> list[_Usage]:
        policy = "TOP_TIER" if freq.get("tiering") == "bracket" else "ALL_TIERS"
        if freq.get("tiering") == "bracket" and any(p.tiered for p in per_currency.values()):
            self.notes.add(
                _join(freq_path, "counting_rule"),
                f"bracket tiers count units with "
                f"counting rule {freq.get('counting_rule')!r}; Kill Bill counts the "
                "units recorded on the subscription (TOP_TIER)",
            )
        out: dict[str, _Usage] = {}
        sources: list[tuple[str, str, list[_UsageTier]]] = []
        for c, plan in per_currency.items():
            for service, steps in plan.tiered.items():
                tiers = []
                previous = 0
                for end, amount in steps:
                    width = Decimal(-1) if end is None else Decimal(end - previous)
                    tiers.append(_UsageTier(Decimal(1), width, {c: amount}))
                    previous = end if end is not None else previous
                sources.append((service, policy, tiers))
            for service, tiers in plan.usage.items():
                sources.append((service, "ALL_TIERS", tiers))
        for service, pol, tiers in sources:
            currency = next(iter(tiers[0].prices))
            usage = out.get(service)
            if usage is None:
                out[service] = _Usage(
                    service,
                    self._unit(service),
                    pol,
                    [_UsageTier(t.size, t.max, dict(t.prices)) for t in tiers],
                )
                continue
            if [(t.size, t.max) for t in usage.tiers] != [(t.size, t.max) for t in tiers]:
                self.notes.add(
                    _join(_join(freq_path, "price_books"), book),
                    f"usage tiers of {service!r} in {currency} differ "
                    "from those of the first currency: not exported in "
                    f"{currency}: left out",
                )
                continue
            for mine, theirs in zip(usage.tiers, tiers, strict=True):
                mine.prices.update(theirs.prices)
        return list(out.values())

    def _unit(self, service: str) -> str:
        if service not in self.units:
            self.units[service] = (self.ids.make(service, "unit", f"unit:{service}"), service)
        return self.units[service][0]

    def _phase(
        self,
        parent: ET.Element,
        tag: str,
        phase: _Phase,
        period: str,
        usages: list[_Usage],
        plan_id: str,
    ) -> None:
        el = _sub(parent, tag, type=phase.type)
        duration = _sub(el, "duration")
        _sub(duration, "unit", phase.unit)
        if phase.number is not None:
            _sub(duration, "number", str(phase.number))
        if phase.fixed is not None:
            _prices(_sub(el, "fixed"), "fixedPrice", phase.fixed)
        if phase.recurring is not None:
            recurring = _sub(el, "recurring")
            _sub(recurring, "billingPeriod", period)
            _prices(recurring, "recurringPrice", phase.recurring)
        if usages:
            usages_el = _sub(el, "usages")
            for usage in usages:
                suffix = "" if phase.type == "EVERGREEN" else f"-{phase.type.lower()}"
                usage_el = _sub(
                    usages_el, "usage",
                    name=self.ids.make(f"{plan_id}-{usage.unit_id}{suffix}", "usage"),
                    prettyName=self._text(usage.service, ""),
                    billingMode="IN_ARREAR", usageType="CONSUMABLE",
                    tierBlockPolicy=usage.policy,
                )  # fmt: skip
                _sub(usage_el, "billingPeriod", period)
                tiers_el = _sub(usage_el, "tiers")
                for tier in usage.tiers:
                    block = _sub(_sub(_sub(tiers_el, "tier"), "blocks"), "tieredBlock")
                    _sub(block, "unit", usage.unit_id)
                    _sub(block, "size", _dec_text(tier.size))
                    _prices(block, "prices", tier.prices)
                    _sub(block, "max", _dec_text(tier.max))
