"""The reminder dispatcher: delivers every due reminder exactly once, whatever workers run it and
however they stop.

1. Claim: one transaction marks a batch of due reminders `sending` with a fresh claim token and the
   time (`UPDATE … WHERE state = 'scheduled'`, over rows picked with `FOR UPDATE SKIP LOCKED` on
   PostgreSQL, so parallel dispatchers take different rows; SQLite's write lock serializes them).
2. Deliver: a second transaction locks the rows still holding this token, writes each one's
   notification (the outbox: in-app, and the email to send) and marks them `sent`. Both happen
   or neither does. The notification's `source_key` is unique, so even a delivery that somehow ran
   twice would write one.
3. A dispatcher killed between 1 and 2 leaves its rows `sending`; once their lease has passed,
   another run claims them again (with a new token, so a late first run cannot mark them).

Emails leave after the delivery commits (`notifications.services.deliver_email`), each claimed
by its own atomic update: sent at most once, and a failure is kept with its reason.
"""

from __future__ import annotations

import datetime
import logging
import socket
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kliento.core.tenancy import active_organization
from kliento.notifications.kinds import get_notification_kind
from kliento.notifications.models import Notification, NotificationPreference
from kliento.notifications.services import Channels, queue_emails
from kliento.tasks import zones
from kliento.tasks.models import Reminder, Task, WorkerHeartbeat

logger = logging.getLogger(__name__)

BATCH_SIZE = 250
HEARTBEAT = "reminders"
REMINDER_KIND = "task_reminder"


def lease() -> datetime.timedelta:
    """How long a claim holds before another run may take the reminder again."""
    return datetime.timedelta(seconds=settings.KLIENTO_REMINDER_LEASE_SECONDS)


@dataclass
class DispatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    cancelled: int = 0


def _due(now: datetime.datetime) -> Q:
    return Q(state=Reminder.State.SCHEDULED, remind_at__lte=now) | Q(
        state=Reminder.State.SENDING, claimed_at__lt=now - lease()
    )


