"""API of the timeline (entries of any record, notes) and calls; the telephony webhook is in
`telephony_api.py`."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from kliento.activities import selectors, services
from kliento.activities.models import Activity, Call
from kliento.activities.schemas import (
    ActivityOut,
    CallerOut,
    CallIn,
    CallOut,
    CallPageOut,
    CallParams,
    IdentifyParams,
    NoteIn,
    TimelineEntryOut,
    TimelinePageOut,
    TimelineParams,
)
from kliento.core.pagination import keyset_page
from kliento.core.records.timeline import timeline_page
from kliento.core.requests import OrgRequest

router = Router(tags=["timeline"])


@router.get("/timeline/{kind}/{record_id}", response=TimelinePageOut)
def list_timeline(
    request: OrgRequest, kind: str, record_id: int, params: Query[TimelineParams]
) -> dict[str, Any]:
    """A record's timeline (notes, calls, lifecycle changes…), newest first, a page at a time: pass
    `next_cursor` back as `cursor` for the next page; `entry_kind` (repeatable) keeps only those kinds."""
    _record_kind, record = selectors.access_subject(member=request.member, kind=kind, record_id=record_id)
    page = timeline_page(
        member=request.member,
        kind=kind,
        record=record,
        cursor=params.cursor,
        entry_kinds=params.entry_kind or None,
        limit=params.limit,
    )
    return {
        "items": [
            TimelineEntryOut(
                key=entry.key,
                kind=entry.kind,
                source=entry.source,
                occurred_at=entry.occurred_at,
                author=entry.author,
                direction=entry.direction,
                participants=list(entry.participants),
                summary=entry.summary,
                details=entry.data,
            )
            for entry in page.entries
        ],
        "next_cursor": page.next_cursor,
    }


@router.post("/timeline/{kind}/{record_id}/notes", response={201: ActivityOut})
def create_note(request: OrgRequest, kind: str, record_id: int, payload: NoteIn) -> Status[Activity]:
    """A note on the record's timeline; each member in `mentions` is told. A mention of someone
    outside the organization is a 422 naming `mentions`, and nothing is stored."""
    _record_kind, record = selectors.access_subject(
        member=request.member, kind=kind, record_id=record_id, write=True
    )
    note = services.add_note(
        member=request.member,
        kind=kind,
        record=record,
        body=payload.body,
        mentions=payload.mentions,
        occurred_at=payload.occurred_at,
    )
    return Status(201, note)


@router.post("/calls", response={201: CallOut}, tags=["calls"])
def log_call(request: OrgRequest, payload: CallIn) -> Status[Call]:
    """Log a call on a record's timeline (two fields are enough: direction and outcome)."""
    _record_kind, record = selectors.access_subject(
        member=request.member, kind=payload.record_kind, record_id=payload.record_id, write=True
    )
    call = services.log_call(
        member=request.member,
        kind=payload.record_kind,
        record=record,
        direction=payload.direction,
        outcome=payload.outcome,
        duration_seconds=payload.duration_seconds,
        body=payload.body,
        number=payload.number,
        occurred_at=payload.occurred_at,
        follow_up_at=payload.follow_up_at,
        follow_up_note=payload.follow_up_note,
    )
    return Status(201, call)


@router.get("/calls", response=CallPageOut, tags=["calls"])
def list_calls(request: OrgRequest, params: Query[CallParams]) -> dict[str, Any]:
    """The organization's calls, newest first; filter by `status` or `agent_id`."""
    calls = Call.objects.all()
    if params.status:
        calls = calls.filter(status=params.status)
    if params.agent_id:
        calls = calls.filter(agent_id=params.agent_id)
    page = keyset_page(calls, ordering=["-started_at", "-id"], cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/calls/identify", response=list[CallerOut], tags=["calls"])
def identify(request: OrgRequest, params: Query[IdentifyParams]) -> list[Any]:
    """The contacts with this number, written in any format (national numbers are read in the
    organization's phone region): one indexed look-up. Several may share a number."""
    return selectors.identify_caller(
        params.number, region=request.organization.default_region, member=request.member
    )


@router.get("/calls/{call_id}", response=CallOut, tags=["calls"])
def read_call(request: OrgRequest, call_id: int) -> Call:
    return selectors.access_call(member=request.member, call_id=call_id)
