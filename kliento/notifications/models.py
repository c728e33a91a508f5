"""Notifications to one person, and each person's choice of channels per kind of notification."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kliento.core.models import User
from kliento.core.tenancy import TenantModel


class Notification(TenantModel):
    """One message to one person: shown under the bell, emailed, or both (its preferences decide).

    The row is also the email's outbox: `email_state` moves pending → sending → sent (or failed,
    with the reason), each step an atomic update, so one email is sent at most once. `source_key`
    names what caused the notification ("reminder:42") when that must notify only once: a unique
    constraint holds it, whatever runs twice."""

    class EmailState(models.TextChoices):
        NONE = "none", _("Not emailed")
        PENDING = "pending", _("Waiting to be emailed")
        SENDING = "sending", _("Being emailed")
        SENT = "sent", _("Emailed")
        FAILED = "failed", _("Email failed")

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=2000, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    record_kind = models.CharField(max_length=40, blank=True)  # a record kind's key
    record_id = models.BigIntegerField(null=True, blank=True)
    show_in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=EmailState, default=EmailState.NONE)
    email_error = models.CharField(max_length=300, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    source_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["organization", "recipient", "show_in_app", "-id"], name="notification_inbox"
            ),
            models.Index(
                fields=["organization", "recipient"],
                condition=Q(read_at=None, show_in_app=True),
                name="notification_unread",
            ),
            models.Index(fields=["email_state", "id"], name="notification_email_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_key"],
                condition=~Q(source_key=""),
                name="notification_unique_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(TenantModel):
    """Which channels one person gets one kind of notification on; without a row, the kind's defaults."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=60)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by email"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "kind"], name="notificationpref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
