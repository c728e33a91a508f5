"""The global search's provider for leads (core/records/search.py)."""

from __future__ import annotations

from django.urls import reverse

from kliento.core.models import Membership
from kliento.core.records.search import SearchResult
from kliento.leads.lists import status_css
from kliento.leads.models import Lead
from kliento.leads.selectors import matching, parse_query


def search_leads(member: Membership, query: str, limit: int) -> list[SearchResult]:
    """The member's visible leads matching the text, names starting with it first."""
    parsed = parse_query(query)
    if parsed is None:
        return []
    rows = list(
        matching(Lead.objects.visible_to(member), parsed)
        .only("id", "name", "company_name", "email", "status", "sort_name")
        .order_by("sort_name", "id")[: limit * 2]
    )
    rows.sort(key=lambda lead: (not lead.sort_name.startswith(parsed.text), lead.sort_name, lead.pk))
    return [
        SearchResult(
            title=lead.name,
            subtitle=" · ".join(part for part in (lead.company_name, lead.email) if part),
            url=reverse("leads:lead-detail", args=[lead.pk]),
            badge=lead.get_status_display(),
            badge_class=status_css(lead.status),
            score=1.0 if lead.sort_name.startswith(parsed.text) else 0.6,
            record_id=lead.pk,
        )
        for lead in rows[:limit]
    ]
