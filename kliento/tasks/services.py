"""Every write of tasks, comments and reminders, each in one transaction with its audit entry.

Dates: a task is due at an instant (`due_at`, UTC) or on a day (`due_on`, all-day). Its reminders
are computed from that: an instant minus the reminder's minutes, or, for a day, 09:00 in the
assignee's zone minus them; whenever the due time, the assignee or the status changes, the
reminders are scheduled again (see `_schedule_reminders`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.core.audit import (
    bulk_move_to_trash,
    bulk_update_records,
    column_values,
    create_record,
    lock_record,
    move_to_trash,
    record_change,
    restore_from_trash,
    save_changed_fields,
)
from kliento.core.errors import DomainError, collect_errors
from kliento.core.models import AuditEntry, Membership, User
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.cards import access_record
from kliento.core.records.fields.values import clean_custom_values, definitions_for, store_custom_values
from kliento.core.records.kinds import UnknownKind, get_kind
from kliento.core.services import require
from kliento.core.text import text_errors
from kliento.notifications.services import notify
from kliento.tasks import recurrence, zones
from kliento.tasks.models import NO_DUE_DATE, Priority, Reminder, Task, TaskComment

ALL_DAY_REMINDER_TIME = datetime.time(9, 0)  # an all-day task's "due time", for its reminders
MAX_REMINDER_MINUTES = 60 * 24 * 28
MAX_REMINDERS = 5
TASK_FIELDS = (
    "title",
    "description",
    "due_at",
    "due_on",
    "priority",
    "status",
    "assignee_id",
    "related_kind",
    "related_id",
    "recurrence",
)


class TaskClosed(DomainError):
    pass


# Checks -------------------------------------------------------------------------------------


def _check_text(data: Mapping[str, Any]) -> None:
    texts = {name: data[name] for name in ("title", "description", "recurrence") if name in data}
    errors = text_errors(texts, multiline=frozenset({"description"}))
    if errors:
        raise ValidationError(errors)


def _check_assignee(user_id: int | None) -> None:
    if user_id is None:
        return
    if not Membership.objects.active().filter(user_id=user_id).exists():
        raise ValidationError({"assignee_id": _("Choose an active member of this organization.")})


def related_record(member: Membership, kind_key: str, record_id: int | None) -> Any:
    """The related record if the member may see it; ValidationError naming the field otherwise."""
    if not kind_key and record_id is None:
        return None
    if not kind_key or record_id is None:
        raise ValidationError({"related_id": _("Name both the kind and the record, or neither.")})
    try:
        kind = get_kind(kind_key)
    except UnknownKind:
        raise ValidationError({"related_kind": _("Unknown kind of record.")}) from None
    if kind.key == "task":
        raise ValidationError({"related_kind": _("A task cannot be related to another task.")})
    try:
        return access_record(kind, member=member, record_id=record_id)
    except (Http404, PermissionDenied):
        raise ValidationError({"related_id": _("No such record.")}) from None


def _check_due(task: Task) -> None:
    if task.due_at is not None and task.due_on is not None:
        raise ValidationError({"due_on": _("Give a due time or an all-day date, not both.")})


def _due_key(task: Task) -> datetime.datetime:
    if task.due_at is not None:
        return task.due_at
    if task.due_on is not None:
        return datetime.datetime.combine(task.due_on, datetime.time(0), tzinfo=datetime.UTC)
    return NO_DUE_DATE


def _clean_offsets(offsets: Iterable[Any]) -> list[int]:
    cleaned = []
    for value in offsets:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError(
                {"reminders": _("Give each reminder as whole minutes before the due time.")}
            )
        try:
            minutes = int(value)
        except ValueError:
            raise ValidationError(
                {"reminders": _("Give each reminder as whole minutes before the due time.")}
            ) from None
        if not 0 <= minutes <= MAX_REMINDER_MINUTES:
            raise ValidationError({"reminders": _("A reminder is at most 4 weeks before the due time.")})
        cleaned.append(minutes)
    unique = sorted(set(cleaned))
    if len(unique) > MAX_REMINDERS:
        raise ValidationError({"reminders": _("A task has at most 5 reminders.")})
    return unique


# Reminders ----------------------------------------------------------------------------------


def due_moment(task: Task) -> datetime.datetime | None:
    """The instant a task is due, for its reminders: its due time, or 09:00 of its day in the
    assignee's zone."""
    if task.due_at is not None:
        return task.due_at
    if task.due_on is not None:
        tz = zones.zone_of(task.assignee, task.organization)
        return zones.local_moment(task.due_on, ALL_DAY_REMINDER_TIME, tz)
    return None


