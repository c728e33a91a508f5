"""Shapes of the activities API: timeline entries, notes, calls and the telephony webhook."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from ninja import Schema
from pydantic import Field

from kliento.activities.models import BODY_MAX, Call, Direction
from kliento.api.pagination import CursorParams
from kliento.api.schemas import CheckedTextSchema, InputSchema, RecordId, omittable


def _one_of(values: list[str]) -> Any:
    return Literal[tuple(values)]


if TYPE_CHECKING:
    DirectionName = str
    OutcomeName = str
    CallStatusName = str
else:
    DirectionName = _one_of(Direction.values)
    OutcomeName = _one_of(Call.Outcome.values)
    CallStatusName = _one_of(Call.Status.values)


class TimelineParams(CursorParams):
    limit: int = 20
    entry_kind: list[str] = Field(
        default_factory=list, description="Only these entry kinds (note, call, lifecycle…)."
    )


class TimelineEntryOut(Schema):
    key: str = Field(description="The entry's source and id, unique within the timeline.")
    kind: str
    source: str
    occurred_at: datetime.datetime
    author: str
    direction: str
    participants: list[str]
    summary: str
    details: dict[str, Any] = Field(description="What only this kind of entry has.")


class TimelinePageOut(Schema):
    items: list[TimelineEntryOut]
    next_cursor: str | None


class NoteIn(InputSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"body"})

    body: str = Field(
        max_length=BODY_MAX, examples=["Wants a demo next week. @Bob Brown can you prepare it?"]
    )
    mentions: list[RecordId] = Field(
        default_factory=list, max_length=50, description="Ids of the members this note mentions."
    )
    occurred_at: datetime.datetime | None = omittable()


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class ActivityOut(Schema):
    id: int
    kind: str
    subject_kind: str
    subject_id: int
    direction: str
    occurred_at: datetime.datetime
    author_id: int | None
    participants: list[str]
    body: str
    details: dict[str, Any]
    mentions: list[int]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_mentions(activity: Any) -> list[int]:
        return sorted(mention.user_id for mention in activity.mentions.all())

    @staticmethod
    def resolve_attachments(activity: Any) -> list[Any]:
        return list(activity.attachments.all())


class CallIn(InputSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"body"})

    record_kind: str = Field(max_length=40, examples=["contact"])
    record_id: RecordId
    direction: DirectionName
    outcome: OutcomeName
    duration_seconds: int | None = Field(None, ge=0, le=86_400, examples=[185])
    body: str = Field("", max_length=BODY_MAX)
    number: str = Field("", max_length=40, description="The customer's number, in any format.")
    occurred_at: datetime.datetime | None = omittable()
    follow_up_at: datetime.datetime | None = None
    follow_up_note: str = Field("", max_length=300)


class CallOut(Schema):
    id: int
    provider: str
    provider_call_id: str
    direction: str
    from_number: str
    to_number: str
    customer_number: str
    status: str
    outcome: str
    started_at: datetime.datetime
    answered_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    duration_seconds: int | None
    waiting_seconds: int | None
    agent_id: int | None
    activity_id: int | None
    follow_up_at: datetime.datetime | None
    follow_up_note: str


class CallParams(CursorParams):
    status: CallStatusName | None = None
    agent_id: int | None = Field(None, ge=1)


class CallPageOut(Schema):
    items: list[CallOut]
    next_cursor: str | None


class IdentifyParams(CheckedTextSchema):
    number: str = Field(min_length=1, max_length=40, examples=["030 901820"])


class CallerOut(Schema):
    id: int
    full_name: str
    company_id: int | None
    company_name: str
    lifecycle_stage: str
    owner_id: int | None

    @staticmethod
    def resolve_company_name(contact: Any) -> str:
        return contact.company.name if contact.company else ""
