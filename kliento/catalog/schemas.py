"""Request and response bodies of the catalogue's API. Amounts are decimal strings in answers and
may be sent as strings or numbers; the services check signs, places and currencies, naming the field."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, PlainSerializer

from kliento.api.pagination import CursorParams
from kliento.api.schemas import CheckedTextSchema, InputSchema, omittable
from kliento.catalog.models import Product
from kliento.core.records import tags as record_tags


def _fixed(places: int) -> Any:
    """A decimal answered as a string with the column's places, whatever the database returned."""
    step = Decimal(1).scaleb(-places)
    return PlainSerializer(lambda value: format(value.quantize(step), "f"), return_type=str)


Amount = Annotated[Decimal, _fixed(4)]
Rate = Annotated[Decimal, _fixed(10)]

# Three letters; whether they name a currency is the service's check, so the answer names the code.
Currency = Annotated[str, Field(min_length=3, max_length=3)]


class ProductIn(InputSchema):
    sku: str = Field(..., min_length=1, max_length=64)
    name: str = Field(..., min_length=1, max_length=200)
    category: str = Field("", max_length=100)
    unit: str = Field("", max_length=30)
    is_active: bool = True
    description: str = Field("", max_length=5000)
    tags: list[str] = Field(default_factory=list, max_length=50)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    prices: dict[str, Decimal] = Field(default_factory=dict, description="Price per currency code")


class ProductPatch(InputSchema):
    sku: str = omittable(min_length=1, max_length=64)
    name: str = omittable(min_length=1, max_length=200)
    category: str = omittable(max_length=100)
    unit: str = omittable(max_length=30)
    is_active: bool = omittable()
    description: str = omittable(max_length=5000)
    tags: list[str] = omittable(max_length=50)
    custom_fields: dict[str, Any] = omittable()
    prices: dict[str, Decimal] = omittable(description="Replaces every price of the product")


class PriceOut(Schema):
    currency: str
    amount: Amount


class ProductItem(Schema):
    id: int
    sku: str
    name: str
    category: str
    unit: str
    is_active: bool


class ProductOut(ProductItem):
    description: str
    custom_fields: dict[str, Any]
    tags: list[str]
    prices: list[PriceOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_tags(product: Product) -> list[str]:
        return record_tags.tag_names(product)

    @staticmethod
    def resolve_prices(product: Product) -> list[Any]:
        return list(product.prices.order_by("currency"))


class ProductPage(Schema):
    items: list[ProductItem]
    next_cursor: str | None


class ProductParams(CursorParams):
    q: str | None = Field(None, max_length=100, description="SKU prefix or a fragment of the name")
    active: bool | None = None
    category: str | None = Field(None, max_length=100)


class PriceIn(InputSchema):
    amount: Decimal


class ResolvedPrice(Schema):
    product_id: int
    currency: str
    price_list_id: int | None
    amount: Amount | None


class PriceQuery(CursorParams):
    currency: Currency
    price_list: int | None = Field(None, ge=1, le=2**63 - 1)


class PriceListIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    currency: Currency
    is_active: bool = True


class PriceListPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=100)
    currency: Currency = omittable()
    is_active: bool = omittable()


class PriceListItemOut(Schema):
    product_id: int
    amount: Amount


class PriceListOut(Schema):
    id: int
    name: str
    currency: str
    is_active: bool


class PriceListDetail(PriceListOut):
    items: list[PriceListItemOut]

    @staticmethod
    def resolve_items(price_list: Any) -> list[Any]:
        return list(price_list.items.order_by("product_id"))


class PriceListPage(Schema):
    items: list[PriceListOut]
    next_cursor: str | None


class ExchangeRateIn(InputSchema):
    currency: Currency
    rate: Decimal
    valid_from: datetime.date


class ExchangeRateOut(Schema):
    id: int
    currency: str
    rate: Rate
    valid_from: datetime.date


class ExchangeRatePage(Schema):
    items: list[ExchangeRateOut]
    next_cursor: str | None


class ConversionParams(CheckedTextSchema):
    amount: Decimal
    on: datetime.date | None = Field(None, description="The date whose rate is used; today by default")


class ConversionOut(Schema):
    amount: Decimal
    currency: str
    on: datetime.date
    base_currency: str
    rate: Rate
    amount_base: Decimal
