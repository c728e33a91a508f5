"""Amounts shown in the reader's locale with their currency (babel's CLDR formats)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or "en")


@register.filter
def money(amount: Any, currency: str) -> str:
    """12345.5, "EUR" → "€12,345.50" in English, "12 345,50 €" in Russian; empty for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        return format_currency(Decimal(amount), currency, locale=_locale())
    except (ValueError, ArithmeticError):
        return f"{amount} {currency}"


@register.filter
def money_short(amount: Any, currency: str) -> str:
    """Without minor units, for totals on crowded places such as a board's column header."""
    if amount is None or amount == "":
        return ""
    try:
        return format_currency(
            Decimal(amount), currency, locale=_locale(), format="¤#,##0", currency_digits=False
        )
    except (ValueError, ArithmeticError):
        return f"{amount} {currency}"
