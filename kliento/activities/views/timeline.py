"""The timeline's composers (add a note, log a call) on every card, the @mention suggestions and the
attachments' only way out."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kliento.activities import selectors, services
from kliento.activities.forms import CallForm, NoteForm, mention_ids
from kliento.core.errors import DomainError
from kliento.core.models import Membership
from kliento.core.records.kinds import get_kind
from kliento.core.records.timeline import timeline_panel
from kliento.core.requests import OrgRequest
from kliento.core.views import apply_form_error, member_required

MENTION_SUGGESTIONS = 8
_TRAILING_MENTION = re.compile(r"(?:^|\s)@([^\s@]{1,50})$")


def _may_write(request: OrgRequest, kind: str) -> bool:
    permission = get_kind(kind).edit_permission
    return permission is None or request.member.can(permission)


def note_composer(request: OrgRequest, kind: str, record: Any) -> dict[str, Any] | None:
    if not _may_write(request, kind):
        return None
    return {
        "note_url": reverse("activities:note-create", args=[kind, record.pk]),
        "composer_note_form": NoteForm(),
    }


def call_composer(request: OrgRequest, kind: str, record: Any) -> dict[str, Any] | None:
    if not _may_write(request, kind):
        return None
    return {
        "call_url": reverse("activities:call-create", args=[kind, record.pk]),
        "composer_call_form": CallForm(),
    }


def _panel(request: OrgRequest, kind: str, record: Any, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The timeline panel again (after a write, or with a composer's errors)."""
    context: dict[str, Any] = {"record": record, kind: record, "kind": get_kind(kind), **extra}
    context.update(timeline_panel(request, record) or {})
    return render(request, "core/_panel_timeline.html", context, status=status)


def _is_htmx(request: OrgRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@member_required()
@require_POST
def note_create(request: OrgRequest, kind: str, record_id: int) -> HttpResponse:
    record_kind, record = selectors.access_subject(
        member=request.member, kind=kind, record_id=record_id, write=True
    )
    form = NoteForm(request.POST, request.FILES)
    mentions = mention_ids(request.POST.getlist("mentions"))
    if form.is_valid():
        try:
            if mentions is None:
                raise ValidationError({"mentions": [_("Choose colleagues from the list.")]})
            services.add_note(
                member=request.member,
                kind=kind,
                record=record,
                body=form.cleaned_data["body"],
                mentions=mentions,
                files=form.cleaned_data["attachments"],
            )
        except (DomainError, ValidationError) as error:
            apply_form_error(form, error)
            if isinstance(error, DomainError) and error.field == "mentions":
                form.add_error("body", error.message)
    if not form.is_valid():
        return _panel(request, kind, record, status=400, note_form=form, note_open=True)
    if not _is_htmx(request):
        return redirect(record_kind.url_of(record))
    return _panel(request, kind, record)


@member_required()
@require_POST
def call_create(request: OrgRequest, kind: str, record_id: int) -> HttpResponse:
    record_kind, record = selectors.access_subject(
        member=request.member, kind=kind, record_id=record_id, write=True
    )
    form = CallForm(request.POST)
    if form.is_valid():
        try:
            services.log_call(member=request.member, kind=kind, record=record, **form.service_data())
        except DomainError as error:
            apply_form_error(form, error)
    if not form.is_valid():
        return _panel(request, kind, record, status=400, call_form=form, call_open=True)
    if not _is_htmx(request):
        return redirect(record_kind.url_of(record))
    return _panel(request, kind, record)


@member_required()
@require_GET
def mention_options(request: OrgRequest) -> HttpResponse:
    """Members whose name or email starts with what follows the last @ typed, beside those already
    chosen (kept ticked): the note's autocomplete, without a script of ours."""
    chosen = mention_ids(request.GET.getlist("mentions")) or []
    typed = _TRAILING_MENTION.search(request.GET.get("note-body", "")[-200:])
    members = Membership.objects.active().select_related("user")
    picked = list(members.filter(user_id__in=chosen).order_by("user__full_name", "id"))
    suggested: list[Membership] = []
    if typed:
        word = typed.group(1)
        suggested = list(
            members.exclude(user_id__in=chosen)
            .filter(Q(user__full_name__icontains=word) | Q(user__email__istartswith=word))
            .order_by("user__full_name", "id")[:MENTION_SUGGESTIONS]
        )
    return render(request, "activities/_mention_options.html", {"picked": picked, "suggested": suggested})


@member_required()
@require_GET
def attachment_download(request: OrgRequest, attachment_id: int) -> HttpResponse:
    """The file, to members who may see its record: as a download, never rendered by the browser."""
    attachment = selectors.access_attachment(member=request.member, attachment_id=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    # Streamed, so not an HttpResponse to the checker; member_required passes any response on.
    return response  # type: ignore[return-value]
