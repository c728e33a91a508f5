"""The call screen (`/calls/`): calls ringing for the member pop up with what is known of the caller
(polled by htmx every second; an unchanged set of calls answers 204, so nothing on the screen moves
while the agent types), the outcome is logged on the same screen, missed calls offer a call back,
and those who see reports see the day's figures."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kliento.activities import services, stats
from kliento.activities.callers import caller_parts, unknown_caller_actions
from kliento.activities.forms import CallForm
from kliento.activities.models import Activity, Call, Direction
from kliento.activities.selectors import access_call
from kliento.core.errors import DomainError
from kliento.core.models import Membership, User
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest
from kliento.core.text import text_problem
from kliento.core.views import apply_form_error, member_required
from kliento.customers.models import Contact
from kliento.customers.normalize import format_phone
from kliento.customers.selectors import access_contact

ACTIVE_CALLS_SHOWN = 5
ENDED_CALLS_KEPT = datetime.timedelta(minutes=15)  # an ended call stays to be logged this long
RINGING_FOR_AT_MOST = datetime.timedelta(hours=1)  # a "ringing" the provider never ended
MISSED_SHOWN = 10
RECENT_INTERACTIONS = 3


@dataclass
class Caller:
    contact: Contact
    recent: list[Activity] = field(default_factory=list)


@dataclass
class PopUp:
    call: Call
    number_shown: str
    callers: list[Caller]
    unknown_actions: list[tuple[Any, str]]
    form: CallForm


def active_calls(member: Membership) -> list[Call]:
    """Calls the member may take or log: ringing or in progress, or ended a moment ago unlogged;
    addressed to them or to nobody in particular."""
    now = timezone.now()
    return list(
        Call.objects.filter(activity__isnull=True, started_at__gte=now - RINGING_FOR_AT_MOST)
        .filter(Q(agent__isnull=True) | Q(agent_id=member.user_id))
        .filter(
            Q(status__in=[Call.Status.RINGING, Call.Status.ANSWERED])
            | Q(status=Call.Status.COMPLETED, ended_at__gte=now - ENDED_CALLS_KEPT)
        )
        .order_by("-started_at", "-id")[:ACTIVE_CALLS_SHOWN]
    )


def fingerprint(calls: list[Call]) -> str:
    """What the pop-ups depend on: which calls, and which of them still ring (a status change from
    answered to completed must not redraw the form the agent is filling in)."""
    key = ",".join(f"{call.pk}:{call.status == Call.Status.RINGING}" for call in calls)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def callers_by_number(member: Membership, numbers: list[str]) -> dict[str, list[Caller]]:
    """The visible contacts with each number and their latest interactions: two queries for all."""
    numbers = [number for number in dict.fromkeys(numbers) if number]
    if not numbers:
        return {}
    contacts = list(
        Contact.objects.visible_to(member)
        .filter(phones__number__in=numbers)
        .annotate(matched_number=F("phones__number"))
        .select_related("company", "owner")
        .order_by("sort_name", "id")
    )
    recent: dict[int, list[Activity]] = defaultdict(list)
    ids = list({contact.pk for contact in contacts})
    if ids:
        limit = len(ids) * RECENT_INTERACTIONS * 3
        rows = Activity.objects.filter(subject_kind="contact", subject_id__in=ids).select_related("author")
        for activity in rows.order_by("-occurred_at", "-id")[:limit]:
            if len(recent[activity.subject_id]) < RECENT_INTERACTIONS:
                recent[activity.subject_id].append(activity)
    found: dict[str, list[Caller]] = defaultdict(list)
    for contact in contacts:
        found[contact.matched_number].append(Caller(contact=contact, recent=recent[contact.pk]))
    return found


def popups_of(request: OrgRequest, calls: list[Call]) -> tuple[list[PopUp], list[Any]]:
    region = request.organization.default_region
    found = callers_by_number(request.member, [call.customer_number for call in calls])
    popups = []
    for call in calls:
        callers = found.get(call.customer_number, [])
        number = call.customer_number or call.from_number
        popups.append(
            PopUp(
                call=call,
                number_shown=format_phone(call.customer_number, region) if call.customer_number else number,
                callers=callers,
                unknown_actions=[] if callers else unknown_caller_actions(request, number),
                form=CallForm(
                    prefix=f"call-{call.pk}",
                    initial={"direction": call.direction, "outcome": Call.Outcome.ANSWERED},
                ),
            )
        )
    contacts = [caller.contact for callers in found.values() for caller in callers]
    return popups, caller_parts(request, contacts)


def _popups_response(request: OrgRequest, calls: list[Call], **extra: Any) -> HttpResponse:
    popups, parts = popups_of(request, calls)
    context = {"popups": popups, "caller_parts": parts, "fingerprint": fingerprint(calls), **extra}
    return render(request, "activities/_call_popups.html", context, status=extra.get("status", 200))


def _missed(request: OrgRequest) -> list[tuple[Call, str, list[Caller]]]:
    region = request.organization.default_region
    calls = list(
        Call.objects.filter(status=Call.Status.MISSED, direction=Direction.INBOUND).order_by(
            "-started_at", "-id"
        )[:MISSED_SHOWN]
    )
    found = callers_by_number(request.member, [call.customer_number for call in calls])
    return [
        (call, format_phone(call.customer_number, region) if call.customer_number else call.from_number,
         found.get(call.customer_number, []))
        for call in calls
    ]  # fmt: skip


def _figures(request: OrgRequest) -> dict[str, Any] | None:
    if not request.member.can(Permission.VIEW_ANALYTICS):
        return None
    zone = timezone.get_current_timezone_name()
    today = timezone.localdate()
    period = stats.day_in(zone, today)
    per_hour = stats.calls_per_agent_and_hour(period, zone=zone)
    agents = {
        user.pk: str(user)
        for user in User.objects.filter(pk__in={row.agent_id for row in per_hour if row.agent_id})
    }
    return {
        "answer_rate": stats.answer_rate(period),
        "average_duration": stats.average_duration(period),
        "average_waiting": stats.average_waiting(period),
        "per_hour": [(agents.get(row.agent_id or 0, _("Nobody")), row) for row in per_hour],
    }


@member_required()
@require_GET
def calls(request: OrgRequest) -> HttpResponse:
    active = active_calls(request.member)
    popups, parts = popups_of(request, active)
    return render(
        request,
        "activities/calls.html",
        {
            "popups": popups,
            "caller_parts": parts,
            "fingerprint": fingerprint(active),
            "missed": _missed(request),
            "figures": _figures(request),
        },
    )


@member_required()
@require_GET
def ringing(request: OrgRequest) -> HttpResponse:
    """The pop-ups, polled: 204 (nothing to redraw) while the calls are the ones already shown."""
    active = active_calls(request.member)
    if request.GET.get("seen") == fingerprint(active):
        return HttpResponse(status=204)
    return _popups_response(request, active)


@member_required()
@require_POST
def log_outcome(request: OrgRequest, call_id: int) -> HttpResponse:
    """The outcome of a call from its pop-up, on the timeline of the contact the agent picked."""
    call = access_call(member=request.member, call_id=call_id)
    form = CallForm(request.POST, prefix=f"call-{call.pk}")
    contact_id = request.POST.get(f"call-{call.pk}-contact", "")
    if form.is_valid():
        try:
            if not contact_id.isdigit():
                raise DomainError(_("Choose who called."), field="contact")
            contact = access_contact(member=request.member, contact_id=int(contact_id), write=True)
            data = form.service_data()
            data.pop("direction")
            services.log_call(
                member=request.member,
                kind="contact",
                record=contact,
                call=call,
                direction=call.direction,
                **data,
            )
        except DomainError as error:
            apply_form_error(form, error)
    if not request.headers.get("HX-Request"):
        return redirect(reverse("activities:calls"))
    active = active_calls(request.member)
    if form.errors:
        popups, parts = popups_of(request, active)
        for popup in popups:
            if popup.call.pk == call.pk:
                popup.form = form
        context = {"popups": popups, "caller_parts": parts, "fingerprint": fingerprint(active)}
        return render(request, "activities/_call_popups.html", context, status=400)
    return _popups_response(request, active, logged=call)


@member_required(Permission.MANAGE_ORGANIZATION)
def telephony_settings(request: OrgRequest) -> HttpResponse:
    """Where providers send their webhooks and with which secret; a new secret, Twilio's token."""
    from django.conf import settings as django_settings
    from django.contrib import messages

    from kliento.activities import telephony

    member = request.member
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            telephony.rotate_secret(member=member)
            messages.success(request, _("A new secret was made: give it to your telephony provider."))
        elif action == "twilio":
            token = request.POST.get("twilio_auth_token", "").strip()
            if len(token) > 200 or text_problem(token):
                messages.error(request, _("This is not an auth token."))
            else:
                telephony.set_twilio_token(member=member, token=token)
                messages.success(request, _("Twilio's auth token was saved."))
        return redirect("activities:telephony-settings")
    current = telephony.settings_of(request.organization)
    base = django_settings.KLIENTO_BASE_URL.rstrip("/")
    slug = request.organization.slug
    return render(
        request,
        "activities/telephony_settings.html",
        {
            "secret": telephony.generic_secret(current),
            "generic_url": f"{base}/api/v1/telephony/generic/?organization={slug}",
            "twilio_url": f"{base}/api/v1/telephony/twilio/?organization={slug}",
            "has_twilio_token": bool(telephony.decrypt_token(current.twilio_auth_token)),
        },
    )
