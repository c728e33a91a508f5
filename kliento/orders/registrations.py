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

    _register_orders()


def _register_orders() -> None:
    """The order list, card, panels, search, timeline, history, navigation and commands."""
    from kliento.core.commands import Command, register_command
    from kliento.core.navigation import NavItem, register_nav_item
    from kliento.core.permissions import Permission
    from kliento.core.records.cards import register_card_page
    from kliento.core.records.panels import register_card_panel, register_details_panel
    from kliento.core.records.search import register_search_provider
    from kliento.orders import history, lists, timeline
    from kliento.orders.search import search_orders
    from kliento.orders.selectors import access_order
    from kliento.orders.views import orders

    lists.register()
    history.register()
    timeline.register()
    register_search_provider("order", search_orders)
    register_card_page(
        "order",
        template="orders/order_card.html",
        context=orders.card_header,
        access=access_order,
        edit_url_name="orders:order-edit",
        delete_url_name="orders:order-delete",
    )
    register_card_panel(
        "order",
        key="lines",
        title=_("Lines"),
        template="orders/_panel_lines.html",
        context=orders.lines_panel,
        order=10,
    )
    register_card_panel(
        "order",
        key="order_details",
        title=_("Order"),
        template="orders/_panel_order_details.html",
        context=orders.order_details_panel,
        order=10,
        column="side",
    )
    register_details_panel("order", order=20)
    for kind in ("contact", "company"):
        register_card_panel(
            kind,
            key="purchases",
            title=_("Purchases"),
            template="orders/_panel_purchases.html",
            context=orders.purchases_panel,
            order=15,
            column="side",
        )
        register_card_panel(
            kind,
            key="orders",
            title=_("Orders"),
            template="orders/_panel_record_orders.html",
            context=orders.customer_orders_panel(kind),
            order=39,
        )
    register_card_panel(
        "deal",
        key="orders",
        title=_("Orders"),
        template="orders/_panel_record_orders.html",
        context=orders.deal_orders_panel,
        order=15,
    )
    register_nav_item(NavItem(_("Orders"), "orders:order-list", "bag-check", area="sales", order=30))
    register_nav_item(
        NavItem(
            _("Sales settings"),
            "orders:sales-settings",
            "receipt",
            Permission.MANAGE_ORGANIZATION,
            area="settings",
            order=52,
        )
    )
    register_command(
        Command(
            key="new-order",
            label=_("New order"),
            url_name="orders:order-create",
            icon="bag-plus",
            permission=Permission.EDIT_SALES,
            keywords=_("add create sale purchase invoice"),
            order=35,
        )
    )
