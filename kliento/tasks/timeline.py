"""Meetings on the timeline of the record they are about, and of every contact invited to them."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.core.records.timeline import (
    ANY_KIND,
    TimelineEntry,
    TimelineQuery,
    TimelineSource,
    newest_before,
    register_timeline_source,
)
from kliento.tasks.models import Meeting, MeetingParticipant

MEETING = "meeting"  # the activities app's entry kind of the same name: one filter choice for both


def meeting_entries(query: TimelineQuery) -> list[TimelineEntry]:
    if not query.wanted([MEETING]):
        return []
    about = Q(related_kind=query.kind, related_id=query.record.pk)
    if query.kind == "contact":
        # A contact attends few meetings: their ids first, so each condition reads its own index.
        invited = list(
            MeetingParticipant.objects.filter(contact_id=query.record.pk).values_list(
                "meeting_id", flat=True
            )[:1000]
        )
        about |= Q(pk__in=invited)
    meetings = Meeting.objects.visible_to(query.member).filter(about).select_related("organizer")
    now = timezone.now()
    return [
        TimelineEntry(
            kind=MEETING,
            occurred_at=meeting.starts_at,
            id=meeting.pk,
            summary=(_("Upcoming meeting: %(title)s") if meeting.ends_at >= now else _("Meeting: %(title)s"))
            % {"title": meeting.title},
            author=str(meeting.organizer),
            template="tasks/_entry_meeting.html",
            details=meeting,
            data={
                "meeting_id": meeting.pk,
                "title": meeting.title,
                "starts_at": meeting.starts_at.isoformat(),
                "ends_at": meeting.ends_at.isoformat(),
                "is_all_day": meeting.is_all_day,
                "location": meeting.location,
            },
        )
        for meeting in newest_before(meetings, query, at="starts_at")
    ]


def register() -> None:
    register_timeline_source(
        ANY_KIND, TimelineSource(key="meetings", entry_kinds=(MEETING,), entries=meeting_entries)
    )
