"""Reads of quotes with their rules: what a member may see, a quote's lines and number as printed,
a deal's quotes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from kliento.core.models import MAX_ID, Membership
from kliento.core.permissions import Permission
from kliento.core.services import require
from kliento.deals.models import Deal, DealLine
from kliento.orders.models import Quote, QuoteLine, QuoteStatus, SalesSettings

QUOTES_ON_A_DEAL = 20  # the deal card's panel; older ones are on the quote list filtered by the deal


def access_quote(*, member: Membership, record_id: int, write: bool = False) -> Quote:
    """The quote if this member may see it (and change it, if write); 404 or 403 otherwise."""
    quote = Quote.objects.visible_to(member).filter(pk=record_id).first() if 0 < record_id <= MAX_ID else None
    if quote is None:
        raise Http404
    if write:
        require(member, Permission.EDIT_SALES)
    return quote


def quote_prefix() -> str:
    """The active organization's quote number prefix ("Q-" until its settings say otherwise)."""
    prefix = SalesSettings.objects.values_list("quote_prefix", flat=True).first()
    return SalesSettings().quote_prefix if prefix is None else prefix


def quote_number(quote: Quote, prefix: str | None = None) -> str:
    """The number as the customer reads it: the organization's prefix and the number ("Q-42")."""
    return f"{quote_prefix() if prefix is None else prefix}{quote.number}"


def lines_of(quote: Quote) -> list[QuoteLine]:
    """The quote's lines in order, with their products (one query)."""
    return list(
        QuoteLine.objects.filter(quote=quote)
        .select_related("product")
        .only(
            "id", "position", "description", "quantity", "unit_price", "discount", "tax_rate", "net",
            "tax", "gross", "quote_id", "product__id", "product__name", "product__sku", "product__unit",
        )
        .order_by("position", "id")
    )  # fmt: skip


@dataclass(frozen=True)
class QuoteFilter:
    """The API list's filters (the list page's are the records kit's)."""

    status: str | None = None
    contact: int | None = None
    company: int | None = None
    deal: int | None = None
    owner: int | None = None
    issued_from: datetime.date | None = None
    issued_to: datetime.date | None = None
    number: str | None = None


def number_matches(text: str, prefix: str) -> Q | None:
    """Quotes whose number is the text ("42", or "Q-42" with the prefix); None when it names none."""
    digits = text.strip()
    if prefix and digits.casefold().startswith(prefix.casefold()):
        digits = digits[len(prefix) :]
    digits = digits.strip()
    if not digits.isdigit() or len(digits) > 18:
        return None
    return Q(number=int(digits))


def filtered_quotes(member: Membership, given: QuoteFilter) -> QuerySet[Quote]:
    quotes = Quote.objects.visible_to(member)
    for name in ("status", "contact", "company", "deal", "owner"):
        value = getattr(given, name)
        if value is not None:
            quotes = quotes.filter(**{name if name == "status" else f"{name}_id": value})
    if given.issued_from is not None:
        quotes = quotes.filter(issued_on__gte=given.issued_from)
    if given.issued_to is not None:
        quotes = quotes.filter(issued_on__lte=given.issued_to)
    if given.number:
        condition = number_matches(given.number, quote_prefix())
        quotes = quotes.filter(condition) if condition is not None else quotes.none()
    return quotes


@dataclass(frozen=True)
class DealQuotes:
    quotes: list[Quote]
    prefix: str
    has_lines: bool


def quotes_of_deal(member: Membership, deal: Deal) -> DealQuotes:
    """The deal's latest quotes the member sees, and whether the deal has lines to quote (3 queries)."""
    quotes = list(
        Quote.objects.visible_to(member)
        .filter(deal=deal)
        .only("id", "number", "status", "total", "currency", "issued_on", "valid_until", "owner_id")
        .order_by("-issued_on", "-id")[:QUOTES_ON_A_DEAL]
    )
    has_lines = DealLine.objects.filter(deal=deal).exists()
    return DealQuotes(quotes=quotes, prefix=quote_prefix(), has_lines=has_lines)


STATUS_CSS: dict[str, str] = {
    QuoteStatus.DRAFT: "text-bg-light border",
    QuoteStatus.SENT: "text-bg-primary",
    QuoteStatus.ACCEPTED: "text-bg-success",
    QuoteStatus.DECLINED: "text-bg-secondary",
    QuoteStatus.EXPIRED: "text-bg-warning",
}


def status_css(status: Any) -> str:
    return STATUS_CSS.get(status, "")
