"""Reads of tasks with their rules: who may see them, what is due when, in whose time zone."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kliento.core.models import Membership, Organization
from kliento.core.permissions import Permission
from kliento.tasks import zones
from kliento.tasks.models import Task, TaskComment


def access_task(*, member: Membership, task_id: int, write: bool = False) -> Task:
    """The task if this member may see it (and change it, if write); 404 or 403 otherwise."""
    task = (
        Task.objects.visible_to(member)
        .select_related("assignee", "organization", "created_by")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404
    if write and not member.can(Permission.EDIT_TASKS):
        raise PermissionDenied
    return task


def access_task_record(*, member: Membership, record_id: int, write: bool = False) -> Task:
    """`access_task` as the records kit's card page calls it."""
    return access_task(member=member, task_id=record_id, write=write)


def open_tasks_of(member: Membership, kind: str, record_id: int, *, limit: int = 20) -> list[Task]:
    """A record's open tasks the member may see, soonest due first."""
    return list(
        Task.objects.visible_to(member)
        .open()
        .filter(related_kind=kind, related_id=record_id)
        .select_related("assignee", "organization")
        .order_by("due_key", "id")[:limit]
    )


def comments_of(task: Task) -> QuerySet[TaskComment]:
    return TaskComment.objects.filter(task=task).select_related("author").order_by("id")


@dataclass(frozen=True)
class Due:
    """Where a task stands against its assignee's clock."""

    overdue: bool
    today: bool


def due_state(
    task: Task, now: datetime.datetime | None = None, organization: Organization | None = None
) -> Due:
    """Whether an open task is overdue or due today in its assignee's zone (the organization's
    when it has none): an instant against now and that zone's day; an all-day date against the
    zone's date."""
    if task.status != Task.Status.OPEN or (task.due_at is None and task.due_on is None):
        return Due(overdue=False, today=False)
    now = now or timezone.now()
    tz = zones.zone_of(task.assignee, organization or task.organization)
    today = zones.today_in(tz, now)
    if task.due_on is not None:
        return Due(overdue=task.due_on < today, today=task.due_on == today)
    assert task.due_at is not None
    start, end = zones.day_bounds(today, tz)
    return Due(overdue=task.due_at < now, today=start <= task.due_at < end)


def agenda(
    member: Membership, user_ids: Iterable[int], *, now: datetime.datetime | None = None, limit: int = 50
) -> tuple[list[Task], list[Task]]:
    """The open tasks of these people that are overdue and those due today, each in its assignee's
    zone, soonest first; one query, at most `limit` rows read."""
    now = now or timezone.now()
    # Wide enough for any zone (UTC-12 to UTC+14); each task is then judged in its assignee's zone.
    horizon = now + datetime.timedelta(hours=38)
    rows = list(
        Task.objects.visible_to(member)
        .open()
        .filter(assignee_id__in=list(user_ids))
        .filter(Q(due_at__lt=horizon) | Q(due_on__lte=horizon.date()))
        .select_related("assignee")
        .order_by("due_key", "id")[:limit]
    )
    overdue, today = [], []
    for task in rows:
        state = due_state(task, now, member.organization)
        if state.overdue:
            overdue.append(task)
        elif state.today:
            today.append(task)
    return overdue, today


def overdue_condition(organization: Organization, now: datetime.datetime | None = None) -> Q:
    """Open tasks past due, for a filter: instants before now, and all-day dates before each
    assignee's today (one condition per zone in use)."""
    now = now or timezone.now()
    condition = Q(due_at__lt=now)
    members = Membership.objects.active().values_list("user_id", "user__time_zone")
    by_zone: dict[str, list[int]] = {}
    for user_id, zone_name in members:
        by_zone.setdefault(zone_name or organization.time_zone or "UTC", []).append(user_id)
    default_today = zones.today_in(zones.zone(organization.time_zone), now)
    unassigned = Q(assignee_id__isnull=True) | ~Q(
        assignee_id__in=[u for ids in by_zone.values() for u in ids]
    )
    condition |= Q(unassigned, due_on__lt=default_today)
    for zone_name, user_ids in by_zone.items():
        condition |= Q(assignee_id__in=user_ids, due_on__lt=zones.today_in(zones.zone(zone_name), now))
    return Q(condition, status=Task.Status.OPEN)
