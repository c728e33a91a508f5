"""Request and response bodies of the quotes API. Amounts are decimal strings in answers and may be
sent as strings or numbers; the services check them, naming the field (`lines.0.quantity`)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from ninja import Schema
from pydantic import Field

from kliento.api.pagination import CursorParams
from kliento.api.schemas import InputSchema, RecordId, omittable
from kliento.catalog.schemas import Amount, Currency, Rate
from kliento.core.records import tags as record_tags
from kliento.orders.models import TEXT_MAX, Quote
from kliento.orders.quote_selectors import lines_of

QuoteStatusName = Annotated[str, Field(pattern="^(draft|sent|accepted|declined|expired)$")]
Language = Annotated[str, Field(min_length=2, max_length=10)]
Percent = Annotated[Decimal, Field(ge=0, le=100)]
ID_BOUND = 2**63 - 1


class QuoteLineIn(InputSchema):
    product_id: RecordId
    quantity: Decimal
    unit_price: Decimal | None = Field(None, description="Left out: the product's price in the currency")
    discount: Percent = Decimal(0)
    tax_rate: Percent | None = Field(None, description="Left out: the organization's default tax rate")
    description: str = Field("", max_length=500)


class QuoteLineOut(Schema):
    id: int
    position: int
    product_id: int
    description: str
    quantity: Decimal
    unit_price: Amount
    discount: Decimal
    tax_rate: Decimal
    net: Amount
    tax: Amount
    gross: Amount


class QuoteIn(InputSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"notes", "terms"})

    contact_id: RecordId | None = None
    company_id: RecordId | None = None
    deal_id: RecordId | None = None
    owner_id: RecordId | None = None
    currency: Currency | None = None
    issued_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    language: Language | None = Field(None, description="Left out: the contact's preferred language")
    notes: str = Field("", max_length=TEXT_MAX)
    terms: str = Field("", max_length=TEXT_MAX)
    tags: list[str] = Field(default_factory=list, max_length=50)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    lines: list[QuoteLineIn] = Field(..., min_length=1, max_length=200)
    total: Decimal | None = Field(None, description="The total the lines must add up to, if given")


class QuotePatch(InputSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"notes", "terms"})

    contact_id: RecordId | None = omittable()
    company_id: RecordId | None = omittable()
    deal_id: RecordId | None = omittable()
    owner_id: RecordId | None = omittable()
    currency: Currency = omittable()
    issued_on: datetime.date = omittable()
    valid_until: datetime.date = omittable()
    language: Language = omittable()
    notes: str = omittable(max_length=TEXT_MAX)
    terms: str = omittable(max_length=TEXT_MAX)
    tags: list[str] = omittable(max_length=50)
    custom_fields: dict[str, Any] = omittable()
    lines: list[QuoteLineIn] = omittable(min_length=1, max_length=200)
    total: Decimal = omittable()


class QuoteFromDealIn(InputSchema):
    """What a quote made from a deal takes besides the deal's customer, currency and lines."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"notes", "terms"})

    issued_on: datetime.date = omittable()
    valid_until: datetime.date = omittable()
    language: Language = omittable()
    owner_id: RecordId = omittable()
    notes: str = omittable(max_length=TEXT_MAX)
    terms: str = omittable(max_length=TEXT_MAX)


class QuoteStatusIn(InputSchema):
    status: QuoteStatusName


class OrderFromQuoteIn(InputSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"notes"})

    ordered_on: datetime.date = omittable()
    channel: str = omittable(max_length=12)
    external_id: str = omittable(max_length=100)
    notes: str = omittable(max_length=TEXT_MAX)


class QuoteItem(Schema):
    id: int
    number: int
    status: str
    issued_on: datetime.date
    valid_until: datetime.date
    contact_id: int | None
    company_id: int | None
    deal_id: int | None
    owner_id: int | None
    currency: str
    total: Amount
    total_base: Amount
    updated_at: datetime.datetime


class QuoteOut(QuoteItem):
    language: str
    rate: Rate
    rounding: str
    subtotal: Amount
    discount_total: Amount
    net_total: Amount
    tax_total: Amount
    status_changed_on: datetime.date | None
    notes: str
    terms: str
    custom_fields: dict[str, Any]
    tags: list[str]
    lines: list[QuoteLineOut]
    created_at: datetime.datetime

    @staticmethod
    def resolve_tags(quote: Quote) -> list[str]:
        return record_tags.tag_names(quote)

    @staticmethod
    def resolve_lines(quote: Quote) -> list[Any]:
        return list(lines_of(quote))


class QuotePage(Schema):
    items: list[QuoteItem]
    next_cursor: str | None


class QuoteParams(CursorParams):
    status: QuoteStatusName | None = None
    contact: int | None = Field(None, ge=1, le=ID_BOUND)
    company: int | None = Field(None, ge=1, le=ID_BOUND)
    deal: int | None = Field(None, ge=1, le=ID_BOUND)
    owner: int | None = Field(None, ge=1, le=ID_BOUND)
    issued_from: datetime.date | None = None
    issued_to: datetime.date | None = None
    q: str | None = Field(None, max_length=40, description="A quote number, with or without its prefix")


class QuoteOrderOut(Schema):
    """The order made from a quote; the orders API has the whole of it."""

    id: int
    number: int
    status: str
    quote_id: int | None
    ordered_on: datetime.date
    currency: str
    total: Amount
    total_base: Amount
