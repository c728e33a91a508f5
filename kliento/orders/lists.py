"""The order list: newest first, a month of one channel or status at a time, registered with the
records kit (OrdersConfig.ready()). The API's list and count read the same filters."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kliento.catalog.templatetags.money import money
from kliento.core.models import Membership
from kliento.core.permissions import Permission
from kliento.core.records.lists import (
    Cell,
    ChoiceFilter,
    ListColumn,
    ListFilter,
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
from kliento.core.records.lists.filters import Errors, FilterInput, one_of
from kliento.core.records.lists.table import url_maker
from kliento.customers.models import Company, Contact
from kliento.deals.lists import DayRangeFilter
from kliento.deals.models import Deal
from kliento.orders import selectors
from kliento.orders.models import Order, OrderStatus, SalesChannel

STATUS_CSS: dict[str, str] = {
    OrderStatus.PLACED: "text-bg-primary",
    OrderStatus.PAID: "text-bg-success",
    OrderStatus.FULFILLED: "text-bg-success",
    OrderStatus.CANCELLED: "text-bg-secondary",
    OrderStatus.REFUNDED: "text-bg-warning",
}


def status_css(value: str) -> str:
    return STATUS_CSS.get(value, "")


class MonthFilter(ListFilter):
    """Orders of one calendar month (`month=2026-05`): one range of the (organization, date) index."""

    template = "orders/_filter_month.html"

    def __init__(self, name: str = "month", *, field: str = "ordered_on") -> None:
        self.names = (name,)
        self.name, self.field = name, field

    def label(self, name: str) -> str:
        return _("Month")

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        value = one_of(params, self.name)
        if not value:
            return None
        try:
            first = datetime.date.fromisoformat(f"{value}-01")
        except ValueError:
            errors[self.name] = [_("Enter a month as YYYY-MM.")]
            return None
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return first, last

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        first, last = value
        return queryset.filter(**{f"{self.field}__gte": first, f"{self.field}__lte": last})

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        return FilterInput(
            self.name, self.label(self.name), one_of(params, self.name), "month", invalid=self.name in invalid
        )


def _search_parse(text: str, region: str) -> Any:
    return selectors.parse_number_query(text, selectors.order_prefix())


def _search_apply(queryset: QuerySet[Any], query: Any, organization_id: int) -> QuerySet[Any]:
    return selectors.matching(queryset, query)


def _number_cell(page: ListPage) -> Any:
    prefix = page.load("order_prefix", selectors.order_prefix)
    return lambda order: Cell("name", selectors.number_label(order.number, prefix))


def _date_cell(page: ListPage) -> Any:
    return lambda order: Cell("date", order.ordered_on)


def _customer_cell(page: ListPage) -> Any:
    contact_url = url_maker("customers:contact-detail")
    company_url = url_maker("customers:company-detail")

    def read(order: Order) -> Cell:
        if order.contact_id is not None and order.contact is not None:
            return Cell("link", str(order.contact), contact_url(order.contact_id))
        if order.company_id is not None and order.company is not None:
            return Cell("link", str(order.company), company_url(order.company_id))
        return Cell("text", "")

    return read


def _total_cell(page: ListPage) -> Any:
    return lambda order: Cell("text", money(order.total, order.currency))


def _total_base_cell(page: ListPage) -> Any:
    currency = page.member.organization.base_currency
    return lambda order: Cell("text", money(order.total_base, currency))


TEXTS = ListTexts(
    new=gettext_lazy("New order"),
    all=gettext_lazy("All orders"),
    mine=gettext_lazy("My orders"),
    no_match=gettext_lazy("No orders match these filters."),
    empty=gettext_lazy("No orders yet — add your first order, or load demo data with %(command)s."),
    count=lambda count: ngettext("%(count)s order", "%(count)s orders", count),
    count_more=gettext_lazy("%(count)s+ orders"),
    count_estimate=lambda count: ngettext("about %(count)s order", "about %(count)s orders", count),
    updated=lambda count: ngettext("%(count)s order updated.", "%(count)s orders updated.", count),
)


def register() -> None:
    register_list(
        ListSpec(
            kind="order",
            columns=(
                ListColumn("number", gettext_lazy("Number"), _number_cell, fields=("number",)),
                ListColumn(
                    "date",
                    gettext_lazy("Date"),
                    _date_cell,
                    fields=("ordered_on",),
                    sort_by=("ordered_on",),
                    descending_first=True,
                ),
                ListColumn(
                    "customer",
                    gettext_lazy("Customer"),
                    _customer_cell,
                    fields=(
                        "contact_id",
                        "contact__first_name",
                        "contact__last_name",
                        "company_id",
                        "company__name",
                    ),
                ),
                columns.choice("channel", gettext_lazy("Channel"), "channel", lambda: SalesChannel.choices),
                columns.badge(
                    "status", gettext_lazy("Status"), "status", lambda: OrderStatus.choices, css=status_css
                ),
                ListColumn("total", gettext_lazy("Total"), _total_cell, fields=("total", "currency")),
                ListColumn(
                    "total_base",
                    gettext_lazy("Total in base currency"),
                    _total_base_cell,
                    fields=("total_base",),
                    sort_by=("total_base",),
                    descending_first=True,
                ),
                columns.owner(),
                columns.tags(),
                columns.moment("updated", gettext_lazy("Changed"), "updated_at"),
            ),
            default_columns=(
                "number",
                "date",
                "customer",
                "channel",
                "status",
                "total",
                "total_base",
                "owner",
            ),
            default_sort="-date",
            filters=(
                SearchFilter(parse=_search_parse, apply=_search_apply),
                MonthFilter(),
                ChoiceFilter(
                    "channel",
                    label=gettext_lazy("Channel"),
                    field="channel",
                    choices=lambda: SalesChannel.choices,
                    unknown=gettext_lazy("Unknown sales channel."),
                ),
                ChoiceFilter(
                    "status",
                    label=gettext_lazy("Status"),
                    field="status",
                    choices=lambda: OrderStatus.choices,
                    unknown=gettext_lazy("Unknown status."),
                ),
                OwnerFilter(),
                TeamFilter(),
                TagFilter(),
                RecordFilter(
                    "contact",
                    label=gettext_lazy("Contact"),
                    field="contact_id",
                    visible=lambda member: Contact.objects.visible_to(member),
                    icon="person",
                ),
                RecordFilter(
                    "company",
                    label=gettext_lazy("Company"),
                    field="company_id",
                    visible=lambda member: Company.objects.visible_to(member),
                    icon="building",
                ),
                RecordFilter(
                    "deal",
                    label=gettext_lazy("Deal"),
                    field="deal_id",
                    visible=lambda member: Deal.objects.visible_to(member),
                    icon="kanban",
                ),
                DayRangeFilter(
                    field="ordered_on",
                    start="ordered_from",
                    end="ordered_to",
                    start_label=gettext_lazy("Ordered from"),
                    end_label=gettext_lazy("Ordered until"),
                ),
            ),
            texts=TEXTS,
            visible=lambda member: Order.objects.visible_to(member),
            reads=("number",),
            bulk_actions=tag_actions(Order, permission=Permission.EDIT_SALES),
            custom_fields=RecordCustomFields(),
            create_url_name="orders:order-create",
        )
    )
