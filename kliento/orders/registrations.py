"""What quotes and orders register with core's kits and on the customers' cards (from
OrdersConfig.ready()); nothing in customers names orders."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from kliento.core.permissions import Permission
    from kliento.core.records.demo import register_demo_step
    from kliento.core.records.kinds import RecordKind, register_kind
    from kliento.core.trash import register_trashable
    from kliento.orders import recompute  # noqa: F401  # the worker finds jobs of modules imported at start
    from kliento.orders.demo import ORDERS_STEP
    from kliento.orders.models import Order, OrderTag, Quote, QuoteTag
    from kliento.orders.services import restore_order, restore_quote

    register_kind(
        RecordKind(
            key="order",
            model=Order,
            label=_("Order"),
            label_plural=_("Orders"),
            detail_url_name="orders:order-detail",
            list_url_name="orders:order-list",
            icon="bag-check",
            edit_permission=Permission.EDIT_SALES,
            delete_permission=Permission.EDIT_SALES,
            order=40,
            tag_link=OrderTag,
        )
    )
    register_kind(
        RecordKind(
            key="quote",
            model=Quote,
            label=_("Quote"),
            label_plural=_("Quotes"),
            detail_url_name="orders:quote-detail",
            list_url_name="orders:quote-list",
            icon="file-earmark-text",
            edit_permission=Permission.EDIT_SALES,
            delete_permission=Permission.EDIT_SALES,
            order=35,
            tag_link=QuoteTag,
        )
    )

    register_trashable(
        Order,
        restore_permission=Permission.EDIT_SALES,
        restore=lambda record, member: restore_order(order=record, member=member),
    )
    register_trashable(
        Quote,
        restore_permission=Permission.EDIT_SALES,
        restore=lambda record, member: restore_quote(quote=record, member=member),
    )
    register_demo_step(ORDERS_STEP)

    from kliento.orders.quote_registrations import register_quotes

    register_quotes()