def _schedule_reminders(task: Task, offsets: list[int] | None, *, strict: bool) -> None:
    """Bring the task's reminders in line with its due time and status: one per offset (offsets
    None keeps the current ones), at the due moment minus the offset. A reminder whose moment
    changed is scheduled again, even if it was sent for the old moment. With `strict`, a reminder
    that would be due already is refused, naming `reminders`; without, it is left out."""
    current = {reminder.minutes_before: reminder for reminder in task.reminders.all()}
    wanted = list(current) if offsets is None else offsets
    due = due_moment(task)
    if wanted and due is None:
        raise ValidationError({"reminders": _("Give the task a due time or date to be reminded of it.")})
    Reminder.objects.filter(task=task).exclude(minutes_before__in=wanted).delete()
    now = timezone.now()
    is_live = task.is_open and task.deleted_at is None
    for minutes in wanted:
        assert due is not None
        moment = due - datetime.timedelta(minutes=minutes)
        reminder = current.get(minutes)
        if reminder is not None and reminder.remind_at == moment:
            if not is_live and reminder.state == Reminder.State.SCHEDULED:
                reminder.state = Reminder.State.CANCELLED
                reminder.save(update_fields=["state", "updated_at"])
            elif is_live and reminder.state == Reminder.State.CANCELLED and moment > now:
                reminder.state = Reminder.State.SCHEDULED
                reminder.save(update_fields=["state", "updated_at"])
            continue
        if is_live and moment <= now:
            if strict:
                raise ValidationError({"reminders": _("This reminder's time has already passed.")})
            if reminder is not None:
                reminder.delete()
            continue
        state = Reminder.State.SCHEDULED if is_live else Reminder.State.CANCELLED
        if reminder is None:
            Reminder.objects.create(
                organization_id=task.organization_id,
                task=task,
                minutes_before=minutes,
                remind_at=moment,
                state=state,
            )
        else:
            reminder.remind_at, reminder.state = moment, state
            reminder.claim, reminder.claimed_at, reminder.failure_reason = None, None, ""
            reminder.save(
                update_fields=["remind_at", "state", "claim", "claimed_at", "failure_reason", "updated_at"]
            )


def reminder_offsets(task: Task) -> list[int]:
    return sorted(reminder.minutes_before for reminder in task.reminders.all())


# Tasks --------------------------------------------------------------------------------------


def _apply(task: Task, member: Membership, data: Mapping[str, Any]) -> Any:
    """Set the task's fields from `data` (only those given) and check them all at once."""
    _check_text(data)
    for name in ("title", "description", "recurrence"):
        if name in data:
            setattr(task, name, (data[name] or "").strip())
    for name in ("due_at", "due_on"):
        if name in data:
            setattr(task, name, data[name])
    if "priority" in data:
        task.priority = data["priority"] if data["priority"] is not None else Priority.NORMAL
    related = None
    checks = []
    if "assignee_id" in data:
        task.assignee_id = data["assignee_id"]
        checks.append(lambda: _check_assignee(data["assignee_id"]))
    if "related_kind" in data or "related_id" in data:
        task.related_kind = data.get("related_kind", task.related_kind) or ""
        task.related_id = data.get("related_id", task.related_id)
    if "recurrence" in data:
        checks.append(lambda: setattr(task, "recurrence", recurrence.check_rule(task.recurrence)))
    checks.append(lambda: _check_due(task))
    if "related_kind" in data or "related_id" in data:
        results = collect_errors(*checks, lambda: related_record(member, task.related_kind, task.related_id))
        related = results[-1]
        task.related_label = str(related)[:200] if related is not None else ""
    else:
        collect_errors(*checks)
    if task.recurrence and task.due_at is None and task.due_on is None:
        raise ValidationError({"recurrence": _("A repeating task needs a due time or date.")})
    task.due_key = _due_key(task)
    return related


