"""API of customer cards: contacts, companies, lifecycle, consent, custom fields, tags and search.

Schemas check shapes, types and lengths (a wrong one is a 422 naming the field, unknown fields
included); services check the rules, so the API, pages and imports refuse the same input;
selectors decide what the member may see, and anything else is a plain 404.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from typing import Annotated, Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from kliento.api.pagination import CursorParams, keyset_page
from kliento.core.models import LANGUAGE_CHOICES, Membership
from kliento.customers import selectors, services
from kliento.customers.custom_fields import definitions_for
from kliento.customers.models import (
    NAME_MAX,
    TEXT_MAX,
    Channel,
    Company,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomField,
    LifecycleStage,
    LifecycleTransition,
    Source,
    Tag,
    display_name,
)
from kliento.customers.search import MAX_LIMIT as SEARCH_MAX_LIMIT
from kliento.customers.search import MAX_QUERY_LENGTH, SearchHit, search_customers

router = Router(tags=["customers"])


def _member(request: HttpRequest) -> Membership:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _one_of(values: list[str], *, blank: bool = False) -> Any:
    return Literal[tuple(([""] if blank else []) + values)]  # type: ignore[valid-type]


StageName = _one_of(LifecycleStage.values)
SourceName = _one_of(Source.values, blank=True)
ChannelName = _one_of(Channel.values)
LanguageName = _one_of([code for code, _name in LANGUAGE_CHOICES], blank=True)
EntityName = _one_of(CustomField.Entity.values)
FieldTypeName = _one_of(CustomField.FieldType.values)

_SCALARS = (str, int, float, bool)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, _SCALARS) and not (isinstance(value, float) and not math.isfinite(value))


def _custom_value(value: Any) -> Any:
    """One custom field value as JSON carries it; its type is checked against the definition later."""
    if value is None or _is_scalar(value):
        return value
    if isinstance(value, list) and all(_is_scalar(item) for item in value):
        return value
    raise PydanticCustomError(
        "custom_value", _("Use text, a number, true or false, null, or a list of these.")
    )


_SCALAR_SCHEMA: list[dict[str, Any]] = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]
CustomValue = Annotated[
    Any,
    PlainValidator(_custom_value),
    WithJsonSchema(
        {"anyOf": [*_SCALAR_SCHEMA, {"type": "null"}, {"type": "array", "items": {"anyOf": _SCALAR_SCHEMA}}]}
    ),
]
CustomValues = dict[str, CustomValue]
TagName = Annotated[str, Field(min_length=1, max_length=60)]


# Input: each field left out stays as it is (on create: the default); null only where it clears.


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class EmailIn(InputSchema):
    email: str = Field(..., max_length=254)
    label: _one_of(ContactEmail.Label.values) = ContactEmail.Label.WORK.value  # type: ignore[valid-type]
    is_primary: StrictBool = False


class PhoneIn(InputSchema):
    number: str = Field(..., max_length=40, description="In any format; national numbers are read in "
                        "the organization's default region and stored as E.164.")  # fmt: skip
    label: _one_of(ContactPhone.Label.values) = ContactPhone.Label.MOBILE.value  # type: ignore[valid-type]
    is_primary: StrictBool = False


class CustomerFields(InputSchema):
    source: SourceName = Field(None)
    owner_id: StrictInt | None = None
    street: str = Field(None, max_length=200)
    city: str = Field(None, max_length=100)
    region: str = Field(None, max_length=100)
    postal_code: str = Field(None, max_length=20)
    country: str = Field(None, pattern=r"^([A-Za-z]{2})?$", description="Two-letter code, e.g. DE")
    description: str = Field(None, max_length=TEXT_MAX)
    tags: list[TagName] = Field(None, max_length=50, description="Tag names; replaces the list.")
    custom_fields: CustomValues = Field(None, description="Values by key; null or empty removes one.")


class ContactFields(CustomerFields):
    first_name: str = Field(None, max_length=NAME_MAX)
    last_name: str = Field(None, max_length=NAME_MAX)
    company_id: StrictInt | None = None
    job_title: str = Field(None, max_length=100)
    birthday: datetime.date | None = None
    preferred_language: LanguageName = Field(None)
    preferred_channel: _one_of(Channel.values, blank=True) = Field(None)  # type: ignore[valid-type]
    emails: list[EmailIn] = Field(None, max_length=services.MAX_EMAILS, description="Replaces the list.")
    phones: list[PhoneIn] = Field(None, max_length=services.MAX_PHONES, description="Replaces the list.")


class ContactIn(ContactFields):
    lifecycle_stage: StageName = Field(None)


class ContactPatch(ContactFields):
    pass


class CompanyFields(CustomerFields):
    name: str = Field(None, min_length=1, max_length=NAME_MAX)
    website: str = Field(None, max_length=200)
    industry: str = Field(None, max_length=100)
    employees: StrictInt | None = Field(None, ge=0, le=2_147_483_647)
    email: str = Field(None, max_length=254)
    phone: str = Field(None, max_length=40)


class CompanyIn(CompanyFields):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    lifecycle_stage: StageName = Field(None)


class CompanyPatch(CompanyFields):
    pass


class TransitionIn(InputSchema):
    to_stage: StageName
    reason: str = Field("", max_length=500)


class ConsentIn(InputSchema):
    granted: StrictBool
    method: _one_of(Consent.Method.values) = Consent.Method.API.value  # type: ignore[valid-type]
    note: str = Field("", max_length=300)


class CustomFieldPatch(InputSchema):
    label: str = Field(None, min_length=1, max_length=100)
    choices: list[Annotated[str, Field(max_length=100)]] = Field(None, max_length=200)
    is_required: StrictBool = Field(None)
    is_unique: StrictBool = Field(None)
    position: StrictInt = Field(None, ge=0, le=32767)
    help_text: str = Field(None, max_length=200)


class CustomFieldIn(CustomFieldPatch):
    # Entity, key and type are fixed once values exist under them, so only creation sets them.
    entity: EntityName
    key: str = Field(..., min_length=1, max_length=50, description="Letters, digits, - and _")
    label: str = Field(..., min_length=1, max_length=100)
    field_type: FieldTypeName


class TagIn(InputSchema):
    name: TagName
    color: str = Field("#6c757d", pattern=r"^#[0-9a-fA-F]{6}$")


class ListParams(CursorParams):
    """The list's filters, as on the list pages; `cf.<key>`, `cf.<key>.min` and `cf.<key>.max` too."""

    sort: str | None = Field(None, description="name, -name, created, -created, updated, -updated, cf.<key>")
    stage: list[str] | None = Field(None, description="Lifecycle stages (repeatable)")
    owner: list[str] | None = Field(None, description='Owner user ids or "me" (repeatable)')
    team: str | None = Field(None, description="Owned by a member of this team (id)")
    tag: list[str] | None = Field(None, description="Carries every one of these tags")
    company: str | None = Field(None, description="Contacts of this company (id)")
    source: list[str] | None = Field(None, description="Sources (repeatable)")
    created_from: str | None = Field(None, description="YYYY-MM-DD")
    created_to: str | None = Field(None, description="YYYY-MM-DD")
    updated_from: str | None = Field(None, description="YYYY-MM-DD")
    updated_to: str | None = Field(None, description="YYYY-MM-DD")


