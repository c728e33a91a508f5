"""Isolation cases of notifications (see tests/isolation.py): another organization's notification
can be neither opened nor marked read, even by someone who belongs to both."""

from django.urls import reverse

from kliento.notifications.models import Notification, NotificationPreference
from tests.isolation import IsolationCase, Request, register
from tests.tasks.factories import NotificationFactory, NotificationPreferenceFactory

register(
    IsolationCase(
        model=Notification,
        make=lambda organization: NotificationFactory(organization=organization),
        pages=(
            Request("get", lambda n: reverse("notifications:open", args=[n.pk])),
            Request("post", lambda n: reverse("notifications:read", args=[n.pk])),
        ),
        api=(Request("post", lambda n: f"/api/v1/notifications/{n.pk}/read"),),
    )
)
register(
    IsolationCase(
        model=NotificationPreference,
        make=lambda organization: NotificationPreferenceFactory(organization=organization),
    )
)
