"""The lead inbox: the leads list of the records kit, sorted by default by waiting time (leads
awaiting a first answer first, longest-waiting first), registered in LeadsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kliento.core.permissions import Permission
from kliento.core.records.lists import (
    BulkAction,
    Cell,
    ChoiceFilter,
    DateRangeFilter,
    ListColumn,
    ListPage,
    ListSpec,
    ListTexts,
    OwnerFilter,
    SearchFilter,
    TagFilter,
    TeamFilter,
    columns,
    register_list,
)
from kliento.core.records.lists.bulk import choice_input, member_input
from kliento.core.records.lists.custom_fields import RecordCustomFields
from kliento.customers.normalize import format_phone
from kliento.leads import services
from kliento.leads.models import Lead, LeadSource, LeadStatus
from kliento.leads.selectors import matching, parse_query, waiting_text

STATUS_CSS = {
    LeadStatus.NEW: "text-bg-primary",
    LeadStatus.CONTACTED: "text-bg-info",
    LeadStatus.QUALIFIED: "text-bg-success",
    LeadStatus.DISQUALIFIED: "text-bg-secondary",
}


def status_css(value: str) -> str:
    colour = STATUS_CSS.get(LeadStatus(value), "") if value in LeadStatus.values else ""
    return f"badge rounded-pill lead-status {colour}"


def _waiting_cell(page: ListPage) -> Any:
    now = timezone.now()
    return lambda lead: Cell("text", waiting_text(lead, now))


def _phone_cell(page: ListPage) -> Any:
    region = page.region
    return lambda lead: Cell("phone", format_phone(lead.phone, region), lead.phone)


def _score_cell(page: ListPage) -> Any:
    return lambda lead: Cell("number", lead.score)


def _columns() -> tuple[ListColumn, ...]:
    return (
        columns.name(fields=("name",), sort_by=("sort_name",)),
        columns.badge("status", _("Status"), "status", lambda: LeadStatus.choices, css=status_css),
        ListColumn(
            key="waiting",
            label=_("Waiting"),
            cell=_waiting_cell,
            fields=("queue_rank", "created_at", "first_response_at"),
            sort_by=("queue_rank", "created_at"),
        ),
        columns.choice("source", _("Source"), "source", lambda: LeadSource.choices),
        columns.owner(),
        ListColumn(
            key="score",
            label=_("Score"),
            cell=_score_cell,
            fields=("score",),
            sort_by=("score",),
            descending_first=True,
        ),
        columns.text("company_name", _("Company")),
        columns.email(),
        ListColumn(key="phone", label=_("Phone"), cell=_phone_cell, fields=("phone",)),
        columns.tags(),
        columns.moment("created", _("Received"), "created_at"),
        columns.moment("updated", _("Changed"), "updated_at"),
    )


def _filters() -> tuple[Any, ...]:
    return (
        SearchFilter(parse=parse_query, apply=matching),
        ChoiceFilter(
            "status",
            label=_("Status"),
            field="status",
            choices=lambda: LeadStatus.choices,
            unknown=_("Unknown status."),
        ),
        OwnerFilter(),
        ChoiceFilter(
            "source",
            label=_("Source"),
            field="source",
            choices=lambda: LeadSource.choices,
            unknown=_("Unknown source."),
        ),
        TagFilter(),
        TeamFilter(),
        DateRangeFilter(
            field="created_at",
            start="created_from",
            end="created_to",
            start_label=_("Received from"),
            end_label=_("Received until"),
        ),
    )


def _open_statuses() -> list[tuple[str, Any]]:
    return [(value, label) for value, label in LeadStatus.choices if value != LeadStatus.DISQUALIFIED]


BULK_ACTIONS = (
    ("assign_owner", _("Assign owner"), member_input("owner", _("New owner"))),
    ("change_status", _("Change status"), choice_input("status", _("New status"), _open_statuses)),
    ("trash", _("Move to trash"), None),
)


def _run(key: str) -> Any:
    def apply(*, member: Any, ids: list[int], value: Any, reason: str) -> int:
        return services.bulk_update_leads(ids=ids, member=member, action=key, value=value, reason=reason)

    return apply


def _trashed(count: int) -> str:
    return ngettext("%(count)s lead moved to the trash.", "%(count)s leads moved to the trash.", count)


TEXTS = ListTexts(
    new=_("New lead"),
    all=_("All leads"),
    mine=_("My leads"),
    no_match=_("No leads match these filters."),
    empty=_("No leads yet — add one, turn on the web form in settings, or load demo data with %(command)s."),
    count=lambda count: ngettext("%(count)s lead", "%(count)s leads", count),
    count_more=_("%(count)s+ leads"),
    count_estimate=lambda count: ngettext("about %(count)s lead", "about %(count)s leads", count),
    updated=lambda count: ngettext("%(count)s lead updated.", "%(count)s leads updated.", count),
)


def register() -> None:
    register_list(
        ListSpec(
            kind="lead",
            columns=_columns(),
            default_columns=("name", "status", "waiting", "source", "owner", "score", "company_name"),
            default_sort="waiting",
            filters=_filters(),
            texts=TEXTS,
            visible=lambda member: Lead.objects.visible_to(member),
            reads=("name",),
            bulk_actions=tuple(
                BulkAction(
                    key=key,
                    label=label,
                    run=_run(key),
                    permission=Permission.EDIT_SALES,
                    input=bulk_input,
                    confirm=key == "trash",
                    done=_trashed if key == "trash" else None,
                )
                for key, label, bulk_input in BULK_ACTIONS
            ),
            custom_fields=RecordCustomFields(),
            create_url_name="leads:lead-create",
        )
    )
