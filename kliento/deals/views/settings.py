"""Sales settings: pipelines with their stages, and lost reasons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.errors import DomainError
from kliento.core.models import MAX_ID
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.deals import selectors, services
from kliento.deals.forms import LostReasonForm, PipelineForm, StageForm, apply_service_error
from kliento.deals.models import LostReason, Pipeline, Stage

NEW = 0


@member_required(Permission.MANAGE_ORGANIZATION)
def pipelines(request: OrgRequest) -> HttpResponse:
    rows = list(Pipeline.objects.order_by("position", "id"))
    stages: dict[int, list[Stage]] = {pipeline.pk: [] for pipeline in rows}
    for stage in Stage.objects.order_by("position", "id"):
        stages.setdefault(stage.pipeline_id, []).append(stage)
    context = {"pipelines": [(pipeline, stages[pipeline.pk]) for pipeline in rows], "new_id": NEW}
    return render(request, "deals/pipelines.html", context)


@member_required(Permission.MANAGE_ORGANIZATION)
def pipeline_edit(request: OrgRequest, pipeline_id: int) -> HttpResponse:
    pipeline = None if pipeline_id == NEW else selectors.access_pipeline(pipeline_id)
    initial = {"name": pipeline.name, "is_default": pipeline.is_default} if pipeline else {}
    heading = pipeline.name if pipeline else ""
    form = PipelineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_pipeline(member=request.member, data=form.cleaned_data, pipeline=pipeline)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The pipeline “%(name)s” was saved.") % {"name": saved.name})
            return redirect("deals:pipeline-list")
    context: dict[str, Any] = {"form": form, "pipeline": pipeline, "heading": heading}
    return render(request, "deals/pipeline_form.html", context, status=400 if form.errors else 200)


@member_required(Permission.MANAGE_ORGANIZATION)
@require_POST
def pipeline_delete(request: OrgRequest, pipeline_id: int) -> HttpResponse:
    pipeline = selectors.access_pipeline(pipeline_id)
    try:
        services.delete_pipeline(member=request.member, pipeline=pipeline)
    except DomainError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("The pipeline “%(name)s” was deleted.") % {"name": pipeline.name})
    return redirect("deals:pipeline-list")


@member_required(Permission.MANAGE_ORGANIZATION)
def stage_edit(request: OrgRequest, pipeline_id: int, stage_id: int) -> HttpResponse:
    pipeline = selectors.access_pipeline(pipeline_id)
    stage = None if stage_id == NEW else selectors.access_stage(stage_id)
    if stage is not None and stage.pipeline_id != pipeline.pk:
        raise Http404
    initial = (
        {
            "name": stage.name,
            "kind": stage.kind,
            "probability": stage.probability,
            "stale_after_days": stage.stale_after_days,
            "position": stage.position,
        }
        if stage
        else {}
    )
    form = StageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("position") is None:
            data.pop("position")
        try:
            saved = services.save_stage(member=request.member, data=data, pipeline=pipeline, stage=stage)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The stage “%(name)s” was saved.") % {"name": saved.name})
            return redirect("deals:pipeline-list")
    context = {"form": form, "pipeline": pipeline, "stage": stage, "heading": stage.name if stage else ""}
    return render(request, "deals/stage_form.html", context, status=400 if form.errors else 200)


@member_required(Permission.MANAGE_ORGANIZATION)
@require_POST
def stage_delete(request: OrgRequest, stage_id: int) -> HttpResponse:
    stage = selectors.access_stage(stage_id)
    try:
        services.delete_stage(member=request.member, stage=stage)
    except DomainError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("The stage “%(name)s” was deleted.") % {"name": stage.name})
    return redirect("deals:pipeline-list")


@member_required(Permission.MANAGE_ORGANIZATION)
def lost_reasons(request: OrgRequest) -> HttpResponse:
    form = LostReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_lost_reason(member=request.member, data=form.cleaned_data)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The lost reason was added."))
            return redirect("deals:lost-reasons")
    reasons = LostReason.objects.order_by("position", "name")
    return render(
        request,
        "deals/lost_reasons.html",
        {"form": form, "reasons": reasons},
        status=400 if form.errors else 200,
    )


@member_required(Permission.MANAGE_ORGANIZATION)
@require_POST
def lost_reason_toggle(request: OrgRequest, reason_id: int) -> HttpResponse:
    reason = LostReason.objects.filter(pk=reason_id).first() if 0 < reason_id <= MAX_ID else None
    if reason is None:
        raise Http404
    services.save_lost_reason(member=request.member, data={"is_active": not reason.is_active}, reason=reason)
    return redirect("deals:lost-reasons")
