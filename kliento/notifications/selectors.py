"""Reading a person's notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kliento.core.models import Membership
from kliento.notifications.models import Notification

UNREAD_SHOWN_UP_TO = 99  # the bell says "99+" beyond, and counts no further


def inbox(member: Membership) -> QuerySet[Notification]:
    """The member's in-app notifications, newest first."""
    return Notification.objects.filter(recipient_id=member.user_id, show_in_app=True).order_by("-id")


def unread_count(member: Membership) -> int:
    """Unread notifications, counted up to one more than the bell shows."""
    rows = inbox(member).filter(read_at=None).values("id")[: UNREAD_SHOWN_UP_TO + 1]
    return len(rows)


def access_notification(*, member: Membership, notification_id: int) -> Notification:
    """One of the member's own notifications, or 404."""
    return get_object_or_404(inbox(member), pk=notification_id)
