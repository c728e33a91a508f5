"""Reads of the catalogue: a product's price in a currency or a price list, rates, search."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from kliento.catalog.models import ExchangeRate, PriceList, PriceListItem, Product, ProductPrice
from kliento.core.models import MAX_ID, Membership
from kliento.core.permissions import Permission
from kliento.core.services import require


def access_product(*, member: Membership, record_id: int, write: bool = False) -> Product:
    """The product (every member sees the catalogue); 404 if it is not the organization's, 403 to
    change it without the permission."""
    product = Product.objects.filter(pk=record_id).first() if 0 < record_id <= MAX_ID else None
    if product is None:
        raise Http404
    if write:
        require(member, Permission.EDIT_SALES)
    return product


def access_price_list(*, price_list_id: int) -> PriceList:
    price_list = PriceList.objects.filter(pk=price_list_id).first() if 0 < price_list_id <= MAX_ID else None
    if price_list is None:
        raise Http404
    return price_list


def prices_of(product: Product) -> list[ProductPrice]:
    return list(ProductPrice.objects.filter(product=product).order_by("currency"))


def price_of(product_id: int, currency: str, *, price_list: PriceList | None = None) -> Decimal | None:
    """The product's price in a currency: the price list's if the list (in that currency) has the
    product, else the product's own price in that currency; None if it has neither."""
    if price_list is not None and price_list.currency == currency:
        listed = (
            PriceListItem.objects.filter(price_list=price_list, product_id=product_id)
            .values_list("amount", flat=True)
            .first()
        )
        if listed is not None:
            return listed
    return (
        ProductPrice.objects.filter(product_id=product_id, currency=currency)
        .values_list("amount", flat=True)
        .first()
    )


def price_list_rows(price_list: PriceList) -> list[dict[str, object]]:
    """Every active product with its price on the list and its own price in the list's currency
    (two queries, whatever the catalogue's size up to the page shown)."""
    listed = dict(PriceListItem.objects.filter(price_list=price_list).values_list("product_id", "amount"))
    own = dict(ProductPrice.objects.filter(currency=price_list.currency).values_list("product_id", "amount"))
    products = Product.objects.filter(Q(is_active=True) | Q(pk__in=list(listed))).order_by("name", "id")
    return [
        {"product": product, "listed": listed.get(product.pk), "own": own.get(product.pk)}
        for product in products.only("id", "sku", "name", "unit")[:500]
    ]


def exchange_rates() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.order_by("currency", "-valid_from", "-id")


def products_matching(text: str) -> QuerySet[Product]:
    """Products whose SKU starts with the text or whose name contains it (the catalogue is small
    next to the customers: a few thousand rows at most)."""
    text = text.strip()
    return Product.objects.filter(Q(sku__istartswith=text) | Q(name__icontains=text))
