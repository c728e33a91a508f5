"""The card page and its History tab, for any registered kind of record (see `cards.py`)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from kliento.core.audit import history_of
from kliento.core.errors import InvalidInput
from kliento.core.history import readable_entries
from kliento.core.records.cards import access_record, card_context, card_page, kind_or_404
from kliento.core.records.timeline import has_timeline, timeline_view
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


@member_required()
def record_timeline(request: OrgRequest, kind: str, record_id: int) -> HttpResponse:
    """A page of the Timeline panel: the entries after a cursor, of the entry kinds chosen."""
    record_kind = kind_or_404(kind)
    if not has_timeline(record_kind.key):
        raise Http404
    record = access_record(record_kind, member=request.member, record_id=record_id)
    try:
        timeline = timeline_view(
            request,
            record_kind.key,
            record,
            cursor=request.GET.get("cursor") or None,
            chosen=request.GET.getlist("entry_kind"),
        )
    except InvalidInput as error:
        return render(request, "core/_timeline_entries.html", {"timeline_error": error.message}, status=400)
    return render(request, "core/_timeline_entries.html", {"timeline": timeline, "more": True})
