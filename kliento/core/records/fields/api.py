"""API of custom field definitions, for every kind of record that has custom fields."""

from __future__ import annotations

from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from kliento.api.schemas import CheckedTextSchema, InputSchema, omittable
from kliento.core.records.fields import services
from kliento.core.records.fields.models import KIND_MAX, CustomField
from kliento.core.records.fields.values import definitions_for, kinds_with_custom_fields
from kliento.core.requests import OrgRequest

router = Router(tags=["custom fields"])


class CustomFieldPatch(InputSchema):
    label: str = omittable(min_length=1, max_length=100)
    choices: list[Annotated[str, Field(max_length=100)]] = omittable(max_length=200)
    is_required: StrictBool = omittable()
    is_unique: StrictBool = omittable()
    position: StrictInt = omittable(ge=0, le=32767)
    help_text: str = omittable(max_length=200)


class CustomFieldIn(CustomFieldPatch):
    # Kind, key and type are fixed once values exist under them, so only creation sets them. Kinds
    # and types are registries that apps fill, so the service, not a fixed list, checks them.
    entity: str = Field(
        ..., min_length=1, max_length=KIND_MAX, description="The kind of record: contact, company, …"
    )
    key: str = Field(..., min_length=1, max_length=50, description="Letters, digits, - and _")
    label: str = Field(..., min_length=1, max_length=100)
    field_type: str = Field(
        ...,
        min_length=1,
        max_length=20,
        description="text, number, decimal, date, boolean, choice, multi_choice, or a type an app adds",
    )


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


class CustomFieldParams(CheckedTextSchema):
    entity: str | None = Field(None, max_length=KIND_MAX, description="Only this kind's fields")


@router.get("/custom-fields", response=list[CustomFieldOut])
def list_custom_fields(request: OrgRequest, params: Query[CustomFieldParams]) -> list[CustomField]:
    entity = params.entity
    if entity is None:
        return list(CustomField.objects.order_by("entity", "position", "id"))
    if entity not in {kind.key for kind in kinds_with_custom_fields()}:
        return []
    return definitions_for(entity)


@router.post("/custom-fields", response={201: CustomFieldOut})
def create_custom_field(request: OrgRequest, payload: CustomFieldIn) -> Status[CustomField]:
    data = payload.model_dump(exclude_unset=True)
    return Status(201, services.save_custom_field(member=request.member, data=data))


@router.patch("/custom-fields/{field_id}", response=CustomFieldOut)
def update_custom_field(request: OrgRequest, field_id: int, payload: CustomFieldPatch) -> CustomField:
    field = get_object_or_404(CustomField.objects, pk=field_id)
    data = payload.model_dump(exclude_unset=True)
    return services.save_custom_field(member=request.member, data=data, field=field)


@router.delete("/custom-fields/{field_id}", response={204: None})
def delete_custom_field(request: OrgRequest, field_id: int) -> Status[None]:
    field = get_object_or_404(CustomField.objects, pk=field_id)
    services.delete_custom_field(member=request.member, field=field)
    return Status(204, None)
