"""The global search's provider for quotes: by number, with or without the organization's prefix."""

from __future__ import annotations

from django.urls import reverse

from kliento.core.models import Membership
from kliento.core.records.search import SearchResult
from kliento.orders.models import Quote, QuoteStatus
from kliento.orders.quote_selectors import number_matches, quote_prefix, status_css


def search_quotes(member: Membership, query: str, limit: int) -> list[SearchResult]:
    """The quote with this number, if the member sees it: one indexed look-up (two with the prefix)."""
    text = query.strip()
    if not text or not any(character.isdigit() for character in text):
        return []
    prefix = quote_prefix()
    condition = number_matches(text, prefix)
    if condition is None:
        return []
    rows = (
        Quote.objects.visible_to(member)
        .filter(condition)
        .select_related("company", "contact")
        .only("id", "number", "status", "total", "currency", "company__name", "contact__first_name",
              "contact__last_name")
        .order_by("-issued_on", "-id")[:limit]
    )  # fmt: skip
    labels = dict(QuoteStatus.choices)
    return [
        SearchResult(
            title=f"{prefix}{quote.number}",
            subtitle=quote.company.name if quote.company else (str(quote.contact) if quote.contact else ""),
            url=reverse("orders:quote-detail", args=[quote.pk]),
            badge=labels.get(quote.status, quote.status),
            badge_class=status_css(quote.status),
            score=1.0,
            record_id=quote.pk,
        )
        for quote in rows
    ]
