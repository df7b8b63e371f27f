"""Taxes: one tax line per tax category (and per inclusive / exclusive) on each bill.

A line's tax category and tax-inclusive setting come from the price book's service settings
override when it sets them, else from the service. The category's rate for the account's
country applies; no rate, no tax. The tax of a category is worked out on the sum of its
rounded lines and rounded once:

- tax-exclusive: ``tax = base x rate``, added to the bill's total;
- tax-inclusive: ``tax = base x rate / (1 + rate)``, already inside the amounts: the line is
  shown for information and is not added again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from app.engine.bill import BillLine
from app.engine.money import ONE, ZERO, format_amount, format_percent, round_money
from app.engine.snapshot import Catalog, Currency


def tax_lines(catalog: Catalog, country: str, currency: Currency, lines: Iterable[BillLine],
              money: Callable[[Decimal], str] | None = None) -> list[BillLine]:
    """The tax lines of one bill's ``lines`` (``money`` formats amounts for explanations)."""
    added: dict[str, Decimal] = {}  # tax-exclusive bases by category
    contained: dict[str, Decimal] = {}  # tax-inclusive bases by category
    for line in lines:
        category = line.tax_category
        if category is not None and line.kind != "tax":
            sums = contained if line.tax_inclusive else added
            sums[category] = sums.get(category, ZERO) + line.amount
    rates = catalog.tax_rates
    bases = {(c, False): v for c, v in added.items() if (c, country) in rates}
    bases.update({(c, True): v for c, v in contained.items() if (c, country) in rates})
    if not bases:
        return []
    m = currency.minor_units
    text = money or (lambda amount: format_amount(amount, m))
    out: list[BillLine] = []
    for (category, inclusive), base in sorted(bases.items()):
        if not base:
            continue
        rate = rates[(category, country)]
        pct = _percent(rate)
        if inclusive:
            tax = round_money(base * rate / (ONE + rate), currency.quantum)
            explanation = (f"{category} tax {pct} ({country}) included in {text(base)} of "
                           f"tax-inclusive charges: {text(base)} x {rate} / (1 + {rate}) = "
                           f"{text(tax)}; already in the amounts, not added")
        else:
            tax = round_money(base * rate, currency.quantum)
            explanation = (f"{category} tax {pct} ({country}) on {text(base)} of tax-exclusive "
                           f"charges = {text(tax)}")
        out.append(BillLine(
            None, None, None, "tax", None, ONE, tax, tax, None, None, explanation,
            description=f"{category} tax {pct}" + (" (included)" if inclusive else ""),
            tax_category=category, tax_inclusive=inclusive,
        ))
    return out


_PERCENTS: dict[Decimal, str] = {}


def _percent(rate: Decimal) -> str:
    text = _PERCENTS.get(rate)
    if text is None:
        text = _PERCENTS[rate] = format_percent(rate)
    return text
