"""API of tasks and meetings: CRUD, completing a task, comments, keyset lists and `.ics` downloads.

Times are RFC 3339 instants (stored in UTC); an all-day task has `due_on` (a date) instead of
`due_at`. Bad input is a 422 naming the field (an invalid `recurrence` rule included).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from kliento.api.concurrency import if_match, set_etag
from kliento.api.pagination import CursorParams
from kliento.api.schemas import InputSchema, RecordId, omittable
from kliento.core.pagination import keyset_page
from kliento.core.records.tags import tags_of_page
from kliento.core.requests import OrgRequest
from kliento.tasks import meetings, selectors, services
from kliento.tasks.models import Meeting, Priority, Reminder, Task, TaskComment

router = Router(tags=["tasks"])

PRIORITY_NAMES = {
    Priority.LOW: "low",
    Priority.NORMAL: "normal",
    Priority.HIGH: "high",
    Priority.URGENT: "urgent",
}
PRIORITY_VALUES = {name: value for value, name in PRIORITY_NAMES.items()}
if TYPE_CHECKING:
    PriorityName = str
    StatusName = str
else:
    PriorityName = Literal[tuple(PRIORITY_VALUES)]
    StatusName = Literal[tuple(Task.Status.values)]


class ReminderOut(Schema):
    minutes_before: int
    remind_at: datetime.datetime
    state: str
    failure_reason: str


class TaskOut(Schema):
    id: int
    title: str
    description: str
    due_at: datetime.datetime | None
    due_on: datetime.date | None
    priority: str
    status: str
    assignee_id: int | None
    related_kind: str
    related_id: int | None
    related_label: str
    recurrence: str
    reminders: list[ReminderOut]
    tags: list[str]
    custom_fields: dict[str, Any]
    is_overdue: bool
    completed_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "title": "Call Ada about the renewal",
                    "description": "",
                    "due_at": "2026-12-01T14:00:00Z",
                    "due_on": None,
                    "priority": "high",
                    "status": "open",
                    "assignee_id": 3,
                    "related_kind": "contact",
                    "related_id": 42,
                    "related_label": "Ada Lovelace",
                    "recurrence": "FREQ=WEEKLY;BYDAY=TU",
                    "reminders": [
                        {
                            "minutes_before": 15,
                            "remind_at": "2026-12-01T13:45:00Z",
                            "state": "scheduled",
                            "failure_reason": "",
                        }
                    ],
                    "tags": ["renewal"],
                    "custom_fields": {},
                    "is_overdue": False,
                    "completed_at": None,
                    "created_at": "2026-11-28T09:12:00Z",
                    "updated_at": "2026-11-28T09:12:00Z",
                }
            ]
        }
    )


class TaskPage(Schema):
    items: list[TaskOut]
    next_cursor: str | None


class TaskIn(InputSchema):
    title: str = Field(min_length=1, max_length=200, examples=["Call Ada about the renewal"])
    description: str = Field("", max_length=5000)
    due_at: datetime.datetime | None = Field(None, examples=["2026-12-01T14:00:00Z"])
    due_on: datetime.date | None = Field(None, description="An all-day task's date (instead of due_at).")
    priority: PriorityName = "normal"
    assignee_id: RecordId | None = Field(None, description="A member's user id; the caller by default.")
    related_kind: str = Field("", max_length=40, examples=["contact"])
    related_id: RecordId | None = None
    recurrence: str = Field("", max_length=500, examples=["FREQ=WEEKLY;BYDAY=TU"])
    reminders: list[int] = Field(default_factory=list, max_length=5, examples=[[0, 15]])
    tags: list[str] = Field(default_factory=list, max_length=20)
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class TaskPatch(InputSchema):
    title: str | None = omittable(min_length=1, max_length=200)
    description: str | None = omittable(max_length=5000)
    due_at: datetime.datetime | None = None
    due_on: datetime.date | None = None
    priority: PriorityName | None = omittable()
    status: StatusName | None = omittable()
    assignee_id: RecordId | None = None
    related_kind: str | None = omittable(max_length=40)
    related_id: RecordId | None = None
    recurrence: str | None = omittable(max_length=500)
    reminders: list[int] | None = omittable(max_length=5)
    tags: list[str] | None = omittable(max_length=20)
    custom_fields: dict[str, Any] | None = omittable()


class TaskParams(CursorParams):
    status: StatusName | None = None
    assignee: str | None = Field(None, description="`me` or a member's user id.", max_length=20)
    related_kind: str | None = Field(None, max_length=40)
    related_id: int | None = None
    overdue: bool = False


class CommentIn(InputSchema):
    body: str = Field(min_length=1, max_length=5000, examples=["Left a voicemail; trying again tomorrow."])

    multiline_fields = frozenset({"body"})


class CommentOut(Schema):
    id: int
    author_id: int | None
    body: str
    created_at: datetime.datetime


class StatusIn(InputSchema):
    status: StatusName


def _task_out(tasks: list[Task]) -> list[dict[str, Any]]:
    """Tasks as the API shows them, with their reminders and tags read for all in two queries."""
    ids = [task.pk for task in tasks]
    reminders: dict[int, list[Reminder]] = {task_id: [] for task_id in ids}
    for reminder in Reminder.objects.filter(task_id__in=ids).order_by("remind_at"):
        reminders[reminder.task_id].append(reminder)
    tags = tags_of_page(Task, ids) if ids else {}
    answer = []
    for task in tasks:
        answer.append(
            {
                **{name: getattr(task, name) for name in TaskOut.model_fields if hasattr(task, name)},
                "priority": PRIORITY_NAMES.get(Priority(task.priority), "normal"),
                "reminders": reminders[task.pk],
                "tags": [name for name, _color in tags.get(task.pk, [])],
                "is_overdue": selectors.due_state(task).overdue,
            }
        )
    return answer


def _data(payload: InputSchema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    if "priority" in data:
        data["priority"] = PRIORITY_VALUES[data["priority"]] if data["priority"] else None
    return data


@router.get("/tasks", response=TaskPage)
def list_tasks(request: OrgRequest, params: Query[TaskParams]) -> dict[str, Any]:
    """Tasks the caller may see, soonest due first (tasks without a due date last)."""
    member = request.member
    rows = Task.objects.visible_to(member).select_related("assignee", "organization")
    if params.status:
        rows = rows.filter(status=params.status)
    if params.assignee:
        rows = rows.filter(assignee_id=member.user_id if params.assignee == "me" else _int(params.assignee))
    if params.related_kind:
        rows = rows.filter(related_kind=params.related_kind)
    if params.related_id is not None:
        rows = rows.filter(related_id=params.related_id)
    if params.overdue:
        rows = rows.filter(selectors.overdue_condition(member.organization))
    page = keyset_page(rows, ordering=["due_key", "id"], cursor=params.cursor, limit=params.limit)
    return {"items": _task_out(page.items), "next_cursor": page.next_cursor}


def _int(value: str) -> int:
    from kliento.core.errors import InvalidInput

    try:
        return int(value)
    except ValueError:
        raise InvalidInput("Give `me` or a user id.", field="assignee") from None


@router.post("/tasks", response={201: TaskOut})
def create_task(request: OrgRequest, payload: TaskIn) -> Status[Any]:
    task = services.create_task(member=request.member, data=_data(payload))
    return Status(201, _task_out([task])[0])


@router.get("/tasks/{task_id}", response=TaskOut)
def read_task(request: OrgRequest, task_id: int, response: HttpResponse) -> dict[str, Any]:
    task = selectors.access_task(member=request.member, task_id=task_id)
    set_etag(response, task)
    return _task_out([task])[0]


@router.patch("/tasks/{task_id}", response=TaskOut)
def update_task(
    request: OrgRequest, task_id: int, payload: TaskPatch, response: HttpResponse
) -> dict[str, Any]:
    """Change the fields sent; `status` completes, cancels or reopens (a repeating task's next
    occurrence follows its completion). Send the ETag in If-Match to refuse a stale write (412)."""
    member = request.member
    task = selectors.access_task(member=member, task_id=task_id, write=True)
    data = _data(payload)
    status = data.pop("status", None)
    task = services.update_task(task=task, member=member, data=data, expected_version=if_match(request))
    if status:
        task = services.set_task_status(task=task, member=member, status=status)
    set_etag(response, task)
    return _task_out([task])[0]


@router.delete("/tasks/{task_id}", response={204: None})
def delete_task(request: OrgRequest, task_id: int) -> Status[None]:
    """Move the task to the trash (restorable); its reminders are cancelled."""
    task = selectors.access_task(member=request.member, task_id=task_id, write=True)
    services.trash_task(task=task, member=request.member)
    return Status(204, None)


@router.post("/tasks/{task_id}/complete", response=TaskOut)
def complete_task(request: OrgRequest, task_id: int) -> dict[str, Any]:
    """Mark the task done; a repeating task gets its next occurrence (once)."""
    task = selectors.access_task(member=request.member, task_id=task_id, write=True)
    return _task_out([services.complete_task(task=task, member=request.member)])[0]


@router.post("/tasks/{task_id}/status", response=TaskOut)
def set_task_status(request: OrgRequest, task_id: int, payload: StatusIn) -> dict[str, Any]:
    task = selectors.access_task(member=request.member, task_id=task_id, write=True)
    return _task_out([services.set_task_status(task=task, member=request.member, status=payload.status)])[0]


COMMENTS_SHOWN = 500


@router.get("/tasks/{task_id}/comments", response=list[CommentOut])
def list_comments(request: OrgRequest, task_id: int) -> list[TaskComment]:
    """The task's comments, oldest first (the first 500: a task's conversation, not a log)."""
    task = selectors.access_task(member=request.member, task_id=task_id)
    return list(TaskComment.objects.filter(task=task).order_by("id")[:COMMENTS_SHOWN])


@router.post("/tasks/{task_id}/comments", response={201: CommentOut})
def add_comment(request: OrgRequest, task_id: int, payload: CommentIn) -> Status[Any]:
    task = selectors.access_task(member=request.member, task_id=task_id, write=True)
    return Status(201, services.add_comment(task=task, member=request.member, body=payload.body))


# Meetings -------------------------------------------------------------------------------------


class ParticipantOut(Schema):
    user_id: int | None
    contact_id: int | None
    name: str
    email: str


class MeetingOut(Schema):
    id: int
    title: str
    description: str
    location: str
    link: str
    is_all_day: bool
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    time_zone: str
    organizer_id: int
    related_kind: str
    related_id: int | None
    related_label: str
    participants: list[ParticipantOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "title": "Contract negotiation",
                    "description": "",
                    "location": "Main office",
                    "link": "https://meet.example.com/abc",
                    "is_all_day": False,
                    "starts_at": "2026-12-03T09:00:00Z",
                    "ends_at": "2026-12-03T10:00:00Z",
                    "starts_on": None,
                    "ends_on": None,
                    "time_zone": "Europe/Berlin",
                    "organizer_id": 3,
                    "related_kind": "company",
                    "related_id": 8,
                    "related_label": "Acme GmbH",
                    "participants": [
                        {
                            "user_id": None,
                            "contact_id": 42,
                            "name": "Ada Lovelace",
                            "email": "ada@example.com",
                        }
                    ],
                    "created_at": "2026-11-28T09:12:00Z",
                    "updated_at": "2026-11-28T09:12:00Z",
                }
            ]
        }
    )


class MeetingPage(Schema):
    items: list[MeetingOut]
    next_cursor: str | None


class MeetingIn(InputSchema):
    title: str = Field(min_length=1, max_length=200, examples=["Contract negotiation"])
    description: str = Field("", max_length=5000)
    location: str = Field("", max_length=200)
    link: str = Field("", max_length=500, examples=["https://meet.example.com/abc"])
    is_all_day: bool = False
    starts_at: datetime.datetime | None = Field(None, examples=["2026-12-03T09:00:00Z"])
    ends_at: datetime.datetime | None = None
    starts_on: datetime.date | None = Field(None, description="An all-day meeting's first day.")
    ends_on: datetime.date | None = Field(None, description="An all-day meeting's last day (inclusive).")
    time_zone: str = Field("", max_length=64, description="The organizer's IANA zone; theirs by default.")
    user_ids: list[RecordId] = Field(default_factory=list, max_length=100)
    contact_ids: list[RecordId] = Field(default_factory=list, max_length=100)
    related_kind: str = Field("", max_length=40)
    related_id: RecordId | None = None


class MeetingPatch(InputSchema):
    title: str | None = omittable(min_length=1, max_length=200)
    description: str | None = omittable(max_length=5000)
    location: str | None = omittable(max_length=200)
    link: str | None = omittable(max_length=500)
    is_all_day: bool | None = omittable()
    starts_at: datetime.datetime | None = omittable()
    ends_at: datetime.datetime | None = omittable()
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    time_zone: str | None = omittable(max_length=64)
    user_ids: list[RecordId] | None = omittable(max_length=100)
    contact_ids: list[RecordId] | None = omittable(max_length=100)
    related_kind: str | None = omittable(max_length=40)
    related_id: RecordId | None = None


class MeetingParams(CursorParams):
    starts_from: datetime.datetime | None = None
    mine: bool = False


def _meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        **{name: getattr(meeting, name) for name in MeetingOut.model_fields if hasattr(meeting, name)},
        "participants": meetings.participants_of(meeting),
    }


@router.get("/meetings", response=MeetingPage, tags=["meetings"])
def list_meetings(request: OrgRequest, params: Query[MeetingParams]) -> dict[str, Any]:
    """Meetings the caller may see, by start."""
    member = request.member
    rows = meetings.meetings_of(member.user_id) if params.mine else Meeting.objects.visible_to(member)
    if params.starts_from:
        rows = rows.filter(starts_at__gte=params.starts_from)
    page = keyset_page(rows, ordering=["starts_at", "id"], cursor=params.cursor, limit=params.limit)
    return {"items": [_meeting_out(meeting) for meeting in page.items], "next_cursor": page.next_cursor}


@router.post("/meetings", response={201: MeetingOut}, tags=["meetings"])
def create_meeting(request: OrgRequest, payload: MeetingIn) -> Status[Any]:
    """Schedule a meeting; each participant with an email address gets the `.ics` invitation."""
    meeting = meetings.create_meeting(member=request.member, data=payload.model_dump(exclude_unset=True))
    return Status(201, _meeting_out(meeting))


@router.get("/meetings/{meeting_id}", response=MeetingOut, tags=["meetings"])
def read_meeting(request: OrgRequest, meeting_id: int, response: HttpResponse) -> dict[str, Any]:
    meeting = meetings.access_meeting(member=request.member, meeting_id=meeting_id)
    set_etag(response, meeting)
    return _meeting_out(meeting)


@router.patch("/meetings/{meeting_id}", response=MeetingOut, tags=["meetings"])
def update_meeting(request: OrgRequest, meeting_id: int, payload: MeetingPatch) -> dict[str, Any]:
    meeting = meetings.access_meeting(member=request.member, meeting_id=meeting_id, write=True)
    data = payload.model_dump(exclude_unset=True)
    return _meeting_out(meetings.update_meeting(meeting=meeting, member=request.member, data=data))


@router.delete("/meetings/{meeting_id}", response={204: None}, tags=["meetings"])
def delete_meeting(request: OrgRequest, meeting_id: int) -> Status[None]:
    meeting = meetings.access_meeting(member=request.member, meeting_id=meeting_id, write=True)
    meetings.trash_meeting(meeting=meeting, member=request.member)
    return Status(204, None)


@router.get(
    "/meetings/{meeting_id}/invitation.ics",
    tags=["meetings"],
    response={200: str},
    openapi_extra={"responses": {"200": {"content": {"text/calendar": {"schema": {"type": "string"}}}}}},
)
def meeting_ics(request: OrgRequest, meeting_id: int) -> HttpResponse:
    """The meeting as an RFC 5545 `.ics` file, as emailed to its participants."""
    meeting = meetings.access_meeting(member=request.member, meeting_id=meeting_id)
    content = meetings.invitation(meeting, meetings.participants_of(meeting), method="PUBLISH")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
