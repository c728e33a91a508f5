"""Reads of the activities app: a timeline's record for a member, entries, attachments, calls and
who is calling."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django.db.models import QuerySet
from django.http import Http404

from kliento.activities.models import Activity, Attachment, Call
from kliento.core.models import Membership
from kliento.core.records.cards import access_record
from kliento.core.records.kinds import RecordKind, UnknownKind, get_kind
from kliento.core.records.timeline import has_timeline
from kliento.customers.models import Contact, ContactPhone

CALLER_MATCHES_SHOWN = 10


def access_subject(
    *, member: Membership, kind: str, record_id: int, write: bool = False
) -> tuple[RecordKind, Any]:
    """The record a timeline belongs to, if the member may see it (and, to write on its timeline,
    change it); 404 for a kind without a timeline or a record out of reach, 403 for a role."""
    try:
        record_kind = get_kind(kind)
    except UnknownKind:
        raise Http404 from None
    if not has_timeline(kind):
        raise Http404
    return record_kind, access_record(record_kind, member=member, record_id=record_id, write=write)


def activities_of(kind: str, record_id: int) -> QuerySet[Activity]:
    return Activity.objects.filter(subject_kind=kind, subject_id=record_id)


def access_attachment(*, member: Membership, attachment_id: int) -> Attachment:
    """The attachment, if the member may see the record its entry belongs to; 404 otherwise."""
    attachment = Attachment.objects.select_related("activity").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    access_subject(
        member=member, kind=attachment.activity.subject_kind, record_id=attachment.activity.subject_id
    )
    return attachment


def access_call(*, member: Membership, call_id: int) -> Call:
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise Http404
    return call


def normalized_number(value: str, region: str) -> str:
    """The number in E.164 when it reads as a possible number in the organization's region (national
    or international, with any spaces, dots or brackets); "" otherwise."""
    try:
        number = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def identify_caller(number: str, *, region: str, member: Membership | None = None) -> list[Contact]:
    """The contacts (alive, and visible to the member if one is given) with this number, however it
    was written: one query on the (organization, number) index of contacts' phones."""
    e164 = normalized_number(number, region)
    if not e164:
        return []
    contacts = Contact.objects.filter(
        pk__in=ContactPhone.objects.filter(number=e164).values("contact_id")
    ).select_related("company", "owner")
    if member is not None:
        contacts = contacts.visible_to(member)
    return list(contacts.order_by("sort_name", "id")[:CALLER_MATCHES_SHOWN])


def ringing_calls_for(member: Membership) -> QuerySet[Call]:
    """Calls ringing now for this member: addressed to them, or to nobody in particular (anyone on
    the call screen takes them)."""
    from django.db.models import Q

    return (
        Call.objects.filter(status=Call.Status.RINGING)
        .filter(Q(agent__isnull=True) | Q(agent_id=member.user_id))
        .order_by("-started_at", "-id")
    )


def missed_calls(limit: int = 20) -> list[Call]:
    return list(Call.objects.filter(status=Call.Status.MISSED).order_by("-started_at", "-id")[:limit])
