"""Request and response bodies of the orders API and the sales settings.

Amounts are decimal strings; a line left without `unit_price` takes the product's price in the
order's currency, without `tax_rate` the organization's default rate. `total`, when sent, is the
total the caller expects: an order whose lines add up to something else is refused (422 naming
`total`) rather than stored.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from ninja import Schema
from pydantic import BaseModel, Field

from kliento.api.pagination import CursorParams
from kliento.api.schemas import InputSchema, RecordId, omittable
from kliento.catalog.schemas import Amount, Rate
from kliento.core.records import tags as record_tags
from kliento.orders.models import MAX_LINES, TEXT_MAX, Order

Currency = Annotated[str, Field(min_length=3, max_length=3)]
ChannelName = Annotated[str, Field(pattern="^(store|online|phone|partner|marketplace|field|other)$")]
NewStatus = Annotated[str, Field(pattern="^(placed|paid|fulfilled)$")]
StatusName = Annotated[str, Field(pattern="^(placed|paid|fulfilled|cancelled|refunded)$")]
Percent = Annotated[Decimal, Field(ge=0, le=100)]


class LineIn(InputSchema):
    product_id: RecordId
    quantity: Decimal = Field(description="More than zero, at most three decimal places")
    unit_price: Decimal | None = Field(None, description="The product's price in the currency if left out")
    discount: Decimal | None = Field(None, description="Per cent, 0 to 100")
    tax_rate: Decimal | None = Field(None, description="Per cent, 0 to 100; the default rate if left out")
    description: str = Field("", max_length=500)


class LineOut(Schema):
    product_id: int
    position: int
    description: str
    quantity: Decimal
    unit_price: Amount
    discount: Decimal
    tax_rate: Decimal
    net: Amount
    tax: Amount
    gross: Amount


class OrderIn(InputSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"notes"})

    contact_id: RecordId | None = None
    company_id: RecordId | None = None
    deal_id: RecordId | None = None
    owner_id: RecordId | None = Field(None, description="The creator if left out")
    currency: Currency | None = Field(None, description="The organization's base currency if left out")
    ordered_on: datetime.date | None = Field(None, description="Today if left out")
    channel: ChannelName | None = None
    status: NewStatus | None = Field(None, description="placed (the default), paid or fulfilled")
    paid_on: datetime.date | None = Field(None, description="For a paid order; its date if left out")
    external_id: str = Field("", max_length=100, description="The order's number in another system")
    notes: str = Field("", max_length=TEXT_MAX)
    tags: list[str] = Field(default_factory=list, max_length=50)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    lines: list[LineIn] = Field(..., min_length=1, max_length=MAX_LINES)
    total: Decimal | None = Field(None, description="The total expected; refused if the lines differ")


class OrderPatch(InputSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"notes"})

    contact_id: RecordId | None = omittable()
    company_id: RecordId | None = omittable()
    deal_id: RecordId | None = omittable()
    owner_id: RecordId | None = omittable()
    currency: Currency = omittable()
    ordered_on: datetime.date = omittable()
    channel: ChannelName = omittable()
    external_id: str = omittable(max_length=100)
    notes: str = omittable(max_length=TEXT_MAX)
    tags: list[str] = omittable(max_length=50)
    custom_fields: dict[str, Any] = omittable()
    lines: list[LineIn] = omittable(min_length=1, max_length=MAX_LINES)
    total: Decimal = omittable()


class StatusIn(InputSchema):
    status: StatusName
    on_date: datetime.date | None = Field(None, description="The payment date, when it becomes paid")


class OrderItem(Schema):
    id: int
    number: int
    ordered_on: datetime.date
    status: str
    channel: str
    contact_id: int | None
    company_id: int | None
    deal_id: int | None
    owner_id: int | None
    currency: str
    total: Amount
    total_base: Amount
    external_id: str
    updated_at: datetime.datetime


class OrderOut(OrderItem):
    paid_on: datetime.date | None
    quote_id: int | None
    rate: Rate
    rounding: str
    subtotal: Amount
    discount_total: Amount
    net_total: Amount
    tax_total: Amount
    notes: str
    custom_fields: dict[str, Any]
    tags: list[str]
    lines: list[LineOut]
    created_at: datetime.datetime

    @staticmethod
    def resolve_tags(order: Order) -> list[str]:
        return record_tags.tag_names(order)

    @staticmethod
    def resolve_lines(order: Order) -> list[Any]:
        return list(order.lines.order_by("position", "id"))


class OrderPage(BaseModel):
    items: list[OrderItem]
    next_cursor: str | None


class ListCount(BaseModel):
    """How many orders a list holds: exact up to a cap (KLIENTO_EXACT_COUNT_CAP), an estimate beyond."""

    count: int
    is_estimate: bool


class OrderParams(CursorParams):
    """The list page's filters; `cf.<key>` and its bounds too."""

    sort: str | None = Field(None, description="-date (the default), date, -total, total, -updated, updated")
    q: str | None = Field(
        None, max_length=100, description="An order number (with or without its prefix) or an external ID"
    )
    month: str | None = Field(None, description="Orders of one month, YYYY-MM")
    ordered_from: str | None = Field(None, description="Ordered on or after, YYYY-MM-DD")
    ordered_to: str | None = Field(None, description="Ordered on or before, YYYY-MM-DD")
    channel: list[str] | None = Field(None, description="Sales channels (repeatable)")
    status: list[str] | None = Field(None, description="Statuses (repeatable)")
    contact: str | None = Field(None, description="Orders of this contact (id)")
    company: str | None = Field(None, description="Orders of this company (id)")
    deal: str | None = Field(None, description="Orders of this deal (id)")
    owner: list[str] | None = Field(None, description='Owner user ids or "me" (repeatable)')
    team: str | None = Field(None, description="Owned by a member of this team (id)")
    tag: list[str] | None = Field(None, description="Carries every one of these tags")


class SalesSettingsOut(Schema):
    rounding: str
    default_tax_rate: Decimal
    quote_valid_days: int
    quote_prefix: str
    order_prefix: str
    activate_on_first_purchase: bool
    loyal_purchases: int
    loyal_window_days: int
    lapse_days: int


class SalesSettingsPatch(InputSchema):
    rounding: Annotated[str, Field(pattern="^(line|total)$")] = omittable()
    default_tax_rate: Percent = omittable()
    quote_valid_days: int = omittable(ge=1, le=3650)
    quote_prefix: str = omittable(max_length=10)
    order_prefix: str = omittable(max_length=10)
    activate_on_first_purchase: bool = omittable()
    loyal_purchases: int = omittable(ge=0, le=1000)
    loyal_window_days: int = omittable(ge=1, le=3650)
    lapse_days: int = omittable(ge=0, le=3650)