@transaction.atomic
def create_task(*, member: Membership, data: Mapping[str, Any]) -> Task:
    """A new task (assigned to the member unless said otherwise), its reminders, tags and custom fields."""
    require(member, Permission.EDIT_TASKS)
    data = {"assignee_id": member.user_id, **data}
    task = Task(organization_id=member.organization_id, title="")
    task.organization = member.organization
    offsets: list[int] = []
    custom: dict[str, Any] = {}

    def check_custom() -> None:
        nonlocal custom
        custom = clean_custom_values("task", data.get("custom_fields") or {})

    def check_offsets() -> None:
        nonlocal offsets
        offsets = _clean_offsets(data.get("reminders") or [])

    collect_errors(lambda: _apply(task, member, data), check_custom, check_offsets)
    task.custom_fields = custom
    task.assignee = User.objects.filter(pk=task.assignee_id).first() if task.assignee_id else None
    tags = list(data.get("tags") or [])
    create_record(
        task, actor=member.user, related={"tags": tags, "reminders": offsets}, checked=("assignee",)
    )
    if tags:
        record_tags.set_tags(task, tags, actor=member.user)
    store_custom_values(task, definitions_for("task"))
    _schedule_reminders(task, offsets, strict=True)
    if task.assignee_id and task.assignee_id != member.user_id:
        _notify_assigned(task, member)
    return task


def _notify_assigned(task: Task, member: Membership) -> None:
    assert task.assignee_id is not None
    notify(
        User(pk=task.assignee_id),
        "task_assigned",
        _("%(person)s gave you a task: %(title)s") % {"person": member.user, "title": task.title},
        record=task,
    )


@transaction.atomic
def update_task(
    *, task: Task, member: Membership, data: Mapping[str, Any], expected_version: str | None = None
) -> Task:
    """Change the fields given (and reminders, tags, custom fields if given); reminders follow the
    new due time."""
    require(member, Permission.EDIT_TASKS)
    lock_record(task, expected_version=expected_version)
    before = column_values(task, (*TASK_FIELDS, "related_label", "due_key", "custom_fields"))
    before_assignee = task.assignee_id
    offsets: list[int] | None = None
    custom = task.custom_fields

    def check_custom() -> None:
        nonlocal custom
        if "custom_fields" in data:
            custom = clean_custom_values(
                "task", data["custom_fields"] or {}, current=task.custom_fields, record_id=task.pk
            )

    def check_offsets() -> None:
        nonlocal offsets
        if "reminders" in data:
            offsets = _clean_offsets(data["reminders"] or [])

    collect_errors(lambda: _apply(task, member, data), check_custom, check_offsets)
    task.custom_fields = custom
    if "assignee_id" in data:
        task.assignee = User.objects.filter(pk=task.assignee_id).first() if task.assignee_id else None
    diff = save_changed_fields(task, before, actor=member.user)
    if "tags" in data:
        diff.update(record_tags.set_tags(task, data["tags"] or [], actor=member.user))
    before_offsets = reminder_offsets(task)
    timing = any(name in diff for name in ("due_at", "due_on", "assignee")) or offsets is not None
    if timing:
        _schedule_reminders(task, offsets, strict=True)
        after_offsets = reminder_offsets(task)
        if after_offsets != before_offsets:
            diff["reminders"] = [before_offsets, after_offsets]
    if "custom_fields" in diff:
        store_custom_values(task, definitions_for("task"))
    if diff:
        record_change(task, action=AuditEntry.Action.UPDATE, actor=member.user, changes=diff)
    if task.assignee_id and task.assignee_id != before_assignee and task.assignee_id != member.user_id:
        _notify_assigned(task, member)
    return task


_COUNT = re.compile(r"(?i)(^|;)COUNT=(\d+)")


def _next_rule(rule: str) -> str | None:
    """The rule of the next occurrence: COUNT counts down (None once it runs out), the rest stays."""
    match = _COUNT.search(rule)
    if match is None:
        return rule
    left = int(match.group(2)) - 1
    if left < 1:
        return None
    return _COUNT.sub(lambda m: f"{m.group(1)}COUNT={left}", rule)


def _next_occurrence(task: Task, member: Membership) -> Task | None:
    """The task's next occurrence by its rule, computed on the wall clock of the assignee's zone."""
    rule = _next_rule(task.recurrence)
    if rule is None:
        return None
    next_due_at: datetime.datetime | None = None
    next_due_on: datetime.date | None = None
    if task.due_on is not None:
        start = datetime.datetime.combine(task.due_on, datetime.time(0))
        following = recurrence.next_after(task.recurrence, start=start)
        if following is None:
            return None
        next_due_on = following.date()
    elif task.due_at is not None:
        tz = zones.zone_of(task.assignee, task.organization)
        start = task.due_at.astimezone(tz).replace(tzinfo=None)
        following = recurrence.next_after(task.recurrence, start=start)
        if following is None:
            return None
        next_due_at = following.replace(tzinfo=tz).astimezone(datetime.UTC)
    else:
        return None
    occurrence = Task(
        organization_id=task.organization_id,
        title=task.title,
        description=task.description,
        due_at=next_due_at,
        due_on=next_due_on,
        priority=task.priority,
        assignee_id=task.assignee_id,
        related_kind=task.related_kind,
        related_id=task.related_id,
        related_label=task.related_label,
        recurrence=rule,
        previous=task,
        custom_fields=dict(task.custom_fields),
    )
    occurrence.organization = task.organization
    occurrence.assignee = task.assignee
    occurrence.due_key = _due_key(occurrence)
    tags = [tag.name for tag in task.tags.all()]
    offsets = reminder_offsets(task)
    create_record(
        occurrence,
        actor=member.user,
        related={"tags": tags, "reminders": offsets},
        checked=("assignee", "previous"),
    )
    if tags:
        record_tags.set_tags(occurrence, tags, actor=member.user)
    store_custom_values(occurrence, definitions_for("task"))
    _schedule_reminders(occurrence, offsets, strict=False)
    return occurrence


