"""The calendar's days: a person's meetings and tasks placed on the days of their own time zone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from kliento.core.models import Membership
from kliento.tasks import zones
from kliento.tasks.meetings import meetings_between
from kliento.tasks.models import Meeting, Task

VIEWS = ("day", "week", "month")


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool = True
    is_today: bool = False
    meetings: list[Meeting] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


def span(view: str, day: datetime.date, first_weekday: int = 0) -> tuple[datetime.date, datetime.date]:
    """The first and last day a view shows around `day` (weeks start on `first_weekday`, 0 = Monday)."""
    if view == "day":
        return day, day
    if view == "week":
        start = day - datetime.timedelta(days=(day.weekday() - first_weekday) % 7)
        return start, start + datetime.timedelta(days=6)
    first = day.replace(day=1)
    start = first - datetime.timedelta(days=(first.weekday() - first_weekday) % 7)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    last = next_month - datetime.timedelta(days=1)
    end = last + datetime.timedelta(days=(first_weekday - 1 - last.weekday()) % 7)
    return start, end


def calendar_days(
    member: Membership, view: str, day: datetime.date, tz: datetime.tzinfo, *, first_weekday: int = 0
) -> list[CalendarDay]:
    """The days of the view, each with the member's meetings and open or done tasks, in their zone;
    two queries whatever the view."""
    first, last = span(view, day, first_weekday)
    today = zones.today_in(tz)
    days: dict[datetime.date, CalendarDay] = {}
    current = first
    while current <= last:
        days[current] = CalendarDay(
            current, in_month=view != "month" or current.month == day.month, is_today=current == today
        )
        current += datetime.timedelta(days=1)
    for meeting in meetings_between(member, member.user_id, first, last, tz):
        if meeting.is_all_day and meeting.starts_on and meeting.ends_on:
            start_day, end_day = meeting.starts_on, meeting.ends_on
        else:
            start_day = meeting.starts_at.astimezone(tz).date()
            # A meeting ending exactly at midnight does not show on the next day.
            end_day = (meeting.ends_at - datetime.timedelta(microseconds=1)).astimezone(tz).date()
            end_day = max(end_day, start_day)
        shown = max(start_day, first)
        while shown <= min(end_day, last):
            days[shown].meetings.append(meeting)
            shown += datetime.timedelta(days=1)
    start, end = zones.start_of(first, tz), zones.start_of(last + datetime.timedelta(days=1), tz)
    tasks = (
        Task.objects.filter(assignee_id=member.user_id)
        .exclude(status=Task.Status.CANCELLED)
        .filter(Q(due_at__gte=start, due_at__lt=end) | Q(due_on__gte=first, due_on__lte=last))
        .order_by("due_key", "id")[:500]
    )
    for task in tasks:
        task_day = task.due_on if task.due_on is not None else task.due_at.astimezone(tz).date()  # type: ignore[union-attr]
        if task_day in days:
            days[task_day].tasks.append(task)
    return list(days.values())


def weeks(days: list[CalendarDay]) -> list[list[CalendarDay]]:
    return [days[index : index + 7] for index in range(0, len(days), 7)]


def move(view: str, day: datetime.date, step: int) -> datetime.date:
    """The day the previous (-1) or next (+1) page of the view shows."""
    if view == "day":
        return day + datetime.timedelta(days=step)
    if view == "week":
        return day + datetime.timedelta(days=7 * step)
    month = day.month - 1 + step
    year = day.year + month // 12
    return datetime.date(year, month % 12 + 1, 1)
