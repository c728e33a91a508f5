"""Isolation cases of orders, their lines and tags and the sales settings (see tests/isolation.py);
the quotes' are in quote_isolation, loaded from here. The order endpoints that take a JSON body by
POST (status) are proven in tests/orders/test_api.py; the sales settings have no id to ask for:
test_api proves that another organization's are neither read nor changed."""

from django.urls import reverse

from kliento.orders.models import Order, OrderLine, OrderTag, SalesSettings
from tests.customers.factories import TagFactory
from tests.isolation import IsolationCase, Request, register
from tests.orders import quote_isolation as quote_isolation
from tests.orders.factories import OrderFactory, OrderLineFactory


def _order_api(order: Order) -> str:
    return f"/api/v1/orders/{order.pk}"


def _page(name: str):
    return lambda order: reverse(f"orders:order-{name}", args=[order.pk])


register(
    IsolationCase(
        model=Order,
        make=lambda organization: OrderFactory(organization=organization, status="placed"),
        pages=(
            Request("get", _page("detail")),
            Request("get", _page("edit")),
            Request(
                "post", _page("edit"), {"currency": "USD", "channel": "store", "ordered_on": "2026-01-01"}
            ),
            Request("post", _page("delete")),
            Request("post", _page("status"), {"status": "paid"}),
            Request("get", _page("history")),
        ),
        api=(
            Request("get", _order_api),
            Request("patch", _order_api, {"notes": "Taken over"}),
            Request("delete", _order_api),
        ),
    )
)


def _tagged(organization):
    return OrderTag.unscoped.create(
        organization=organization,
        order=OrderFactory(organization=organization),
        tag=TagFactory(organization=organization),
    )


register(IsolationCase(model=OrderTag, make=_tagged))
register(
    IsolationCase(
        model=OrderLine,
        make=lambda organization: OrderLineFactory(organization=organization),
        pages=(Request("get", lambda line: reverse("orders:order-detail", args=[line.order_id])),),
        api=(Request("get", lambda line: f"/api/v1/orders/{line.order_id}"),),
    )
)
register(
    IsolationCase(
        model=SalesSettings,
        make=lambda organization: SalesSettings.unscoped.create(organization=organization),
    )
)