@transaction.atomic
def set_task_status(*, task: Task, member: Membership, status: str) -> Task:
    """Complete, cancel or reopen a task. Completing a repeating task makes its next occurrence
    (once, however often it is completed, reopened and completed again)."""
    require(member, Permission.EDIT_TASKS)
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    lock_record(task)
    if task.status == status:
        return task
    before = column_values(task, ["status", "completed_at"])
    task.status = status
    task.completed_at = timezone.now() if status == Task.Status.DONE else None
    diff = save_changed_fields(task, before, actor=member.user)
    record_change(task, action=AuditEntry.Action.UPDATE, actor=member.user, changes=diff)
    _schedule_reminders(task, None, strict=False)
    has_next = Task.with_trash.filter(previous=task).exists()
    if status == Task.Status.DONE and task.recurrence and not has_next:
        _next_occurrence(task, member)
    return task


def complete_task(*, task: Task, member: Membership) -> Task:
    return set_task_status(task=task, member=member, status=Task.Status.DONE)


@transaction.atomic
def trash_task(*, task: Task, member: Membership) -> None:
    require(member, Permission.EDIT_TASKS)
    move_to_trash(task, actor=member.user)
    _schedule_reminders(task, None, strict=False)


@transaction.atomic
def restore_task(*, task: Task, member: Membership) -> None:
    require(member, Permission.EDIT_TASKS)
    restore_from_trash(task, actor=member.user)
    _schedule_reminders(task, None, strict=False)


@transaction.atomic
def add_comment(*, task: Task, member: Membership, body: str) -> TaskComment:
    require(member, Permission.EDIT_TASKS)
    text = (body or "").strip()
    errors: dict[str, str] = text_errors({"body": text}, multiline=frozenset({"body"}))
    if not text:
        errors["body"] = _("Write a comment.")
    elif len(text) > 5000:
        errors["body"] = _("A comment holds at most 5,000 characters.")
    if errors:
        raise ValidationError(errors)
    comment = TaskComment(organization_id=task.organization_id, task=task, author=member.user, body=text)
    return create_record(comment, actor=member.user, checked=("task", "author"))


# Bulk actions (the list kit passes only ids of rows the member sees) --------------------------


def bulk_update_tasks(
    *, member: Membership, ids: list[int], action: str, value: Any, reason: str = ""
) -> int:
    require(member, Permission.EDIT_TASKS)
    with transaction.atomic():
        if action == "assign":
            if value is not None:
                _check_assignee(value.pk if isinstance(value, User) else int(value))
            changed = bulk_update_records(Task, ids, {"assignee": value}, actor=member.user)
            for task in Task.objects.filter(pk__in=changed).select_related("assignee", "organization"):
                _schedule_reminders(task, None, strict=False)
            return len(changed)
        if action == "priority":
            return len(bulk_update_records(Task, ids, {"priority": int(value)}, actor=member.user))
        if action in ("done", "cancelled", "open"):
            count = 0
            for task in Task.objects.filter(pk__in=ids).select_related("assignee", "organization"):
                if task.status != action:
                    set_task_status(task=task, member=member, status=action)
                    count += 1
            return count
        if action in ("add_tag", "remove_tag"):
            return len(record_tags.tag_records(Task, ids, name=value, add=action == "add_tag", member=member))
        if action == "trash":
            trashed = bulk_move_to_trash(Task, ids, actor=member.user)
            Reminder.objects.filter(task_id__in=trashed, state=Reminder.State.SCHEDULED).update(
                state=Reminder.State.CANCELLED
            )
            return len(trashed)
    raise ValueError(f"Unknown bulk action {action!r}")
