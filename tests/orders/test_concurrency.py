"""Two orders of one customer paid at the same moment, on both databases: the purchase summary
counts both and sums the revenue of both, whichever commits first."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.customers.models import Contact
from kliento.orders import services
from kliento.orders.models import Order, OrderStatus
from tests.parallel import in_parallel

parallel = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key(alice) -> str:
    return create_api_key(name="parallel", role=Role.ADMIN, member=alice)[1]


def pay(key: str, order_id: int):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.post(
        f"/api/v1/orders/{order_id}/status", json.dumps({"status": "paid"}), content_type="application/json"
    )


def create(key: str, body: dict):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.post("/api/v1/orders", json.dumps(body), content_type="application/json")


@parallel
def test_two_orders_of_one_customer_paid_at_once_both_count(alice, dana, chair, desk, key):
    first = services.create_order(
        member=alice,
        data={"contact_id": dana.pk, "lines": [{"product_id": chair.pk, "quantity": 1}]},
    )
    second = services.create_order(
        member=alice,
        data={"contact_id": dana.pk, "lines": [{"product_id": desk.pk, "quantity": 1, "unit_price": "45.5"}]},
    )

    responses = in_parallel(lambda: pay(key, first.pk), lambda: pay(key, second.pk))

    assert [response.status_code for response in responses] == [200, 200]
    dana = Contact.objects.get(pk=dana.pk)
    assert (dana.purchase_count, dana.revenue_base) == (2, Decimal("125.5"))
    assert dana.last_purchase_on == first.ordered_on
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.PAID}


@parallel
def test_two_paid_orders_of_one_customer_created_at_once_both_count_with_distinct_numbers(
    alice, dana, chair, key
):
    body = {"contact_id": dana.pk, "status": "paid", "lines": [{"product_id": chair.pk, "quantity": 2}]}

    responses = in_parallel(lambda: create(key, body), lambda: create(key, body))

    assert [response.status_code for response in responses] == [201, 201]
    dana = Contact.objects.get(pk=dana.pk)
    assert (dana.purchase_count, dana.revenue_base) == (2, Decimal("320"))
    assert sorted(Order.objects.values_list("number", flat=True)) == [1, 2]
