"""Leads on each person's Today page, and their first response taken from the timeline."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kliento.activities.hooks import Outbound
from kliento.core.requests import OrgRequest
from kliento.leads.models import Lead
from kliento.leads.selectors import waiting_text
from kliento.leads.services import record_first_response

SHOWN = 8


def first_response_of_lead(event: Outbound) -> None:
    """A call made (later an email or a message sent) to a lead is its first response, once."""
    if event.activity.subject_kind == "lead":
        record_first_response(event.activity.subject_id, at=event.activity.occurred_at, by=event.author)


def leads_waiting_widget(request: OrgRequest) -> dict[str, Any] | None:
    """The member's leads and the unassigned ones still waiting for a first answer, longest first."""
    member = request.member
    leads = list(
        Lead.objects.visible_to(member)
        .filter(Q(owner_id=member.user_id) | Q(owner=None), queue_rank=Lead.QueueRank.AWAITING)
        .order_by("created_at", "id")
        .only(
            "id",
            "name",
            "company_name",
            "source",
            "owner_id",
            "created_at",
            "queue_rank",
            "first_response_at",
        )[: SHOWN + 1]
    )
    if not leads:
        return None
    now = timezone.now()
    return {
        "leads": [(lead, waiting_text(lead, now)) for lead in leads[:SHOWN]],
        "more": len(leads) > SHOWN,
        "inbox_url": reverse("leads:lead-list"),
    }
