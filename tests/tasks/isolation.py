"""Isolation cases of tasks and meetings (see tests/isolation.py)."""

from django.urls import reverse

from kliento.core.models import Tag
from kliento.tasks.models import Meeting, MeetingParticipant, Reminder, Task, TaskComment, TaskTag
from tests.isolation import IsolationCase, Request, register
from tests.tasks.factories import (
    MeetingFactory,
    MeetingParticipantFactory,
    ReminderFactory,
    TaskCommentFactory,
    TaskFactory,
)


def _task_api(task: Task) -> str:
    return f"/api/v1/tasks/{task.pk}"


def _task_pages(task_id):
    return (
        Request("get", lambda record: reverse("tasks:task-detail", args=[task_id(record)])),
        Request("get", lambda record: reverse("tasks:task-edit", args=[task_id(record)])),
        Request(
            "post", lambda record: reverse("tasks:task-edit", args=[task_id(record)]), {"title": "Taken over"}
        ),
        Request("get", lambda record: reverse("tasks:task-history", args=[task_id(record)])),
        Request(
            "post", lambda record: reverse("tasks:task-status", args=[task_id(record)]), {"status": "done"}
        ),
        Request(
            "post", lambda record: reverse("tasks:task-comment", args=[task_id(record)]), {"body": "Mine"}
        ),
        Request("post", lambda record: reverse("tasks:task-delete", args=[task_id(record)])),
        Request("get", lambda record: reverse("core:record-card", args=["task", task_id(record)])),
    )


register(
    IsolationCase(
        model=Task,
        make=lambda organization: TaskFactory(organization=organization),
        pages=_task_pages(lambda task: task.pk),
        api=(
            Request("get", _task_api),
            Request("patch", _task_api, {"title": "Taken over"}),
            Request("delete", _task_api),
            Request("get", lambda task: f"{_task_api(task)}/comments"),
        ),
    )
)
register(
    IsolationCase(
        model=Reminder,
        make=lambda organization: ReminderFactory(organization=organization),
        pages=_task_pages(lambda reminder: reminder.task_id),
    )
)
register(
    IsolationCase(
        model=TaskComment,
        make=lambda organization: TaskCommentFactory(organization=organization),
        pages=_task_pages(lambda comment: comment.task_id)[:1],
        api=(Request("get", lambda comment: f"/api/v1/tasks/{comment.task_id}/comments"),),
    )
)


def _task_tag(organization):
    task = TaskFactory(organization=organization)
    tag = Tag.unscoped.create(organization=organization, name="theirs")
    return TaskTag.unscoped.create(organization=organization, task=task, tag=tag)


register(
    IsolationCase(
        model=TaskTag,
        make=_task_tag,
        pages=_task_pages(lambda link: link.task_id)[:1],
    )
)


def _meeting_api(meeting: Meeting) -> str:
    return f"/api/v1/meetings/{meeting.pk}"


def _meeting_pages(meeting_id):
    return (
        Request("get", lambda record: reverse("tasks:meeting-detail", args=[meeting_id(record)])),
        Request("get", lambda record: reverse("tasks:meeting-edit", args=[meeting_id(record)])),
        Request("get", lambda record: reverse("tasks:meeting-ics", args=[meeting_id(record)])),
        Request("post", lambda record: reverse("tasks:meeting-delete", args=[meeting_id(record)])),
    )


register(
    IsolationCase(
        model=Meeting,
        make=lambda organization: MeetingFactory(organization=organization),
        pages=_meeting_pages(lambda meeting: meeting.pk),
        api=(
            Request("get", _meeting_api),
            Request("patch", _meeting_api, {"title": "Taken over"}),
            Request("delete", _meeting_api),
            Request("get", lambda meeting: f"{_meeting_api(meeting)}/invitation.ics"),
        ),
    )
)
register(
    IsolationCase(
        model=MeetingParticipant,
        make=lambda organization: MeetingParticipantFactory(organization=organization),
        pages=_meeting_pages(lambda participant: participant.meeting_id)[:1],
    )
)
