import datetime
from decimal import Decimal

import factory

from kliento.orders.models import Order, OrderLine, OrderStatus, Quote, QuoteLine
from tests.catalog.factories import ProductFactory
from tests.customers.factories import ContactFactory
from tests.factories import OrganizationFactory, TenantFactory


class OrderFactory(TenantFactory):
    """An order written straight to the database (services are tested on their own)."""

    class Meta:
        model = Order

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: n + 1)
    contact = factory.SubFactory(ContactFactory, organization=factory.SelfAttribute("..organization"))
    ordered_on = factory.LazyFunction(datetime.date.today)
    status = OrderStatus.PAID
    currency = "USD"
    net_total = Decimal("100.00")
    subtotal = Decimal("100.00")
    total = Decimal("100.00")
    total_base = Decimal("100.00")


class OrderLineFactory(TenantFactory):
    class Meta:
        model = OrderLine

    organization = factory.SubFactory(OrganizationFactory)
    order = factory.SubFactory(OrderFactory, organization=factory.SelfAttribute("..organization"))
    product = factory.SubFactory(ProductFactory, organization=factory.SelfAttribute("..organization"))
    quantity = Decimal("1")
    unit_price = Decimal("100.00")
    net = Decimal("100.00")
    tax = Decimal("0")
    gross = Decimal("100.00")


class QuoteFactory(TenantFactory):
    class Meta:
        model = Quote

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: n + 1)
    contact = factory.SubFactory(ContactFactory, organization=factory.SelfAttribute("..organization"))
    issued_on = factory.LazyFunction(datetime.date.today)
    valid_until = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    language = "en"
    currency = "USD"
    total = Decimal("100.00")
    total_base = Decimal("100.00")


class QuoteLineFactory(TenantFactory):
    class Meta:
        model = QuoteLine

    organization = factory.SubFactory(OrganizationFactory)
    quote = factory.SubFactory(QuoteFactory, organization=factory.SelfAttribute("..organization"))
    product = factory.SubFactory(ProductFactory, organization=factory.SelfAttribute("..organization"))
    quantity = Decimal("1")
    unit_price = Decimal("100.00")
    net = Decimal("100.00")
    tax = Decimal("0")
    gross = Decimal("100.00")
