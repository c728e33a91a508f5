"""The contact and company lists: their columns, filters and bulk actions, registered with the
records kit (kliento.core.records.lists) in CustomersConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kliento.core.countries import country_choices
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
from kliento.core.records.lists.bulk import choice_input, member_input, tag_input
from kliento.core.records.lists.custom_fields import RecordCustomFields
from kliento.customers import services
from kliento.customers.models import Company, Contact, LifecycleStage, Source
from kliento.customers.normalize import format_phone
from kliento.customers.search import matching, parse_query
from kliento.customers.templatetags.customer_cards import stage_badge

# Columns --------------------------------------------------------------------------------------


def _phone_cell(page: ListPage) -> Any:
    region = page.region
    return lambda record: Cell("phone", format_phone(record.phone, region), record.phone)


def _shared_columns() -> dict[str, ListColumn]:
    return {
        column.key: column
        for column in (
            columns.email(),
            ListColumn(key="phone", label=_("Phone"), cell=_phone_cell, fields=("phone",)),
            columns.badge(
                "stage", _("Stage"), "lifecycle_stage", lambda: LifecycleStage.choices, css=stage_badge
            ),
            columns.owner(),
            columns.tags(),
            columns.choice("source", _("Source"), "source", lambda: Source.choices),
            columns.text("city", _("City")),
            columns.choice("country", _("Country"), "country", country_choices),
            columns.moment("created", _("Created"), "created_at"),
            columns.moment("updated", _("Changed"), "updated_at"),
        )
    }


def _contact_columns() -> tuple[ListColumn, ...]:
    shared = _shared_columns()
    company = columns.link("company", _("Company"), "company", "customers:company-detail", ("company__name",))
    name = columns.name(fields=("first_name", "last_name"), sort_by=("sort_name",))
    return (
        name, shared["email"], shared["phone"], company, *(shared[key] for key in (
            "stage", "owner", "tags", "source", "city", "country", "created", "updated"
        )),
    )  # fmt: skip


def _company_columns() -> tuple[ListColumn, ...]:
    shared = _shared_columns()
    name = columns.name(fields=("name",), sort_by=("sort_name",))
    return (name, *shared.values())


# Filters and bulk actions ---------------------------------------------------------------------


def _filters(*, company: bool) -> tuple[Any, ...]:
    by_company = (
        RecordFilter(
            "company",
            label=_("Company"),
            field="company_id",
            visible=lambda member: Company.objects.visible_to(member).only("id", "name"),
            icon="buildings",
        ),
    )
    return (
        SearchFilter(parse=parse_query, apply=matching),
        ChoiceFilter(
            "stage",
            label=_("Stage"),
            field="lifecycle_stage",
            choices=lambda: LifecycleStage.choices,
            unknown=_("Unknown lifecycle stage."),
        ),
        OwnerFilter(),
        TagFilter(),
        ChoiceFilter(
            "source",
            label=_("Source"),
            field="source",
            choices=lambda: Source.choices,
            unknown=_("Unknown source."),
        ),
        TeamFilter(),
        *(by_company if company else ()),
        DateRangeFilter(
            field="created_at",
            start="created_from",
            end="created_to",
            start_label=_("Created from"),
            end_label=_("Created until"),
        ),
        DateRangeFilter(
            field="updated_at",
            start="updated_from",
            end="updated_to",
            start_label=_("Changed from"),
            end_label=_("Changed until"),
        ),
    )


OWNER = member_input("owner", _("New owner"))
TAG = tag_input("tag", _("Tag"))
STAGE = choice_input("stage", _("New stage"), lambda: LifecycleStage.choices, reason=True)
BULK_ACTIONS = (
    ("assign_owner", _("Assign owner"), OWNER),
    ("add_tag", _("Add tag"), TAG),
    ("remove_tag", _("Remove tag"), TAG),
    ("change_stage", _("Change stage"), STAGE),
    ("trash", _("Move to trash"), None),
)


def _bulk_actions(model: type[Contact | Company]) -> tuple[BulkAction, ...]:
    def run(key: str) -> Any:
        def apply(*, member: Any, ids: list[int], value: Any, reason: str) -> int:
            return services.bulk_update_customers(
                model, ids, member=member, action=key, value=value, reason=reason
            )

        return apply

    if model is Contact:
        trashed = lambda count: ngettext(  # noqa: E731
            "%(count)s contact moved to the trash.", "%(count)s contacts moved to the trash.", count
        )
    else:
        trashed = lambda count: ngettext(  # noqa: E731
            "%(count)s company moved to the trash.", "%(count)s companies moved to the trash.", count
        )
    return tuple(
        BulkAction(
            key=key,
            label=label,
            run=run(key),
            permission=Permission.DELETE_CUSTOMERS if key == "trash" else Permission.EDIT_CUSTOMERS,
            input=bulk_input,
            confirm=key == "trash",
            done=trashed if key == "trash" else None,
        )
        for key, label, bulk_input in BULK_ACTIONS
    )


# Registration ---------------------------------------------------------------------------------

CONTACT_TEXTS = ListTexts(
    new=_("New contact"),
    all=_("All contacts"),
    mine=_("My contacts"),
    no_match=_("No contacts match these filters."),
    empty=_("No contacts yet — add your first contact, or load demo data with %(command)s."),
    count=lambda count: ngettext("%(count)s contact", "%(count)s contacts", count),
    count_more=_("%(count)s+ contacts"),
    count_estimate=lambda count: ngettext("about %(count)s contact", "about %(count)s contacts", count),
    updated=lambda count: ngettext("%(count)s contact updated.", "%(count)s contacts updated.", count),
)
COMPANY_TEXTS = ListTexts(
    new=_("New company"),
    all=_("All companies"),
    mine=_("My companies"),
    no_match=_("No companies match these filters."),
    empty=_("No companies yet — add your first company, or load demo data with %(command)s."),
    count=lambda count: ngettext("%(count)s company", "%(count)s companies", count),
    count_more=_("%(count)s+ companies"),
    count_estimate=lambda count: ngettext("about %(count)s company", "about %(count)s companies", count),
    updated=lambda count: ngettext("%(count)s company updated.", "%(count)s companies updated.", count),
)


def register() -> None:
    fields = RecordCustomFields()
    register_list(
        ListSpec(
            kind="contact",
            columns=_contact_columns(),
            default_columns=("name", "email", "phone", "company", "stage", "owner", "tags", "updated"),
            filters=_filters(company=True),
            texts=CONTACT_TEXTS,
            visible=lambda member: Contact.objects.visible_to(member),
            reads=("first_name", "last_name"),
            bulk_actions=_bulk_actions(Contact),
            custom_fields=fields,
            create_url_name="customers:contact-create",
        )
    )
    register_list(
        ListSpec(
            kind="company",
            columns=_company_columns(),
            default_columns=("name", "email", "phone", "stage", "owner", "tags", "city", "updated"),
            filters=_filters(company=False),
            texts=COMPANY_TEXTS,
            visible=lambda member: Company.objects.visible_to(member),
            reads=("name",),
            bulk_actions=_bulk_actions(Company),
            custom_fields=fields,
            create_url_name="customers:company-create",
        )
    )
