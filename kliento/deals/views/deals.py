"""Deal pages: the create and edit forms, won and lost from the card, the trash, the card's panels
and the deals panel on contact and company cards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.errors import DomainError, StaleRecord
from kliento.core.forms import expected_version, show_conflict
from kliento.core.models import MAX_ID
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.values import definitions_for
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.customers.forms import owner_choices
from kliento.customers.models import Company, Contact
from kliento.deals import selectors, services
from kliento.deals.forms import DealForm, apply_service_error
from kliento.deals.models import Deal, DealLine, Stage, StageKind

REFERENCE_CHOICES = 200  # companies and contacts a form offers: the member's latest changed


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) <= MAX_ID else None


def _choices(
    request: OrgRequest, deal: Deal | None, company_id: int | None, contact_id: int | None
) -> dict[str, Any]:
    member = request.member
    keep_company = company_id or (deal.company_id if deal else None)
    keep_contact = contact_id or (deal.contact_id if deal else None)
    companies = Company.objects.visible_to(member).order_by("-updated_at", "-id")
    contacts = Contact.objects.visible_to(member).order_by("-updated_at", "-id")
    company_rows = list(companies.values_list("pk", "name")[:REFERENCE_CHOICES])
    contact_rows = [
        (pk, f"{first} {last}".strip())
        for pk, first, last in contacts.values_list("pk", "first_name", "last_name")[:REFERENCE_CHOICES]
    ]
    if keep_company and keep_company not in {pk for pk, _name in company_rows}:
        company_rows += list(
            Company.objects.visible_to(member).filter(pk=keep_company).values_list("pk", "name")
        )
    if keep_contact and keep_contact not in {pk for pk, _name in contact_rows}:
        contact_rows += [
            (pk, f"{first} {last}".strip())
            for pk, first, last in Contact.objects.visible_to(member)
            .filter(pk=keep_contact)
            .values_list("pk", "first_name", "last_name")
        ]
    blank = [("", "—")]
    choices: dict[str, list[tuple[Any, str]]] = {
        "owner": owner_choices(),
        "company": blank
        + [(str(pk), name) for pk, name in sorted(company_rows, key=lambda row: row[1].casefold())],
        "contact": blank
        + [(str(pk), name) for pk, name in sorted(contact_rows, key=lambda row: row[1].casefold())],
    }
    if deal is None:
        pipeline_stages = [
            (str(stage.pk), f"{stage.pipeline.name}: {stage.name}")
            for stage in Stage.objects.select_related("pipeline")
            .filter(kind=StageKind.OPEN)
            .order_by("pipeline__position", "pipeline_id", "position", "id")
        ]
        choices["stage"] = pipeline_stages
    return choices


def _save(request: OrgRequest, deal: Deal | None) -> HttpResponse:
    member = request.member
    definitions = definitions_for("deal")
    company_id, contact_id = _id(request.GET.get("company")), _id(request.GET.get("contact"))
    initial: dict[str, Any] = {}
    if deal is None:
        stage_id = _id(request.GET.get("stage"))
        initial = {
            "currency": request.organization.base_currency,
            "owner": member.user_id,
            "company": company_id,
            "contact": contact_id,
            "stage": stage_id,
        }
    form = DealForm(
        request.POST or None,
        definitions=definitions,
        choices=_choices(request, deal, company_id, contact_id),
        instance=deal,
        tags=record_tags.tag_names(deal) if deal else [],
        initial=initial,
    )
    heading = str(deal) if deal else ""
    if request.method == "POST" and form.is_valid():
        try:
            if deal is None:
                deal = services.create_deal(member=member, data=form.service_data())
            else:
                services.update_deal(
                    deal=deal,
                    member=member,
                    data=form.service_data(),
                    expected_version=expected_version(form),
                )
        except StaleRecord as error:
            assert deal is not None
            show_conflict(form, error, deal)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": deal})
            return redirect("deals:deal-detail", deal.pk)
    cancel = reverse("deals:deal-detail", args=[deal.pk]) if deal else reverse("deals:deal-list")
    context = {"form": form, "record": deal, "heading": heading, "cancel_url": cancel}
    return render(request, "deals/deal_form.html", context, status=400 if form.errors else 200)


@member_required(Permission.EDIT_SALES)
def deal_create(request: OrgRequest) -> HttpResponse:
    return _save(request, None)


@member_required(Permission.EDIT_SALES)
def deal_edit(request: OrgRequest, record_id: int) -> HttpResponse:
    deal = selectors.access_deal(member=request.member, record_id=record_id, write=True)
    return _save(request, deal)


@member_required(Permission.EDIT_SALES)
@require_POST
def deal_delete(request: OrgRequest, record_id: int) -> HttpResponse:
    deal = selectors.access_deal(member=request.member, record_id=record_id, write=True)
    services.trash_deal(deal=deal, member=request.member)
    messages.success(
        request, _("%(name)s was moved to the trash, where it can be restored.") % {"name": deal}
    )
    return redirect("deals:deal-list")


@member_required(Permission.EDIT_SALES)
@require_POST
def deal_close(request: OrgRequest, record_id: int, outcome: str) -> HttpResponse:
    """Won or lost from the card (lost with its reason)."""
    deal = selectors.access_deal(member=request.member, record_id=record_id, write=True)
    try:
        if outcome == "won":
            services.mark_won(deal=deal, member=request.member)
            messages.success(request, _("%(name)s was won.") % {"name": deal})
        else:
            services.mark_lost(
                deal=deal, member=request.member, lost_reason_id=_id(request.POST.get("lost_reason"))
            )
            messages.success(request, _("%(name)s was closed as lost.") % {"name": deal})
    except DomainError as error:
        messages.warning(request, error.message)
    return redirect("deals:deal-detail", deal.pk)


# The card ------------------------------------------------------------------------------------


def card_header(request: OrgRequest, deal: Deal) -> dict[str, Any]:
    stages = selectors.stages_of(deal.pipeline)
    return {
        "stage": next((stage for stage in stages if stage.pk == deal.stage_id), None),
        "stages": stages,
        "pipeline": deal.pipeline,
        "base_currency": request.organization.base_currency,
        "tags": record_tags.tag_names(deal),
        "lost_reasons": list(selectors.lost_reasons()),
        "can_edit": request.member.can(Permission.EDIT_SALES),
    }


def history_panel(request: OrgRequest, deal: Deal) -> dict[str, Any]:
    return {"changes": list(selectors.stage_history(deal)[:50])}


def lines_panel(request: OrgRequest, deal: Deal) -> dict[str, Any]:
    lines = list(DealLine.objects.filter(deal=deal).select_related("product").order_by("position", "id"))
    return {"lines": lines}


def details_panel(request: OrgRequest, deal: Deal) -> dict[str, Any]:
    deal = Deal.objects.select_related("owner", "company", "contact", "lost_reason").get(pk=deal.pk)
    member = request.member
    definitions = definitions_for("deal")
    custom = [
        (definition.label, definition.type.display(deal.custom_fields.get(definition.key)))
        for definition in definitions
        if deal.custom_fields.get(definition.key) not in (None, "", [])
    ]
    # References the member may not see are named but not linked.
    company_visible = (
        deal.company_id is not None and Company.objects.visible_to(member).filter(pk=deal.company_id).exists()
    )
    contact_visible = (
        deal.contact_id is not None and Contact.objects.visible_to(member).filter(pk=deal.contact_id).exists()
    )
    return {
        "deal": deal,
        "custom": custom,
        "company_visible": company_visible,
        "contact_visible": contact_visible,
    }


def customer_deals_panel(link: str) -> Any:
    """The deals panel of a contact's or company's card: latest deals and open and won totals."""

    def context(request: OrgRequest, customer: Any) -> dict[str, Any]:
        deals, totals = selectors.deals_of(request.member, **{link: customer})
        return {
            "deals": deals,
            "totals": totals,
            "base_currency": request.organization.base_currency,
            "new_deal_query": f"?{link}={customer.pk}",
            "list_query": "",
            "can_edit": request.member.can(Permission.EDIT_SALES),
        }

    return context
