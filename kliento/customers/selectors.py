"""Reads of customer cards: the filtered, sorted lists the pages and the API share, and access checks.

List parameters come as a flat mapping (a query string), the same for pages, the API and saved
views, read by the contact and company lists' filters (registered in lists.py): `stage`, `owner`
(a user id or "me"), `team`, `tag`, `company` (contacts), `source` (each may repeat),
`created_from`, `created_to`, `updated_from`, `updated_to` (dates), `cf.<key>` (custom field equals),
`cf.<key>.min` / `cf.<key>.max` (ranges), `q` (text, matched as the global search matches it: a
fragment of a name, an email, phone digits), and `sort` (a sortable column, `-` first for
descending, or `cf.<key>` / `-cf.<key>`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from kliento.core.models import Membership
from kliento.core.permissions import Permission
from kliento.core.records import lists
from kliento.core.records import tags as record_tags
from kliento.core.records.lists import ListQuery
from kliento.customers.models import Company, Contact, LifecycleStage, LifecycleTransition


def parse_list_query(entity: str, params: Mapping[str, Any], *, member: Membership) -> ListQuery:
    """Read a contact or company list's parameters (the records kit's list of that kind); a bad one
    raises ValidationError naming it."""
    return lists.parse_list_query(entity, params, member=member)


def filtered_customers(query: ListQuery, *, member: Membership) -> tuple[QuerySet[Any], list[str]]:
    """The visible rows matching the query, and the ordering for keyset pagination."""
    return lists.filter_rows(query, member=member)


def tags_of_page(model: type[Contact | Company], ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The (name, colour) of each record's tags, by name, for a page of rows in one query."""
    return record_tags.tags_of_page(model, ids)


def access_contact(*, member: Membership, contact_id: int, write: bool = False) -> Contact:
    """The contact if this member may see it (and change it, if write); 404 or 403 otherwise."""
    contact = (
        Contact.objects.visible_to(member).select_related("owner", "company").filter(pk=contact_id).first()
    )
    if contact is None:
        raise Http404
    if write and not member.can(Permission.EDIT_CUSTOMERS):
        raise PermissionDenied
    return contact


def access_company(*, member: Membership, company_id: int, write: bool = False) -> Company:
    company = Company.objects.visible_to(member).select_related("owner").filter(pk=company_id).first()
    if company is None:
        raise Http404
    if write and not member.can(Permission.EDIT_CUSTOMERS):
        raise PermissionDenied
    return company


def transitions_of(customer: Contact | Company) -> QuerySet[LifecycleTransition]:
    link: dict[str, Contact | Company] = (
        {"contact": customer} if isinstance(customer, Contact) else {"company": customer}
    )
    return (
        LifecycleTransition.objects.filter(**link).select_related("created_by").order_by("-created_at", "-id")
    )


def company_totals(company: Company, *, member: Membership) -> dict[str, Any]:
    """What the company card sums up about its contacts: only those the member may see."""
    return (
        Contact.objects.visible_to(member)
        .filter(company=company)
        .aggregate(
            contacts=Count("pk"),
            active=Count("pk", filter=Q(lifecycle_stage__in=[LifecycleStage.ACTIVE, LifecycleStage.LOYAL])),
            leads=Count("pk", filter=Q(lifecycle_stage=LifecycleStage.LEAD)),
        )
    )


def own_stage_counts(*, member: Membership) -> dict[str, int]:
    """How many contacts the member owns in each lifecycle stage (stages with none included)."""
    counts = dict.fromkeys(LifecycleStage.values, 0)
    rows = (
        Contact.objects.filter(owner_id=member.user_id)
        .values_list("lifecycle_stage")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def own_recently_changed(*, member: Membership, limit: int) -> list[Contact | Company]:
    """The member's own contacts and companies, most recently changed first."""
    contacts = list(Contact.objects.filter(owner_id=member.user_id).order_by("-updated_at", "-id")[:limit])
    companies = list(Company.objects.filter(owner_id=member.user_id).order_by("-updated_at", "-id")[:limit])
    both: list[Contact | Company] = [*contacts, *companies]
    return sorted(both, key=lambda record: record.updated_at, reverse=True)[:limit]


def own_new_leads(*, member: Membership, limit: int) -> list[Contact]:
    """The member's own contacts in the lead stage, newest first."""
    return list(
        Contact.objects.filter(owner_id=member.user_id, lifecycle_stage=LifecycleStage.LEAD)
        .select_related("company")
        .order_by("-created_at", "-id")[:limit]
    )
