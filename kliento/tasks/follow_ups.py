"""A call logged with "follow up" becomes a task of its author's, on the same record."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from kliento.activities.hooks import FollowUpWished, on_follow_up
from kliento.core.models import Membership
from kliento.tasks.services import create_task

logger = logging.getLogger(__name__)


def task_from_follow_up(event: FollowUpWished) -> None:
    activity = event.call.activity
    member = (
        Membership.objects.select_related("user", "organization")
        .filter(user=event.author, is_active=True)
        .first()
        if event.author is not None
        else None
    )
    if member is None or activity is None:
        return  # a call the telephony logged alone, or its author has left: nobody to give it to
    create_task(
        member=member,
        data={
            "title": event.note or _("Call back"),
            "due_at": event.due_at,
            "related_kind": activity.subject_kind,
            "related_id": activity.subject_id,
        },
    )


def register() -> None:
    on_follow_up(task_from_follow_up)
