"""The global search's provider for orders: by number (with or without the prefix) or external ID."""

from __future__ import annotations

from django.urls import reverse

from kliento.catalog.templatetags.money import money
from kliento.core.models import Membership
from kliento.core.records.search import SearchResult
from kliento.orders import selectors
from kliento.orders.lists import status_css
from kliento.orders.models import Order, OrderStatus


def search_orders(member: Membership, query: str, limit: int) -> list[SearchResult]:
    prefix = selectors.order_prefix(member)
    parsed = selectors.parse_number_query(query, prefix)
    if parsed is None:
        return []
    rows = (
        selectors.matching(Order.objects.visible_to(member), parsed)
        .select_related("contact", "company")
        .only(
            "id",
            "number",
            "external_id",
            "status",
            "total",
            "currency",
            "contact__first_name",
            "contact__last_name",
            "company__name",
        )
        .order_by("-ordered_on", "-id")[:limit]
    )
    labels = dict(OrderStatus.choices)
    results = []
    for order in rows:
        customer = str(order.contact) if order.contact_id else str(order.company or "")
        results.append(
            SearchResult(
                title=selectors.order_title(order.number, prefix),
                subtitle=" · ".join(
                    part for part in (customer, order.external_id, money(order.total, order.currency)) if part
                ),
                url=reverse("orders:order-detail", args=[order.pk]),
                badge=labels.get(order.status, order.status),
                badge_class=status_css(order.status),
                score=1.0,
                record_id=order.pk,
            )
        )
    return results
