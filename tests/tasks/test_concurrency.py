"""Writers at the same time on tasks: parallel completions of a repeating task make one next
occurrence, parallel edits each keep their field, and parallel claims take each reminder once."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.tasks import dispatch, services
from kliento.tasks.models import Reminder, Task
from tests.parallel import in_parallel
from tests.tasks.factories import TaskFactory

parallel = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api_key(alice) -> str:
    return create_api_key(name="parallel", role=Role.ADMIN, member=alice)[1]


def call(key: str, method: str, url: str, data: dict | None = None):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


@parallel
def test_parallel_completions_of_a_repeating_task_make_one_next_occurrence(alice, api_key):
    task = services.create_task(
        member=alice,
        data={"title": "Weekly", "due_on": datetime.date(2027, 1, 4), "recurrence": "FREQ=WEEKLY"},
    )

    responses = in_parallel(
        *[lambda: call(api_key, "post", f"/api/v1/tasks/{task.pk}/complete") for _ in range(4)]
    )

    assert [response.status_code for response in responses] == [200] * 4
    assert Task.objects.filter(previous=task).count() == 1


@parallel
def test_parallel_edits_of_one_task_each_keep_their_field(alice, api_key):
    task = services.create_task(member=alice, data={"title": "Call"})
    changes = {
        "title": "Call Ada",
        "description": "About the renewal",
        "priority": "urgent",
        "recurrence": "",
    }

    responses = in_parallel(
        *[
            lambda n=n, v=v: call(api_key, "patch", f"/api/v1/tasks/{task.pk}", {n: v})
            for n, v in changes.items()
        ]
    )

    assert [response.status_code for response in responses] == [200] * len(changes)
    task.refresh_from_db()
    assert (task.title, task.description, task.priority) == ("Call Ada", "About the renewal", 4)


@parallel
def test_parallel_dispatchers_claim_each_reminder_once(alice):
    task = TaskFactory(organization=alice.organization, assignee=alice.user, due_at=timezone.now())
    past = timezone.now() - datetime.timedelta(minutes=1)
    Reminder.objects.bulk_create(
        Reminder(organization_id=alice.organization_id, task=task, minutes_before=n, remind_at=past)
        for n in range(60)
    )

    claims = in_parallel(*[lambda: dispatch.claim_due(limit=25) for _ in range(4)])

    claimed = [reminder_id for _token, ids in claims for reminder_id in ids]
    assert len(claimed) == len(set(claimed)) == 60
