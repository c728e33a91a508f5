"""Orders on the timelines of their contact, company and deal: "Order placed" on its order date and
"Order paid" on its payment date, each with its total.

Orders carry dates, not moments: an entry stands at the start of its day in the reader's time zone,
and a page reads one index range of orders ordered by (date, id), which is the order the merged
timeline sorts the entries in."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kliento.catalog.templatetags.money import money
from kliento.core.records.timeline import (
    EntryKind,
    TimelineEntry,
    TimelineQuery,
    TimelineSource,
    register_entry_kind,
    register_timeline_source,
)
from kliento.orders import selectors
from kliento.orders.models import Order, OrderStatus, SalesChannel

PLACED, PAID = "order_placed", "order_paid"
RECORD_LINKS = {"contact": "contact_id", "company": "company_id", "deal": "deal_id"}
FIELDS = (
    "id", "number", "ordered_on", "paid_on", "status", "channel", "total", "currency",
    "owner__full_name", "owner__email",
)  # fmt: skip


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _page(queryset: QuerySet[Order], query: TimelineQuery, at: str) -> list[Order]:
    """The newest orders by the date `at` strictly before the query's bound, (date, id) descending."""
    if query.before is not None:
        moment, bound = query.before
        day = timezone.localtime(moment).date()
        queryset = queryset.filter(Q(**{f"{at}__lt": day}) | Q(**{at: day, "id__lt": bound}))
    return list(queryset.order_by(f"-{at}", "-id")[: query.limit])


def _entries(kind: str, at: str) -> Callable[[TimelineQuery], list[TimelineEntry]]:
    def entries(query: TimelineQuery) -> list[TimelineEntry]:
        link = RECORD_LINKS[query.kind]
        orders = Order.objects.visible_to(query.member).filter(**{link: query.record.pk})
        if at == "paid_on":
            orders = orders.filter(paid_on__isnull=False)
        orders = orders.select_related("owner").only(*FIELDS)
        page = _page(orders, query, at)
        if not page:
            return []
        prefix = selectors.order_prefix(query.member)
        statuses, channels = dict(OrderStatus.choices), dict(SalesChannel.choices)
        found = []
        for order in page:
            title = selectors.order_title(order.number, prefix)
            amount = money(order.total, order.currency)
            parts = [title, amount] + ([str(channels.get(order.channel, ""))] if kind == PLACED else [])
            found.append(
                TimelineEntry(
                    kind=kind,
                    occurred_at=start_of(getattr(order, at)),
                    id=order.pk,
                    summary=" · ".join(part for part in parts if part),
                    author=str(order.owner) if order.owner_id else "",
                    template="orders/_entry_order.html",
                    details={"order": order, "title": title, "status": statuses.get(order.status, "")},
                    data={
                        "order_id": order.pk,
                        "number": order.number,
                        "status": order.status,
                        "total": str(order.total),
                        "currency": order.currency,
                        "on": getattr(order, at).isoformat(),
                    },
                )
            )
        return found

    return entries


def register() -> None:
    register_entry_kind(EntryKind(PLACED, gettext_lazy("Order placed"), icon="bag", order=60))
    register_entry_kind(EntryKind(PAID, gettext_lazy("Order paid"), icon="bag-check", order=61))
    for kind in RECORD_LINKS:
        register_timeline_source(
            kind,
            TimelineSource(
                key="orders-placed", entry_kinds=(PLACED,), entries=_entries(PLACED, "ordered_on")
            ),
        )
        register_timeline_source(
            kind, TimelineSource(key="orders-paid", entry_kinds=(PAID,), entries=_entries(PAID, "paid_on"))
        )
