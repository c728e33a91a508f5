import datetime
from decimal import Decimal

import factory

from kliento.catalog.models import ExchangeRate, PriceList, PriceListItem, Product, ProductPrice
from tests.factories import OrganizationFactory, TenantFactory


class ProductFactory(TenantFactory):
    """A product written straight to the database (services are tested on their own)."""

    class Meta:
        model = Product

    organization = factory.SubFactory(OrganizationFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    unit = "piece"


class ProductPriceFactory(TenantFactory):
    class Meta:
        model = ProductPrice

    organization = factory.SubFactory(OrganizationFactory)
    product = factory.SubFactory(ProductFactory, organization=factory.SelfAttribute("..organization"))
    currency = "USD"
    amount = Decimal("10.00")


class PriceListFactory(TenantFactory):
    class Meta:
        model = PriceList

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Price list {n}")
    currency = "USD"


class PriceListItemFactory(TenantFactory):
    class Meta:
        model = PriceListItem

    organization = factory.SubFactory(OrganizationFactory)
    price_list = factory.SubFactory(PriceListFactory, organization=factory.SelfAttribute("..organization"))
    product = factory.SubFactory(ProductFactory, organization=factory.SelfAttribute("..organization"))
    amount = Decimal("8.00")


class ExchangeRateFactory(TenantFactory):
    class Meta:
        model = ExchangeRate

    organization = factory.SubFactory(OrganizationFactory)
    currency = "EUR"
    rate = Decimal("1.1000000000")
    valid_from = datetime.date(2026, 1, 1)
