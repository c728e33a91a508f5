"""Template helpers of timeline entries and the call screen."""

from __future__ import annotations

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kliento.activities.models import Activity, Call

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    """3 min 05 s, 1 h 02 min: how long a call lasted."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": secs}
    return _("%(seconds)d s") % {"seconds": secs}


@register.simple_tag
def call_facts(activity: Activity) -> str:
    """A call entry's outcome, duration and follow-up wish, as one line of plain text."""
    details = activity.details if isinstance(activity.details, dict) else {}
    facts = []
    outcome = details.get("outcome")
    if outcome in Call.Outcome.values:
        facts.append(str(Call.Outcome(outcome).label))
    if details.get("duration_seconds"):
        facts.append(duration(details["duration_seconds"]))
    follow_up = details.get("follow_up")
    if isinstance(follow_up, dict):
        moment = parse_datetime(follow_up.get("at") or "") if isinstance(follow_up.get("at"), str) else None
        when = formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""
        facts.append(" ".join(filter(None, [_("Follow up"), when, str(follow_up.get("note") or "")])))
    return " · ".join(facts)
