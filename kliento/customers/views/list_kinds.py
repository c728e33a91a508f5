"""The two lists, contacts and companies: what differs between them, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kliento.customers.models import Company, Contact, CustomerEntity

COLUMN_LABELS: dict[str, Promise] = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "company": gettext_lazy("Company"),
    "stage": gettext_lazy("Stage"),
    "owner": gettext_lazy("Owner"),
    "tags": gettext_lazy("Tags"),
    "source": gettext_lazy("Source"),
    "city": gettext_lazy("City"),
    "country": gettext_lazy("Country"),
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Changed"),
}
# Dates read best newest first; names and custom fields A to Z.
BUILT_IN_SORTS = {"name": ("name", False), "created": ("created", True), "updated": ("updated", True)}


@dataclass(frozen=True)
class ListKind:
    """What differs between the contact list and the company list."""

    entity: str
    model: type[Model]
    url_name: str
    bulk_url_name: str
    count_url_name: str
    detail_url_name: str
    create_url_name: str
    template: str
    title: Promise
    new_label: Promise
    all_label: Promise
    mine_label: Promise
    no_match_text: Promise
    icon: str
    columns: tuple[str, ...]
    default_columns: tuple[str, ...]
    list_fields: tuple[str, ...]  # what the columns and the sort keys read of a row

    @property
    def list_url(self) -> str:
        return reverse(self.url_name)

    @property
    def count_url(self) -> str:
        return reverse(self.count_url_name)

    @property
    def bulk_url(self) -> str:
        return reverse(self.bulk_url_name)

    @property
    def create_url(self) -> str:
        return reverse(self.create_url_name)

    @property
    def is_contact(self) -> bool:
        return self.entity == CustomerEntity.CONTACT

    def empty_text(self) -> str:
        if self.is_contact:
            text = _("No contacts yet — add your first contact, or load demo data with %(command)s.")
        else:
            text = _("No companies yet — add your first company, or load demo data with %(command)s.")
        # The translation is text, not a format string: it is escaped around the command's markup.
        before, _placeholder, after = text.partition("%(command)s")
        return format_html("{}<code>{}</code>{}", before, "kliento demo", after)

    def count_label(self, count: int, *, more: bool = False, estimate: bool = False) -> str:
        """ "12 contacts", "50+ contacts" (a first page with more after it) or "about 310,000 contacts"."""
        values = {"count": number_format(count, force_grouping=True)}
        if self.is_contact:
            if estimate:
                return ngettext("about %(count)s contact", "about %(count)s contacts", count) % values
            if more:
                return _("%(count)s+ contacts") % values
            return ngettext("%(count)s contact", "%(count)s contacts", count) % values
        if estimate:
            return ngettext("about %(count)s company", "about %(count)s companies", count) % values
        if more:
            return _("%(count)s+ companies") % values
        return ngettext("%(count)s company", "%(count)s companies", count) % values

    def bulk_message(self, action: str, count: int) -> str:
        values = {"count": count}
        if self.is_contact:
            if action == "trash":
                return (
                    ngettext(
                        "%(count)s contact moved to the trash.",
                        "%(count)s contacts moved to the trash.",
                        count,
                    )
                    % values
                )
            return ngettext("%(count)s contact updated.", "%(count)s contacts updated.", count) % values
        if action == "trash":
            return (
                ngettext(
                    "%(count)s company moved to the trash.", "%(count)s companies moved to the trash.", count
                )
                % values
            )
        return ngettext("%(count)s company updated.", "%(count)s companies updated.", count) % values


CONTACTS = ListKind(
    entity=CustomerEntity.CONTACT,
    model=Contact,
    url_name="customers:contact-list",
    bulk_url_name="customers:contact-bulk",
    count_url_name="customers:contact-count",
    detail_url_name="customers:contact-detail",
    create_url_name="customers:contact-create",
    template="customers/contact_list.html",
    title=gettext_lazy("Contacts"),
    new_label=gettext_lazy("New contact"),
    all_label=gettext_lazy("All contacts"),
    mine_label=gettext_lazy("My contacts"),
    no_match_text=gettext_lazy("No contacts match these filters."),
    icon="person-lines-fill",
    columns=(
        "name", "email", "phone", "company", "stage", "owner", "tags", "source", "city", "country",
        "created", "updated",
    ),
    default_columns=("name", "email", "phone", "company", "stage", "owner", "tags", "updated"),
    list_fields=(
        "first_name", "last_name", "email", "phone", "lifecycle_stage", "source", "city", "country",
        "custom_fields", "sort_name", "created_at", "updated_at", "owner_id", "owner__full_name",
        "owner__email", "company_id", "company__name",
    ),
)  # fmt: skip
COMPANIES = ListKind(
    entity=CustomerEntity.COMPANY,
    model=Company,
    url_name="customers:company-list",
    bulk_url_name="customers:company-bulk",
    count_url_name="customers:company-count",
    detail_url_name="customers:company-detail",
    create_url_name="customers:company-create",
    template="customers/company_list.html",
    title=gettext_lazy("Companies"),
    new_label=gettext_lazy("New company"),
    all_label=gettext_lazy("All companies"),
    mine_label=gettext_lazy("My companies"),
    no_match_text=gettext_lazy("No companies match these filters."),
    icon="buildings",
    columns=(
        "name", "email", "phone", "stage", "owner", "tags", "source", "city", "country", "created",
        "updated",
    ),
    default_columns=("name", "email", "phone", "stage", "owner", "tags", "city", "updated"),
    list_fields=(
        "name", "email", "phone", "lifecycle_stage", "source", "city", "country", "custom_fields",
        "sort_name", "created_at", "updated_at", "owner_id", "owner__full_name", "owner__email",
    ),
)  # fmt: skip
KINDS = {kind.entity: kind for kind in (CONTACTS, COMPANIES)}
