"""Reads of leads that carry rules: what a member may see, the inbox's waiting times, search."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from kliento.core.models import Membership
from kliento.core.permissions import Permission
from kliento.leads.models import DisqualifyReason, Lead

MIN_QUERY = 2
MAX_QUERY = 100


def access_lead(*, member: Membership, record_id: int, write: bool = False) -> Lead:
    """The lead if this member may see it (and change it, if write); 404 or 403 otherwise."""
    lead = Lead.objects.visible_to(member).filter(pk=record_id).first()
    if lead is None:
        raise Http404
    if write and not member.can(Permission.EDIT_SALES):
        raise PermissionDenied
    return lead


def offered_reasons() -> QuerySet[DisqualifyReason]:
    return DisqualifyReason.objects.filter(is_active=True).order_by("position", "id")


# Waiting times ------------------------------------------------------------------------------


def waiting_text(lead: Lead, now: datetime.datetime | None = None) -> str:
    """How long the lead has waited for a first answer, or how long the answer took, as people say it."""
    now = now or timezone.now()
    if lead.first_response_at is not None:
        took = timesince(lead.created_at, lead.first_response_at, depth=1)
        return _("answered after %(time)s") % {"time": took}
    if lead.queue_rank == Lead.QueueRank.AWAITING:
        return _("waiting %(time)s") % {"time": timesince(lead.created_at, now, depth=2)}
    return _("closed without an answer")


def waiting_seconds(lead: Lead, now: datetime.datetime | None = None) -> int | None:
    """Seconds waited so far for a lead still awaiting its first answer, else None."""
    if lead.queue_rank != Lead.QueueRank.AWAITING:
        return None
    return max(0, int(((now or timezone.now()) - lead.created_at).total_seconds()))


# Search -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadQuery:
    text: str
    digits: str


def parse_query(raw: str, region: str = "") -> LeadQuery | None:
    """The typed text ready to search, or None when it is too short to mean anything."""
    text = " ".join(raw[:MAX_QUERY].casefold().split())
    if len(text) < MIN_QUERY:
        return None
    digits = "".join(char for char in text if char.isdigit())
    return LeadQuery(text=text, digits=digits if len(digits) >= 4 and len(digits) * 2 >= len(text) else "")


def matching(queryset: QuerySet[Any], query: LeadQuery, organization_id: int = 0) -> QuerySet[Any]:
    """Leads whose name starts with the text, or whose name, company, email or phone digits hold it.
    Leads are a working set of thousands, not millions, per organization: the fragment look-up reads
    the organization's rows (see docs/architecture.md, Leads)."""
    condition = Q(sort_name__startswith=query.text) | Q(search_text__contains=query.text)
    if query.digits:
        condition |= Q(search_text__contains=query.digits)
    return queryset.filter(condition)
