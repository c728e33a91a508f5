"""The lead settings page: the public form (on or off, its team, its token, the code to embed it)
and the organization's reasons for disqualifying a lead."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.errors import DomainError
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest
from kliento.core.views import apply_form_error, member_required
from kliento.leads import services, webforms
from kliento.leads.embed import embed_snippet, plain_form
from kliento.leads.forms import ReasonForm, WebFormSettingsForm
from kliento.leads.models import DisqualifyReason
from kliento.leads.scoring import RULES
from kliento.leads.webforms import FIRST_TOUCH_PREFIX, HONEYPOT


def _base_url() -> str:
    # The address people reach Kliento at, never the Host header a request claims.
    return str(settings.KLIENTO_BASE_URL).rstrip("/")


@member_required(Permission.MANAGE_ORGANIZATION)
def lead_settings(request: OrgRequest) -> HttpResponse:
    member = request.member
    web_form = webforms.web_form_of_organization()
    form = None
    if web_form is not None:
        form = WebFormSettingsForm(
            request.POST or None, initial={"is_enabled": web_form.is_enabled, "team": web_form.team_id}
        )
        if request.method == "POST" and form.is_valid():
            try:
                webforms.update_web_form(
                    member=member,
                    web_form=web_form,
                    is_enabled=form.cleaned_data["is_enabled"],
                    team_id=form.cleaned_data["team"],
                )
            except (ValidationError, DomainError) as error:
                apply_form_error(form, error)
            else:
                messages.success(request, _("The lead form settings were saved."))
                return redirect("leads:settings")
    endpoint = (
        _base_url() + reverse("leads:public-form", args=[web_form.token]) if web_form is not None else ""
    )
    context = {
        "web_form": web_form,
        "form": form,
        "endpoint": endpoint,
        "honeypot": HONEYPOT,
        "first_prefix": FIRST_TOUCH_PREFIX,
        "reasons": list(DisqualifyReason.objects.order_by("position", "id")),
        "reason_form": ReasonForm(),
        "rules": RULES,
        "snippet": embed_snippet(endpoint) if endpoint else "",
        "plain": plain_form(endpoint) if endpoint else "",
    }
    return render(
        request, "leads/settings.html", context, status=400 if form is not None and form.errors else 200
    )


@member_required(Permission.MANAGE_ORGANIZATION)
@require_POST
def enable_form(request: OrgRequest) -> HttpResponse:
    webforms.enable_web_form(member=request.member)
    messages.success(request, _("The lead form is on. Put its code on your website."))
    return redirect("leads:settings")


@member_required(Permission.MANAGE_ORGANIZATION)
@require_POST
def rotate_token(request: OrgRequest) -> HttpResponse:
    web_form = webforms.web_form_of_organization()
    if web_form is None:
        raise Http404
    webforms.rotate_token(member=request.member, web_form=web_form)
    messages.success(
        request,
        _("The form has a new address. Update the code on your website: the old one stopped working."),
    )
    return redirect("leads:settings")


@member_required(Permission.MANAGE_ORGANIZATION)
@require_POST
def add_reason(request: OrgRequest) -> HttpResponse:
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.add_disqualify_reason(member=request.member, label=form.cleaned_data["label"])
        except (ValidationError, DomainError) as error:
            messages.warning(
                request, error.message if isinstance(error, DomainError) else " ".join(error.messages)
            )
        else:
            messages.success(request, _("The reason was added."))
    else:
        messages.warning(
            request, " ".join(str(message) for errors in form.errors.values() for message in errors)
        )
    return redirect("leads:settings")


@member_required(Permission.MANAGE_ORGANIZATION)
@require_POST
def add_default_reasons(request: OrgRequest) -> HttpResponse:
    known = {label.casefold() for label in DisqualifyReason.objects.values_list("label", flat=True)}
    for label in services.default_reason_labels():
        if label.casefold() not in known:
            services.add_disqualify_reason(member=request.member, label=label)
    messages.success(request, _("The usual reasons were added."))
    return redirect("leads:settings")


@member_required(Permission.MANAGE_ORGANIZATION)
@require_POST
def toggle_reason(request: OrgRequest, reason_id: int) -> HttpResponse:
    reason = DisqualifyReason.objects.filter(pk=reason_id).first()
    if reason is None:
        raise Http404
    services.set_disqualify_reason_offered(member=request.member, reason=reason, offered=not reason.is_active)
    return redirect("leads:settings")
