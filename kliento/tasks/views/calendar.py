"""The calendar page: day, week and month views of the member's meetings and tasks."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import get_format
from django.views.decorators.http import require_GET

from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.tasks import calendar as days_of
from kliento.tasks import zones


@member_required()
@require_GET
def calendar(request: OrgRequest) -> HttpResponse:
    member = request.member
    tz = zones.zone_of(member.user, member.organization)
    view = request.GET.get("view", "week")
    if view not in days_of.VIEWS:
        view = "week"
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = zones.today_in(tz)
    # Django's FIRST_DAY_OF_WEEK counts from Sunday (0); the calendar's from Monday (0).
    first_weekday = (int(get_format("FIRST_DAY_OF_WEEK")) - 1) % 7
    days = days_of.calendar_days(member, view, day, tz, first_weekday=first_weekday)
    return render(
        request,
        "tasks/calendar.html",
        {
            "view": view,
            "day": day,
            "days": days,
            "weeks": days_of.weeks(days) if view == "month" else [],
            "previous": days_of.move(view, day, -1).isoformat(),
            "next": days_of.move(view, day, 1).isoformat(),
            "today": zones.today_in(tz).isoformat(),
            "zone_name": zones.zone_name_of(member.user, member.organization),
            "views": days_of.VIEWS,
        },
    )
