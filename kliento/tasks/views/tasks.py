"""Task pages: the form, the card's actions (status, comments, trash) and the quick add of any card."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.errors import DomainError
from kliento.core.permissions import Permission
from kliento.core.records.cards import access_record, kind_or_404
from kliento.core.records.panels import card_panels
from kliento.core.requests import OrgRequest
from kliento.core.views import apply_form_error, member_required
from kliento.tasks import selectors, services, zones
from kliento.tasks.forms import CommentForm, QuickTaskForm, TaskForm
from kliento.tasks.views.panels import comments_panel, record_tasks_panel


@member_required(Permission.EDIT_TASKS)
def create(request: OrgRequest) -> HttpResponse:
    member = request.member
    if request.method == "POST":
        form = TaskForm(request.POST, member=member)
        if form.is_valid():
            try:
                task = services.create_task(member=member, data=form.service_data())
            except (ValidationError, DomainError) as error:
                apply_form_error(form, error)
            else:
                messages.success(request, _("Task created."))
                return redirect("tasks:task-detail", task.pk)
    else:
        initial: dict[str, object] = {"assignee_id": member.user_id, "priority": 2}
        for name in ("related_kind", "related_id", "title"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        form = TaskForm(initial=initial, member=member)
    return render(request, "tasks/task_form.html", {"form": form, "task": None})


@member_required(Permission.EDIT_TASKS)
def edit(request: OrgRequest, record_id: int) -> HttpResponse:
    member = request.member
    task = selectors.access_task(member=member, task_id=record_id, write=True)
    if request.method == "POST":
        form = TaskForm(request.POST, member=member)
        if form.is_valid():
            try:
                services.update_task(task=task, member=member, data=form.service_data())
            except (ValidationError, DomainError) as error:
                apply_form_error(form, error)
            else:
                messages.success(request, _("Task saved."))
                return redirect("tasks:task-detail", task.pk)
    else:
        form = TaskForm(
            initial=TaskForm.initial_for(task, member, services.reminder_offsets(task)), member=member
        )
    return render(request, "tasks/task_form.html", {"form": form, "task": task})


@member_required(Permission.EDIT_TASKS)
@require_POST
def set_status(request: OrgRequest, record_id: int) -> HttpResponse:
    task = selectors.access_task(member=request.member, task_id=record_id, write=True)
    status = request.POST.get("status", "")
    try:
        services.set_task_status(task=task, member=request.member, status=status)
    except ValidationError:
        messages.error(request, _("Unknown status."))
    else:
        messages.success(request, _("Task updated."))
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("tasks:task-detail", task.pk)


@member_required(Permission.EDIT_TASKS)
@require_POST
def delete(request: OrgRequest, record_id: int) -> HttpResponse:
    task = selectors.access_task(member=request.member, task_id=record_id, write=True)
    services.trash_task(task=task, member=request.member)
    messages.success(request, _("Task moved to the trash."))
    return redirect("tasks:task-list")


@member_required(Permission.EDIT_TASKS)
@require_POST
def comment(request: OrgRequest, record_id: int) -> HttpResponse:
    task = selectors.access_task(member=request.member, task_id=record_id, write=True)
    form = CommentForm(request.POST, auto_id="comment_%s")
    if form.is_valid():
        try:
            services.add_comment(task=task, member=request.member, body=form.cleaned_data["body"])
        except ValidationError as error:
            apply_form_error(form, error)
        else:
            form = CommentForm(auto_id="comment_%s")
    if not request.headers.get("HX-Request"):
        return redirect("tasks:task-detail", task.pk)
    context = {**comments_panel(request, task), "comment_form": form}
    return HttpResponse(render_to_string("tasks/_panel_comments.html", context, request=request))


@member_required(Permission.EDIT_TASKS)
@require_POST
def quick_add(request: OrgRequest, kind: str, record_id: int) -> HttpResponse:
    """A task on any record, from its card's Tasks panel: the panel comes back with it listed."""
    record_kind = kind_or_404(kind)
    if not any(panel.key == "tasks" for panel in card_panels(record_kind.key)):
        raise Http404
    record = access_record(record_kind, member=request.member, record_id=record_id)
    form = QuickTaskForm(request.POST, auto_id=f"quick-task-{record_kind.key}-%s")
    if form.is_valid():
        day, time = form.cleaned_data.get("due_date"), form.cleaned_data.get("due_time")
        tz = zones.zone_of(request.member.user, request.member.organization)
        data = {
            "title": form.cleaned_data["title"],
            "due_at": zones.local_moment(day, time, tz) if day and time else None,
            "due_on": day if day and not time else None,
            "related_kind": record_kind.key,
            "related_id": record.pk,
        }
        try:
            services.create_task(member=request.member, data=data)
        except (ValidationError, DomainError) as error:
            apply_form_error(form, error)
        else:
            form = QuickTaskForm(auto_id=f"quick-task-{record_kind.key}-%s")
    if not request.headers.get("HX-Request"):
        return redirect(record_kind.url_of(record))
    context = record_tasks_panel(request, record, form=form)
    return HttpResponse(render_to_string("tasks/_panel_record_tasks.html", context, request=request))


def task_list_url() -> str:
    return reverse("tasks:task-list")
