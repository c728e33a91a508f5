"""The lead pages besides the list and the card (core's): the form, and the card's actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.errors import DomainError, StaleRecord
from kliento.core.forms import expected_version, show_conflict
from kliento.core.permissions import Permission
from kliento.core.records.fields.values import definitions_for
from kliento.core.requests import OrgRequest
from kliento.core.views import apply_form_error, member_required
from kliento.leads import services
from kliento.leads.forms import FORM_FIELD_FOR, LeadForm
from kliento.leads.models import Lead
from kliento.leads.selectors import access_lead


def _apply(form: LeadForm, error: ValidationError | DomainError) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        error = ValidationError(
            {
                FORM_FIELD_FOR.get(key, key).replace("custom_fields.", "cf_"): value
                for key, value in error.error_dict.items()
            }
        )
    apply_form_error(form, error)


def _card(lead: Lead) -> HttpResponse:
    return redirect("leads:lead-detail", lead.pk)


def _refusal(error: ValidationError | DomainError) -> str:
    return error.message if isinstance(error, DomainError) else " ".join(error.messages)


@member_required(Permission.EDIT_SALES)
def create(request: OrgRequest) -> HttpResponse:
    member = request.member
    form = LeadForm(request.POST or None, member=member, definitions=definitions_for("lead"))
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.create_lead(member=member, data=form.service_data())
        except (ValidationError, DomainError) as error:
            _apply(form, error)
        else:
            messages.success(request, _("The lead was added."))
            return _card(lead)
    context = {"form": form, "lead": None, "cancel_url": reverse("leads:lead-list")}
    return render(request, "leads/lead_form.html", context, status=400 if form.errors else 200)


@member_required(Permission.EDIT_SALES)
def edit(request: OrgRequest, record_id: int) -> HttpResponse:
    member = request.member
    lead = access_lead(member=member, record_id=record_id, write=True)
    heading = lead.name
    definitions = definitions_for("lead")
    form = LeadForm(request.POST or None, member=member, definitions=definitions, instance=lead)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_lead(
                lead=lead, member=member, data=form.service_data(), expected_version=expected_version(form)
            )
        except StaleRecord as error:
            show_conflict(form, error, lead)
        except (ValidationError, DomainError) as error:
            _apply(form, error)
        else:
            messages.success(request, _("The lead was saved."))
            return _card(lead)
    context = {
        "form": form,
        "lead": lead,
        "heading": heading,
        "cancel_url": reverse("leads:lead-detail", args=[lead.pk]),
    }
    return render(request, "leads/lead_form.html", context, status=400 if form.errors else 200)


@member_required(Permission.EDIT_SALES)
@require_POST
def delete(request: OrgRequest, record_id: int) -> HttpResponse:
    member = request.member
    lead = access_lead(member=member, record_id=record_id, write=True)
    services.delete_lead(lead=lead, member=member)
    messages.success(
        request, _("%(name)s was moved to the trash, where it can be restored.") % {"name": lead}
    )
    return redirect("leads:lead-list")


@member_required(Permission.EDIT_SALES)
@require_POST
def change_status(request: OrgRequest, record_id: int) -> HttpResponse:
    member = request.member
    lead = access_lead(member=member, record_id=record_id, write=True)
    status = request.POST.get("status", "")
    raw_reason = request.POST.get("reason", "")
    reason_id = int(raw_reason) if raw_reason.isdigit() and len(raw_reason) < 19 else None
    if status == "disqualified" and reason_id is None:
        messages.warning(request, _("Choose a reason for disqualifying the lead."))
        return _card(lead)
    try:
        services.change_status(lead=lead, member=member, status=status, reason_id=reason_id)
    except (ValidationError, DomainError) as error:
        messages.warning(request, _refusal(error))
    else:
        messages.success(request, _("The lead is now “%(status)s”.") % {"status": lead.get_status_display()})
    return _card(lead)


@member_required(Permission.EDIT_SALES)
@require_POST
def respond(request: OrgRequest, record_id: int) -> HttpResponse:
    """Mark the lead as answered now (a call made outside Kliento, an email from one's mailbox)."""
    member = request.member
    lead = access_lead(member=member, record_id=record_id, write=True)
    if services.record_first_response(lead, by=member.user):
        messages.success(request, _("The first response was recorded."))
    else:
        messages.info(request, _("This lead had its first response already."))
    return _card(lead)


@member_required(Permission.EDIT_SALES)
@require_POST
def convert(request: OrgRequest, record_id: int) -> HttpResponse:
    member = request.member
    lead = access_lead(member=member, record_id=record_id, write=True)
    choice = request.POST.get("company", "lead")
    company_id: int | None = None
    new_company_name: str | None = None
    if choice == "new":
        new_company_name = request.POST.get("new_company_name", "")[:200]
    elif choice == "none":
        new_company_name = ""
    elif choice.isdigit() and len(choice) < 19:
        company_id = int(choice)
    extras: dict[str, dict[str, object]] = {
        key[len("extra_") :]: {} for key in request.POST if key.startswith("extra_")
    }
    try:
        conversion = services.convert_lead(
            lead=lead, member=member, company_id=company_id, new_company_name=new_company_name, extras=extras
        )
    except (ValidationError, DomainError) as error:
        messages.warning(request, _refusal(error))
        return _card(lead)
    messages.success(request, _("The lead became the contact %(name)s.") % {"name": conversion.contact})
    if conversion.extras:
        made = ", ".join(str(record) for record in conversion.extras.values())
        messages.success(request, _("Also made: %(records)s.") % {"records": made})
    return redirect("customers:contact-detail", conversion.contact.pk)
