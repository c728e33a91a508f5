"""API of the catalogue: products and their prices, price lists, exchange rates and conversion.

Lists are keyset pages; a product answers its version as an ETag and takes it back in If-Match.
Negative prices, unknown currencies and taken SKUs are 422 problems naming the field.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status

from kliento.api.concurrency import if_match, set_etag
from kliento.catalog import selectors, services
from kliento.catalog.models import ExchangeRate, PriceList, Product
from kliento.catalog.money import to_base
from kliento.catalog.schemas import (
    ConversionOut,
    ConversionParams,
    ExchangeRateIn,
    ExchangeRateOut,
    ExchangeRatePage,
    PriceIn,
    PriceListDetail,
    PriceListIn,
    PriceListPage,
    PriceListPatch,
    PriceQuery,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductParams,
    ProductPatch,
    ResolvedPrice,
)
from kliento.core.models import MAX_ID
from kliento.core.pagination import keyset_page
from kliento.core.requests import OrgRequest

router = Router(tags=["catalogue"])

PRODUCT_ITEM_COLUMNS = ("id", "sku", "name", "category", "unit", "is_active")


def _product(request: OrgRequest, product_id: int, *, write: bool = False) -> Product:
    return selectors.access_product(member=request.member, record_id=product_id, write=write)


def _price_list(price_list_id: int) -> PriceList:
    return selectors.access_price_list(price_list_id=price_list_id)


# Products -------------------------------------------------------------------------------------


@router.get("/products", response=ProductPage)
def list_products(request: OrgRequest, params: Query[ProductParams]) -> dict[str, Any]:
    products = Product.objects.all()
    if params.q and params.q.strip():
        products = products.filter(pk__in=selectors.products_matching(params.q).values("pk"))
    if params.active is not None:
        products = products.filter(is_active=params.active)
    if params.category:
        products = products.filter(category=params.category)
    page = keyset_page(
        products.values(*PRODUCT_ITEM_COLUMNS),
        ordering=["name", "id"],
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/products", response={201: ProductOut})
def create_product(request: OrgRequest, payload: ProductIn) -> Status[Product]:
    return Status(201, services.create_product(member=request.member, data=payload.model_dump()))


@router.get("/products/{product_id}", response=ProductOut)
def read_product(request: OrgRequest, product_id: int, response: HttpResponse) -> Product:
    product = _product(request, product_id)
    set_etag(response, product)
    return product


@router.patch("/products/{product_id}", response=ProductOut)
def update_product(
    request: OrgRequest, product_id: int, payload: ProductPatch, response: HttpResponse
) -> Product:
    product = _product(request, product_id, write=True)
    services.update_product(
        product=product,
        member=request.member,
        data=payload.model_dump(exclude_unset=True),
        expected_version=if_match(request),
    )
    set_etag(response, product)
    return product


@router.delete("/products/{product_id}", response={204: None})
def delete_product(request: OrgRequest, product_id: int) -> Status[None]:
    product = _product(request, product_id, write=True)
    services.trash_product(product=product, member=request.member, expected_version=if_match(request))
    return Status(204, None)


@router.put("/products/{product_id}/prices/{currency}", response=ProductOut)
def set_price(request: OrgRequest, product_id: int, currency: str, payload: PriceIn) -> Product:
    product = _product(request, product_id, write=True)
    return services.set_product_price(
        product=product, member=request.member, currency=currency, amount=payload.amount
    )


@router.delete("/products/{product_id}/prices/{currency}", response=ProductOut)
def remove_price(request: OrgRequest, product_id: int, currency: str) -> Product:
    product = _product(request, product_id, write=True)
    return services.set_product_price(product=product, member=request.member, currency=currency, amount=None)


@router.get("/products/{product_id}/price", response=ResolvedPrice)
def resolve_price(request: OrgRequest, product_id: int, params: Query[PriceQuery]) -> dict[str, Any]:
    """The product's price in a currency, from a price list if given (falling back to its own)."""
    product = _product(request, product_id)
    price_list = _price_list(params.price_list) if params.price_list else None
    amount = selectors.price_of(product.pk, params.currency, price_list=price_list)
    return {
        "product_id": product.pk,
        "currency": params.currency,
        "price_list_id": price_list.pk if price_list else None,
        "amount": amount,
    }


