"""Everything the leads app adds to the records kit and the shell, called from LeadsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kliento.core.permissions import Permission


def register() -> None:
    from kliento.activities.hooks import on_outbound
    from kliento.core.commands import Command, register_command
    from kliento.core.home import register_home_widget
    from kliento.core.navigation import NavItem, register_nav_item
    from kliento.core.records.cards import register_card_page
    from kliento.core.records.demo import register_demo_step
    from kliento.core.records.kinds import RecordKind, register_kind
    from kliento.core.records.panels import register_card_panel
    from kliento.core.records.search import register_search_provider
    from kliento.core.throttling import register_scope
    from kliento.core.trash import register_trashable
    from kliento.leads import history, lists, panels, webforms
    from kliento.leads.demo import LEADS_STEP
    from kliento.leads.models import Lead, LeadTag
    from kliento.leads.search import search_leads
    from kliento.leads.selectors import access_lead
    from kliento.leads.services import restore_lead
    from kliento.leads.today import first_response_of_lead, leads_waiting_widget

    on_outbound(first_response_of_lead)
    register_home_widget(
        key="leads_waiting",
        title=_("Leads waiting for an answer"),
        template="leads/_today_waiting.html",
        context=leads_waiting_widget,
        order=7,
        permission=Permission.EDIT_SALES,
    )

    register_kind(
        RecordKind(
            key="lead",
            model=Lead,
            label=_("Lead"),
            label_plural=_("Leads"),
            detail_url_name="leads:lead-detail",
            list_url_name="leads:lead-list",
            icon="inbox",
            edit_permission=Permission.EDIT_SALES,
            delete_permission=Permission.EDIT_SALES,
            order=30,
            tag_link=LeadTag,
        )
    )
    lists.register()
    history.register()
    register_trashable(
        Lead,
        restore_permission=Permission.EDIT_SALES,
        restore=lambda record, member: restore_lead(lead=record, member=member),
    )
    register_search_provider("lead", search_leads)
    register_card_page(
        "lead",
        template="leads/card.html",
        context=panels.card_header,
        access=access_lead,
        edit_url_name="leads:lead-edit",
        delete_url_name="leads:lead-delete",
    )
    register_card_panel(
        "lead", key="request", title=_("Request"), template="leads/_panel_request.html",
        context=panels.request_panel, order=10,
    )  # fmt: skip
    register_card_panel(
        "lead", key="progress", title=_("Status and conversion"), template="leads/_panel_progress.html",
        context=panels.progress_panel, order=20,
    )  # fmt: skip
    register_card_panel(
        "lead", key="score", title=_("Score"), template="leads/_panel_score.html",
        context=panels.score_panel, order=10, column="side",
    )  # fmt: skip
    register_card_panel(
        "lead", key="touches", title=_("Where it came from"), template="leads/_panel_touches.html",
        context=panels.touches_panel, order=20, column="side",
    )  # fmt: skip
    register_card_panel(
        "lead", key="submissions", title=_("Form submissions"), template="leads/_panel_submissions.html",
        context=panels.submissions_panel, order=30, column="side",
    )  # fmt: skip
    # The contact a lead became shows where it came from; customers know nothing of leads.
    register_card_panel(
        "contact",
        key="came_from_lead",
        title=_("Came from lead"),
        template="leads/_panel_came_from_lead.html",
        context=panels.came_from_lead_panel,
        order=60,
    )
    register_nav_item(NavItem(_("Lead inbox"), "leads:lead-list", "inbox", area="sales", order=10))
    register_nav_item(
        NavItem(
            _("Lead form"), "leads:settings", "ui-checks", Permission.MANAGE_ORGANIZATION,
            area="settings", order=50,
        )
    )  # fmt: skip
    register_command(
        Command(
            key="new-lead",
            label=_("New lead"),
            url_name="leads:lead-create",
            icon="inbox",
            permission=Permission.EDIT_SALES,
            keywords=_("add create enquiry request prospect"),
            order=30,
        )
    )
    register_demo_step(LEADS_STEP)
    register_scope(webforms.THROTTLE_SCOPE, webforms.throttle_rule)