def claim_due(
    *, now: datetime.datetime | None = None, limit: int = BATCH_SIZE
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due reminders (of every organization) for this run."""
    now = now or timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        # Across organizations: the dispatcher serves the whole installation.
        due = Reminder.unscoped.filter(_due(now)).order_by("remind_at", "id")
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if not ids:
            return token, []
        Reminder.unscoped.filter(_due(now), pk__in=ids).update(
            state=Reminder.State.SENDING, claim=token, claimed_at=now
        )
    return token, ids


def _title(reminder: Reminder, task: Task) -> str:
    return _("Reminder: %(title)s") % {"title": task.title}


def _when(task: Task) -> str:
    tz = zones.zone_of(task.assignee, task.organization)
    if task.due_at is not None:
        return date_format(task.due_at.astimezone(tz), "DATETIME_FORMAT")
    if task.due_on is not None:
        return date_format(task.due_on, "DATE_FORMAT")
    return ""


def _source(reminder: Reminder) -> str:
    # The moment is part of the key: a reminder scheduled again for a new time notifies again.
    return f"reminder:{reminder.pk}:{int(reminder.remind_at.timestamp())}"


def deliver_claimed(token: uuid.UUID, ids: list[int]) -> DispatchResult:
    """Deliver the reminders this run claimed, in one transaction with their notifications."""
    result = DispatchResult(claimed=len(ids))
    if not ids:
        return result
    now = timezone.now()
    with transaction.atomic():
        mine = list(
            Reminder.unscoped.filter(pk__in=ids, claim=token, state=Reminder.State.SENDING)
            .select_for_update()
            .order_by("id")
        )
        by_organization: dict[int, list[Reminder]] = defaultdict(list)
        for reminder in mine:
            by_organization[reminder.organization_id].append(reminder)
        outcome: dict[str, list[int]] = defaultdict(list)
        failures: dict[int, str] = {}
        for organization_id, reminders in by_organization.items():
            with active_organization(organization_id):
                _deliver_in_organization(reminders, outcome, failures)
        Reminder.unscoped.filter(pk__in=outcome["sent"]).update(state=Reminder.State.SENT, sent_at=now)
        Reminder.unscoped.filter(pk__in=outcome["cancelled"]).update(state=Reminder.State.CANCELLED)
        for reminder_id, reason in failures.items():
            Reminder.unscoped.filter(pk=reminder_id).update(
                state=Reminder.State.FAILED, failure_reason=reason
            )
    result.sent, result.cancelled, result.failed = (
        len(outcome["sent"]),
        len(outcome["cancelled"]),
        len(failures),
    )
    return result


def _deliver_in_organization(
    reminders: list[Reminder], outcome: dict[str, list[int]], failures: dict[int, str]
) -> None:
    """Write the notifications of one organization's reminders in one insert (a second delivery of
    the same reminder and moment would be ignored by the unique source key), and queue their emails."""
    tasks = {
        task.pk: task
        for task in Task.with_trash.filter(pk__in=[r.task_id for r in reminders]).select_related(
            "assignee", "organization"
        )
    }
    assignees = {task.assignee_id for task in tasks.values() if task.assignee_id}
    default = get_notification_kind(REMINDER_KIND)
    chosen = {
        row["user_id"]: Channels(in_app=row["in_app"], email=row["email"])
        for row in NotificationPreference.objects.filter(user_id__in=assignees, kind=REMINDER_KIND).values(
            "user_id", "in_app", "email"
        )
    }
    notifications = []
    # reverse() once per batch, not once per reminder: at hundreds a second its cost shows.
    task_url = reverse("tasks:task-detail", args=[0]).replace("/0/", "/{}/")
    for reminder in reminders:
        task = tasks.get(reminder.task_id)
        if task is None or not task.is_open or task.deleted_at is not None:
            outcome["cancelled"].append(reminder.pk)
            continue
        if task.assignee is None or not task.assignee.is_active:
            failures[reminder.pk] = _("The task has no active assignee to remind.")
            continue
        outcome["sent"].append(reminder.pk)
        channels = chosen.get(task.assignee.pk) or Channels(in_app=default.in_app, email=default.email)
        if not (channels.in_app or channels.email):
            continue  # the person chose to get none: the reminder is done all the same
        language = task.assignee.language or task.organization.default_locale
        with translation.override(language):
            title, body = _title(reminder, task), _("Due %(when)s") % {"when": _when(task)}
        notifications.append(
            Notification(
                organization_id=reminder.organization_id,
                recipient_id=task.assignee.pk,
                kind=REMINDER_KIND,
                title=title[:200],
                body=body[:2000],
                url=task_url.format(task.pk),
                record_kind="task",
                record_id=task.pk,
                show_in_app=channels.in_app,
                email_state=Notification.EmailState.PENDING
                if channels.email
                else Notification.EmailState.NONE,
                source_key=_source(reminder),
            )
        )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    emailed = [n.source_key for n in notifications if n.email_state == Notification.EmailState.PENDING]
    if emailed:
        pending = Notification.objects.filter(
            source_key__in=emailed, email_state=Notification.EmailState.PENDING
        )
        queue_emails(list(pending.values_list("id", flat=True)), reminders[0].organization_id)


def beat(now: datetime.datetime | None = None) -> None:
    """Record that a worker ran the dispatcher now."""
    WorkerHeartbeat.objects.update_or_create(
        name=HEARTBEAT, defaults={"beat_at": now or timezone.now(), "host": socket.gethostname()[:200]}
    )


def dispatch_due_reminders(*, limit: int = BATCH_SIZE, deadline_seconds: float = 50.0) -> DispatchResult:
    """Claim and deliver due reminders batch after batch until none is due (or the deadline, so a
    backlog never stops the next periodic run from starting on time)."""
    started = timezone.now()
    beat(started)
    total = DispatchResult()
    while True:
        token, ids = claim_due(limit=limit)
        if not ids:
            break
        done = deliver_claimed(token, ids)
        total.claimed += done.claimed
        total.sent += done.sent
        total.failed += done.failed
        total.cancelled += done.cancelled
        if len(ids) < limit or (timezone.now() - started).total_seconds() > deadline_seconds:
            break
    if total.claimed:
        logger.info("Reminders: %s sent, %s failed, %s cancelled.", total.sent, total.failed, total.cancelled)
    return total


def last_heartbeat() -> datetime.datetime | None:
    return WorkerHeartbeat.objects.filter(name=HEARTBEAT).values_list("beat_at", flat=True).first()


_UNREAD = datetime.datetime.min


def worker_is_late(now: datetime.datetime | None = None, *, last: datetime.datetime | None = _UNREAD) -> bool:
    """Whether no worker has run the dispatcher for a while (it runs every minute); `last` is the
    heartbeat if the caller has read it already."""
    if last is _UNREAD:
        last = last_heartbeat()
    limit = datetime.timedelta(seconds=settings.KLIENTO_WORKER_LATE_SECONDS)
    return last is None or (now or timezone.now()) - last > limit
