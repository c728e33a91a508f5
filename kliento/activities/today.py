"""Callbacks on each person's Today page: missed calls of the last days that nobody has returned."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from kliento.activities.models import Call, Direction
from kliento.core.requests import OrgRequest

SHOWN = 8
LOOK_BACK = datetime.timedelta(days=7)


def callbacks_widget(request: OrgRequest) -> dict[str, Any] | None:
    """Missed inbound calls for the member (or for anyone) without a later call to that number."""
    member = request.member
    since = timezone.now() - LOOK_BACK
    returned = Call.objects.filter(
        customer_number=OuterRef("customer_number"),
        direction=Direction.OUTBOUND,
        started_at__gt=OuterRef("started_at"),
    )
    calls = list(
        Call.objects.filter(status=Call.Status.MISSED, direction=Direction.INBOUND, started_at__gte=since)
        .filter(Q(agent_id=member.user_id) | Q(agent=None))
        .exclude(customer_number="")
        .exclude(Exists(returned))
        .select_related("activity")
        .order_by("-started_at", "-id")[: SHOWN + 1]
    )
    if not calls:
        return None
    return {"calls": calls[:SHOWN], "more": len(calls) > SHOWN, "calls_url": reverse("activities:calls")}
