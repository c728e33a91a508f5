"""API of leads: the inbox with keyset pages, create and change, status, qualify and disqualify,
the first response, conversion, bulk actions, and the public form for scripts.

Schemas check shapes; services check the rules, so the API and the pages refuse the same input;
anything outside the member's organization (or visibility) is a plain 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from kliento.api.concurrency import if_match, set_etag
from kliento.core.counting import count_rows
from kliento.core.pagination import keyset_page
from kliento.core.records.lists import filter_rows, parse_list_query
from kliento.core.requests import OrgRequest
from kliento.leads import services
from kliento.leads.models import DisqualifyReason, Lead
from kliento.leads.schemas import (
    BulkIn,
    BulkOut,
    ConversionOut,
    ConvertIn,
    DisqualifyIn,
    FirstResponseIn,
    LeadIn,
    LeadOut,
    LeadPage,
    LeadPatch,
    ListCount,
    ListParams,
    PublicLeadIn,
    PublicSubmissionOut,
    ReasonOut,
    StatusIn,
)
from kliento.leads.selectors import access_lead

router = Router(tags=["leads"])
ITEM_COLUMNS = (
    "id", "name", "company_name", "email", "phone", "source", "status", "owner_id", "score",
    "created_at", "first_response_at", "contact_id",
)  # fmt: skip


def _lead(request: OrgRequest, lead_id: int, *, write: bool = False) -> Lead:
    lead = access_lead(member=request.member, record_id=lead_id, write=write)
    return Lead.objects.select_related("owner", "disqualify_reason").prefetch_related("tags").get(pk=lead.pk)


def _filtered(request: OrgRequest) -> tuple[QuerySet[Any], list[str]]:
    query = parse_list_query("lead", request.GET, member=request.member)
    return filter_rows(query, member=request.member)


@router.get("/leads", response=LeadPage)
def list_leads(request: OrgRequest, params: Query[ListParams]) -> HttpResponse:
    """The leads this key or member may see, by default as the inbox orders them: awaiting a first
    answer first, longest-waiting first; filtered and sorted as on the list page."""
    queryset, ordering = _filtered(request)
    rows = queryset.values(*dict.fromkeys([*ITEM_COLUMNS, *(name.lstrip("-") for name in ordering)]))
    page = keyset_page(rows, ordering=ordering, cursor=params.cursor, limit=params.limit)
    answer = LeadPage(items=page.items, next_cursor=page.next_cursor)
    return HttpResponse(answer.model_dump_json(), content_type="application/json; charset=utf-8")


@router.get("/leads/count", response=ListCount)
def count_leads(request: OrgRequest, params: Query[ListParams]) -> ListCount:
    """How many leads the list with these filters holds; the list itself never counts."""
    queryset, _ordering = _filtered(request)
    count = count_rows(queryset)
    return ListCount(count=count.value, is_estimate=count.is_estimate)


@router.post("/leads", response={201: LeadOut})
def create_lead(request: OrgRequest, payload: LeadIn) -> Status[Lead]:
    """A new lead, scored, and flagged when it has the email or phone of an open lead or a contact."""
    lead = services.create_lead(member=request.member, data=payload.model_dump(exclude_unset=True))
    return Status(201, _lead(request, lead.pk))


@router.post("/leads/bulk", response=BulkOut)
def bulk_leads(request: OrgRequest, payload: BulkIn) -> dict[str, int]:
    """One action on many visible leads (assign_owner with a user id, change_status with new,
    contacted or qualified, trash); each lead changed gets its own history entry under one batch id."""
    count = services.bulk_update_leads(
        ids=payload.ids, member=request.member, action=payload.action, value=payload.value
    )
    return {"count": count}


@router.get("/leads/{lead_id}", response=LeadOut)
def read_lead(request: OrgRequest, lead_id: int, response: HttpResponse) -> Lead:
    """The lead, with its version as the ETag to send back in If-Match when changing it."""
    lead = _lead(request, lead_id)
    set_etag(response, lead)
    return lead


@router.patch("/leads/{lead_id}", response=LeadOut)
def update_lead(request: OrgRequest, lead_id: int, payload: LeadPatch, response: HttpResponse) -> Lead:
    """Change only the fields sent; tags, when sent, replace the lead's. With If-Match, a 412 if the
    lead changed since that ETag."""
    lead = access_lead(member=request.member, record_id=lead_id, write=True)
    services.update_lead(
        lead=lead,
        member=request.member,
        data=payload.model_dump(exclude_unset=True),
        expected_version=if_match(request),
    )
    lead = _lead(request, lead_id)
    set_etag(response, lead)
    return lead


@router.delete("/leads/{lead_id}", response={204: None})
def delete_lead(request: OrgRequest, lead_id: int) -> Status[None]:
    """Move the lead to the trash, from where it can be restored; If-Match as for PATCH."""
    lead = access_lead(member=request.member, record_id=lead_id, write=True)
    services.delete_lead(lead=lead, member=request.member, expected_version=if_match(request))
    return Status(204, None)


@router.post("/leads/{lead_id}/status", response=LeadOut)
def change_lead_status(request: OrgRequest, lead_id: int, payload: StatusIn) -> Lead:
    """Move the lead to another status; `disqualified` needs `reason_id`; a converted lead is a 409."""
    lead = access_lead(member=request.member, record_id=lead_id, write=True)
    services.change_status(
        lead=lead,
        member=request.member,
        status=payload.status,
        reason_id=payload.reason_id,
        expected_version=if_match(request),
    )
    return _lead(request, lead_id)


@router.post("/leads/{lead_id}/qualify", response=LeadOut)
def qualify_lead(request: OrgRequest, lead_id: int) -> Lead:
    lead = access_lead(member=request.member, record_id=lead_id, write=True)
    services.qualify_lead(lead=lead, member=request.member, expected_version=if_match(request))
    return _lead(request, lead_id)


@router.post("/leads/{lead_id}/disqualify", response=LeadOut)
def disqualify_lead(request: OrgRequest, lead_id: int, payload: DisqualifyIn) -> Lead:
    lead = access_lead(member=request.member, record_id=lead_id, write=True)
    services.disqualify_lead(
        lead=lead, member=request.member, reason_id=payload.reason_id, expected_version=if_match(request)
    )
    return _lead(request, lead_id)


@router.post("/leads/{lead_id}/first-response", response=LeadOut)
def record_first_response(request: OrgRequest, lead_id: int, payload: FirstResponseIn) -> Lead:
    """Record when the lead was first answered; only the first call sets it (later ones change nothing)."""
    lead = access_lead(member=request.member, record_id=lead_id, write=True)
    services.record_first_response(lead, at=payload.at, by=request.member.user)
    return _lead(request, lead_id)


@router.post("/leads/{lead_id}/convert", response={201: ConversionOut})
def convert_lead(request: OrgRequest, lead_id: int, payload: ConvertIn) -> Status[dict[str, Any]]:
    """Turn a qualified lead into a contact (and a new or existing company) in one transaction; an
    unqualified or already converted lead is a 409 and nothing is written."""
    lead = access_lead(member=request.member, record_id=lead_id, write=True)
    conversion = services.convert_lead(
        lead=lead,
        member=request.member,
        company_id=payload.company_id,
        new_company_name=payload.new_company_name,
        extras=payload.extras,
        expected_version=if_match(request),
    )
    return Status(
        201,
        {
            "lead": _lead(request, lead_id),
            "contact_id": conversion.contact.pk,
            "company_id": conversion.company.pk if conversion.company else None,
        },
    )


@router.get("/lead-reasons", response=list[ReasonOut])
def list_reasons(request: OrgRequest) -> QuerySet[DisqualifyReason]:
    """The organization's reasons for disqualifying a lead, those no longer offered included."""
    return DisqualifyReason.objects.order_by("position", "id")


@router.post(
    "/forms/lead/{token}",
    auth=None,
    response={
        200: PublicSubmissionOut,
        201: PublicSubmissionOut,
        400: PublicSubmissionOut,
        404: PublicSubmissionOut,
        413: PublicSubmissionOut,
        422: dict[str, Any],
        429: PublicSubmissionOut,
    },
    tags=["public lead form"],
)
def public_lead_form(request: HttpRequest, token: str, payload: PublicLeadIn) -> HttpResponse:
    """The organization's public lead form, for a website's own script: no credentials, the token
    from the lead settings page. `name` and `email` or `phone` are required. 201: a lead was made;
    200: the same form was sent again within ten minutes (one lead); 400: refused as automated (the
    `website` field was filled); 404: unknown or disabled token; 413: too large; 422: invalid fields
    (`errors: [{field, message}]`); 429: too many submissions from this address (Retry-After).
    Plain HTML forms post the same fields to `/forms/lead/{token}/` and get a page back (or this
    JSON with `Accept: application/json`); unlike here, unknown fields are kept there, not refused."""
    from kliento.leads.views.public import handle_submission

    return handle_submission(request, token, as_json=True, fields=payload.model_dump())
