"""The leads API's request and answer shapes."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import BaseModel, Field

from kliento.api.pagination import CursorParams
from kliento.api.schemas import InputSchema, RecordId, omittable
from kliento.leads.models import MESSAGE_MAX, NAME_MAX

# Literals rather than the choices' enums, so OpenAPI lists the values; checked against the models.
SourceName = Literal["web_form", "phone", "email", "chat", "referral", "event", "import", "other"]
StatusName = Literal["new", "contacted", "qualified", "disqualified"]


class Touch(InputSchema):
    source: str = Field("", max_length=200)
    medium: str = Field("", max_length=200)
    campaign: str = Field("", max_length=200)
    term: str = Field("", max_length=200)
    content: str = Field("", max_length=200)


class LeadIn(InputSchema):
    multiline_fields = frozenset({"message"})

    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    company_name: str = Field("", max_length=NAME_MAX)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    message: str = Field("", max_length=MESSAGE_MAX)
    source: SourceName = "other"
    owner_id: RecordId | None = omittable()
    tags: list[str] = Field(default_factory=list, max_length=50)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    first_touch: Touch | None = None
    last_touch: Touch | None = None


class LeadPatch(InputSchema):
    multiline_fields = frozenset({"message"})

    name: str = omittable(min_length=1, max_length=NAME_MAX)
    company_name: str = omittable(max_length=NAME_MAX)
    email: str = omittable(max_length=254)
    phone: str = omittable(max_length=40)
    message: str = omittable(max_length=MESSAGE_MAX)
    source: SourceName = omittable()
    owner_id: RecordId | None = omittable()
    tags: list[str] = omittable(max_length=50)
    custom_fields: dict[str, Any] = omittable()


class StatusIn(InputSchema):
    status: StatusName
    reason_id: RecordId | None = Field(None, description="One of the organization's reasons, to disqualify")


class DisqualifyIn(InputSchema):
    reason_id: RecordId


class FirstResponseIn(InputSchema):
    at: datetime.datetime | None = Field(
        None, description="When the lead was first answered; now if left out"
    )


class ConvertIn(InputSchema):
    company_id: RecordId | None = Field(None, description="An existing company the contact joins")
    new_company_name: str | None = Field(
        None, max_length=NAME_MAX, description="A new company; the lead's company name when both are left out"
    )
    extras: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Conversion options other apps register (e.g. creating a deal)"
    )


class BulkIn(InputSchema):
    ids: list[RecordId] = Field(..., min_length=1, max_length=1000)
    action: Literal["assign_owner", "change_status", "trash"]
    value: RecordId | str | None = None


class BulkOut(Schema):
    count: int


class UserRef(Schema):
    id: int
    full_name: str
    email: str


class ReasonOut(Schema):
    id: int
    label: str
    is_active: bool


class LeadOut(Schema):
    id: int
    name: str
    company_name: str
    email: str
    phone: str
    message: str
    source: str
    status: str
    disqualify_reason: ReasonOut | None
    owner: UserRef | None
    score: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    first_response_at: datetime.datetime | None
    first_touch: dict[str, str]
    last_touch: dict[str, str]
    contact_id: int | None
    company_id: int | None
    converted_at: datetime.datetime | None
    duplicate_of_lead_id: int | None
    duplicate_of_contact_id: int | None
    tags: list[str]
    custom_fields: dict[str, Any]

    @staticmethod
    def resolve_tags(lead: Any) -> list[str]:
        return sorted(tag.name for tag in lead.tags.all())


class LeadItem(BaseModel):
    id: int
    name: str
    company_name: str
    email: str
    phone: str
    source: str
    status: str
    owner_id: int | None
    score: int
    created_at: datetime.datetime
    first_response_at: datetime.datetime | None
    contact_id: int | None


class LeadPage(BaseModel):
    items: list[LeadItem]
    next_cursor: str | None


class ListCount(BaseModel):
    count: int
    is_estimate: bool


class ListParams(CursorParams):
    """The inbox's filters, as on the list page; `cf.<key>` and its bounds too."""

    sort: str | None = Field(
        None, description="waiting (the default), name, score, -score, created, -created, …"
    )
    q: str | None = Field(None, max_length=100, description="A fragment of a name, company, email or phone")
    status: list[str] | None = Field(None, description="Statuses (repeatable)")
    source: list[str] | None = Field(None, description="Sources (repeatable)")
    owner: list[str] | None = Field(None, description='Owner user ids or "me" (repeatable)')
    team: str | None = Field(None, description="Owned by a member of this team (id)")
    tag: list[str] | None = Field(None, description="Carries every one of these tags")
    created_from: str | None = Field(None, description="YYYY-MM-DD")
    created_to: str | None = Field(None, description="YYYY-MM-DD")


class ConversionOut(Schema):
    lead: LeadOut
    contact_id: int
    company_id: int | None


class PublicLeadIn(InputSchema):
    """What a website's script sends to the public form (see webforms.py): `website` must stay
    empty, `utm_*` are the latest visit's campaign parameters and `first_utm_*` the first visit's."""

    multiline_fields = frozenset({"message"})

    name: str = Field("", max_length=NAME_MAX)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    company: str = Field("", max_length=NAME_MAX)
    message: str = Field("", max_length=MESSAGE_MAX)
    website: str = Field("", max_length=200)
    utm_source: str = Field("", max_length=200)
    utm_medium: str = Field("", max_length=200)
    utm_campaign: str = Field("", max_length=200)
    utm_term: str = Field("", max_length=200)
    utm_content: str = Field("", max_length=200)
    first_utm_source: str = Field("", max_length=200)
    first_utm_medium: str = Field("", max_length=200)
    first_utm_campaign: str = Field("", max_length=200)
    first_utm_term: str = Field("", max_length=200)
    first_utm_content: str = Field("", max_length=200)


class PublicSubmissionOut(Schema):
    status: int
    detail: str
