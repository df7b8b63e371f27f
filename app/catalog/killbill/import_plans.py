"""Kill Bill import, part 2: reading one plan, its phases and usage sections."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.catalog.killbill.import_values import (
    _KB_PERIOD,
    _KB_PERIOD_NEAREST,
    _MAX_PHASE_MONTHS,
    _PHASE_CHILDREN,
    _PLAN_CHILDREN,
    _UNBOUNDED_THRESHOLD,
    _Bucket,
    _ImportValues,
    _PlanRead,
    _Rate,
    _text,
    _Tiered,
    _usage_signatures,
)
from app.catalog.killbill.mapping import _dec_text


class _PlanReader(_ImportValues):
    """Reads plans into :class:`_PlanRead` values."""

    # -- plans -------------------------------------------------------------------------------

    def _duration(self, phase: ET.Element, path: str) -> tuple[int | None, int | None] | None:
        unit = _text(phase, "duration/unit")
        number = self._int(_text(phase, "duration/number"))
        if unit == "UNLIMITED" or unit is None:
            return None
        if number is None or number <= 0:
            self.notes.add(f"{path}/duration", f"duration {number} {unit} is not usable")
            return None
        factor = {"MONTHS": (1, 0), "YEARS": (12, 0), "DAYS": (0, 1), "WEEKS": (0, 7)}.get(unit)
        if factor is None:
            self.notes.add(f"{path}/duration", f"duration unit {unit[:20]!r} unknown")
            return None
        months, days = number * factor[0], number * factor[1]
        if months > _MAX_PHASE_MONTHS or days > _MAX_PHASE_MONTHS * 31:
            self.notes.add(
                f"{path}/duration",
                f"duration {number} {unit} is longer than "
                f"{_MAX_PHASE_MONTHS // 12} years: not usable",
            )
            return None
        return (months, None) if months else (None, days)

    def _read_plan(self, plan: ET.Element, path: str) -> _PlanRead | None:
        name = plan.get("name")
        product = _text(plan, "product")
        if not name:
            self.notes.add(path, "plan without a name ignored")
            return None
        if product not in self.products:
            self.notes.add(
                path, f"plan {name!r} names unknown product {str(product)[:80]!r}: not imported"
            )
            return None
        assert product is not None
        final = plan.find("finalPhase")
        if final is None:
            self.notes.add(path, f"plan {name!r} has no finalPhase: not imported")
            return None
        for child in plan:
            if isinstance(child.tag, str) and child.tag not in _PLAN_CHILDREN:
                self.notes.add(f"{path}/{child.tag}", f"unknown element <{child.tag}> ignored")
        for what in ("effectiveDateForExistingSubscriptions", "plansAllowedInBundle"):
            value = _text(plan, what)
            if value is not None and value != "-1":
                self.notes.add(f"{path}/{what}", f"{what} {value[:40]} not kept")
        if _text(plan, "recurringBillingMode") == "IN_ARREAR":
            self.notes.add(
                f"{path}/recurringBillingMode",
                "billed in arrear in Kill Bill; this catalog bills recurring prices in advance",
            )
        initial = plan.findall("initialPhases/phase")
        phases = [(p, f"{path}/initialPhases/phase[{i + 1}]") for i, p in enumerate(initial)]
        phases.append((final, f"{path}/finalPhase"))
        period = None
        for phase, _ in [phases[-1], *phases[:-1]]:
            period = _text(phase, "recurring/billingPeriod") or _text(
                phase, "usages/usage/billingPeriod"
            )
            if period:
                break
        bill = self._bill_frequency(period, path)
        read = _PlanRead(name, product, path, bill)
        if final.get("type") == "FIXEDTERM":
            self.notes.add(
                f"{path}/finalPhase",
                "FIXEDTERM final phase: the subscription "
                "ends after its duration in Kill Bill; imported as open-ended",
            )
        for phase, ppath in phases:
            for child in phase:
                if isinstance(child.tag, str) and child.tag not in _PHASE_CHILDREN:
                    self.notes.add(f"{ppath}/{child.tag}", f"unknown element <{child.tag}> ignored")
            phase_period = _text(phase, "recurring/billingPeriod")
            if phase_period and phase_period != period:
                self.notes.add(
                    f"{ppath}/recurring",
                    f"billing period {phase_period} differs "
                    f"from the plan's ({period}): priced as if {period}",
                )
        read.evergreen = self._prices(
            final.find("recurring/recurringPrice"), f"{path}/finalPhase/recurring/recurringPrice"
        )
        stopped = False
        for phase, ppath in phases[:-1]:
            kind = (phase.get("type") or "PHASE").title()
            recurring = phase.find("recurring")
            prices = (
                self._prices(recurring.find("recurringPrice"), f"{ppath}/recurring")
                if recurring is not None
                else None
            )
            if stopped:
                self.notes.add(
                    ppath, f"{kind} phase not imported (it follows a phase that could not be)"
                )
                continue
            duration = self._duration(phase, ppath)
            if duration is None:
                self.notes.add(ppath, f"{kind} phase without a limited duration not imported")
                stopped = True
                continue
            months, days = duration
            count = months or days
            label = f"{kind} {count} {'month' if months else 'day'}{'s' if count != 1 else ''}"
            read.discounts.append((label, months, days, prices))
            if _usage_signatures(phase) - _usage_signatures(final):
                self.notes.add(
                    f"{ppath}/usages",
                    f"usage prices of the {kind} phase not "
                    "imported: usage here is priced the same in every phase",
                )
        first, first_path = phases[0]
        read.fixed = self._prices(first.find("fixed/fixedPrice"), f"{first_path}/fixed")
        for phase, ppath in phases[1:]:
            if self._prices(phase.find("fixed/fixedPrice"), f"{ppath}/fixed"):
                self.notes.add(
                    f"{ppath}/fixed",
                    "fixed price of a later phase not imported: "
                    "one-time charges are billed on the first bill",
                )
        fixed_el = first.find("fixed")
        if fixed_el is not None and fixed_el.get("type") not in (None, "ONE_TIME"):
            self.notes.add(
                f"{first_path}/fixed", f"fixed type {fixed_el.get('type')} read as one-time"
            )
        for i, usage in enumerate(final.findall("usages/usage")):
            self._read_usage(usage, f"{path}/finalPhase/usages/usage[{i + 1}]", period, read)
        return read

    def _bill_frequency(self, period: str | None, path: str) -> Any:
        if period in _KB_PERIOD:
            return _KB_PERIOD[period]
        if period in _KB_PERIOD_NEAREST:
            ours = _KB_PERIOD_NEAREST[period]
            self.notes.add(
                path,
                f"billing period {period} has no equivalent: imported as "
                f"{ours} with the price unchanged",
            )
            return ours
        if period is None:
            self.notes.add(
                path, "no recurring or usage section gives a billing period: imported as monthly"
            )
        else:
            self.notes.add(path, f"billing period {period[:30]!r} unknown: imported as monthly")
        return "monthly"

    def _read_usage(
        self, usage: ET.Element, path: str, period: str | None, read: _PlanRead
    ) -> None:
        name = usage.get("name") or "?"
        kind = usage.get("usageType")
        if usage.get("billingMode") != "IN_ARREAR":
            self.notes.add(
                path,
                f"usage {name!r} is billed {usage.get('billingMode')}: "
                "imported as usage billed at the end of the period",
            )
        usage_period = _text(usage, "billingPeriod")
        if usage_period != period:
            self.notes.add(
                path, f"usage {name!r} has billing period {usage_period}, not the plan's {period}"
            )
        for what in ("fixedPrice", "recurringPrice"):
            if usage.find(what) is not None and kind == "CONSUMABLE":
                self.notes.add(f"{path}/{what}", f"{what} of usage {name!r} not imported")
        if kind == "CAPACITY":
            self._read_capacity(usage, path, read)
            return
        if kind != "CONSUMABLE":
            self.notes.add(path, f"usage {name!r} of type {str(kind)[:20]!r} not imported")
            return
        for i, block in enumerate(usage.findall("blocks/block")):
            bpath = f"{path}/blocks/block[{i + 1}]"
            if (
                block.get("type") not in (None, "VANILLA")
                or block.find("minTopUpCredit") is not None
            ):
                self.notes.add(
                    bpath,
                    f"{block.get('type')} block: prepaid credit not "
                    "expressed; imported as a per-unit rate",
                )
            self._rate(block, bpath, read, cap=None)
        tiers = usage.findall("tiers/tier")
        by_unit: dict[str, list[tuple[ET.Element, str]]] = {}
        for i, tier in enumerate(tiers):
            if (
                tier.find("limits/limit") is not None
                or tier.find("fixedPrice") is not None
                or tier.find("recurringPrice") is not None
            ):
                self.notes.add(
                    f"{path}/tiers/tier[{i + 1}]",
                    "tier limits and tier prices of a consumable usage not imported",
                )
            for j, block in enumerate(tier.findall("blocks/tieredBlock")):
                unit = _text(block, "unit") or "?"
                by_unit.setdefault(unit, []).append(
                    (block, f"{path}/tiers/tier[{i + 1}]/blocks/tieredBlock[{j + 1}]")
                )
        policy = usage.get("tierBlockPolicy") or "ALL_TIERS"
        for unit, blocks in by_unit.items():
            self._tiered_unit(unit, blocks, policy, path, read)

    def _block(
        self, block: ET.Element, path: str
    ) -> tuple[str, Decimal, Decimal | None, dict[str, str]] | None:
        unit = _text(block, "unit")
        if unit is None:
            self.notes.add(path, "block without a unit not imported")
            return None
        if unit not in self.units:
            self.notes.add(path, f"unit {unit[:40]!r} is not declared in <units>")
            self.units[unit] = unit
        size = self._number(_text(block, "size"), f"{path}/size", "block size")
        if size is None or size <= 0:
            return None
        limit = None
        if block.find("max") is not None:
            limit = self._number(_text(block, "max"), f"{path}/max", "tier max")
        prices = self._prices(block.find("prices"), f"{path}/prices")
        return unit, size, limit, prices

    def _per_unit(self, price: str, size: Decimal, currency: str, path: str) -> str | None:
        if size == 1:
            return price
        value = (Decimal(price) / size).quantize(Decimal("0.000001"), ROUND_HALF_UP).normalize()
        self.notes.add(
            path,
            f"price {price} per block of {size} units imported as "
            f"{_dec_text(value)} per unit (Kill Bill charges whole blocks)",
        )
        return self._money(_dec_text(value), currency, path)

    def _rate(self, block: ET.Element, path: str, read: _PlanRead, cap: Decimal | None) -> None:
        parsed = self._block(block, path)
        if parsed is None:
            return
        unit, size, limit, prices = parsed
        if limit is not None and limit != -1:
            self.notes.add(
                path, f"at most {limit} blocks are billed in Kill Bill; imported without that cap"
            )
        rates: dict[str, str] = {}
        for currency, price in prices.items():
            per_unit = self._per_unit(price, size, currency, path)
            if per_unit is not None:
                rates[currency] = per_unit
        read.rates.append(_Rate(unit, rates))

    def _tiered_unit(
        self,
        unit: str,
        blocks: list[tuple[ET.Element, str]],
        policy: str,
        path: str,
        read: _PlanRead,
    ) -> None:
        parsed = []
        for block, bpath in blocks:
            one = self._block(block, bpath)
            if one is None:
                return
            parsed.append(one)
        if len(parsed) == 1:
            self._rate(blocks[0][0], blocks[0][1], read, cap=None)
            return
        sizes = [p[1] for p in parsed]
        maxes = [p[2] for p in parsed]
        counts_ok = all(
            m is not None and (m == -1 or (m > 0 and m == m.to_integral_value())) for m in maxes
        )
        if counts_ok and all(s == 1 for s in sizes):
            tiers: list[tuple[int | None, dict[str, str]]] = []
            end = 0
            for k, (_, _, limit, prices) in enumerate(parsed):
                assert limit is not None
                last = k == len(parsed) - 1
                if limit == -1 or last:
                    if limit != -1:
                        self.notes.add(
                            blocks[k][1],
                            "the last tier is capped in Kill Bill; imported as open-ended",
                        )
                    tiers.append((None, prices))
                    break
                end += int(limit)
                if end > 1_000_000_000:
                    self.notes.add(blocks[k][1], "tier too large to import")
                    return
                tiers.append((end, prices))
            read.tiered.append(_Tiered(unit, policy, tiers))
            self.notes.add(
                path,
                f"tiered prices of unit {unit!r} imported as {policy} tiers of "
                "a recurring service: the units are the account-service quantity, "
                "not recorded usage",
            )
            return
        bucket_shape = (
            policy == "ALL_TIERS"
            and counts_ok
            and all(m == 1 for m in maxes[:-1])
            and (maxes[-1] == 1 or (maxes[-1] == -1 and sizes[-1] == 1))
        )
        if bucket_shape:
            body = parsed if maxes[-1] == 1 else parsed[:-1]
            threshold = Decimal(0)
            flat: dict[str, Decimal] = {}
            steps: list[tuple[str, dict[str, str]]] = []
            for _, size, _, prices in body:
                threshold += size
                for currency, price in prices.items():
                    flat[currency] = flat.get(currency, Decimal(0)) + Decimal(price)
                steps.append(
                    (_dec_text(threshold.normalize()), {c: _dec_text(v) for c, v in flat.items()})
                )
            overage = parsed[-1][3] if maxes[-1] == -1 else {}
            read.buckets.append(_Bucket(unit, steps, dict(overage)))
            return
        self.notes.add(
            path,
            f"tiers of unit {unit!r} cannot be expressed: only the first "
            "tier's price is imported, as a per-unit rate",
        )
        self._rate(blocks[0][0], blocks[0][1], read, cap=None)

    def _read_capacity(self, usage: ET.Element, path: str, read: _PlanRead) -> None:
        name = usage.get("name") or "?"
        tiers = usage.findall("tiers/tier")
        sources: list[tuple[ET.Element, str]] = [
            (t, f"{path}/tiers/tier[{i + 1}]") for i, t in enumerate(tiers)
        ] or [(usage, path)]
        unit: str | None = None
        steps: list[tuple[str, dict[str, str]]] = []
        for tier, tpath in sources:
            limits = tier.findall("limits/limit")
            if not limits:
                self.notes.add(tpath, f"capacity usage {name!r}: tier without limits not imported")
                continue
            if len(limits) > 1:
                self.notes.add(
                    tpath,
                    f"capacity usage {name!r}: limits on several units "
                    "cannot be expressed; only the first unit's is imported",
                )
            tier_unit = _text(limits[0], "unit")
            if tier_unit is None or (unit is not None and tier_unit != unit):
                self.notes.add(tpath, "tier limit on another unit not imported")
                continue
            unit = tier_unit
            if unit not in self.units:
                self.units[unit] = unit
            if limits[0].find("min") is not None:
                self.notes.add(tpath, "minimum of a capacity limit not kept")
            maximum = self._number(_text(limits[0], "max"), f"{tpath}/limits", "limit")
            if maximum is None:
                continue
            if maximum == -1:
                threshold = _UNBOUNDED_THRESHOLD
            elif maximum <= 0 or maximum.as_tuple().exponent < -6:  # type: ignore[operator]
                self.notes.add(tpath, f"limit {maximum} not usable as a threshold")
                continue
            else:
                threshold = _dec_text(maximum.normalize())
            if tier.find("fixedPrice") is not None:
                self.notes.add(f"{tpath}/fixedPrice", "fixed price of a capacity tier not imported")
            prices = self._prices(tier.find("recurringPrice"), f"{tpath}/recurringPrice")
            if steps and Decimal(threshold) <= Decimal(steps[-1][0]):
                self.notes.add(tpath, "limits that do not grow tier by tier not imported")
                continue
            steps.append((threshold, prices))
        if unit is not None and steps:
            read.buckets.append(_Bucket(unit, steps))
