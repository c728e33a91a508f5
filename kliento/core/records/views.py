"""The card page and its History tab, for any registered kind of record (see `cards.py`)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from kliento.core.audit import history_of
from kliento.core.history import readable_entries
from kliento.core.records.cards import access_record, card_context, card_page, kind_or_404
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required

HISTORY_SHOWN = 100


@member_required()
def record_card(request: OrgRequest, kind: str, record_id: int) -> HttpResponse:
    record_kind = kind_or_404(kind)
    record = access_record(record_kind, member=request.member, record_id=record_id)
    context = card_context(request, record_kind, record)
    return render(request, card_page(record_kind.key).template, context)


@member_required()
def record_history(request: OrgRequest, kind: str, record_id: int) -> HttpResponse:
    """The History tab: the record's audit entries as people read them, newest first."""
    record_kind = kind_or_404(kind)
    record = access_record(record_kind, member=request.member, record_id=record_id)
    entries = history_of(record)[:HISTORY_SHOWN]
    history = readable_entries(entries, organization=request.organization)
    return render(request, "core/_history.html", {"history": history})
