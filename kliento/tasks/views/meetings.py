"""Meeting pages: the form, the meeting itself, its trash action and its `.ics` file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.errors import DomainError
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest
from kliento.core.views import apply_form_error, member_required
from kliento.tasks import meetings, zones
from kliento.tasks.forms import MeetingForm
from kliento.tasks.models import Meeting

CONTACT_CHOICES_SHOWN = 300


def _contacts(request: OrgRequest, chosen: list[int] | None = None) -> list[tuple[int, str]]:
    from kliento.customers.models import Contact

    visible = Contact.objects.visible_to(request.member)
    rows = list(visible.order_by("sort_name", "id")[:CONTACT_CHOICES_SHOWN])
    if chosen:
        rows += list(visible.filter(pk__in=chosen).exclude(pk__in=[row.pk for row in rows]))
    return [(row.pk, str(row)) for row in rows]


def _form_page(request: OrgRequest, meeting: Meeting | None) -> HttpResponse:
    member = request.member
    chosen = [int(value) for value in request.POST.getlist("contact_ids") if value.isdigit()]
    if request.method == "POST":
        form = MeetingForm(request.POST, member=member, contacts=_contacts(request, chosen))
        if form.is_valid():
            try:
                if meeting is None:
                    meeting = meetings.create_meeting(member=member, data=form.service_data())
                else:
                    meetings.update_meeting(meeting=meeting, member=member, data=form.service_data())
            except (ValidationError, DomainError) as error:
                apply_form_error(form, error)
            else:
                messages.success(request, _("Meeting saved; the participants get the invitation by email."))
                return redirect("tasks:meeting-detail", meeting.pk)
    elif meeting is not None:
        people = meetings.participants_of(meeting)
        contact_ids = [p.contact_id for p in people if p.contact_id]
        initial = MeetingForm.initial_for(meeting, [p.user_id for p in people if p.user_id], contact_ids)
        form = MeetingForm(initial=initial, member=member, contacts=_contacts(request, contact_ids))
    else:
        initial = {"time_zone": zones.zone_name_of(member.user, member.organization)}
        for name in ("related_kind", "related_id", "start_date"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        if request.GET.get("contact", "").isdigit():
            initial["contact_ids"] = [int(request.GET["contact"])]
        form = MeetingForm(
            initial=initial, member=member, contacts=_contacts(request, initial.get("contact_ids"))
        )
    return render(request, "tasks/meeting_form.html", {"form": form, "meeting": meeting})


@member_required(Permission.EDIT_TASKS)
def create(request: OrgRequest) -> HttpResponse:
    return _form_page(request, None)


@member_required(Permission.EDIT_TASKS)
def edit(request: OrgRequest, meeting_id: int) -> HttpResponse:
    meeting = meetings.access_meeting(member=request.member, meeting_id=meeting_id, write=True)
    return _form_page(request, meeting)


@member_required()
def detail(request: OrgRequest, meeting_id: int) -> HttpResponse:
    meeting = meetings.access_meeting(member=request.member, meeting_id=meeting_id)
    return render(
        request,
        "tasks/meeting_detail.html",
        {
            "meeting": meeting,
            "participants": meetings.participants_of(meeting),
            "can_edit": request.member.can(Permission.EDIT_TASKS),
        },
    )


@member_required(Permission.EDIT_TASKS)
@require_POST
def delete(request: OrgRequest, meeting_id: int) -> HttpResponse:
    meeting = meetings.access_meeting(member=request.member, meeting_id=meeting_id, write=True)
    meetings.trash_meeting(meeting=meeting, member=request.member)
    messages.success(request, _("Meeting moved to the trash."))
    return redirect("tasks:calendar")


@member_required()
def ics(request: OrgRequest, meeting_id: int) -> HttpResponse:
    meeting = meetings.access_meeting(member=request.member, meeting_id=meeting_id)
    content = meetings.invitation(meeting, meetings.participants_of(meeting), method="PUBLISH")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
