"""Today: the home page's widgets of tasks and meetings, registered with core/home.py.

Everything on the home page is a widget, so a later capability adds its own part of Today the same
way, in its AppConfig.ready() (leads waiting for a first response, deals without a next step):

    register_home_widget(key="leads_waiting", title=_("Leads waiting for you"),
                         template="sales/_today_leads_waiting.html", context=leads_waiting_widget, order=8)

with a context function of the request that runs a fixed number of queries and returns None when
it has nothing to show. Orders below 10 put a widget beside these, above the customers' widgets.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.core.home import register_home_widget
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest
from kliento.tasks import dispatch, selectors, zones

SHOWN = 10


def worker_widget(request: OrgRequest) -> dict[str, Any] | None:
    """A warning when no worker has dispatched reminders lately: they would silently not go out."""
    last = dispatch.last_heartbeat()
    if not dispatch.worker_is_late(last=last):
        return None
    return {"last_beat": last}


def my_day_widget(request: OrgRequest) -> dict[str, Any]:
    """The member's overdue tasks and those due today, in their own time zone."""
    member = request.member
    now = timezone.now()
    overdue, today = selectors.agenda(member, [member.user_id], now=now)
    from kliento.tasks.meetings import meetings_on_day

    tz = zones.zone_of(member.user, member.organization)
    return {
        "overdue": overdue[:SHOWN],
        "overdue_more": len(overdue) > SHOWN,
        "today": today[:SHOWN],
        "today_more": len(today) > SHOWN,
        "meetings": meetings_on_day(member, zones.today_in(tz, now), tz, limit=SHOWN),
        "tasks_url": reverse("tasks:task-list") + "?owner=me&due=overdue&due=today",
        "new_task_url": reverse("tasks:task-create"),
    }


def team_day_widget(request: OrgRequest) -> dict[str, Any] | None:
    """For managers: their team's overdue tasks and those due today, each in its assignee's zone."""
    member = request.member
    people = member.team_member_ids() - {member.user_id}
    if not people:
        return None
    overdue, today = selectors.agenda(member, people)
    if not overdue and not today:
        return None
    return {
        "overdue": overdue[:SHOWN],
        "today": today[:SHOWN],
        "tasks_url": reverse("tasks:task-list") + "?due=overdue",
    }


def register() -> None:
    register_home_widget(
        key="worker_late",
        title=_("Reminders are not going out"),
        template="tasks/_today_worker.html",
        context=worker_widget,
        order=1,
        wide=True,
    )
    register_home_widget(
        key="my_day",
        title=_("Today"),
        template="tasks/_today_mine.html",
        context=my_day_widget,
        order=5,
    )
    register_home_widget(
        key="team_day",
        title=_("Your team today"),
        template="tasks/_today_team.html",
        context=team_day_widget,
        order=6,
        permission=Permission.MANAGE_TEAMS,
    )
