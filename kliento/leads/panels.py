"""What the lead card's header and panels show (registered in registrations.py), and the panel a
contact's card gets when it came from a lead."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kliento.core.audit import history_of
from kliento.core.history import readable_entries
from kliento.core.permissions import Permission
from kliento.core.records.fields.values import definitions_for
from kliento.core.requests import OrgRequest
from kliento.customers.models import Company, Contact
from kliento.customers.normalize import format_phone
from kliento.leads.conversion import conversion_extras_for
from kliento.leads.history import UTM_LABELS
from kliento.leads.lists import status_css
from kliento.leads.models import UTM_KEYS, Lead, LeadStatus
from kliento.leads.scoring import RULES, score_lines
from kliento.leads.selectors import offered_reasons, waiting_text

LEAD_HISTORY_SHOWN = 20
COMPANIES_OFFERED = 200  # in the conversion form's list; more are found by typing their id's name


def card_header(request: OrgRequest, lead: Lead) -> dict[str, Any]:
    return {
        "status_css": status_css(lead.status),
        "waiting": waiting_text(lead),
        "owner": lead.owner if lead.owner_id else None,
        "tag_names": sorted(tag.name for tag in lead.tags.all()),
    }


def request_panel(request: OrgRequest, lead: Lead) -> dict[str, Any]:
    """What the person asked and how to reach them, and the record it may duplicate."""
    member = request.member
    duplicate_lead = (
        Lead.objects.visible_to(member).filter(pk=lead.duplicate_of_lead_id).only("id", "name").first()
        if lead.duplicate_of_lead_id
        else None
    )
    duplicate_contact = (
        Contact.objects.visible_to(member)
        .filter(pk=lead.duplicate_of_contact_id)
        .only("id", "first_name", "last_name")
        .first()
        if lead.duplicate_of_contact_id
        else None
    )
    custom_values = [
        (definition, definition.type.display(lead.custom_fields[definition.key]))
        for definition in definitions_for("lead")
        if lead.custom_fields.get(definition.key) not in (None, "", [])
    ]
    return {
        "custom_values": custom_values,
        "phone_shown": format_phone(lead.phone, request.organization.default_region),
        "duplicate_lead": duplicate_lead,
        "duplicate_contact": duplicate_contact,
    }


def progress_panel(request: OrgRequest, lead: Lead) -> dict[str, Any]:
    """The status with its actions, and the conversion: its form for a qualified lead, or what it became."""
    member = request.member
    may_edit = member.can(Permission.EDIT_SALES)
    may_convert = may_edit and member.can(Permission.EDIT_CUSTOMERS)
    context: dict[str, Any] = {
        "may_edit": may_edit and not lead.is_converted,
        "statuses": [
            (value, label) for value, label in LeadStatus.choices if value != LeadStatus.DISQUALIFIED
        ],
        "reasons": list(offered_reasons()) if may_edit and not lead.is_converted else [],
        "status_url": reverse("leads:lead-status", args=[lead.pk]),
        "respond_url": reverse("leads:lead-respond", args=[lead.pk]),
        "convert_url": reverse("leads:lead-convert", args=[lead.pk]),
        "may_convert": may_convert and lead.status == LeadStatus.QUALIFIED and not lead.is_converted,
        "reason_label": str(lead.disqualify_reason) if lead.disqualify_reason_id else "",
    }
    if context["may_convert"]:
        context["companies"] = list(
            Company.objects.visible_to(member)
            .only("id", "name")
            .order_by("sort_name", "id")[:COMPANIES_OFFERED]
        )
        context["extras"] = conversion_extras_for(member)
    if lead.is_converted and lead.contact_id is not None:
        context["converted_contact"] = Contact.objects.visible_to(member).filter(pk=lead.contact_id).first()
        context["converted_company"] = (
            Company.objects.visible_to(member).filter(pk=lead.company_id).first() if lead.company_id else None
        )
    return context


def score_panel(request: OrgRequest, lead: Lead) -> dict[str, Any]:
    return {"score_lines": score_lines(lead), "rules": RULES}


def touches_panel(request: OrgRequest, lead: Lead) -> dict[str, Any]:
    def rows(touch: dict[str, str]) -> list[tuple[Any, str]]:
        return [(UTM_LABELS[key], touch[key]) for key in UTM_KEYS if touch.get(key)]

    return {"first_touch_rows": rows(lead.first_touch), "last_touch_rows": rows(lead.last_touch)}


def came_from_lead_panel(request: OrgRequest, contact: Contact) -> dict[str, Any] | None:
    """The lead this contact was converted from, with its history; no panel for other contacts."""
    lead = Lead.with_trash.filter(contact_id=contact.pk).order_by("-converted_at", "-id").first()
    if lead is None:
        return None
    entries = history_of(lead)[:LEAD_HISTORY_SHOWN]
    return {
        "source_lead": lead,
        "lead_url": reverse("leads:lead-detail", args=[lead.pk]) if not lead.is_in_trash else "",
        "lead_history": readable_entries(entries, organization=request.organization),
        "lead_waiting": waiting_text(lead),
    }
