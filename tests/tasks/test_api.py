import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.tasks.models import Meeting, Task
from tests.customers.factories import ContactFactory
from tests.tasks.factories import MeetingFactory, TaskFactory


def key_client(member, role=Role.OWNER) -> Client:
    _key, raw = create_api_key(name="Test", role=role, member=member)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(alice) -> Client:
    return key_client(alice)


def send(client, method, url, data=None, **extra):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json", **extra)


def test_a_task_is_created_read_and_listed(api, alice):
    contact = ContactFactory(organization=alice.organization)
    due = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)

    created = send(
        api,
        "post",
        "/api/v1/tasks",
        {
            "title": "Call Ada",
            "due_at": due.isoformat(),
            "priority": "high",
            "reminders": [15],
            "related_kind": "contact",
            "related_id": contact.pk,
            "tags": ["renewal"],
            "recurrence": "FREQ=WEEKLY",
        },
    )

    assert created.status_code == 201
    body = created.json()
    assert (body["priority"], body["assignee_id"], body["tags"], body["related_label"]) == (
        "high",
        alice.user_id,
        ["renewal"],
        str(contact),
    )
    assert body["reminders"][0]["state"] == "scheduled"
    read = api.get(f"/api/v1/tasks/{body['id']}")
    assert read.json()["title"] == "Call Ada" and read["ETag"]
    assert [item["id"] for item in api.get("/api/v1/tasks").json()["items"]] == [body["id"]]


