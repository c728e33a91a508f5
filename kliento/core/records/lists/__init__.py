"""The list kit: one list page for any kind of record, by registration.

A kind registers its list in its AppConfig.ready(), after its `RecordKind`:

    from kliento.core.records.lists import (
        BulkAction, DateRangeFilter, ListSpec, ListTexts, OwnerFilter, TeamFilter, columns, register_list,
    )

    register_list(
        ListSpec(
            kind="deal",
            columns=(
                columns.name("title", fields=("title",), sort_by=("title",)),
                columns.text("stage", _("Stage"), "stage__name"),
                columns.owner(),
                columns.moment("updated", _("Changed"), "updated_at"),
            ),
            default_columns=("title", "stage", "owner", "updated"),
            default_sort="title",
            filters=(OwnerFilter(), TeamFilter(), DateRangeFilter(field="created_at", ...)),
            bulk_actions=(
                BulkAction("trash", _("Move to trash"), run=trash_deals, permission=Permission.EDIT_SALES),
            ),
            texts=ListTexts(new=_("New deal"), count=deals_counted),
            create_url_name="sales:deal-create",
        )
    )

and includes its routes in its urls.py, next to its other pages:

    urlpatterns = [*list_urls("deal", "deals/"), ...]   # sales:deal-list, -count, -bulk

The kind's `list_url_name` must then be "<namespace>:<kind>-list". The page, its filters, sort,
keyset pages, counts, text search (a `SearchFilter`), chosen columns, saved views (personal and
shared, `core.SavedView` keyed by the kind) and bulk actions come with it; custom fields join the
columns, filters and sorts through the spec's `custom_fields` (`RecordCustomFields()` from
custom_fields.py, for a kind whose records carry custom values). An export reads the same rows with
`list_rows(kind, member, params)`.
"""

from kliento.core.records.lists import columns
from kliento.core.records.lists.filters import (
    ChoiceFilter,
    DateRangeFilter,
    ListFilter,
    OwnerFilter,
    RecordFilter,
    SearchFilter,
    TagFilter,
    TeamFilter,
)
from kliento.core.records.lists.page import ListPage
from kliento.core.records.lists.query import ListQuery, ListRows, filter_rows, list_rows, parse_list_query
from kliento.core.records.lists.spec import (
    BulkAction,
    BulkInput,
    CustomFields,
    ListColumn,
    ListSpec,
    ListTexts,
    get_list,
    has_list,
    register_list,
)
from kliento.core.records.lists.table import Cell, TagChip

__all__ = [
    "BulkAction",
    "BulkInput",
    "Cell",
    "ChoiceFilter",
    "CustomFields",
    "DateRangeFilter",
    "ListColumn",
    "ListFilter",
    "ListPage",
    "ListQuery",
    "ListRows",
    "ListSpec",
    "ListTexts",
    "OwnerFilter",
    "RecordFilter",
    "SearchFilter",
    "TagChip",
    "TagFilter",
    "TeamFilter",
    "columns",
    "filter_rows",
    "get_list",
    "has_list",
    "list_rows",
    "parse_list_query",
    "register_list",
]
