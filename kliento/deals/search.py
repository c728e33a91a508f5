"""The global search's provider for deals."""

from __future__ import annotations

from django.urls import reverse

from kliento.core.models import Membership
from kliento.core.records.search import SearchResult
from kliento.deals.lists import STATUS_CSS
from kliento.deals.models import Deal, StageKind


def search_deals(member: Membership, query: str, limit: int) -> list[SearchResult]:
    text = query.strip()
    if len(text) < 2:
        return []
    rows = (
        Deal.objects.visible_to(member)
        .filter(title__icontains=text)
        .select_related("company", "stage")
        .only("id", "title", "status", "company__name", "stage__name")
        .order_by("title", "id")[:limit]
    )
    labels = dict(StageKind.choices)
    return [
        SearchResult(
            title=deal.title,
            subtitle=deal.company.name if deal.company else deal.stage.name,
            url=reverse("deals:deal-detail", args=[deal.pk]),
            badge=labels.get(deal.status, deal.status),
            badge_class=STATUS_CSS.get(deal.status, ""),
            score=1.0 if deal.title.casefold() == text.casefold() else 0.6,
        )
        for deal in rows
    ]
