"""Open deals on their owner's Today page that have no next step: no open task and no meeting ahead."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from kliento.core.requests import OrgRequest
from kliento.deals.models import Deal, StageKind
from kliento.tasks.models import Meeting, Task

SHOWN = 8


def deals_without_next_step_widget(request: OrgRequest) -> dict[str, Any] | None:
    """The member's open deals with nothing planned, the most valuable first."""
    member = request.member
    planned_task = Task.objects.filter(
        related_kind="deal", related_id=OuterRef("pk"), status=Task.Status.OPEN
    )
    planned_meeting = Meeting.objects.filter(
        related_kind="deal", related_id=OuterRef("pk"), ends_at__gte=timezone.now()
    )
    deals = list(
        Deal.objects.filter(owner_id=member.user_id, status=StageKind.OPEN)
        .exclude(Exists(planned_task))
        .exclude(Exists(planned_meeting))
        .select_related("stage")
        .order_by("-amount_base", "id")
        .only("id", "title", "amount", "currency", "stage__name", "expected_close_on")[: SHOWN + 1]
    )
    if not deals:
        return None
    plan_url = reverse("tasks:task-create")
    return {
        "deals": [(deal, f"{plan_url}?related_kind=deal&related_id={deal.pk}") for deal in deals[:SHOWN]],
        "more": len(deals) > SHOWN,
        "deals_url": reverse("deals:deal-list") + "?owner=me",
    }
