"""The context of a task's card (its header and panels) and of the Tasks panel on every card."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from kliento.core.permissions import Permission
from kliento.core.records.kinds import UnknownKind, get_kind, kind_of_model
from kliento.core.requests import OrgRequest
from kliento.tasks import selectors
from kliento.tasks.forms import CommentForm, QuickTaskForm
from kliento.tasks.models import Reminder, Task


def _related_url(task: Task) -> str:
    if not task.related_kind or task.related_id is None:
        return ""
    try:
        return reverse(get_kind(task.related_kind).detail_url_name, args=[task.related_id])
    except UnknownKind:  # a kind no app registers any more: no link
        return ""


def task_header(request: OrgRequest, task: Task) -> dict[str, Any]:
    return {
        "due": selectors.due_state(task, timezone.now(), request.member.organization),
        "related_url": _related_url(task),
        "can_edit": request.member.can(Permission.EDIT_TASKS),
        "status_url": reverse("tasks:task-status", args=[task.pk]),
        "delete_confirm": "",
    }


def details_panel(request: OrgRequest, task: Task) -> dict[str, Any]:
    return {"task": task, "related_url": _related_url(task)}


def reminders_panel(request: OrgRequest, task: Task) -> dict[str, Any] | None:
    reminders = list(Reminder.objects.filter(task=task).order_by("remind_at"))
    return {"reminders": reminders} if reminders else None


def description_panel(request: OrgRequest, task: Task) -> dict[str, Any] | None:
    return {"task": task} if task.description else None


def comments_panel(request: OrgRequest, task: Task) -> dict[str, Any]:
    return {
        "task": task,
        "comments": list(selectors.comments_of(task)),
        "comment_form": CommentForm(auto_id="comment_%s"),
        "can_edit": request.member.can(Permission.EDIT_TASKS),
    }


def record_tasks_panel(
    request: OrgRequest, record: Any, *, form: QuickTaskForm | None = None
) -> dict[str, Any]:
    """The Tasks panel of any record's card: its open tasks and a quick-add form."""
    kind = kind_of_model(type(record))
    member = request.member
    return {
        "record_tasks": selectors.open_tasks_of(member, kind.key, record.pk),
        "quick_form": form or QuickTaskForm(auto_id=f"quick-task-{kind.key}-%s"),
        "quick_url": reverse("tasks:task-quick-add", args=[kind.key, record.pk]),
        "full_url": reverse("tasks:task-create") + f"?related_kind={kind.key}&related_id={record.pk}",
        "can_add_task": member.can(Permission.EDIT_TASKS),
        "panel_kind": kind.key,
        "now": timezone.now(),
    }
