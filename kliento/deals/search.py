"""The global search's provider for deals."""

from __future__ import annotations

from django.urls import reverse

from kliento.core.models import Membership
from kliento.core.records.search import SearchResult
from kliento.core.records.text_index import MIN_FRAGMENT, contains
from kliento.deals.lists import STATUS_CSS
from kliento.deals.models import Deal, StageKind

CANDIDATES = 200


def search_deals(member: Membership, query: str, limit: int) -> list[SearchResult]:
    """Deals whose title holds the text, read through the title's fragment index (migration 0003):
    up to CANDIDATES matches without an order, so the planner cannot swap the index for a walk
    through the title order, then the first by title."""
    text = query.strip()
    if len(text) < MIN_FRAGMENT:
        return []
    candidates = list(
        Deal.objects.visible_to(member)
        .filter(contains(Deal, "title", text, member.organization_id))
        .select_related("company", "stage")
        .only("id", "title", "status", "company__name", "stage__name")[:CANDIDATES]
    )
    rows = sorted(candidates, key=lambda deal: (deal.title.casefold(), deal.pk))[:limit]
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
