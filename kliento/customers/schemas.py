"""The customers API's input and output shapes: what callers send and what they get back."""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from kliento.api.pagination import CursorParams
from kliento.api.schemas import InputSchema, RecordId, omittable
from kliento.core.models import LANGUAGE_CHOICES
from kliento.customers import selectors, services
from kliento.customers.models import (
    NAME_MAX,
    TEXT_MAX,
    Channel,
    Company,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    LifecycleStage,
    Source,
)
from kliento.customers.search import MAX_QUERY_LENGTH


def _one_of(values: list[str], *, blank: bool = False) -> Any:
    return Literal[tuple(([""] if blank else []) + values)]


if TYPE_CHECKING:
    # The allowed values come from the models' choices at run time; to the type checker they are text.
    StageName = str
    SourceName = str
    ChannelName = str
    LanguageName = str
    EmailLabelName = str
    PhoneLabelName = str
    ChannelOrBlank = str
    ConsentMethodName = str
else:
    StageName = _one_of(LifecycleStage.values)
    SourceName = _one_of(Source.values, blank=True)
    ChannelName = _one_of(Channel.values)
    LanguageName = _one_of([code for code, _name in LANGUAGE_CHOICES], blank=True)
    EmailLabelName = _one_of(ContactEmail.Label.values)
    PhoneLabelName = _one_of(ContactPhone.Label.values)
    ChannelOrBlank = _one_of(Channel.values, blank=True)
    ConsentMethodName = _one_of(Consent.Method.values)

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


class EmailIn(InputSchema):
    email: str = Field(..., max_length=254)
    label: EmailLabelName = ContactEmail.Label.WORK.value
    is_primary: StrictBool = False


class PhoneIn(InputSchema):
    number: str = Field(..., max_length=40, description="In any format; national numbers are read in "
                        "the organization's default region and stored as E.164.")  # fmt: skip
    label: PhoneLabelName = ContactPhone.Label.MOBILE.value
    is_primary: StrictBool = False


class CustomerFields(InputSchema):
    source: SourceName = omittable()
    owner_id: RecordId | None = None
    street: str = omittable(max_length=200)
    city: str = omittable(max_length=100)
    region: str = omittable(max_length=100)
    postal_code: str = omittable(max_length=20)
    country: str = omittable(pattern=r"^([A-Za-z]{2})?$", description="Two-letter code, e.g. DE")
    description: str = omittable(max_length=TEXT_MAX)
    tags: list[TagName] = omittable(max_length=50, description="Tag names; replaces the list.")
    custom_fields: CustomValues = omittable(description="Values by key; null or empty removes one.")


class ContactFields(CustomerFields):
    first_name: str = omittable(max_length=NAME_MAX)
    last_name: str = omittable(max_length=NAME_MAX)
    company_id: RecordId | None = None
    job_title: str = omittable(max_length=100)
    birthday: datetime.date | None = None
    preferred_language: LanguageName = omittable()
    preferred_channel: ChannelOrBlank = omittable()
    emails: list[EmailIn] = omittable(max_length=services.MAX_EMAILS, description="Replaces the list.")
    phones: list[PhoneIn] = omittable(max_length=services.MAX_PHONES, description="Replaces the list.")


class ContactIn(ContactFields):
    lifecycle_stage: StageName = omittable()


class ContactPatch(ContactFields):
    pass


class CompanyFields(CustomerFields):
    name: str = omittable(min_length=1, max_length=NAME_MAX)
    website: str = omittable(max_length=200)
    industry: str = omittable(max_length=100)
    employees: StrictInt | None = Field(None, ge=0, le=2_147_483_647)
    email: str = omittable(max_length=254)
    phone: str = omittable(max_length=40)


class CompanyIn(CompanyFields):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    lifecycle_stage: StageName = omittable()


class CompanyPatch(CompanyFields):
    pass


class TransitionIn(InputSchema):
    to_stage: StageName
    reason: str = Field("", max_length=500)


BULK_VALUE_TYPES: dict[str, type] = {
    "assign_owner": int,
    "add_tag": str,
    "remove_tag": str,
    "change_stage": str,
}


class BulkIn(InputSchema):
    """One action on a selection: `value` is the new owner's user id, the tag's name or the stage."""

    ids: list[RecordId] = Field(..., min_length=1, max_length=1000)
    action: Literal["assign_owner", "add_tag", "remove_tag", "change_stage", "trash"]
    value: RecordId | str | None = Field(None, validate_default=True)
    reason: str = Field("", max_length=500)

    @field_validator("value")
    @classmethod
    def _value_fits_action(cls, value: Any, info: ValidationInfo) -> Any:
        wanted = BULK_VALUE_TYPES.get(info.data.get("action", ""))
        if wanted is not None and not isinstance(value, wanted):
            raise PydanticCustomError("value", _("This action needs a value."))
        if info.data.get("action") == "change_stage" and value not in LifecycleStage.values:
            raise PydanticCustomError("value", _("Unknown lifecycle stage."))
        return value


class BulkOut(Schema):
    count: int


class ConsentIn(InputSchema):
    granted: StrictBool
    method: ConsentMethodName = Consent.Method.API.value
    note: str = Field("", max_length=300)


class TagIn(InputSchema):
    name: TagName
    color: str = Field("#6c757d", pattern=r"^#[0-9a-fA-F]{6}$")


class ListParams(CursorParams):
    """The list's filters, as on the list pages; `cf.<key>`, `cf.<key>.min` and `cf.<key>.max` too."""

    sort: str | None = Field(None, description="name, -name, created, -created, updated, -updated, cf.<key>")
    q: str | None = Field(
        None,
        max_length=MAX_QUERY_LENGTH,
        description="Text as in the global search (a fragment of a name, an email, phone digits), "
        "combined with the other filters",
    )
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
    def resolve_totals(company: Company, context: dict[str, Any]) -> dict[str, Any]:
        return selectors.company_totals(company, member=context["request"].member)


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


class ListCount(BaseModel):
    """How many records a list holds: exact up to a cap (KLIENTO_EXACT_COUNT_CAP), an estimate beyond."""

    count: int
    is_estimate: bool


class ContactPage(BaseModel):
    items: list[ContactItem]
    next_cursor: str | None


class CompanyPage(BaseModel):
    items: list[CompanyItem]
    next_cursor: str | None


class TagOut(Schema):
    id: int
    name: str
    color: str


class TagPage(Schema):
    items: list[TagOut]
    next_cursor: str | None
