"""Stored markup in tasks, comments, meetings and notifications is shown only as inert text, with
the checks of test_stored_markup.py: every free-text field holds a payload, and every page and
fragment that shows one is read."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kliento.core.models import Membership
from kliento.notifications.models import Notification
from kliento.tasks import meetings, services
from kliento.tasks.models import Meeting, Task
from tests.customers.factories import ContactFactory
from tests.security.test_stored_markup import HTMX_HEADERS, PAYLOADS, problems_of, stored

STORED = {
    "task.title": 200,
    "task.description": 5000,
    "task.tag": 60,
    "comment.body": 5000,
    "meeting.title": 200,
    "meeting.description": 5000,
    "meeting.location": 200,
    "contact.last_name": 150,  # a task's and a meeting's related record, a participant's name
    "member.full_name": 150,  # the assignee, the organizer, the author of a comment
}
MARKERS = {name: f"t{index:02d}" for index, name in enumerate(STORED)}


@dataclass
class World:
    payload: str
    values: dict[str, str]
    task: Task
    meeting: Meeting
    contact_id: int

    def value(self, name: str) -> str:
        return self.values[name]


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def world(request, alice: Membership, bob: Membership) -> World:
    payload = PAYLOADS[request.param]
    values = {name: stored(MARKERS[name], payload, length) for name, length in STORED.items()}
    bob.user.full_name = values["member.full_name"]
    bob.user.save()
    contact = ContactFactory(
        organization=alice.organization, first_name="Ada", last_name=values["contact.last_name"]
    )
    now = timezone.now()
    task = services.create_task(
        member=bob,
        data={
            "title": values["task.title"],
            "description": values["task.description"],
            "due_at": now - datetime.timedelta(hours=1),
            "assignee_id": alice.user_id,
            "related_kind": "contact",
            "related_id": contact.pk,
            "tags": [values["task.tag"]],
        },
    )
    services.add_comment(task=task, member=bob, body=values["comment.body"])
    meeting = meetings.create_meeting(
        member=bob,
        data={
            "title": values["meeting.title"],
            "description": values["meeting.description"],
            "location": values["meeting.location"],
            "starts_at": now + datetime.timedelta(minutes=30),
            "user_ids": [alice.user_id],
            "contact_ids": [contact.pk],
            "related_kind": "contact",
            "related_id": contact.pk,
        },
    )
    return World(payload, values, task, meeting, contact.pk)


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[World], str]
    shows: tuple[str, ...]
    htmx: bool = False
    post: Callable[[World], dict[str, str]] | None = None


PAGES = [
    Page(
        "task list",
        lambda w: reverse("tasks:task-list") + "?columns=title,due,assignee,related,tags",
        ("task.title", "member.full_name", "contact.last_name", "task.tag"),
    ),
    Page(
        "task list rows",
        lambda w: reverse("tasks:task-list") + "?columns=title,related,tags",
        ("task.title", "task.tag"),
        htmx=True,
    ),
    Page(
        "task card",
        lambda w: reverse("tasks:task-detail", args=[w.task.pk]),
        ("task.title", "task.description", "comment.body", "member.full_name", "contact.last_name"),
    ),
    Page(
        "task history",
        lambda w: reverse("core:record-history", args=["task", w.task.pk]),
        ("task.title", "member.full_name"),
        htmx=True,
    ),
    Page(
        "task edit form",
        lambda w: reverse("tasks:task-edit", args=[w.task.pk]),
        ("task.title", "task.description", "member.full_name"),
    ),
    Page(
        "task comment answering with the panel",
        lambda w: reverse("tasks:task-comment", args=[w.task.pk]),
        ("comment.body",),
        htmx=True,
        post=lambda w: {"body": w.value("comment.body")},
    ),
    Page(
        "contact card's Tasks panel",
        lambda w: reverse("customers:contact-detail", args=[w.contact_id]),
        ("task.title", "contact.last_name"),
    ),
    Page(
        "quick add answering with the panel",
        lambda w: reverse("tasks:task-quick-add", args=["contact", w.contact_id]),
        ("task.title",),
        htmx=True,
        post=lambda w: {"title": w.value("task.title")},
    ),
    Page("today", lambda w: reverse("web:home"), ("task.title", "contact.last_name", "meeting.title")),
    Page("calendar", lambda w: reverse("tasks:calendar") + "?view=month", ("meeting.title",)),
    Page(
        "meeting",
        lambda w: reverse("tasks:meeting-detail", args=[w.meeting.pk]),
        ("meeting.title", "meeting.description", "meeting.location", "member.full_name", "contact.last_name"),
    ),
    Page(
        "meeting edit form",
        lambda w: reverse("tasks:meeting-edit", args=[w.meeting.pk]),
        ("meeting.title", "meeting.description", "meeting.location", "member.full_name"),
    ),
    Page(
        "notification panel",
        lambda w: reverse("notifications:panel"),
        ("member.full_name",),
        htmx=True,
    ),
    Page(
        "notifications page",
        lambda w: reverse("notifications:list"),
        ("member.full_name",),
    ),
    Page("search", lambda w: reverse("core:search") + "?q=" + w.value("task.title")[:3], ("task.title",)),
]


def test_no_task_meeting_or_notification_page_shows_a_stored_payload_as_markup(
    world: World, alice_client: Client
):
    assert Notification.objects.filter(recipient__email="alice@acme.test").count() == 2
    problems = {}
    for page in PAGES:
        headers = HTMX_HEADERS if page.htmx else {}
        url = page.url(world)
        if page.post is None:
            response = alice_client.get(url, **headers)
        else:
            response = alice_client.post(url, page.post(world), **headers)
        if response.status_code != 200:
            problems[page.name] = [f"answered {response.status_code}"]
        elif found := problems_of(
            response.content.decode(), world.payload, {name: world.value(name) for name in page.shows}
        ):
            problems[page.name] = found

    assert problems == {}


def test_every_stored_field_is_shown_on_some_page():
    assert set(STORED) - {name for page in PAGES for name in page.shows} == set()
