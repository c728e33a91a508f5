"""API of notifications: a person's notifications, marking them read, and their channel preferences."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from kliento.api.pagination import CursorParams
from kliento.api.schemas import InputSchema, RecordId
from kliento.core.errors import InvalidInput
from kliento.core.pagination import keyset_page
from kliento.core.requests import OrgRequest
from kliento.notifications import selectors, services
from kliento.notifications.kinds import UnknownNotificationKind, get_notification_kind
from kliento.notifications.services import Channels

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    record_kind: str
    record_id: int | None
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 41,
                    "kind": "task_reminder",
                    "title": "Reminder: call Ada about the renewal",
                    "body": "Due 1 Dec 2026, 15:00",
                    "url": "/tasks/7/",
                    "record_kind": "task",
                    "record_id": 7,
                    "created_at": "2026-12-01T14:45:00Z",
                    "read_at": None,
                }
            ]
        }
    )


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int = Field(description="Unread notifications, counted up to 100.")


class NotificationParams(CursorParams):
    unread: bool = False


class MarkReadIn(InputSchema):
    ids: list[RecordId] = Field(default_factory=list, max_length=500, examples=[[41, 42]])
    all: bool = Field(False, description="Mark every unread notification read; `ids` is then ignored.")


class MarkedOut(Schema):
    count: int


class PreferenceOut(Schema):
    kind: str
    label: str
    in_app: bool
    email: bool


class PreferenceIn(InputSchema):
    kind: str = Field(max_length=60, examples=["task_reminder"])
    in_app: bool = True
    email: bool = False


class PreferencesIn(InputSchema):
    preferences: list[PreferenceIn] = Field(max_length=100)


@router.get("/notifications", response=NotificationPage)
def list_notifications(request: OrgRequest, params: Query[NotificationParams]) -> dict[str, object]:
    """The caller's in-app notifications, newest first."""
    rows = selectors.inbox(request.member)
    if params.unread:
        rows = rows.filter(read_at=None)
    page = keyset_page(rows, ordering=["-id"], cursor=params.cursor, limit=params.limit)
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "unread": selectors.unread_count(request.member),
    }


@router.post("/notifications/read", response=MarkedOut)
def mark_notifications_read(request: OrgRequest, payload: MarkReadIn) -> dict[str, int]:
    """Mark some (or all) of the caller's notifications read; ids of others' notifications change nothing."""
    if payload.all:
        return {"count": services.mark_all_read(member=request.member)}
    return {"count": services.mark_read(member=request.member, ids=payload.ids)}


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def mark_notification_read(request: OrgRequest, notification_id: int) -> object:
    notification = selectors.access_notification(member=request.member, notification_id=notification_id)
    services.mark_read(member=request.member, ids=[notification.pk])
    notification.refresh_from_db()
    return notification


def _preferences(request: OrgRequest) -> list[dict[str, object]]:
    return [
        {"kind": kind.key, "label": str(kind.label), "in_app": channels.in_app, "email": channels.email}
        for kind, channels in services.preferences_of(request.member.user_id)
    ]


@router.get("/notification-preferences", response=list[PreferenceOut])
def list_preferences(request: OrgRequest) -> list[dict[str, object]]:
    """Every kind of notification with the channels the caller gets it on."""
    return _preferences(request)


@router.put("/notification-preferences", response=list[PreferenceOut])
def save_preferences(request: OrgRequest, payload: PreferencesIn) -> list[dict[str, object]]:
    """Choose the channels of the kinds named; kinds left out keep their setting."""
    for index, choice in enumerate(payload.preferences):
        try:
            get_notification_kind(choice.kind)
        except UnknownNotificationKind:
            message = _("Unknown kind of notification.")
            raise InvalidInput(message, field=f"preferences.{index}.kind") from None
    services.save_preferences(
        member=request.member,
        choices={
            choice.kind: Channels(in_app=choice.in_app, email=choice.email) for choice in payload.preferences
        },
    )
    return _preferences(request)
