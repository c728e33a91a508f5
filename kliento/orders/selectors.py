"""Reads of orders with their rules: what a member may see, one order with its lines, a customer's
or a deal's latest orders, and the text search of the list and the global search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kliento.core.models import MAX_ID, Membership
from kliento.core.permissions import Permission
from kliento.core.services import require
from kliento.orders.models import Order, OrderLine
from kliento.orders.purchases import settings_of_organization

LATEST_ORDERS = 5  # what a customer's or a deal's Orders panel lists
PANEL_FIELDS = (
    "id", "number", "ordered_on", "status", "channel", "total", "currency", "total_base",
)  # fmt: skip


def access_order(*, member: Membership, record_id: int, write: bool = False) -> Order:
    """The order if this member may see it (and change it, if write); 404 or 403 otherwise."""
    order = Order.objects.visible_to(member).filter(pk=record_id).first() if 0 < record_id <= MAX_ID else None
    if order is None:
        raise Http404
    if write:
        require(member, Permission.EDIT_SALES)
    return order


def lines_of(order: Order) -> list[OrderLine]:
    """The order's lines in their order, with their products (trashed ones too: the order keeps them)."""
    return list(OrderLine.objects.filter(order=order).select_related("product").order_by("position", "id"))


def number_label(number: int, prefix: str) -> str:
    """An order's number as people read it: the organization's prefix, then the number."""
    return f"{prefix}{number}"


def order_title(number: int, prefix: str) -> str:
    """ "Order INV-42": the name of an order on its card, in search results and on timelines."""
    return _("Order %(number)s") % {"number": number_label(number, prefix)}


PREFIX_ATTRIBUTE = "_orders_number_prefix"


def order_prefix(member: Membership | None = None) -> str:
    """The organization's order number prefix; read once per request when given the request's
    member (a card's panels and timeline sources all name orders)."""
    prefix: str | None = getattr(member, PREFIX_ATTRIBUTE, None)
    if prefix is None:
        prefix = settings_of_organization().order_prefix
        if member is not None:
            setattr(member, PREFIX_ATTRIBUTE, prefix)
    return prefix


@dataclass(frozen=True)
class NumberQuery:
    """What a search for an order reads: an order number (with or without the prefix) and the text
    as an external ID."""

    number: int | None
    text: str


def parse_number_query(text: str, prefix: str) -> NumberQuery | None:
    """None for text that is neither a number nor an external ID (empty, or too long for one)."""
    text = text.strip()
    if not text or len(text) > 100:
        return None
    digits = text[len(prefix) :] if prefix and text.casefold().startswith(prefix.casefold()) else text
    digits = digits.strip().lstrip("#")
    number = int(digits) if digits.isdigit() and 0 < int(digits) <= MAX_ID else None
    return NumberQuery(number=number, text=text)


def matching(queryset: QuerySet[Order], query: NumberQuery) -> QuerySet[Order]:
    """Orders with this number or external ID, at most two: each looked up alone by its unique
    index, then given to the caller's filters and order as ids. As one OR under the list's order,
    both databases walked three million orders by date to find them."""
    unordered = queryset.order_by()
    ids = list(
        unordered.filter(external_id=query.text).exclude(external_id="").values_list("pk", flat=True)[:1]
    )
    if query.number is not None:
        ids += unordered.filter(number=query.number).values_list("pk", flat=True)[:1]
    return queryset.filter(pk__in=ids)


def latest_orders(member: Membership, *, limit: int = LATEST_ORDERS, **link: Any) -> list[dict[str, Any]]:
    """The newest orders of one contact, company or deal the member may see (`contact=…`): one
    query reading one range of the (organization, customer, date) index, whatever their number."""
    rows = (
        Order.objects.visible_to(member)
        .filter(**link)
        .order_by("-ordered_on", "-id")
        .values(*PANEL_FIELDS)[: limit + 1]
    )
    return list(rows)