def test_an_invalid_rule_is_a_422_naming_the_field(api):
    response = send(
        api, "post", "/api/v1/tasks", {"title": "x", "due_on": "2027-01-01", "recurrence": "FREQ=WHENEVER"}
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["recurrence"]
    assert Task.objects.exists() is False


def test_unknown_fields_and_bad_priorities_are_refused(api):
    assert send(api, "post", "/api/v1/tasks", {"title": "x", "colour": "red"}).status_code == 422
    assert send(api, "post", "/api/v1/tasks", {"title": "x", "priority": "whenever"}).status_code == 422


def test_the_list_pages_by_due_date_with_a_cursor(api, alice):
    now = timezone.now()
    ids = [
        TaskFactory(
            organization=alice.organization, assignee=alice.user, due_at=now + datetime.timedelta(hours=n)
        ).pk
        for n in range(5)
    ]
    TaskFactory(organization=alice.organization, assignee=alice.user)  # no due date: last

    first = api.get("/api/v1/tasks?limit=3").json()
    rest = api.get(f"/api/v1/tasks?limit=3&cursor={first['next_cursor']}").json()

    assert [item["id"] for item in first["items"]] == ids[:3]
    assert [item["id"] for item in rest["items"]][:2] == ids[3:]
    assert rest["next_cursor"] is None


def test_the_list_filters_overdue_and_by_assignee(api, alice, bob):
    late = TaskFactory(
        organization=alice.organization,
        assignee=alice.user,
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    TaskFactory(
        organization=alice.organization,
        assignee=bob.user,
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    TaskFactory(
        organization=alice.organization,
        assignee=alice.user,
        due_at=timezone.now() + datetime.timedelta(hours=1),
    )

    items = api.get("/api/v1/tasks?overdue=true&assignee=me").json()["items"]

    assert [item["id"] for item in items] == [late.pk]
    assert items[0]["is_overdue"] is True


def test_a_stale_write_is_refused(api, alice):
    task = TaskFactory(organization=alice.organization, assignee=alice.user)
    etag = api.get(f"/api/v1/tasks/{task.pk}")["ETag"]
    send(api, "patch", f"/api/v1/tasks/{task.pk}", {"title": "First"})

    response = send(api, "patch", f"/api/v1/tasks/{task.pk}", {"title": "Second"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    task.refresh_from_db()
    assert task.title == "First"


def test_completing_a_repeating_task_through_the_api_makes_the_next(api, alice):
    task = send(
        api, "post", "/api/v1/tasks", {"title": "x", "due_on": "2027-01-04", "recurrence": "FREQ=WEEKLY"}
    ).json()

    done = api.post(f"/api/v1/tasks/{task['id']}/complete").json()

    assert done["status"] == "done"
    assert Task.objects.get(previous_id=task["id"]).due_on == datetime.date(2027, 1, 11)


def test_patching_the_status_reopens(api, alice):
    task = TaskFactory(organization=alice.organization, assignee=alice.user, status="done")

    assert send(api, "patch", f"/api/v1/tasks/{task.pk}", {"status": "open"}).json()["status"] == "open"


def test_deleting_moves_to_the_trash(api, alice):
    task = TaskFactory(organization=alice.organization, assignee=alice.user)

    assert api.delete(f"/api/v1/tasks/{task.pk}").status_code == 204
    assert Task.with_trash.get(pk=task.pk).deleted_at is not None


def test_comments_through_the_api(api, alice):
    task = TaskFactory(organization=alice.organization, assignee=alice.user)

    assert (
        send(api, "post", f"/api/v1/tasks/{task.pk}/comments", {"body": "Line one\nline two"}).status_code
        == 201
    )
    assert api.get(f"/api/v1/tasks/{task.pk}/comments").json()[0]["body"] == "Line one\nline two"


def test_a_viewer_key_reads_but_may_not_write(alice):
    viewer = key_client(alice, Role.VIEWER)
    task = TaskFactory(organization=alice.organization, assignee=alice.user)

    assert viewer.get(f"/api/v1/tasks/{task.pk}").status_code == 200
    assert send(viewer, "post", "/api/v1/tasks", {"title": "x"}).status_code == 403
    assert viewer.post(f"/api/v1/tasks/{task.pk}/complete").status_code == 403


def test_a_meeting_through_the_api(api, alice, bob):
    created = send(
        api,
        "post",
        "/api/v1/meetings",
        {
            "title": "Review",
            "starts_at": "2027-03-10T09:00:00Z",
            "ends_at": "2027-03-10T10:00:00Z",
            "time_zone": "Asia/Riyadh",
            "user_ids": [bob.user_id],
        },
    )

    assert created.status_code == 201
    body = created.json()
    assert body["participants"][0]["user_id"] == bob.user_id
    ics = api.get(f"/api/v1/meetings/{body['id']}/invitation.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"TZID=Asia/Riyadh" in ics.content
    patched = send(api, "patch", f"/api/v1/meetings/{body['id']}", {"location": "Riyadh office"}).json()
    assert patched["location"] == "Riyadh office"
    assert Meeting.objects.get().sequence == 1
    assert api.delete(f"/api/v1/meetings/{body['id']}").status_code == 204


def test_a_meeting_in_an_unknown_zone_is_a_422_naming_it(api):
    response = send(
        api,
        "post",
        "/api/v1/meetings",
        {"title": "x", "starts_at": "2027-03-10T09:00:00Z", "time_zone": "Mars/Olympus"},
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["time_zone"]


def test_an_all_day_meeting_through_the_api(api):
    body = send(
        api,
        "post",
        "/api/v1/meetings",
        {
            "title": "Fair",
            "is_all_day": True,
            "starts_on": "2027-05-01",
            "ends_on": "2027-05-03",
            "time_zone": "Australia/Sydney",
        },
    ).json()

    assert (body["starts_on"], body["ends_on"]) == ("2027-05-01", "2027-05-03")
    assert body["starts_at"] == "2027-04-30T14:00:00Z"


def test_the_meeting_list_pages_by_start(api, alice):
    ids = [
        MeetingFactory(
            organization=alice.organization,
            organizer=alice.user,
            starts_at=timezone.now() + datetime.timedelta(days=n),
        ).pk
        for n in range(3)
    ]

    first = api.get("/api/v1/meetings?limit=2").json()
    rest = api.get(f"/api/v1/meetings?limit=2&cursor={first['next_cursor']}").json()

    assert [m["id"] for m in first["items"] + rest["items"]] == ids


def test_the_openapi_document_has_examples(api):
    document = Client().get("/api/openapi.json").json()

    assert (
        "/api/v1/tasks" in document["paths"]
        and "/api/v1/meetings/{meeting_id}/invitation.ics" in document["paths"]
    )
    assert (
        document["components"]["schemas"]["TaskOut"]["examples"][0]["title"] == "Call Ada about the renewal"
    )
