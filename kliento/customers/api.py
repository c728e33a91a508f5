"""API of customer cards: contacts, companies, lifecycle, consent, custom fields, tags and search.

Schemas check shapes, types and lengths (a wrong one is a 422 naming the field, unknown fields
included); services check the rules, so the API, pages and imports refuse the same input;
selectors decide what the member may see, and anything else is a plain 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from pydantic import BaseModel

from kliento.api.concurrency import if_match, set_etag
from kliento.core.counting import count_rows
from kliento.core.models import Membership
from kliento.core.pagination import keyset_page
from kliento.customers import selectors, services
from kliento.customers.custom_fields import definitions_for
from kliento.customers.models import (
    Company,
    Consent,
    Contact,
    CustomField,
    LifecycleTransition,
    Tag,
    display_name,
)
from kliento.customers.schemas import (
    BulkIn,
    BulkOut,
    ChannelName,
    CompanyIn,
    CompanyOut,
    CompanyPage,
    CompanyPatch,
    ConsentIn,
    ConsentOut,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    CustomFieldIn,
    CustomFieldOut,
    CustomFieldPatch,
    EntityName,
    ListCount,
    ListParams,
    SearchHitOut,
    SearchParams,
    TagIn,
    TagOut,
    TagPage,
    TagParams,
    TransitionIn,
    TransitionOut,
)
from kliento.customers.search import SearchHit, search_customers

router = Router(tags=["customers"])


def _member(request: HttpRequest) -> Membership:
    return request.member  # type: ignore[attr-defined,no-any-return]


# Lists: rows of only the columns the items show, the tags in one more query, no COUNT.

_ITEM_COLUMNS = ("id", "owner_id", "lifecycle_stage", "custom_fields", "created_at", "updated_at")
_COLUMNS = {
    Contact: (*_ITEM_COLUMNS, "first_name", "last_name", "email", "phone", "company_id", "company__name"),
    Company: (*_ITEM_COLUMNS, "name", "email", "phone", "website"),
}


def _customer_rows(
    request: HttpRequest, model: type[Contact | Company], params: ListParams
) -> tuple[list[dict[str, Any]], str | None]:
    member = _member(request)
    entity = CustomField.Entity.CONTACT if model is Contact else CustomField.Entity.COMPANY
    query = selectors.parse_list_query(entity, request.GET, member=member)
    queryset, ordering = selectors.filtered_customers(query, member=member)
    # The sort columns too: the cursor is made of the last row's values.
    rows = queryset.values(*dict.fromkeys([*_COLUMNS[model], *(name.lstrip("-") for name in ordering)]))
    page = keyset_page(rows, ordering=ordering, cursor=params.cursor, limit=params.limit)
    tags = selectors.tags_of_page(model, [row["id"] for row in page.items])
    for row in page.items:
        row["tags"] = [name for name, _color in tags[row["id"]]]
    return page.items, page.next_cursor


def _customer_count(request: HttpRequest, model: type[Contact | Company]) -> ListCount:
    member = _member(request)
    entity = CustomField.Entity.CONTACT if model is Contact else CustomField.Entity.COMPANY
    query = selectors.parse_list_query(entity, request.GET, member=member)
    queryset, _ordering = selectors.filtered_customers(query, member=member)
    count = count_rows(queryset)
    return ListCount(count=count.value, is_estimate=count.is_estimate)


def _json_response(page: BaseModel) -> HttpResponse:
    return HttpResponse(page.model_dump_json(), content_type="application/json; charset=utf-8")


# Contacts


@router.get("/contacts", response=ContactPage, tags=["contacts"])
def list_contacts(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """The contacts this key or member may see, filtered and sorted as on the list page."""
    rows, next_cursor = _customer_rows(request, Contact, params)
    for row in rows:
        row["full_name"] = display_name(row["first_name"], row["last_name"])
        row["company"] = (
            {"id": row["company_id"], "name": row["company__name"]} if row["company_id"] else None
        )
    return _json_response(ContactPage(items=rows, next_cursor=next_cursor))


@router.get("/contacts/count", response=ListCount, tags=["contacts"])
def count_contacts(request: HttpRequest, params: Query[ListParams]) -> ListCount:
    """How many contacts the list with these filters holds; the list itself never counts."""
    return _customer_count(request, Contact)


@router.post("/contacts", response={201: ContactOut}, tags=["contacts"])
def create_contact(request: HttpRequest, payload: ContactIn) -> Status:
    contact = services.create_contact(member=_member(request), data=payload.model_dump(exclude_unset=True))
    return Status(201, contact)


@router.post("/contacts/bulk", response=BulkOut, tags=["contacts"])
def bulk_contacts(request: HttpRequest, payload: BulkIn) -> dict[str, int]:
    """One action on many visible contacts; each one changed gets its own history entry, and all
    of them one batch id. `reason` goes with a change of stage, as for a single move."""
    count = services.bulk_update_contacts(
        contact_ids=payload.ids,
        member=_member(request),
        action=payload.action,
        value=payload.value,
        reason=payload.reason,
    )
    return {"count": count}


@router.get("/contacts/{contact_id}", response=ContactOut, tags=["contacts"])
def read_contact(request: HttpRequest, contact_id: int, response: HttpResponse) -> Contact:
    """The contact, with its version as the ETag to send back in If-Match when changing it."""
    contact = selectors.access_contact(member=_member(request), contact_id=contact_id)
    set_etag(response, contact)
    return contact


@router.patch("/contacts/{contact_id}", response=ContactOut, tags=["contacts"])
def update_contact(
    request: HttpRequest, contact_id: int, payload: ContactPatch, response: HttpResponse
) -> Contact:
    """Change only the fields sent; emails, phones and tags, when sent, replace their lists. With
    If-Match, a 412 if the contact changed since that ETag."""
    member = _member(request)
    contact = selectors.access_contact(member=member, contact_id=contact_id, write=True)
    contact = services.update_contact(
        contact=contact,
        member=member,
        data=payload.model_dump(exclude_unset=True),
        expected_version=if_match(request),
    )
    set_etag(response, contact)
    return contact


@router.delete("/contacts/{contact_id}", response={204: None}, tags=["contacts"])
def delete_contact(request: HttpRequest, contact_id: int) -> Status:
    """Move the contact to the trash, from where it can be restored; If-Match as for PATCH."""
    member = _member(request)
    contact = selectors.access_contact(member=member, contact_id=contact_id)
    services.delete_customer(customer=contact, member=member, expected_version=if_match(request))
    return Status(204, None)


@router.get("/contacts/{contact_id}/lifecycle", response=list[TransitionOut], tags=["contacts"])
def contact_transitions(request: HttpRequest, contact_id: int) -> QuerySet[LifecycleTransition]:
    return selectors.transitions_of(selectors.access_contact(member=_member(request), contact_id=contact_id))


@router.post("/contacts/{contact_id}/lifecycle", response={201: TransitionOut}, tags=["contacts"])
def change_contact_stage(request: HttpRequest, contact_id: int, payload: TransitionIn) -> Status:
    """Move the contact to another lifecycle stage; a move the rules forbid is a 409."""
    member = _member(request)
    contact = selectors.access_contact(member=member, contact_id=contact_id, write=True)
    return Status(201, _change_stage(request, contact, payload, member))


@router.put("/contacts/{contact_id}/consents/{channel}", response=ConsentOut, tags=["contacts"])
def set_contact_consent(
    request: HttpRequest, contact_id: int, channel: ChannelName, payload: ConsentIn
) -> Consent:
    """Record that the contact gave (or withdrew) consent to be contacted on this channel."""
    member = _member(request)
    contact = selectors.access_contact(member=member, contact_id=contact_id, write=True)
    return services.set_consent(
        contact=contact,
        channel=channel,
        granted=payload.granted,
        method=payload.method,
        note=payload.note,
        member=member,
    )


def _change_stage(
    request: HttpRequest, customer: Contact | Company, payload: TransitionIn, member: Membership
) -> LifecycleTransition:
    return services.change_lifecycle_stage(
        customer=customer,
        to_stage=payload.to_stage,
        reason=payload.reason,
        actor=member.user,
        member=member,
        expected_version=if_match(request),
    )


# Companies


@router.get("/companies", response=CompanyPage, tags=["companies"])
def list_companies(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    rows, next_cursor = _customer_rows(request, Company, params)
    return _json_response(CompanyPage(items=rows, next_cursor=next_cursor))


@router.post("/companies", response={201: CompanyOut}, tags=["companies"])
def create_company(request: HttpRequest, payload: CompanyIn) -> Status:
    company = services.create_company(member=_member(request), data=payload.model_dump(exclude_unset=True))
    return Status(201, company)


@router.get("/companies/count", response=ListCount, tags=["companies"])
def count_companies(request: HttpRequest, params: Query[ListParams]) -> ListCount:
    """How many companies the list with these filters holds; the list itself never counts."""
    return _customer_count(request, Company)


@router.post("/companies/bulk", response=BulkOut, tags=["companies"])
def bulk_companies(request: HttpRequest, payload: BulkIn) -> dict[str, int]:
    """One action on many visible companies, as for contacts."""
    count = services.bulk_update_companies(
        company_ids=payload.ids,
        member=_member(request),
        action=payload.action,
        value=payload.value,
        reason=payload.reason,
    )
    return {"count": count}


@router.get("/companies/{company_id}", response=CompanyOut, tags=["companies"])
def read_company(request: HttpRequest, company_id: int, response: HttpResponse) -> Company:
    """The company, with its version as the ETag to send back in If-Match when changing it."""
    company = selectors.access_company(member=_member(request), company_id=company_id)
    set_etag(response, company)
    return company


@router.patch("/companies/{company_id}", response=CompanyOut, tags=["companies"])
def update_company(
    request: HttpRequest, company_id: int, payload: CompanyPatch, response: HttpResponse
) -> Company:
    """Change only the fields sent; with If-Match, a 412 if the company changed since that ETag."""
    member = _member(request)
    company = selectors.access_company(member=member, company_id=company_id, write=True)
    company = services.update_company(
        company=company,
        member=member,
        data=payload.model_dump(exclude_unset=True),
        expected_version=if_match(request),
    )
    set_etag(response, company)
    return company


@router.delete("/companies/{company_id}", response={204: None}, tags=["companies"])
def delete_company(request: HttpRequest, company_id: int) -> Status:
    member = _member(request)
    company = selectors.access_company(member=member, company_id=company_id)
    services.delete_customer(customer=company, member=member, expected_version=if_match(request))
    return Status(204, None)


@router.get("/companies/{company_id}/lifecycle", response=list[TransitionOut], tags=["companies"])
def company_transitions(request: HttpRequest, company_id: int) -> QuerySet[LifecycleTransition]:
    return selectors.transitions_of(selectors.access_company(member=_member(request), company_id=company_id))


@router.post("/companies/{company_id}/lifecycle", response={201: TransitionOut}, tags=["companies"])
def change_company_stage(request: HttpRequest, company_id: int, payload: TransitionIn) -> Status:
    member = _member(request)
    company = selectors.access_company(member=member, company_id=company_id, write=True)
    return Status(201, _change_stage(request, company, payload, member))


# Custom field definitions


@router.get("/custom-fields", response=list[CustomFieldOut], tags=["custom fields"])
def list_custom_fields(request: HttpRequest, entity: EntityName | None = None) -> list[CustomField]:
    if entity is None:
        return list(CustomField.objects.order_by("entity", "position", "id"))
    return definitions_for(entity)


@router.post("/custom-fields", response={201: CustomFieldOut}, tags=["custom fields"])
def create_custom_field(request: HttpRequest, payload: CustomFieldIn) -> Status:
    data = payload.model_dump(exclude_unset=True)
    return Status(201, services.save_custom_field(member=_member(request), data=data))


@router.patch("/custom-fields/{field_id}", response=CustomFieldOut, tags=["custom fields"])
def update_custom_field(request: HttpRequest, field_id: int, payload: CustomFieldPatch) -> CustomField:
    field = get_object_or_404(CustomField.objects, pk=field_id)
    data = payload.model_dump(exclude_unset=True)
    return services.save_custom_field(member=_member(request), data=data, field=field)


@router.delete("/custom-fields/{field_id}", response={204: None}, tags=["custom fields"])
def delete_custom_field(request: HttpRequest, field_id: int) -> Status:
    field = get_object_or_404(CustomField.objects, pk=field_id)
    services.delete_custom_field(member=_member(request), field=field)
    return Status(204, None)


# Tags


@router.get("/tags", response=TagPage, tags=["tags"])
def list_tags(request: HttpRequest, params: Query[TagParams]) -> dict:
    tags = Tag.objects.all()
    if params.q.strip():
        tags = tags.filter(name__istartswith=params.q.strip())
    page = keyset_page(tags, ordering=["name", "id"], cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/tags", response={201: TagOut}, tags=["tags"])
def create_tag(request: HttpRequest, payload: TagIn) -> Status:
    return Status(201, services.create_tag(member=_member(request), name=payload.name, color=payload.color))


@router.delete("/tags/{tag_id}", response={204: None}, tags=["tags"])
def delete_tag(request: HttpRequest, tag_id: int) -> Status:
    services.delete_tag(member=_member(request), tag=get_object_or_404(Tag.objects, pk=tag_id))
    return Status(204, None)


# Search


@router.get("/search", response=list[SearchHitOut], tags=["search"])
def search(request: HttpRequest, params: Query[SearchParams]) -> list[SearchHit]:
    """Contacts and companies by a fragment of a name, an email or a phone number, best first."""
    if not params.q.strip():
        return []
    return search_customers(params.q, member=_member(request), limit=params.limit)
