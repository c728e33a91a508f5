"""The product list: columns, filters and bulk actions, registered with the records kit."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kliento.catalog import services
from kliento.catalog.selectors import products_matching
from kliento.core.permissions import Permission
from kliento.core.records.lists import (
    BulkAction,
    Cell,
    ChoiceFilter,
    ListColumn,
    ListSpec,
    ListTexts,
    SearchFilter,
    TagFilter,
    columns,
    register_list,
)
from kliento.core.records.lists.bulk import choice_input, tag_input
from kliento.core.records.lists.custom_fields import RecordCustomFields


def active_choices() -> list[tuple[str, Any]]:
    return [("yes", _("Active")), ("no", _("Inactive"))]


class ActiveFilter(ChoiceFilter):
    """Active or inactive products (`active=yes`)."""

    def apply(self, queryset: QuerySet[Any], value: Any, member: Any) -> QuerySet[Any]:
        return queryset.filter(is_active__in=[choice == "yes" for choice in value])


def _search_parse(text: str, region: str) -> str | None:
    return text.strip() or None


def _search_apply(queryset: QuerySet[Any], text: str, organization_id: int) -> QuerySet[Any]:
    return queryset.filter(pk__in=products_matching(text).values("pk"))


def _run(key: str) -> Any:
    def apply(*, member: Any, ids: list[int], value: Any, reason: str) -> int:
        return services.bulk_update_products(member=member, ids=ids, action=key, value=value, reason=reason)

    return apply


TEXTS = ListTexts(
    new=_("New product"),
    all=_("All products"),
    mine="",
    no_match=_("No products match these filters."),
    empty=_("No products yet — add your first product, or load demo data with %(command)s."),
    count=lambda count: ngettext("%(count)s product", "%(count)s products", count),
    count_more=_("%(count)s+ products"),
    count_estimate=lambda count: ngettext("about %(count)s product", "about %(count)s products", count),
    updated=lambda count: ngettext("%(count)s product updated.", "%(count)s products updated.", count),
)


def register() -> None:
    tag = tag_input("tag", _("Tag"))
    register_list(
        ListSpec(
            kind="product",
            columns=(
                columns.name(fields=("name",), sort_by=("name",)),
                columns.text("sku", _("SKU")),
                columns.text("category", _("Category"), sort_by=("category", "name")),
                columns.text("unit", _("Unit")),
                ListColumn(
                    key="active",
                    label=_("Active"),
                    cell=lambda page: lambda record: Cell("bool", record.is_active),
                    fields=("is_active",),
                ),
                columns.tags(),
                columns.moment("created", _("Created"), "created_at"),
                columns.moment("updated", _("Changed"), "updated_at"),
            ),
            default_columns=("name", "sku", "category", "unit", "active", "tags", "updated"),
            filters=(
                SearchFilter(parse=_search_parse, apply=_search_apply),
                ActiveFilter("active", label=_("State"), field="is_active", choices=active_choices),
                TagFilter(),
            ),
            texts=TEXTS,
            reads=("name",),
            bulk_actions=(
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
                    "set_active",
                    _("Set state"),
                    run=_run("set_active"),
                    permission=Permission.EDIT_SALES,
                    input=choice_input("state", _("New state"), active_choices),
                ),
                BulkAction(
                    "trash",
                    _("Move to trash"),
                    run=_run("trash"),
                    permission=Permission.EDIT_SALES,
                    confirm=True,
                    done=lambda count: ngettext(
                        "%(count)s product moved to the trash.",
                        "%(count)s products moved to the trash.",
                        count,
                    ),
                ),
            ),
            custom_fields=RecordCustomFields(),
            create_url_name="catalog:product-create",
        )
    )
