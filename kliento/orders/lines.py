"""A document's lines as a request gives them: checked, priced where the price was left out, and
computed by the organization's rounding policy (pricing.compute)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kliento.catalog.models import Product, ProductPrice
from kliento.catalog.services import check_amount
from kliento.core.errors import InvalidInput
from kliento.core.models import MAX_ID
from kliento.core.text import text_problem
from kliento.orders.models import MAX_LINES
from kliento.orders.pricing import LineInput, Totals, compute

QUANTITY_PLACES = Decimal("0.001")
PERCENT_PLACES = Decimal("0.01")
LINE_KEYS = frozenset({"product_id", "description", "quantity", "unit_price", "discount", "tax_rate"})


@dataclass(frozen=True)
class CleanLine:
    product_id: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax_rate: Decimal

    @property
    def pricing(self) -> LineInput:
        return LineInput(self.quantity, self.unit_price, self.discount, self.tax_rate)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _number(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidInput(_("Enter a number."), field=field)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise InvalidInput(_("Enter a number."), field=field)
    return number


def _percent(value: Any, field: str, message: str) -> Decimal:
    number = _number(value, field)
    if not 0 <= number <= 100 or number != number.quantize(PERCENT_PLACES):
        raise InvalidInput(message, field=field)
    return number


def _quantity(value: Any, field: str) -> Decimal:
    quantity = _number(value, field)
    if quantity <= 0:
        raise InvalidInput(_("A quantity is more than zero."), field=field)
    if quantity >= Decimal(10) ** 11 or quantity != quantity.quantize(QUANTITY_PLACES):
        raise InvalidInput(_("Use at most three decimal places."), field=field)
    return quantity


def _description(value: Any, field: str) -> str:
    description = value or ""
    if not isinstance(description, str) or len(description) > 500:
        raise InvalidInput(_("At most 500 characters."), field=field)
    if problem := text_problem(description):
        raise InvalidInput(problem, field=field)
    return description.strip()


def clean_lines(lines: Any, *, currency: str, default_tax_rate: Decimal) -> list[CleanLine]:
    """At least one line; each with a product of the organization, a quantity above zero with at
    most three decimals, a unit price (the product's price in the currency when left out), a
    discount and a tax rate from 0 to 100 per cent. Errors name `lines.N.<field>`."""
    if not isinstance(lines, Sequence) or isinstance(lines, str):
        raise InvalidInput(_("Give the lines as a list."), field="lines")
    if not lines:
        raise InvalidInput(_("Add at least one product."), field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidInput(_("A document has at most %(count)s lines.") % {"count": MAX_LINES}, field="lines")
    for index, line in enumerate(lines):
        if not isinstance(line, Mapping):
            raise InvalidInput(_("Give each line as an object."), field=f"lines.{index}")
    wanted = {line.get("product_id") for line in lines if _is_id(line.get("product_id"))}
    # Trashed products are not sold; another organization's are not seen at all.
    known = set(Product.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    prices = dict(
        ProductPrice.objects.filter(product_id__in=known, currency=currency).values_list(
            "product_id", "amount"
        )
    )
    cleaned = []
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        if unknown := sorted(set(line) - LINE_KEYS):
            raise InvalidInput(_("There is no such field."), field=f"{prefix}.{unknown[0]}")
        product_id = line.get("product_id")
        if not _is_id(product_id) or product_id not in known:
            raise InvalidInput(_("There is no such product."), field=f"{prefix}.product_id")
        if line.get("unit_price") is not None:
            unit_price = check_amount(line["unit_price"], field=f"{prefix}.unit_price")
        elif product_id in prices:
            unit_price = prices[product_id]
        else:
            raise InvalidInput(
                _("This product has no price in %(currency)s: enter the unit price.")
                % {"currency": currency},
                field=f"{prefix}.unit_price",
            )
        tax_rate = line.get("tax_rate")
        cleaned.append(
            CleanLine(
                product_id=product_id,
                description=_description(line.get("description"), f"{prefix}.description"),
                quantity=_quantity(line.get("quantity"), f"{prefix}.quantity"),
                unit_price=unit_price,
                discount=_percent(
                    line.get("discount") or 0,
                    f"{prefix}.discount",
                    _("A discount is a per cent from 0 to 100."),
                ),
                tax_rate=_percent(
                    default_tax_rate if tax_rate is None else tax_rate,
                    f"{prefix}.tax_rate",
                    _("A tax rate is a per cent from 0 to 100."),
                ),
            )
        )
    return cleaned


def totals_of(lines: Sequence[CleanLine], *, currency: str, rounding: str) -> Totals:
    return compute([line.pricing for line in lines], currency, rounding)
