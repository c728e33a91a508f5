"""Request and response bodies of the deals API."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from kliento.api.pagination import CursorParams
from kliento.api.schemas import InputSchema, RecordId, omittable
from kliento.catalog.schemas import Amount, Rate
from kliento.core.records import tags as record_tags
from kliento.deals.models import Deal, StageKind

Currency = Annotated[str, Field(min_length=3, max_length=3)]
StageKindName = Annotated[str, Field(pattern="^(open|won|lost)$")]


class LineIn(InputSchema):
    product_id: RecordId
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = Decimal(0)


class LineOut(Schema):
    product_id: int
    quantity: Decimal
    unit_price: Amount
    discount: Decimal
    amount: Amount


class DealIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    amount: Decimal = Decimal(0)
    currency: Currency | None = None
    expected_close_on: datetime.date | None = None
    owner_id: RecordId | None = None
    contact_id: RecordId | None = None
    company_id: RecordId | None = None
    pipeline_id: RecordId | None = None
    stage_id: RecordId | None = None
    description: str = Field("", max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=50)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    lines: list[LineIn] = Field(default_factory=list, max_length=200)


class DealPatch(InputSchema):
    title: str = omittable(min_length=1, max_length=200)
    amount: Decimal = omittable()
    currency: Currency = omittable()
    expected_close_on: datetime.date | None = omittable()
    owner_id: RecordId | None = omittable()
    contact_id: RecordId | None = omittable()
    company_id: RecordId | None = omittable()
    description: str = omittable(max_length=5000)
    tags: list[str] = omittable(max_length=50)
    custom_fields: dict[str, Any] = omittable()
    lines: list[LineIn] = omittable(max_length=200)


class MoveIn(InputSchema):
    stage_id: RecordId
    after_id: RecordId | None = Field(None, description="The card above the deal's new place; none: the top")
    lost_reason_id: RecordId | None = Field(None, description="Required to move into a lost stage")


class LostIn(InputSchema):
    lost_reason_id: RecordId


class DealItem(Schema):
    id: int
    title: str
    pipeline_id: int
    stage_id: int
    position: int
    status: str
    amount: Amount
    currency: str
    rate: Rate
    amount_base: Amount
    expected_close_on: datetime.date | None
    owner_id: int | None
    contact_id: int | None
    company_id: int | None
    updated_at: datetime.datetime


class DealOut(DealItem):
    lost_reason_id: int | None
    closed_on: datetime.date | None
    stage_changed_at: datetime.datetime | None
    description: str
    custom_fields: dict[str, Any]
    tags: list[str]
    lines: list[LineOut]
    created_at: datetime.datetime

    @staticmethod
    def resolve_tags(deal: Deal) -> list[str]:
        return record_tags.tag_names(deal)

    @staticmethod
    def resolve_lines(deal: Deal) -> list[Any]:
        return list(deal.lines.order_by("position", "id"))


class DealPage(Schema):
    items: list[DealItem]
    next_cursor: str | None


class DealParams(CursorParams):
    pipeline: int | None = Field(None, ge=1, le=2**63 - 1)
    stage: int | None = Field(None, ge=1, le=2**63 - 1)
    status: StageKindName | None = None
    owner: int | None = Field(None, ge=1, le=2**63 - 1)
    company: int | None = Field(None, ge=1, le=2**63 - 1)
    contact: int | None = Field(None, ge=1, le=2**63 - 1)


class StageChangeOut(Schema):
    id: int
    from_stage_id: int | None
    to_stage_id: int
    created_at: datetime.datetime
    created_by_id: int | None


class StageIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: StageKindName = StageKind.OPEN.value
    position: int | None = Field(None, ge=0, le=10_000)
    probability: int = Field(0, ge=0, le=100)
    stale_after_days: int | None = Field(None, ge=1, le=3650)


class StagePatch(InputSchema):
    name: str = omittable(min_length=1, max_length=100)
    kind: StageKindName = omittable()
    position: int = omittable(ge=0, le=10_000)
    probability: int = omittable(ge=0, le=100)
    stale_after_days: int | None = omittable(ge=1, le=3650)


class StageOut(Schema):
    id: int
    pipeline_id: int
    name: str
    kind: str
    position: int
    probability: int
    stale_after_days: int | None


class PipelineIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    is_default: bool = False
    stages: list[StageIn] = Field(default_factory=list, max_length=50)


class PipelinePatch(InputSchema):
    name: str = omittable(min_length=1, max_length=100)
    is_default: bool = omittable()
    position: int = omittable(ge=0, le=10_000)


class PipelineOut(Schema):
    id: int
    name: str
    is_default: bool
    position: int
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(pipeline: Any) -> list[Any]:
        return list(pipeline.stages.order_by("position", "id"))


class LostReasonIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    is_active: bool = True


class LostReasonPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=100)
    is_active: bool = omittable()
    position: int = omittable(ge=0, le=10_000)


class LostReasonOut(Schema):
    id: int
    name: str
    is_active: bool
    position: int


class BoardParams(Schema):
    per_column: int = Field(20, ge=1, le=100)
    owner: int | None = Field(None, ge=1, le=2**63 - 1)


class BoardColumnOut(Schema):
    stage: StageOut
    count: int
    total_base: Amount
    deals: list[dict[str, Any]]


class BoardOut(Schema):
    pipeline_id: int
    base_currency: str
    columns: list[BoardColumnOut]
