"""What deals register with core's kits and on the customers' cards (from DealsConfig.ready());
nothing in customers names deals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from kliento.core.commands import Command, register_command
    from kliento.core.home import register_home_widget
    from kliento.core.navigation import NavItem, register_nav_item
    from kliento.core.permissions import Permission
    from kliento.core.records.cards import register_card_page
    from kliento.core.records.demo import register_demo_step
    from kliento.core.records.kinds import RecordKind, register_kind
    from kliento.core.records.panels import register_card_panel
    from kliento.core.records.search import register_search_provider
    from kliento.core.trash import register_trashable
    from kliento.deals import history, lists
    from kliento.deals.demo import DEALS_STEP
    from kliento.deals.models import Deal, DealTag
    from kliento.deals.search import search_deals
    from kliento.deals.selectors import access_deal
    from kliento.deals.services import restore_deal
    from kliento.deals.today import deals_without_next_step_widget
    from kliento.deals.views import deals

    register_home_widget(
        key="deals_no_next_step",
        title=_("Deals without a next step"),
        template="deals/_today_no_next_step.html",
        context=deals_without_next_step_widget,
        order=8,
        permission=Permission.EDIT_SALES,
    )

    register_kind(
        RecordKind(
            key="deal",
            model=Deal,
            label=_("Deal"),
            label_plural=_("Deals"),
            detail_url_name="deals:deal-detail",
            list_url_name="deals:deal-list",
            icon="kanban",
            edit_permission=Permission.EDIT_SALES,
            delete_permission=Permission.EDIT_SALES,
            order=30,
            tag_link=DealTag,
        )
    )
    lists.register()
    history.register()
    register_trashable(
        Deal,
        restore_permission=Permission.EDIT_SALES,
        restore=lambda record, member: restore_deal(deal=record, member=member),
    )
    register_search_provider("deal", search_deals)
    register_card_page(
        "deal",
        template="deals/deal_card.html",
        context=deals.card_header,
        access=access_deal,
        edit_url_name="deals:deal-edit",
        delete_url_name="deals:deal-delete",
    )
    register_card_panel(
        "deal",
        key="lines",
        title=_("Products"),
        template="deals/_panel_lines.html",
        context=deals.lines_panel,
        order=10,
    )
    register_card_panel(
        "deal",
        key="stage_history",
        title=_("Stage history"),
        template="deals/_panel_stage_history.html",
        context=deals.history_panel,
        order=20,
    )
    register_card_panel(
        "deal",
        key="details",
        title=_("Details"),
        template="deals/_panel_details.html",
        context=deals.details_panel,
        order=10,
        column="side",
    )
    for kind, link in (("contact", "contact"), ("company", "company")):
        register_card_panel(
            kind,
            key="deals",
            title=_("Deals"),
            template="deals/_panel_customer_deals.html",
            context=deals.customer_deals_panel(link),
            order=40,
        )
    register_nav_item(NavItem(_("Board"), "deals:board-index", "kanban", area="sales", order=10))
    register_nav_item(NavItem(_("Deals"), "deals:deal-list", "list-check", area="sales", order=20))
    register_nav_item(
        NavItem(
            _("Pipelines"),
            "deals:pipeline-list",
            "diagram-3",
            Permission.MANAGE_ORGANIZATION,
            area="settings",
            order=50,
        )
    )
    register_nav_item(
        NavItem(
            _("Lost reasons"),
            "deals:lost-reasons",
            "x-octagon",
            Permission.MANAGE_ORGANIZATION,
            area="settings",
            order=51,
        )
    )
    register_command(
        Command(
            key="new-deal",
            label=_("New deal"),
            url_name="deals:deal-create",
            icon="plus-square",
            permission=Permission.EDIT_SALES,
            keywords=_("add create opportunity sale"),
            order=30,
        )
    )
    register_demo_step(DEALS_STEP)

    from kliento.deals.conversion import deal_from_lead
    from kliento.leads.conversion import ConversionExtra, register_conversion_extra

    register_conversion_extra(
        ConversionExtra(
            key="deal",
            label=_("Also open a deal"),
            run=deal_from_lead,
            permission=Permission.EDIT_SALES,
            order=10,
        )
    )
