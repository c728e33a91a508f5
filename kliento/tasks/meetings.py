"""Meetings: their writes (one transaction each, audited), who may see them, the calendar's reads
and the `.ics` invitation.

A timed meeting is two instants in UTC plus the organizer's zone, which the invitation names (so a
calendar program shows it on the right wall-clock time, across daylight-saving changes). An
all-day meeting is kept as dates (`starts_on`, `ends_on`, inclusive); its instants are the start and
end of those days in the organizer's zone, for sorting and ranges.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kliento.core.audit import (
    column_values,
    create_record,
    lock_record,
    move_to_trash,
    record_change,
    save_changed_fields,
)
from kliento.core.errors import collect_errors
from kliento.core.models import AuditEntry, Membership, User
from kliento.core.permissions import Permission
from kliento.core.services import require
from kliento.core.text import text_errors
from kliento.notifications.services import Channels, channels_for, notify
from kliento.tasks import zones
from kliento.tasks.models import Meeting, MeetingParticipant
from kliento.tasks.services import related_record

MAX_PARTICIPANTS = 100
MEETING_FIELDS = (
    "title",
    "description",
    "location",
    "link",
    "is_all_day",
    "starts_at",
    "ends_at",
    "starts_on",
    "ends_on",
    "time_zone",
    "related_kind",
    "related_id",
)


# Reads ----------------------------------------------------------------------------------------


def access_meeting(*, member: Membership, meeting_id: int, write: bool = False) -> Meeting:
    meeting = (
        Meeting.objects.visible_to(member)
        .select_related("organizer", "organization")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    if write and not member.can(Permission.EDIT_TASKS):
        raise PermissionDenied
    return meeting


def participants_of(meeting: Meeting) -> list[MeetingParticipant]:
    return list(
        MeetingParticipant.objects.filter(meeting=meeting).select_related("user", "contact").order_by("id")
    )


def meetings_of(user_id: int) -> QuerySet[Meeting]:
    """Meetings a person organizes or attends."""
    return Meeting.objects.filter(
        Q(organizer_id=user_id)
        | Q(pk__in=MeetingParticipant.objects.filter(user_id=user_id).values("meeting_id"))
    )


def meetings_between(
    member: Membership, user_id: int, first_day: datetime.date, last_day: datetime.date, tz: datetime.tzinfo
) -> list[Meeting]:
    """A person's meetings on these days of their zone: timed ones overlapping the days' instants,
    all-day ones overlapping the dates."""
    start, end = zones.start_of(first_day, tz), zones.start_of(last_day + datetime.timedelta(days=1), tz)
    return list(
        meetings_of(user_id)
        .filter(
            Q(is_all_day=False, starts_at__lt=end, ends_at__gt=start)
            | Q(is_all_day=True, starts_on__lte=last_day, ends_on__gte=first_day)
        )
        .order_by("starts_at", "id")[:500]
    )


def meetings_on_day(
    member: Membership, day: datetime.date, tz: datetime.tzinfo, *, limit: int = 10
) -> list[Meeting]:
    return meetings_between(member, member.user_id, day, day, tz)[:limit]


def meetings_of_record(member: Membership, kind: str, record_id: int, *, limit: int = 50) -> list[Meeting]:
    """The meetings about a record (for its timeline): newest first."""
    return list(
        Meeting.objects.visible_to(member)
        .filter(related_kind=kind, related_id=record_id)
        .select_related("organizer")
        .order_by("-starts_at", "-id")[:limit]
    )


# Writes ---------------------------------------------------------------------------------------


def _check_zone(name: str) -> str:
    if name not in zones_available():
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    return name


def zones_available() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def _check_link(link: str) -> None:
    if link and urlsplit(link).scheme not in ("https", "http"):
        raise ValidationError({"link": _("Give a web address starting with https://.")})


def _apply(meeting: Meeting, member: Membership, data: Mapping[str, Any]) -> None:
    errors = text_errors(
        {name: data[name] for name in ("title", "description", "location", "link") if name in data},
        multiline=frozenset({"description"}),
    )
    if errors:
        raise ValidationError(errors)
    for name in ("title", "description", "location", "link"):
        if name in data:
            setattr(meeting, name, (data[name] or "").strip())
    if data.get("time_zone"):
        meeting.time_zone = data["time_zone"]
    for name in ("is_all_day", "starts_at", "ends_at", "starts_on", "ends_on"):
        if name in data:
            setattr(meeting, name, data[name])
    if "related_kind" in data or "related_id" in data:
        meeting.related_kind = data.get("related_kind", meeting.related_kind) or ""
        meeting.related_id = data.get("related_id", meeting.related_id)

    def times() -> None:
        tz = zones.zone(meeting.time_zone)
        if meeting.is_all_day:
            if meeting.starts_on is None:
                raise ValidationError({"starts_on": _("Give the meeting's first day.")})
            meeting.ends_on = meeting.ends_on or meeting.starts_on
            if meeting.ends_on < meeting.starts_on:
                raise ValidationError({"ends_on": _("The last day cannot be before the first.")})
            meeting.starts_at = zones.start_of(meeting.starts_on, tz)
            meeting.ends_at = zones.start_of(meeting.ends_on + datetime.timedelta(days=1), tz)
            return
        meeting.starts_on = meeting.ends_on = None
        if meeting.starts_at is None:
            raise ValidationError({"starts_at": _("Give the time the meeting starts.")})
        meeting.ends_at = meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=1)
        if meeting.ends_at < meeting.starts_at:
            raise ValidationError({"ends_at": _("The meeting cannot end before it starts.")})

    def related() -> None:
        record = related_record(member, meeting.related_kind, meeting.related_id)
        meeting.related_label = str(record)[:200] if record is not None else ""

    def title() -> None:
        if not meeting.title:
            raise ValidationError({"title": _("Give the meeting a title.")})

    checks = [title, lambda: _check_zone(meeting.time_zone), lambda: _check_link(meeting.link), times]
    if "related_kind" in data or "related_id" in data:
        checks.append(related)
    collect_errors(*checks)


def _participants(
    member: Membership, user_ids: Iterable[int], contact_ids: Iterable[int]
) -> list[MeetingParticipant]:
    from kliento.customers.models import Contact

    users, contacts = sorted(set(user_ids)), sorted(set(contact_ids))
    if len(users) + len(contacts) > MAX_PARTICIPANTS:
        raise ValidationError({"participants": _("A meeting has at most 100 participants.")})
    members = {
        m.user_id: m.user
        for m in Membership.objects.active().filter(user_id__in=users).select_related("user")
    }
    if set(users) - set(members):
        raise ValidationError({"user_ids": _("Choose active members of this organization.")})
    found = {c.pk: c for c in Contact.objects.visible_to(member).filter(pk__in=contacts)}
    if set(contacts) - set(found):
        raise ValidationError({"contact_ids": _("No such contact.")})
    return [
        MeetingParticipant(user=members[u], name=str(members[u]), email=members[u].email) for u in users
    ] + [
        MeetingParticipant(contact=found[c], name=str(found[c]), email=found[c].email or "") for c in contacts
    ]


def _store_participants(meeting: Meeting, participants: list[MeetingParticipant]) -> None:
    MeetingParticipant.objects.filter(meeting=meeting).delete()
    for participant in participants:
        participant.organization_id, participant.meeting = meeting.organization_id, meeting
    MeetingParticipant.objects.bulk_create(participants)


def _label(participants: list[MeetingParticipant]) -> list[str]:
    return [participant.name for participant in participants]


@transaction.atomic
def create_meeting(*, member: Membership, data: Mapping[str, Any]) -> Meeting:
    """A new meeting organized by the member (in their zone unless said otherwise); participants
    get the invitation by email and members a notification."""
    require(member, Permission.EDIT_TASKS)
    meeting = Meeting(
        organization_id=member.organization_id,
        organizer=member.user,
        time_zone=zones.zone_name_of(member.user, member.organization),
        title="",
    )
    participants: list[MeetingParticipant] = []

    def check_participants() -> None:
        nonlocal participants
        participants = _participants(member, data.get("user_ids") or [], data.get("contact_ids") or [])

    collect_errors(lambda: _apply(meeting, member, data), check_participants)
    create_record(
        meeting, actor=member.user, related={"participants": _label(participants)}, checked=("organizer",)
    )
    _store_participants(meeting, participants)
    _invite(meeting, member)
    return meeting


@transaction.atomic
def update_meeting(*, meeting: Meeting, member: Membership, data: Mapping[str, Any]) -> Meeting:
    """Change the meeting; participants get the updated invitation (its SEQUENCE one higher)."""
    require(member, Permission.EDIT_TASKS)
    lock_record(meeting)
    before = column_values(meeting, (*MEETING_FIELDS, "related_label", "sequence"))
    current = participants_of(meeting)
    participants = current

    def check_participants() -> None:
        nonlocal participants
        if "user_ids" in data or "contact_ids" in data:
            user_ids = data.get("user_ids")
            contact_ids = data.get("contact_ids")
            participants = _participants(
                member,
                user_ids if user_ids is not None else [p.user_id for p in current if p.user_id],
                contact_ids if contact_ids is not None else [p.contact_id for p in current if p.contact_id],
            )

    collect_errors(lambda: _apply(meeting, member, data), check_participants)
    changed_people = _label(participants) != _label(current)
    meeting.sequence += 1
    diff = save_changed_fields(meeting, before, actor=member.user)
    diff.pop("sequence", None)
    if changed_people:
        _store_participants(meeting, participants)
        diff["participants"] = [_label(current), _label(participants)]
    if diff:
        record_change(meeting, action=AuditEntry.Action.UPDATE, actor=member.user, changes=diff)
        _invite(meeting, member)
    return meeting


@transaction.atomic
def trash_meeting(*, meeting: Meeting, member: Membership) -> None:
    require(member, Permission.EDIT_TASKS)
    move_to_trash(meeting, actor=member.user)


@transaction.atomic
def restore_meeting(*, meeting: Meeting, member: Membership) -> None:
    from kliento.core.audit import restore_from_trash

    require(member, Permission.EDIT_TASKS)
    restore_from_trash(meeting, actor=member.user)


# Invitations ----------------------------------------------------------------------------------


def _invite(meeting: Meeting, member: Membership) -> None:
    """Notify the member participants in the app and queue the emailed invitations."""
    for participant in MeetingParticipant.objects.filter(meeting=meeting, user__isnull=False).exclude(
        user_id=member.user_id
    ):
        assert participant.user_id is not None
        chosen = channels_for(participant.user_id, "meeting_invitation")
        # The email is the invitation itself (with its .ics), sent below: not a second one.
        notify(
            User(pk=participant.user_id),
            "meeting_invitation",
            _("%(person)s invites you: %(title)s") % {"person": member.user, "title": meeting.title},
            url=reverse("tasks:meeting-detail", args=[meeting.pk]),
            channels=Channels(in_app=chosen.in_app, email=False),
        )
    from kliento.tasks.jobs import send_meeting_invitations

    meeting_id, organization_id, sequence = meeting.pk, meeting.organization_id, meeting.sequence
    transaction.on_commit(lambda: send_meeting_invitations(meeting_id, sequence, organization_id))


def ics_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.KLIENTO_BASE_URL).hostname or "kliento"
    return f"meeting-{meeting.organization_id}-{meeting.pk}@{host}"


def invitation(meeting: Meeting, participants: list[MeetingParticipant], *, method: str = "REQUEST") -> bytes:
    """The meeting as an RFC 5545 calendar: a VEVENT in the organizer's zone (with its VTIMEZONE),
    or on whole dates for an all-day meeting."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kliento//CRM//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", ics_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    if meeting.is_all_day and meeting.starts_on and meeting.ends_on:
        event.add("dtstart", meeting.starts_on)
        event.add("dtend", meeting.ends_on + datetime.timedelta(days=1))  # DTEND of dates is exclusive
    else:
        tz = zones.zone(meeting.time_zone)
        event.add("dtstart", meeting.starts_at.astimezone(tz))
        event.add("dtend", meeting.ends_at.astimezone(tz))
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.description:
        event.add("description", meeting.description)
    if meeting.link:
        event.add("url", meeting.link)
    organizer = icalendar.vCalAddress(f"mailto:{meeting.organizer.email}")
    organizer.params["cn"] = icalendar.vText(str(meeting.organizer))
    event.add("organizer", organizer)
    for participant in participants:
        if not participant.email:
            continue
        attendee = icalendar.vCalAddress(f"mailto:{participant.email}")
        attendee.params["cn"] = icalendar.vText(participant.name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    content: bytes = calendar.to_ical()
    return content


def email_invitations(meeting_id: int, sequence: int) -> int:
    """Email the invitation to every participant with an address; a newer revision supersedes
    this one (its own job sends it). Returns how many were sent."""
    meeting = Meeting.objects.select_related("organizer", "organization").filter(pk=meeting_id).first()
    if meeting is None or meeting.sequence != sequence:
        return 0
    participants = participants_of(meeting)
    ics = invitation(meeting, participants)
    sent = 0
    for participant in participants:
        if not participant.email:
            continue
        language = (
            participant.user.language if participant.user else ""
        ) or meeting.organization.default_locale
        with translation.override(language):
            when = _when_text(meeting, participant.user)
            subject = _("Invitation: %(title)s") % {"title": meeting.title}
            body = "\n".join(
                line
                for line in (
                    meeting.title,
                    when,
                    meeting.location,
                    meeting.link,
                    "",
                    _("%(person)s invites you to this meeting.") % {"person": meeting.organizer},
                )
                if line is not None
            )
        message = EmailMessage(subject, body, None, [participant.email])
        message.attach("invitation.ics", ics, "text/calendar; method=REQUEST; charset=utf-8")
        message.send()
        sent += 1
    return sent


def _when_text(meeting: Meeting, user: User | None) -> str:
    from django.utils.formats import date_format

    if meeting.is_all_day and meeting.starts_on and meeting.ends_on:
        first, last = (
            date_format(meeting.starts_on, "DATE_FORMAT"),
            date_format(meeting.ends_on, "DATE_FORMAT"),
        )
        return first if first == last else f"{first} - {last}"
    tz = zones.zone(user.time_zone if user and user.time_zone else meeting.time_zone)
    start, end = meeting.starts_at.astimezone(tz), meeting.ends_at.astimezone(tz)
    return f"{date_format(start, 'DATETIME_FORMAT')} - {date_format(end, 'TIME_FORMAT')} ({tz})"
