"""Isolation cases of the catalogue (see tests/isolation.py)."""

from django.urls import reverse

from kliento.catalog.models import ExchangeRate, PriceList, PriceListItem, Product, ProductPrice, ProductTag
from tests.catalog.factories import (
    ExchangeRateFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProductFactory,
    ProductPriceFactory,
)
from tests.customers.factories import TagFactory
from tests.isolation import IsolationCase, Request, register


def _product_api(product: Product) -> str:
    return f"/api/v1/products/{product.pk}"


def _price_list_api(price_list: PriceList) -> str:
    return f"/api/v1/price-lists/{price_list.pk}"


register(
    IsolationCase(
        model=Product,
        make=lambda organization: ProductFactory(organization=organization),
        pages=(
            Request("get", lambda p: reverse("catalog:product-detail", args=[p.pk])),
            Request("get", lambda p: reverse("catalog:product-edit", args=[p.pk])),
            Request(
                "post", lambda p: reverse("catalog:product-edit", args=[p.pk]), {"sku": "X", "name": "Taken"}
            ),
            Request("post", lambda p: reverse("catalog:product-delete", args=[p.pk])),
            Request(
                "post",
                lambda p: reverse("catalog:product-price", args=[p.pk]),
                {"currency": "USD", "amount": "1"},
            ),
            Request("get", lambda p: reverse("catalog:product-history", args=[p.pk])),
            Request("get", lambda p: reverse("core:record-card", args=["product", p.pk])),
        ),
        api=(
            Request("get", _product_api),
            Request("patch", _product_api, {"name": "Taken over"}),
            Request("delete", _product_api),
            Request("put", lambda p: f"{_product_api(p)}/prices/USD", {"amount": "1.00"}),
            Request("delete", lambda p: f"{_product_api(p)}/prices/USD"),
            Request("get", lambda p: f"{_product_api(p)}/price?currency=USD"),
        ),
    )
)
register(
    IsolationCase(
        model=ProductPrice,
        make=lambda organization: ProductPriceFactory(organization=organization),
        api=(
            Request(
                "put", lambda price: f"/api/v1/products/{price.product_id}/prices/USD", {"amount": "1.00"}
            ),
            Request("delete", lambda price: f"/api/v1/products/{price.product_id}/prices/USD"),
        ),
    )
)


def _tagged_product(organization):
    product = ProductFactory(organization=organization)
    tag = TagFactory(organization=organization)
    return ProductTag.unscoped.create(organization=organization, product=product, tag=tag)


register(IsolationCase(model=ProductTag, make=_tagged_product))
register(
    IsolationCase(
        model=PriceList,
        make=lambda organization: PriceListFactory(organization=organization),
        pages=(
            Request("get", lambda pl: reverse("catalog:price-list-detail", args=[pl.pk])),
            Request(
                "post",
                lambda pl: reverse("catalog:price-list-detail", args=[pl.pk]),
                {"name": "Taken", "currency": "USD"},
            ),
            Request("post", lambda pl: reverse("catalog:price-list-delete", args=[pl.pk])),
        ),
        api=(
            Request("get", _price_list_api),
            Request("patch", _price_list_api, {"name": "Taken over"}),
            Request("delete", _price_list_api),
        ),
    )
)
register(
    IsolationCase(
        model=PriceListItem,
        make=lambda organization: PriceListItemFactory(organization=organization),
        pages=(
            Request(
                "post",
                lambda item: reverse("catalog:price-list-item", args=[item.price_list_id]),
                {"product": "1", "amount": "1"},
            ),
        ),
        api=(
            Request(
                "put",
                lambda item: f"/api/v1/price-lists/{item.price_list_id}/items/{item.product_id}",
                {"amount": "1"},
            ),
            Request(
                "delete", lambda item: f"/api/v1/price-lists/{item.price_list_id}/items/{item.product_id}"
            ),
        ),
    )
)
register(
    IsolationCase(
        model=ExchangeRate,
        make=lambda organization: ExchangeRateFactory(organization=organization),
        pages=(Request("post", lambda rate: reverse("catalog:exchange-rate-delete", args=[rate.pk])),),
        api=(Request("delete", lambda rate: f"/api/v1/exchange-rates/{rate.pk}"),),
    )
)
