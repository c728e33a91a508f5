"""The arithmetic of quotes and orders: one function, in Decimal, with one rounding policy.

A line's net is quantity x unit price less its discount (per cent); its tax is its net times its
tax rate (per cent); its gross is net plus tax. Amounts round half up to the currency's minor unit
(catalog.money.quantize) under the document's policy:

- per line (`Rounding.PER_LINE`): each line's net and tax are rounded, and the totals are the sums
  of the rounded lines, so every printed line adds up to the printed total;
- per total (`Rounding.PER_TOTAL`): the totals are computed exactly and rounded once (tax once per
  tax rate, as tax authorities that tax the invoice total expect); lines show their own rounded
  net for reading, and the totals may differ from the sum of those by the rounding.

The subtotal is the undiscounted sum, the discount total what the line discounts took off it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kliento.catalog.money import quantize
from kliento.orders.models import Rounding

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineAmounts, ...]
    subtotal: Decimal
    discount_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    total: Decimal


def _exact_net(line: LineInput) -> Decimal:
    return line.quantity * line.unit_price * (HUNDRED - line.discount) / HUNDRED


def compute(lines: Sequence[LineInput], currency: str, rounding: str) -> Totals:
    """Every line's amounts and the document's totals, rounded to the currency's unit by the policy."""
    subtotal = quantize(sum((line.quantity * line.unit_price for line in lines), Decimal(0)), currency)
    rounded_lines = []
    for line in lines:
        net = quantize(_exact_net(line), currency)
        tax = quantize(net * line.tax_rate / HUNDRED, currency)
        rounded_lines.append(LineAmounts(net=net, tax=tax, gross=net + tax))
    if rounding == Rounding.PER_TOTAL:
        exact_by_rate: defaultdict[Decimal, Decimal] = defaultdict(Decimal)
        for line in lines:
            exact_by_rate[line.tax_rate] += _exact_net(line)
        net_total = quantize(sum(exact_by_rate.values(), Decimal(0)), currency)
        tax_total = sum(
            (quantize(net * rate / HUNDRED, currency) for rate, net in exact_by_rate.items()), Decimal(0)
        )
    else:
        net_total = sum((line.net for line in rounded_lines), Decimal(0))
        tax_total = sum((line.tax for line in rounded_lines), Decimal(0))
    return Totals(
        lines=tuple(rounded_lines),
        subtotal=subtotal,
        discount_total=subtotal - net_total,
        net_total=net_total,
        tax_total=tax_total,
        total=net_total + tax_total,
    )
