"""What differs between a contact and a company, said once: the views, the API and the URLs of
customer cards are written for any customer kind and look up the rest here.

The key is the record kind's (`kliento.core.records.kinds`, registered in CustomersConfig.ready())
and the entity of their custom fields; `plural` names the kind in URLs, URL names and API paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel

from kliento.core.models import Membership
from kliento.customers import selectors, services
from kliento.customers.forms import CompanyForm, ContactForm, CustomerForm
from kliento.customers.models import Company, Contact, display_name
from kliento.customers.schemas import (
    CompanyIn,
    CompanyOut,
    CompanyPage,
    CompanyPatch,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
)

# The columns an API list item is made of (the tags come in one more query).
_ITEM_COLUMNS = ("id", "owner_id", "lifecycle_stage", "custom_fields", "created_at", "updated_at")


@dataclass(frozen=True)
class CustomerKind:
    key: str
    plural: str
    model: type[Contact] | type[Company]
    form: type[CustomerForm]
    # access(member=…, record_id=…, write=…): the record if the member may see (and change) it
    access: Callable[..., Any]
    # create(member=…, data=…); update(record=…, member=…, data=…, expected_version=…)
    create: Callable[..., Any]
    update: Callable[..., Any]
    schema_in: type[BaseModel]
    schema_patch: type[BaseModel]
    schema_out: type[BaseModel]
    schema_page: type[BaseModel]
    item_columns: tuple[str, ...]
    delete_confirm: str | Promise
    # The full form's heading when new, its button that adds, its custom fields' heading.
    new_title: str | Promise
    add_label: str | Promise
    custom_heading: str | Promise
    # The inline-editable values of the card's header and of its profile panel, in order.
    header_fields: tuple[str, ...]
    profile_fields: tuple[str, ...]
    # What an API list item adds to the row of `item_columns`.
    item_extras: Callable[[dict[str, Any]], None] = lambda row: None
    initials: Callable[[Any], str] = lambda record: ""

    @property
    def subtitle_template(self) -> str:
        return f"customers/_card_subtitle_{self.key}.html"


def _contact_item(row: dict[str, Any]) -> None:
    row["full_name"] = display_name(row["first_name"], row["last_name"])
    row["company"] = {"id": row["company_id"], "name": row["company__name"]} if row["company_id"] else None


def _access_contact(*, member: Membership, record_id: int, write: bool = False) -> Contact:
    return selectors.access_contact(member=member, contact_id=record_id, write=write)


def _access_company(*, member: Membership, record_id: int, write: bool = False) -> Company:
    return selectors.access_company(member=member, company_id=record_id, write=write)


def _update_contact(*, record: Contact, **arguments: Any) -> Contact:
    return services.update_contact(contact=record, **arguments)


def _update_company(*, record: Company, **arguments: Any) -> Company:
    return services.update_company(company=record, **arguments)


CONTACT = CustomerKind(
    key="contact",
    plural="contacts",
    model=Contact,
    form=ContactForm,
    access=_access_contact,
    create=services.create_contact,
    update=_update_contact,
    schema_in=ContactIn,
    schema_patch=ContactPatch,
    schema_out=ContactOut,
    schema_page=ContactPage,
    item_columns=(*_ITEM_COLUMNS, "first_name", "last_name", "email", "phone", "company_id", "company__name"),
    item_extras=_contact_item,
    delete_confirm=_("Move this contact to the trash? It can be restored from the trash."),
    new_title=_("New contact"),
    add_label=_("Add the contact"),
    custom_heading=_("More about them"),
    header_fields=("name", "job_title", "owner", "tags"),
    profile_fields=("birthday", "preferred_language", "preferred_channel", "source", "address"),
    initials=lambda contact: (contact.first_name[:1] + contact.last_name[:1]).upper(),
)
COMPANY = CustomerKind(
    key="company",
    plural="companies",
    model=Company,
    form=CompanyForm,
    access=_access_company,
    create=services.create_company,
    update=_update_company,
    schema_in=CompanyIn,
    schema_patch=CompanyPatch,
    schema_out=CompanyOut,
    schema_page=CompanyPage,
    item_columns=(*_ITEM_COLUMNS, "name", "email", "phone", "website"),
    delete_confirm=_("Move this company to the trash? It can be restored from the trash."),
    new_title=_("New company"),
    add_label=_("Add the company"),
    custom_heading=_("More about the company"),
    header_fields=("name", "industry", "owner", "tags"),
    profile_fields=("website", "email", "phone", "employees", "source", "address"),
)
CUSTOMER_KINDS = {kind.key: kind for kind in (CONTACT, COMPANY)}
