"""API of orders: the list (keyset pages, the list page's filters) and its count, create, read with
lines, change (ETag / If-Match), status moves, the trash, and the sales settings.

Schemas check shapes; services check the rules (lines, currency, products of the organization, a
total that must add up), so the API and the pages refuse the same input: a 422 problem naming the
field (`lines.0.quantity`), with nothing written. Anything the member may not see is a plain 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Query, Router, Status

from kliento.api.concurrency import if_match, set_etag
from kliento.core.counting import count_rows
from kliento.core.pagination import keyset_page
from kliento.core.records.lists import filter_rows, parse_list_query
from kliento.core.requests import OrgRequest
from kliento.orders import services
from kliento.orders.models import Order, SalesSettings
from kliento.orders.purchases import settings_of_organization
from kliento.orders.schemas import (
    ListCount,
    OrderIn,
    OrderOut,
    OrderPage,
    OrderParams,
    OrderPatch,
    SalesSettingsOut,
    SalesSettingsPatch,
    StatusIn,
)
from kliento.orders.selectors import access_order

router = Router(tags=["orders"])

ITEM_COLUMNS = (
    "id", "number", "ordered_on", "status", "channel", "contact_id", "company_id", "deal_id",
    "owner_id", "currency", "total", "total_base", "external_id", "updated_at",
)  # fmt: skip
# Left out, a field takes the service's default; sent as null, these would be refused as no value.
DEFAULTED = ("currency", "ordered_on", "channel", "status", "paid_on", "total")


def _order(request: OrgRequest, order_id: int, *, write: bool = False) -> Order:
    return access_order(member=request.member, record_id=order_id, write=write)


def _answer(response: HttpResponse, order: Order) -> Order:
    set_etag(response, order)
    return order


def _filtered(request: OrgRequest) -> tuple[QuerySet[Any], list[str]]:
    query = parse_list_query("order", request.GET, member=request.member)
    return filter_rows(query, member=request.member)


@router.get("/orders", response=OrderPage)
def list_orders(request: OrgRequest, params: Query[OrderParams]) -> HttpResponse:
    """The orders this key or member may see, newest first by default; filtered and sorted as on
    the list page (a month, a channel, a status, a customer, an owner, a number or external ID)."""
    queryset, ordering = _filtered(request)
    rows = queryset.values(*dict.fromkeys([*ITEM_COLUMNS, *(name.lstrip("-") for name in ordering)]))
    page = keyset_page(rows, ordering=ordering, cursor=params.cursor, limit=params.limit)
    answer = OrderPage(items=page.items, next_cursor=page.next_cursor)
    return HttpResponse(answer.model_dump_json(), content_type="application/json; charset=utf-8")


@router.get("/orders/count", response=ListCount)
def count_orders(request: OrgRequest, params: Query[OrderParams]) -> ListCount:
    """How many orders the list with these filters holds; the list itself never counts."""
    queryset, _ordering = _filtered(request)
    count = count_rows(queryset)
    return ListCount(count=count.value, is_estimate=count.is_estimate)


@router.post("/orders", response={201: OrderOut})
def create_order(request: OrgRequest, payload: OrderIn, response: HttpResponse) -> Status[Order]:
    """A new order, numbered and priced from its lines at the rate of its date; a paid or fulfilled
    one counts as a purchase of its customer at once."""
    data = payload.model_dump(exclude_unset=True)
    for name in DEFAULTED:
        if data.get(name) is None:
            data.pop(name, None)
    order = services.create_order(member=request.member, data=data)
    set_etag(response, order)
    return Status(201, order)


@router.get("/orders/{order_id}", response=OrderOut)
def read_order(request: OrgRequest, order_id: int, response: HttpResponse) -> Order:
    """The order with its lines, and its version as the ETag to send back in If-Match."""
    return _answer(response, _order(request, order_id))


@router.patch("/orders/{order_id}", response=OrderOut)
def update_order(request: OrgRequest, order_id: int, payload: OrderPatch, response: HttpResponse) -> Order:
    """Change only the fields sent; `lines`, when sent, replace the order's and price it again. With
    If-Match, a 412 if the order changed since that ETag."""
    order = _order(request, order_id, write=True)
    services.update_order(
        order=order,
        member=request.member,
        data=payload.model_dump(exclude_unset=True),
        expected_version=if_match(request),
    )
    return _answer(response, order)


@router.delete("/orders/{order_id}", response={204: None})
def delete_order(request: OrgRequest, order_id: int) -> Status[None]:
    """Move the order to the trash (its customer's purchases no longer count it); If-Match as for PATCH."""
    order = _order(request, order_id, write=True)
    services.trash_order(order=order, member=request.member, expected_version=if_match(request))
    return Status(204, None)


@router.post("/orders/{order_id}/status", response=OrderOut)
def change_status(request: OrgRequest, order_id: int, payload: StatusIn, response: HttpResponse) -> Order:
    """Move the order to paid, fulfilled, cancelled or refunded; `on_date` is the payment date (today
    if left out). A move the rules forbid (a cancelled order paid) is a 409."""
    order = _order(request, order_id, write=True)
    services.change_order_status(
        order=order,
        member=request.member,
        status=payload.status,
        on_date=payload.on_date,
        expected_version=if_match(request),
    )
    return _answer(response, order)


@router.get("/sales-settings", response=SalesSettingsOut)
def read_sales_settings(request: OrgRequest) -> SalesSettings:
    """The organization's document arithmetic, numbering and purchase lifecycle rules."""
    return settings_of_organization()


@router.patch("/sales-settings", response=SalesSettingsOut)
def update_sales_settings(request: OrgRequest, payload: SalesSettingsPatch) -> SalesSettings:
    """Change the settings sent (those who manage the organization)."""
    return services.save_sales_settings(member=request.member, data=payload.model_dump(exclude_unset=True))
