"""The deal list: the same deals as the board, as rows, registered with the records kit."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
from kliento.core.records.lists.bulk import member_input, tag_input
from kliento.core.records.lists.custom_fields import RecordCustomFields
from kliento.deals import services
from kliento.deals.models import Deal, StageKind

STATUS_CSS: dict[str, str] = {
    StageKind.OPEN: "text-bg-primary",
    StageKind.WON: "text-bg-success",
    StageKind.LOST: "text-bg-secondary",
}


class DayRangeFilter(DateRangeFilter):
    """A range of days on a date column (the kit's filter reads moments' dates)."""

    def apply(self, queryset: QuerySet[Any], value: Any, member: Any) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.field}__{lookup}": day for lookup, day in value})


def _amount_cell(page: ListPage) -> Any:
    return lambda record: Cell("text", f"{record.amount.normalize():f} {record.currency}")


def _search_parse(text: str, region: str) -> str | None:
    return text.strip() or None


def _search_apply(queryset: QuerySet[Any], text: str, organization_id: int) -> QuerySet[Any]:
    return queryset.filter(title__icontains=text)


def _run(key: str) -> Any:
    def apply(*, member: Any, ids: list[int], value: Any, reason: str) -> int:
        return services.bulk_update_deals(member=member, ids=ids, action=key, value=value, reason=reason)

    return apply


TEXTS = ListTexts(
    new=_("New deal"),
    all=_("All deals"),
    mine=_("My deals"),
    no_match=_("No deals match these filters."),
    empty=_("No deals yet — add your first deal, or load demo data with %(command)s."),
    count=lambda count: ngettext("%(count)s deal", "%(count)s deals", count),
    count_more=_("%(count)s+ deals"),
    count_estimate=lambda count: ngettext("about %(count)s deal", "about %(count)s deals", count),
    updated=lambda count: ngettext("%(count)s deal updated.", "%(count)s deals updated.", count),
)


def register() -> None:
    tag = tag_input("tag", _("Tag"))
    register_list(
        ListSpec(
            kind="deal",
            columns=(
                columns.name("title", _("Title"), fields=("title",), sort_by=("title",)),
                ListColumn(
                    "stage",
                    _("Stage"),
                    lambda page: lambda record: Cell("text", record.stage.name),
                    fields=("stage_id", "stage__name"),
                ),
                ListColumn(
                    "pipeline",
                    _("Pipeline"),
                    lambda page: lambda record: Cell("text", record.pipeline.name),
                    fields=("pipeline_id", "pipeline__name"),
                ),
                columns.badge(
                    "status",
                    _("Status"),
                    "status",
                    lambda: StageKind.choices,
                    css=lambda value: STATUS_CSS.get(value, ""),
                ),
                ListColumn("amount", _("Amount"), _amount_cell, fields=("amount", "currency")),
                ListColumn(
                    "amount_base",
                    _("Amount in base currency"),
                    lambda page: lambda record: Cell("number", record.amount_base),
                    fields=("amount_base",),
                    sort_by=("amount_base",),
                    descending_first=True,
                ),
                columns.link(
                    "company", _("Company"), "company", "customers:company-detail", ("company__name",)
                ),
                columns.owner(),
                ListColumn(
                    "expected_close",
                    _("Expected close"),
                    lambda page: lambda record: Cell("date", record.expected_close_on),
                    fields=("expected_close_on",),
                ),
                columns.tags(),
                columns.moment("created", _("Created"), "created_at"),
                columns.moment("updated", _("Changed"), "updated_at"),
            ),
            default_columns=(
                "title",
                "stage",
                "status",
                "amount",
                "company",
                "owner",
                "expected_close",
                "updated",
            ),
            default_sort="title",
            filters=(
                SearchFilter(parse=_search_parse, apply=_search_apply),
                ChoiceFilter(
                    "status",
                    label=_("Status"),
                    field="status",
                    choices=lambda: StageKind.choices,
                    unknown=_("Unknown status."),
                ),
                OwnerFilter(),
                TeamFilter(),
                TagFilter(),
                DayRangeFilter(
                    field="expected_close_on",
                    start="close_from",
                    end="close_to",
                    start_label=_("Expected close from"),
                    end_label=_("Expected close until"),
                ),
            ),
            texts=TEXTS,
            visible=lambda member: Deal.objects.visible_to(member),
            reads=("title",),
            bulk_actions=(
                BulkAction(
                    "assign_owner",
                    _("Assign owner"),
                    run=_run("assign_owner"),
                    permission=Permission.EDIT_SALES,
                    input=member_input("owner", _("New owner")),
                ),
                BulkAction(
                    "add_tag", _("Add tag"), run=_run("add_tag"), permission=Permission.EDIT_SALES, input=tag
                ),
                BulkAction(
                    "remove_tag",
                    _("Remove tag"),
                    run=_run("remove_tag"),
                    permission=Permission.EDIT_SALES,
                    input=tag,
                ),
                BulkAction(
                    "trash",
                    _("Move to trash"),
                    run=_run("trash"),
                    permission=Permission.EDIT_SALES,
                    confirm=True,
                    done=lambda count: ngettext(
                        "%(count)s deal moved to the trash.", "%(count)s deals moved to the trash.", count
                    ),
                ),
            ),
            custom_fields=RecordCustomFields(),
            create_url_name="deals:deal-create",
        )
    )