# Price lists ----------------------------------------------------------------------------------


@router.get("/price-lists", response=PriceListPage)
def list_price_lists(request: OrgRequest, params: Query[ProductParams]) -> dict[str, Any]:
    page = keyset_page(
        PriceList.objects.all(), ordering=["name", "id"], cursor=params.cursor, limit=params.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/price-lists", response={201: PriceListDetail})
def create_price_list(request: OrgRequest, payload: PriceListIn) -> Status[PriceList]:
    return Status(201, services.save_price_list(member=request.member, data=payload.model_dump()))


@router.get("/price-lists/{price_list_id}", response=PriceListDetail)
def read_price_list(request: OrgRequest, price_list_id: int) -> PriceList:
    return _price_list(price_list_id)


@router.patch("/price-lists/{price_list_id}", response=PriceListDetail)
def update_price_list(request: OrgRequest, price_list_id: int, payload: PriceListPatch) -> PriceList:
    return services.save_price_list(
        member=request.member,
        data=payload.model_dump(exclude_unset=True),
        price_list=_price_list(price_list_id),
    )


@router.delete("/price-lists/{price_list_id}", response={204: None})
def delete_price_list(request: OrgRequest, price_list_id: int) -> Status[None]:
    services.delete_price_list(member=request.member, price_list=_price_list(price_list_id))
    return Status(204, None)


@router.put("/price-lists/{price_list_id}/items/{product_id}", response=PriceListDetail)
def set_price_list_item(
    request: OrgRequest, price_list_id: int, product_id: int, payload: PriceIn
) -> PriceList:
    price_list = _price_list(price_list_id)
    if not 0 < product_id <= MAX_ID or not Product.objects.filter(pk=product_id).exists():
        raise Http404
    services.set_price_list_item(
        member=request.member, price_list=price_list, product_id=product_id, amount=payload.amount
    )
    return price_list


@router.delete("/price-lists/{price_list_id}/items/{product_id}", response=PriceListDetail)
def remove_price_list_item(request: OrgRequest, price_list_id: int, product_id: int) -> PriceList:
    price_list = _price_list(price_list_id)
    if not 0 < product_id <= MAX_ID or not Product.objects.filter(pk=product_id).exists():
        raise Http404
    services.set_price_list_item(
        member=request.member, price_list=price_list, product_id=product_id, amount=None
    )
    return price_list


# Exchange rates -------------------------------------------------------------------------------


@router.get("/exchange-rates", response=ExchangeRatePage)
def list_exchange_rates(request: OrgRequest, params: Query[ProductParams]) -> dict[str, Any]:
    page = keyset_page(
        ExchangeRate.objects.all(),
        ordering=["currency", "-valid_from", "-id"],
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/exchange-rates", response={201: ExchangeRateOut})
def save_exchange_rate(request: OrgRequest, payload: ExchangeRateIn) -> Status[ExchangeRate]:
    rate = services.save_exchange_rate(
        member=request.member, currency=payload.currency, rate=payload.rate, valid_from=payload.valid_from
    )
    return Status(201, rate)


@router.delete("/exchange-rates/{rate_id}", response={204: None})
def delete_exchange_rate(request: OrgRequest, rate_id: int) -> Status[None]:
    rate = get_object_or_404(ExchangeRate.objects, pk=rate_id) if 0 < rate_id <= MAX_ID else None
    if rate is None:
        raise Http404
    services.delete_exchange_rate(member=request.member, rate=rate)
    return Status(204, None)


@router.get("/currencies/{currency}/conversion", response=ConversionOut)
def convert(request: OrgRequest, currency: str, params: Query[ConversionParams]) -> dict[str, Any]:
    """An amount in the base currency with the rate valid on a date, as deals and orders store it."""
    on = params.on or timezone.localdate()
    converted = to_base(params.amount, currency, on)
    return {
        "amount": params.amount,
        "currency": currency,
        "on": on,
        "base_currency": request.organization.base_currency,
        "rate": converted.rate,
        "amount_base": converted.amount_base,
    }
