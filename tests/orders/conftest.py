from decimal import Decimal

import pytest
from django.test import Client

from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from tests.catalog.factories import ProductFactory, ProductPriceFactory
from tests.customers.factories import ContactFactory


@pytest.fixture
def chair(acme):
    product = ProductFactory(organization=acme, name="Chair")
    ProductPriceFactory(organization=acme, product=product, currency="USD", amount=Decimal("80.00"))
    return product


@pytest.fixture
def desk(acme):
    return ProductFactory(organization=acme, name="Desk")


@pytest.fixture
def dana(acme, alice):
    return ContactFactory(organization=acme, first_name="Dana", last_name="Ng", owner=alice.user)


@pytest.fixture
def api(alice) -> Client:
    """Acme's API as its owner's key."""
    raw = create_api_key(name="Owner key", role=Role.OWNER, member=alice)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
