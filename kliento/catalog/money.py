"""Money and its conversion to the organization's base currency: the one rule every app uses.

An amount is a `Decimal` in a currency, rounded to the currency's minor unit (CLDR's digits: 2 for
EUR, 0 for JPY, 3 for KWD) with ROUND_HALF_UP, the rounding people expect on an invoice. An
`ExchangeRate` says how many units of the base currency one unit of a currency was worth from a
date on; `to_base` converts with the rate valid on the given date and returns the rate it used, so
whatever stores an amount keeps amount, currency, rate and base amount together and a later rate
(or a change of base currency) never changes an amount already stored.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from babel.numbers import get_currency_precision
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.core.errors import InvalidInput
from kliento.core.models import CURRENCY_CODES, Organization
from kliento.core.tenancy import memoized, require_active_organization_id

ROUNDING = ROUND_HALF_UP
RATE_DIGITS, RATE_PLACES = 20, 10  # an exchange rate's column: 1 JPY = 0.0061234567 EUR fits
AMOUNT_DIGITS, AMOUNT_PLACES = 16, 4  # an amount's column; the currency's own digits decide rounding
ONE = Decimal(1)


NO_RATE = gettext_lazy(
    "There is no exchange rate from %(currency)s to %(base)s valid on %(date)s: "
    "add one in the exchange rate settings."
)


class MissingRate(InvalidInput):
    """No exchange rate of a currency is valid on a date: the amount cannot be converted."""


class UnknownCurrency(InvalidInput):
    pass


class Money(NamedTuple):
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class Converted(NamedTuple):
    amount_base: Decimal
    rate: Decimal  # units of the base currency for one unit of the amount's currency


def check_currency(code: str, *, field: str = "currency") -> str:
    """The code if it is an ISO 4217 currency, else InvalidInput naming the field."""
    if code not in CURRENCY_CODES:
        raise UnknownCurrency(
            _("“%(code)s” is not a known currency: use a three-letter ISO 4217 code, such as EUR.")
            % {"code": code},
            field=field,
        )
    return code


def minor_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """The amount rounded to the currency's minor unit, half up."""
    try:
        return amount.quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=ROUNDING)
    except InvalidOperation as error:
        raise InvalidInput(_("This amount is too large."), field="amount") from error


def base_currency() -> str:
    """The active organization's base currency, read once per request or job."""
    organization_id = require_active_organization_id()
    return memoized(
        ("catalog.base_currency", organization_id),
        lambda: Organization.objects.values_list("base_currency", flat=True).get(pk=organization_id),
    )


def rate_on(currency: str, on_date: datetime.date, *, base: str | None = None) -> Decimal:
    """How many units of the base currency one unit of `currency` was worth on that date."""
    from kliento.catalog.models import ExchangeRate

    base = base or base_currency()
    if currency == base:
        return ONE
    rate = (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=on_date)
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise MissingRate(
            str(NO_RATE) % {"currency": currency, "base": base, "date": on_date.isoformat()},
            field="currency",
        )
    return rate


def to_base(amount: Decimal, currency: str, on_date: datetime.date, *, base: str | None = None) -> Converted:
    """The amount in the organization's base currency with the rate valid on `on_date`, rounded to
    the base currency's minor unit; MissingRate (naming the currency) when no rate is valid then."""
    if not isinstance(amount, Decimal):
        raise TypeError("Amounts are Decimals, never floats.")
    check_currency(currency)
    base = base or base_currency()
    rate = rate_on(currency, on_date, base=base)
    return Converted(amount_base=quantize(amount * rate, base), rate=rate)