class TagParams(CursorParams):
    q: str = Field("", max_length=60, description="Names starting with this")


class SearchParams(Schema):
    q: str = Field("", max_length=MAX_QUERY_LENGTH)
    limit: int = Field(10, ge=1, le=SEARCH_MAX_LIMIT)


# Output


class UserRef(Schema):
    id: int
    email: str
    full_name: str


class CompanyRef(BaseModel):  # plain pydantic: list items carry it too
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class EmailOut(Schema):
    email: str
    label: str
    is_primary: bool


class PhoneOut(Schema):
    number: str
    label: str
    is_primary: bool


class ConsentOut(Schema):
    channel: str
    status: str
    method: str
    note: str
    changed_at: datetime.datetime


class TransitionOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    reason: str
    rule: str
    created_at: datetime.datetime
    created_by: UserRef | None


class CustomerDetail(Schema):
    id: int
    owner_id: int | None
    owner: UserRef | None
    lifecycle_stage: str
    source: str
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    description: str
    tags: list[str]
    custom_fields: dict[str, Any]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_tags(customer: Contact | Company) -> list[str]:
        return sorted(tag.name for tag in customer.tags.all())


class ContactOut(CustomerDetail):
    first_name: str
    last_name: str
    full_name: str
    company: CompanyRef | None
    job_title: str
    birthday: datetime.date | None
    preferred_language: str
    preferred_channel: str
    email: str
    phone: str
    emails: list[EmailOut]
    phones: list[PhoneOut]
    consents: list[ConsentOut]

    @staticmethod
    def resolve_emails(contact: Contact) -> QuerySet[ContactEmail]:
        return contact.emails.order_by("-is_primary", "id")

    @staticmethod
    def resolve_phones(contact: Contact) -> QuerySet[ContactPhone]:
        return contact.phones.order_by("-is_primary", "id")

    @staticmethod
    def resolve_consents(contact: Contact) -> QuerySet[Consent]:
        return contact.consents.order_by("channel")


