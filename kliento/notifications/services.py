"""Sending notifications, reading them and choosing their channels.

Any app notifies a person with one call, inside its own transaction:

    notify(member, "task_assigned", _("%(title)s is yours") % {"title": task.title}, record=task)

The person's preferences for the kind (or the kind's defaults) decide whether it shows under the
bell, goes by email, or both; the email leaves from a job after the transaction commits. A
notification is a message to one person, not a record: it has no audit entry, and only its
recipient reads or marks it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kliento.core.models import Membership, User
from kliento.core.records.kinds import UnknownKind, kind_of_model
from kliento.core.tenancy import require_active_organization_id
from kliento.notifications.kinds import get_notification_kind, notification_kinds
from kliento.notifications.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Channels:
    in_app: bool
    email: bool


def channels_for(user_id: int, kind: str) -> Channels:
    """The channels this person gets this kind on: their choice, else the kind's defaults."""
    default = get_notification_kind(kind)
    chosen = (
        NotificationPreference.objects.filter(user_id=user_id, kind=kind).values("in_app", "email").first()
    )
    if chosen is None:
        return Channels(in_app=default.in_app, email=default.email)
    return Channels(in_app=chosen["in_app"], email=chosen["email"])


def _target(record: models.Model | None, url: str) -> tuple[str, int | None, str]:
    if record is None:
        return "", None, url
    try:
        kind = kind_of_model(type(record))
    except UnknownKind:
        return "", None, url
    return kind.key, record.pk, url or kind.url_of(record)


def notify(
    recipient: Membership | User,
    kind: str,
    title: str,
    *,
    record: models.Model | None = None,
    url: str = "",
    body: str = "",
    source_key: str = "",
    channels: Channels | None = None,
) -> Notification | None:
    """Notify one person of the active organization on the channels they chose for `kind`; None if
    they chose none. With `source_key`, a second call for the same source returns the first
    notification and sends nothing again."""
    user_id = recipient.user_id if isinstance(recipient, Membership) else recipient.pk
    chosen = channels or channels_for(user_id, kind)
    if not (chosen.in_app or chosen.email):
        return None
    record_kind, record_id, link = _target(record, url)
    notification = Notification(
        organization_id=require_active_organization_id(),
        recipient_id=user_id,
        kind=kind,
        title=title[:200],
        body=body[:2000],
        url=link[:500],
        record_kind=record_kind,
        record_id=record_id,
        show_in_app=chosen.in_app,
        email_state=Notification.EmailState.PENDING if chosen.email else Notification.EmailState.NONE,
        source_key=source_key,
    )
    try:
        with transaction.atomic():  # a savepoint: a duplicate source leaves the caller's transaction usable
            notification.save()
    except IntegrityError:
        if not source_key:
            raise
        return Notification.objects.filter(source_key=source_key).first()
    if chosen.email:
        queue_email(notification)
    return notification


def queue_email(notification: Notification) -> None:
    from kliento.notifications.tasks import send_notification_email

    notification_id, organization_id = notification.pk, notification.organization_id
    transaction.on_commit(lambda: send_notification_email(notification_id, organization_id))


def queue_emails(notification_ids: list[int], organization_id: int) -> None:
    """One job for many pending emails of one organization (the reminder dispatcher's batches)."""
    from kliento.notifications.tasks import send_notification_emails

    ids = list(notification_ids)
    transaction.on_commit(lambda: send_notification_emails(ids, organization_id))


def deliver_email(notification_id: int) -> bool:
    """Email one pending notification at most once: claimed by an atomic update, so two jobs (a
    retry, a second worker) cannot both send it. Returns whether this call sent it."""
    claimed = Notification.objects.filter(
        pk=notification_id, email_state=Notification.EmailState.PENDING
    ).update(email_state=Notification.EmailState.SENDING)
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "organization").get(pk=notification_id)
    recipient = notification.recipient
    state, error = Notification.EmailState.SENT, ""
    if not recipient.email or not recipient.is_active:
        state, error = Notification.EmailState.FAILED, "The recipient has no active email address."
    else:
        link = settings.KLIENTO_BASE_URL + notification.url if notification.url.startswith("/") else ""
        language = recipient.language or notification.organization.default_locale
        with translation.override(language):
            context = {"notification": notification, "link": link, "organization": notification.organization}
            subject = render_to_string("notifications/email/subject.txt", context).strip()
            text = render_to_string("notifications/email/body.txt", context)
        try:
            send_mail(subject, text, None, [recipient.email])
        except Exception as failure:
            logger.warning("Notification %s was not emailed: %s", notification_id, failure)
            state, error = Notification.EmailState.FAILED, str(failure)[:300]
    Notification.objects.filter(pk=notification_id).update(
        email_state=state, email_error=error, emailed_at=timezone.now() if state == "sent" else None
    )
    return state == Notification.EmailState.SENT


def mark_read(*, member: Membership, ids: Iterable[int]) -> int:
    """Mark some of the member's own notifications read; others' ids change nothing."""
    return Notification.objects.filter(recipient_id=member.user_id, pk__in=list(ids), read_at=None).update(
        read_at=timezone.now()
    )


def mark_all_read(*, member: Membership) -> int:
    return Notification.objects.filter(recipient_id=member.user_id, show_in_app=True, read_at=None).update(
        read_at=timezone.now()
    )


def preferences_of(user_id: int) -> list[tuple[Any, Channels]]:
    """Every registered kind with the channels this person gets it on, in the kinds' order."""
    chosen = {
        row["kind"]: Channels(in_app=row["in_app"], email=row["email"])
        for row in NotificationPreference.objects.filter(user_id=user_id).values("kind", "in_app", "email")
    }
    return [
        (kind, chosen.get(kind.key, Channels(in_app=kind.in_app, email=kind.email)))
        for kind in notification_kinds()
    ]


@transaction.atomic
def save_preferences(*, member: Membership, choices: Mapping[str, Channels]) -> None:
    """Store the member's channels for each kind named (unknown kinds refused by the caller's check)."""
    for key, channels in choices.items():
        get_notification_kind(key)
        NotificationPreference.objects.update_or_create(
            user_id=member.user_id,
            kind=key,
            defaults={"in_app": channels.in_app, "email": channels.email, "updated_by_id": member.user_id},
            create_defaults={
                "in_app": channels.in_app,
                "email": channels.email,
                "created_by_id": member.user_id,
                "updated_by_id": member.user_id,
                "organization_id": member.organization_id,
            },
        )
