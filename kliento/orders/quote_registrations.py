"""What quotes register with core's kits and on deal cards (from registrations.register()): the
list, the card and its panels, history, search, navigation and the "New quote" command."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_quotes() -> None:
    from kliento.core.commands import Command, register_command
    from kliento.core.navigation import NavItem, register_nav_item
    from kliento.core.permissions import Permission
    from kliento.core.records.cards import register_card_page
    from kliento.core.records.panels import register_card_panel, register_details_panel
    from kliento.core.records.search import register_search_provider
    from kliento.orders import quote_history, quote_lists
    from kliento.orders.quote_search import search_quotes
    from kliento.orders.quote_selectors import access_quote
    from kliento.orders.views import quotes

    quote_lists.register()
    quote_history.register()
    register_search_provider("quote", search_quotes)
    register_card_page(
        "quote",
        template="orders/quote_card.html",
        context=quotes.card_header,
        access=access_quote,
        edit_url_name="orders:quote-edit",
        delete_url_name="orders:quote-delete",
    )
    register_card_panel(
        "quote",
        key="lines",
        title=_("Products"),
        template="orders/_quote_lines.html",
        context=quotes.lines_panel,
        order=10,
    )
    register_card_panel(
        "quote",
        key="terms",
        title=_("Terms and notes"),
        template="orders/_quote_terms.html",
        context=lambda request, quote: {},
        order=20,
    )
    register_card_panel(
        "quote",
        key="quote",
        title=_("Quote"),
        template="orders/_quote_info.html",
        context=quotes.info_panel,
        order=10,
        column="side",
    )
    register_details_panel("quote", order=20)
    register_card_panel(
        "deal",
        key="quotes",
        title=_("Quotes"),
        template="orders/_quote_deal_panel.html",
        context=quotes.deal_quotes_panel,
        order=15,
    )
    register_nav_item(NavItem(_("Quotes"), "orders:quote-list", "file-earmark-text", area="sales", order=30))
    register_command(
        Command(
            key="new-quote",
            label=_("New quote"),
            url_name="orders:quote-create",
            icon="file-earmark-plus",
            permission=Permission.EDIT_SALES,
            keywords=_("add create offer proposal estimate"),
            order=35,
        )
    )