class CompanyTotals(Schema):
    contacts: int
    active: int
    leads: int


class CompanyOut(CustomerDetail):
    name: str
    email: str
    phone: str
    website: str
    industry: str
    employees: int | None
    totals: CompanyTotals

    @staticmethod
    def resolve_totals(company: Company) -> dict[str, Any]:
        return selectors.company_totals(company)


# List items are validated from plain rows by pydantic alone, without Ninja's per-attribute ORM
# getter, and written as JSON by pydantic: lists are the busiest endpoints.

_JSON = DjangoJSONEncoder()
# Moments written exactly as on every other endpoint (Django's JSON encoder).
Moment = Annotated[
    datetime.datetime,
    PlainSerializer(_JSON.default, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class CustomerItem(BaseModel):
    id: int
    owner_id: int | None
    lifecycle_stage: str
    tags: list[str]
    custom_fields: dict[str, Any]
    created_at: Moment
    updated_at: Moment


class ContactItem(CustomerItem):
    first_name: str
    last_name: str
    full_name: str
    email: str
    phone: str
    company: CompanyRef | None


class CompanyItem(CustomerItem):
    name: str
    email: str
    phone: str
    website: str


class ContactPage(BaseModel):
    items: list[ContactItem]
    next_cursor: str | None


class CompanyPage(BaseModel):
    items: list[CompanyItem]
    next_cursor: str | None


class CustomFieldOut(Schema):
    id: int
    entity: str
    key: str
    label: str
    field_type: str
    choices: list[str]
    is_required: bool
    is_unique: bool
    position: int
    help_text: str


class TagOut(Schema):
    id: int
    name: str
    color: str


class TagPage(Schema):
    items: list[TagOut]
    next_cursor: str | None


class SearchHitOut(Schema):
    kind: Literal["contact", "company"]
    id: int
    title: str
    subtitle: str
    stage: str
    score: float
    url: str = Field(..., description="Path of the card page")


# Lists: rows of only the columns the items show, the tags in one more query, no COUNT.

_ITEM_COLUMNS = ("id", "owner_id", "lifecycle_stage", "custom_fields", "created_at", "updated_at")
_COLUMNS = {
    Contact: (*_ITEM_COLUMNS, "first_name", "last_name", "email", "phone", "company_id", "company__name"),
    Company: (*_ITEM_COLUMNS, "name", "email", "phone", "website"),
}


def _tag_names(model: type[Contact | Company], ids: list[int]) -> dict[int, list[str]]:
    link = "contact_id" if model is Contact else "company_id"
    # The link table has no organization of its own: the ids come from the member's visible rows.
    rows = model.tags.through.objects.filter(**{f"{link}__in": ids}).order_by("tag__name")
    names: dict[int, list[str]] = defaultdict(list)
    for record_id, name in rows.values_list(link, "tag__name"):
        names[record_id].append(name)
    return names


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
    tags = _tag_names(model, [row["id"] for row in page.items])
    for row in page.items:
        row["tags"] = tags.get(row["id"], [])
    return page.items, page.next_cursor


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


@router.post("/contacts", response={201: ContactOut}, tags=["contacts"])
def create_contact(request: HttpRequest, payload: ContactIn) -> Status:
    contact = services.create_contact(member=_member(request), data=payload.model_dump(exclude_unset=True))
    return Status(201, contact)


@router.get("/contacts/{contact_id}", response=ContactOut, tags=["contacts"])
def read_contact(request: HttpRequest, contact_id: int) -> Contact:
    return selectors.access_contact(member=_member(request), contact_id=contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut, tags=["contacts"])
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Contact:
    """Change only the fields sent; emails, phones and tags, when sent, replace their lists."""
    member = _member(request)
    contact = selectors.access_contact(member=member, contact_id=contact_id, write=True)
    return services.update_contact(
        contact=contact, member=member, data=payload.model_dump(exclude_unset=True)
    )


@router.delete("/contacts/{contact_id}", response={204: None}, tags=["contacts"])
def delete_contact(request: HttpRequest, contact_id: int) -> Status:
    """Move the contact to the trash, from where it can be restored."""
    member = _member(request)
    contact = selectors.access_contact(member=member, contact_id=contact_id)
    services.delete_customer(customer=contact, member=member)
    return Status(204, None)


@router.get("/contacts/{contact_id}/lifecycle", response=list[TransitionOut], tags=["contacts"])
def contact_transitions(request: HttpRequest, contact_id: int) -> QuerySet[LifecycleTransition]:
    return selectors.transitions_of(selectors.access_contact(member=_member(request), contact_id=contact_id))


@router.post("/contacts/{contact_id}/lifecycle", response={201: TransitionOut}, tags=["contacts"])
def change_contact_stage(request: HttpRequest, contact_id: int, payload: TransitionIn) -> Status:
    """Move the contact to another lifecycle stage; a move the rules forbid is a 409."""
    member = _member(request)
    contact = selectors.access_contact(member=member, contact_id=contact_id, write=True)
    return Status(201, _change_stage(contact, payload, member))


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
    customer: Contact | Company, payload: TransitionIn, member: Membership
) -> LifecycleTransition:
    return services.change_lifecycle_stage(
        customer=customer, to_stage=payload.to_stage, reason=payload.reason, actor=member.user, member=member
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


@router.get("/companies/{company_id}", response=CompanyOut, tags=["companies"])
def read_company(request: HttpRequest, company_id: int) -> Company:
    return selectors.access_company(member=_member(request), company_id=company_id)


@router.patch("/companies/{company_id}", response=CompanyOut, tags=["companies"])
def update_company(request: HttpRequest, company_id: int, payload: CompanyPatch) -> Company:
    member = _member(request)
    company = selectors.access_company(member=member, company_id=company_id, write=True)
    return services.update_company(
        company=company, member=member, data=payload.model_dump(exclude_unset=True)
    )


@router.delete("/companies/{company_id}", response={204: None}, tags=["companies"])
def delete_company(request: HttpRequest, company_id: int) -> Status:
    member = _member(request)
    company = selectors.access_company(member=member, company_id=company_id)
    services.delete_customer(customer=company, member=member)
    return Status(204, None)


@router.get("/companies/{company_id}/lifecycle", response=list[TransitionOut], tags=["companies"])
def company_transitions(request: HttpRequest, company_id: int) -> QuerySet[LifecycleTransition]:
    return selectors.transitions_of(selectors.access_company(member=_member(request), company_id=company_id))


@router.post("/companies/{company_id}/lifecycle", response={201: TransitionOut}, tags=["companies"])
def change_company_stage(request: HttpRequest, company_id: int, payload: TransitionIn) -> Status:
    member = _member(request)
    company = selectors.access_company(member=member, company_id=company_id, write=True)
    return Status(201, _change_stage(company, payload, member))


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
