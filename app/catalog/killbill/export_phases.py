"""Kill Bill export, part 2: one frequency's plan, its phases and usage sections as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from app.catalog.killbill.export_prices import (
    _NCNAME_BAD,
    _CurrencyPlan,
    _FlatRow,
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
        product_id: str,
        freq: Doc,
        freq_path: str,
        book: str,
        usage_services: list[str],
    ) -> str | None:
        """Write one plan; returns its id (None when the book prices nothing)."""
        bill = freq.get("bill_frequency")
        period = self._period(bill, _join(freq_path, "bill_frequency"))
        currencies = [c for c in freq.get("currencies") or [] if c in self.currencies]
        books = freq.get("price_books") if isinstance(freq.get("price_books"), dict) else {}
        assert isinstance(books, dict)
        if book != STANDARD_BOOK and not books.get(book):
            return None
        if book == STANDARD_BOOK and not books.get(book):
            if books:
                return None  # priced only in other books: their child price lists carry it
            self.notes.add(
                _join(freq_path, "price_books"),
                f"frequency {freq.get('name')!r} has no prices: exported as a plan without prices",
            )
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
        name = freq.get("name")
        if book == STANDARD_BOOK:
            sku = freq.get("sku")
            wanted = sku if isinstance(sku, str) and sku and not _NCNAME_BAD.search(sku) else None
            plan_id = self.ids.make(wanted or str(name), "plan")
            if sku and not wanted:
                self.notes.add(
                    _join(freq_path, "sku"),
                    f"SKU {sku!r} is not a valid Kill Bill "
                    "plan name; the plan is named after the frequency",
                )
        else:
            plan_id = self.ids.make(f"{name}-{book}", "plan")
        plan_el = _sub(
            root_plans, "plan", name=plan_id, prettyName=self._text(name, _join(freq_path, "name"))
        )
        _sub(plan_el, "product", product_id)
        initial, final = self._phases(per_currency, freq_path)
        usages = self._usages(per_currency, freq, freq_path, book)
        if initial:
            phases_el = _sub(plan_el, "initialPhases")
            for phase in initial:
                self._phase(phases_el, "phase", phase, period, usages, plan_id)
        self._phase(plan_el, "finalPhase", final, period, usages, plan_id)
        return plan_id

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

    def _timeline(
        self, rows: list[_FlatRow], currency: str, freq_path: str
    ) -> tuple[str | None, list[tuple[int, Decimal]], Decimal]:
        """Merge the discount periods of a currency's rows: (unit, [(length, total)], final)."""
        final = sum((r.base for r in rows), Decimal(0))
        with_segments = [r for r in rows if r.segments]
        if not with_segments:
            return None, [], final
        units = {s.unit for r in with_segments for s in r.segments}
        if len(units) > 1:
            keep = with_segments[0]
            for r in with_segments[1:]:
                self.notes.add(
                    _join(r.path, "discounts"),
                    f"discounts of {r.service!r} not "
                    f"exported: their periods mix months and days with those of "
                    f"{keep.service!r}",
                )
                r.segments = []
            with_segments = [keep]
            units = {s.unit for s in keep.segments}
            if len(units) > 1:  # one row chaining days then months: phases in sequence
                return "MIXED", [(s.number, s.price) for s in keep.segments], final
        unit = units.pop()
        ends: set[int] = set()
        for r in with_segments:
            t = 0
            for s in r.segments:
                t += s.number
                ends.add(t)
        out: list[tuple[int, Decimal]] = []
        start = 0
        for end in sorted(ends):
            total = Decimal(0)
            for r in rows:
                total += self._price_at(r, start)
            out.append((end - start, total))
            start = end
        return unit, out, final

    @staticmethod
    def _price_at(row: _FlatRow, t: int) -> Decimal:
        elapsed = 0
        for s in row.segments:
            if t < elapsed + s.number:
                return s.price
            elapsed += s.number
        return row.base

    def _phases(
        self, per_currency: dict[str, _CurrencyPlan], freq_path: str
    ) -> tuple[list[_Phase], _Phase]:
        timelines = {c: self._timeline(p.flat, c, freq_path) for c, p in per_currency.items()}
        reference: tuple[str | None, list[tuple[int, Decimal]], Decimal] | None = None
        ref_currency = None
        mixed_units: list[str] = []
        for c, line in timelines.items():
            if line[1]:
                reference, ref_currency = line, c
                if line[0] == "MIXED":
                    chained = next(r for r in per_currency[c].flat if r.segments)
                    mixed_units = [s.unit for s in chained.segments]
                break
        has_recurring = any(p.flat for p in per_currency.values())
        finals = {c: line[2] for c, line in timelines.items() if per_currency[c].flat}
        initial: list[_Phase] = []
        if reference is not None:
            shape = [n for n, _ in reference[1]]
            for i, number in enumerate(shape):
                prices: dict[str, Decimal] = {}
                for c, line in timelines.items():
                    if not per_currency[c].flat:
                        continue
                    if line[1] and ([n for n, _ in line[1]] != shape or line[0] != reference[0]):
                        self.notes.add(
                            _join(freq_path, "price_books"),
                            f"discounts in {c} "
                            f"differ in length from those in {ref_currency}: only "
                            f"the {ref_currency} phases are exported; {c} pays its "
                            "full price in them",
                        )
                        prices[c] = line[2]
                    elif line[1]:
                        prices[c] = line[1][i][1]
                    else:
                        prices[c] = line[2]
                unit = mixed_units[i] if mixed_units else str(reference[0])
                initial.append(_Phase("DISCOUNT", number, unit, recurring=prices))
            for phase in initial:  # leading free phases are Kill Bill trials
                if phase.recurring and all(v == 0 for v in phase.recurring.values()):
                    phase.type, phase.recurring, phase.fixed = "TRIAL", None, {}
                else:
                    break
        final = _Phase("EVERGREEN", None, "UNLIMITED", recurring=finals if has_recurring else None)
        one_time = {c: p.one_time for c, p in per_currency.items() if p.one_time is not None}
        if one_time:
            first = initial[0] if initial else final
            first.fixed = {c: v for c, v in one_time.items()}
        return initial, final

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
                    f"{currency}",
                )
                continue
            for mine, theirs in zip(usage.tiers, tiers, strict=True):
                mine.prices.update(theirs.prices)
        return list(out.values())

    def _unit(self, service: str) -> str:
        if service not in self.units:
            self.units[service] = (self.ids.make(service, "unit"), service)
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
