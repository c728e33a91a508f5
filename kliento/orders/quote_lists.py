"""The quote list, registered with the records kit: newest first, filters by status, date,
customer, deal, owner and tag, saved views, tag bulk actions and the trash."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kliento.core.audit import audit_batch
from kliento.core.models import Membership
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
    RecordFilter,
    SearchFilter,
    TagFilter,
    TeamFilter,
    columns,
    register_list,
)
from kliento.core.records.lists.bulk import tag_actions
from kliento.core.records.lists.custom_fields import RecordCustomFields
from kliento.customers.models import Company, Contact
from kliento.deals.models import Deal
from kliento.orders import services
from kliento.orders.models import Quote, QuoteStatus
from kliento.orders.quote_selectors import number_matches, quote_prefix, status_css


class DayRangeFilter(DateRangeFilter):
    """A range of days on a date column (the kit's filter reads moments' dates)."""

    def apply(self, queryset: QuerySet[Any], value: Any, member: Any) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.field}__{lookup}": day for lookup, day in value})


def _number_cell(page: ListPage) -> Any:
    prefix = page.load("quote_prefix", quote_prefix)
    return lambda record: Cell("name", f"{prefix}{record.number}")


def _customer_cell(page: ListPage) -> Any:
    def read(record: Any) -> Cell:
        if record.company_id is not None:
            return Cell("text", record.company.name)
        return Cell("text", str(record.contact) if record.contact_id is not None else "")

    return read


def _search_parse(text: str, region: str) -> str | None:
    return text.strip() or None


def _search_apply(queryset: QuerySet[Any], text: str, organization_id: int) -> QuerySet[Any]:
    """The number, with or without the prefix ("42", "Q-42")."""
    condition = number_matches(text, quote_prefix())
    return queryset.filter(condition) if condition is not None else queryset.none()


def _trash(*, member: Membership, ids: list[int], value: Any, reason: str = "") -> int:
    with transaction.atomic(), audit_batch():
        quotes = list(Quote.objects.visible_to(member).filter(pk__in=ids))
        for quote in quotes:
            services.trash_quote(quote=quote, member=member)
    return len(quotes)


TEXTS = ListTexts(
    new=_("New quote"),
    all=_("All quotes"),
    mine=_("My quotes"),
    no_match=_("No quotes match these filters."),
    empty=_(
        "No quotes yet — make one from a deal's card, or add your first quote. %(command)s loads demo data."
    ),
    count=lambda count: ngettext("%(count)s quote", "%(count)s quotes", count),
    count_more=_("%(count)s+ quotes"),
    count_estimate=lambda count: ngettext("about %(count)s quote", "about %(count)s quotes", count),
    updated=lambda count: ngettext("%(count)s quote updated.", "%(count)s quotes updated.", count),
)


def register() -> None:
    add_tag, remove_tag = tag_actions(Quote, permission=Permission.EDIT_SALES)
    register_list(
        ListSpec(
            kind="quote",
            columns=(
                ListColumn("number", _("Number"), _number_cell, fields=("number",), sort_by=("number",)),
                ListColumn(
                    "customer",
                    _("Customer"),
                    _customer_cell,
                    fields=(
                        "company_id",
                        "company__name",
                        "contact_id",
                        "contact__first_name",
                        "contact__last_name",
                    ),
                ),
                columns.link("deal", _("Deal"), "deal", "deals:deal-detail", ("deal__title",)),
                columns.badge("status", _("Status"), "status", lambda: QuoteStatus.choices, css=status_css),
                ListColumn(
                    "total",
                    _("Total"),
                    lambda page: (
                        lambda record: Cell("text", f"{record.total.normalize():f} {record.currency}")
                    ),
                    fields=("total", "currency"),
                ),
                ListColumn(
                    "total_base",
                    _("Total in base currency"),
                    lambda page: lambda record: Cell("number", record.total_base),
                    fields=("total_base",),
                ),
                ListColumn(
                    "issued",
                    _("Date"),
                    lambda page: lambda record: Cell("date", record.issued_on),
                    fields=("issued_on",),
                    sort_by=("issued_on",),
                    descending_first=True,
                ),
                ListColumn(
                    "valid_until",
                    _("Valid until"),
                    lambda page: lambda record: Cell("date", record.valid_until),
                    fields=("valid_until",),
                ),
                columns.owner(),
                columns.tags(),
                columns.moment("updated", _("Changed"), "updated_at"),
            ),
            default_columns=("number", "customer", "status", "total", "issued", "valid_until", "owner"),
            default_sort="-issued",
            filters=(
                SearchFilter(parse=_search_parse, apply=_search_apply),
                ChoiceFilter(
                    "status",
                    label=_("Status"),
                    field="status",
                    choices=lambda: QuoteStatus.choices,
                    unknown=_("Unknown status."),
                ),
                OwnerFilter(),
                TeamFilter(),
                TagFilter(),
                RecordFilter(
                    "company",
                    label=_("Company"),
                    field="company_id",
                    visible=lambda member: Company.objects.visible_to(member),
                    icon="building",
                ),
                RecordFilter(
                    "contact",
                    label=_("Contact"),
                    field="contact_id",
                    visible=lambda member: Contact.objects.visible_to(member),
                    icon="person",
                ),
                RecordFilter(
                    "deal",
                    label=_("Deal"),
                    field="deal_id",
                    visible=lambda member: Deal.objects.visible_to(member),
                    icon="kanban",
                ),
                DayRangeFilter(
                    field="issued_on",
                    start="issued_from",
                    end="issued_to",
                    start_label=_("Date from"),
                    end_label=_("Date until"),
                ),
            ),
            texts=TEXTS,
            visible=lambda member: Quote.objects.visible_to(member),
            reads=("number",),
            bulk_actions=(
                add_tag,
                remove_tag,
                BulkAction(
                    "trash",
                    _("Move to trash"),
                    run=_trash,
                    permission=Permission.EDIT_SALES,
                    confirm=True,
                    done=lambda count: ngettext(
                        "%(count)s quote moved to the trash.", "%(count)s quotes moved to the trash.", count
                    ),
                ),
            ),
            custom_fields=RecordCustomFields(),
            create_url_name="orders:quote-create",
        )
    )
