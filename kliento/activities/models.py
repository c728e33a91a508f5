"""Interactions with customers: the timeline's own entries (notes, calls, later emails, SMS, chat
messages and meetings), the colleagues a note mentions, files attached to entries, telephony calls
and each organization's telephony settings."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kliento.core.models import User
from kliento.core.tenancy import TenantKeyedModel, TenantModel

BODY_MAX = 10_000
KIND_KEY_MAX = 40


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Activity(TenantModel):
    """One entry of a record's timeline. The record is named by its kind's key and id (any
    registered kind: contact, company, lead, deal…), so one table serves every timeline; the
    index (organization, subject kind, subject id, moment desc, id desc) serves its pages."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        CHAT = "chat", _("Chat message")
        MEETING = "meeting", _("Meeting")

    subject_kind = models.CharField(_("kind of record"), max_length=KIND_KEY_MAX)
    subject_id = models.BigIntegerField(_("record"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction, blank=True)
    occurred_at = models.DateTimeField(_("when"))
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    # Who else took part, as people read them (names, numbers, addresses).
    participants = models.JSONField(_("participants"), default=list, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX, blank=True)
    # What only this kind has (a call's outcome and duration, an email's subject…).
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(
                "organization",
                "subject_kind",
                "subject_id",
                models.F("occurred_at").desc(),
                models.F("id").desc(),
                name="activity_subject_time",
            ),
            models.Index(
                "organization",
                "subject_kind",
                "subject_id",
                "kind",
                models.F("occurred_at").desc(),
                models.F("id").desc(),
                name="activity_subject_kind_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class Mention(TenantKeyedModel):
    """A colleague a note names with @: who is told, and whose mentions can be listed."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["activity", "user"], name="mention_unique_per_entry")]
        indexes = [models.Index(fields=["organization", "user"], name="mention_org_user")]

    def __str__(self) -> str:
        return str(self.user_id)


def attachment_storage() -> Storage:
    """Settings name the storage (local files by default, S3-compatible when configured)."""
    return storages[settings.KLIENTO_ATTACHMENTS_STORAGE]


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random folder per file: names people chose never collide nor say where others' files are.
    return f"attachments/{instance.organization_id}/{secrets.token_hex(16)}/{filename}"


class Attachment(TenantModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), storage=attachment_storage, upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Call(TenantModel):
    """A phone call, logged by hand or reported by a telephony provider (upserted by its call id),
    with what statistics need: who took it, when it rang, was answered and ended."""

    class Status(models.TextChoices):
        RINGING = "ringing", _("Ringing")
        ANSWERED = "answered", _("In progress")
        COMPLETED = "completed", _("Completed")
        MISSED = "missed", _("Missed")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        NO_ANSWER = "no_answer", _("No answer")
        BUSY = "busy", _("Busy")
        VOICEMAIL = "voicemail", _("Voicemail")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    provider = models.CharField(_("provider"), max_length=20, blank=True)  # "" for a call logged by hand
    provider_call_id = models.CharField(_("provider's call id"), max_length=100, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction)
    from_number = models.CharField(_("from"), max_length=40, blank=True)
    to_number = models.CharField(_("to"), max_length=40, blank=True)
    # The customer's side of the call in E.164 (from for inbound, to for outbound), when it parses.
    customer_number = models.CharField(_("customer's number"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome, blank=True)
    started_at = models.DateTimeField(_("started"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    # Who should take (or took) the call; none: anyone on the call screen.
    agent = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("agent")
    )
    activity = models.OneToOneField(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="call"
    )
    follow_up_at = models.DateTimeField(_("follow up at"), null=True, blank=True)
    follow_up_note = models.CharField(_("follow-up"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "provider", "provider_call_id"],
                condition=~Q(provider_call_id=""),
                name="call_unique_provider_id",
            ),
            models.CheckConstraint(condition=Q(duration_seconds__lte=86_400), name="call_duration_max_day"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "-started_at"], name="call_org_status"),
            models.Index(fields=["organization", "agent", "-started_at"], name="call_org_agent"),
            models.Index(fields=["organization", "-started_at", "-id"], name="call_org_started"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_number or self.from_number} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def waiting_seconds(self) -> int | None:
        if self.answered_at is None:
            return None
        return max(0, int((self.answered_at - self.started_at).total_seconds()))


class TelephonySettings(TenantModel):
    """How one organization's telephony providers prove their webhooks: the generic format's secret
    is derived from the salt and the server's key (never stored), Twilio's auth token is stored
    encrypted with a key derived from the server's key."""

    secret_salt = models.CharField(max_length=32)
    twilio_auth_token = models.TextField(blank=True)  # encrypted (core.secrets)

    class Meta:
        verbose_name = _("telephony settings")
        verbose_name_plural = _("telephony settings")
        constraints = [models.UniqueConstraint(fields=["organization"], name="telephony_one_per_org")]

    def __str__(self) -> str:
        return str(self.organization_id)
