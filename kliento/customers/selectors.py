"""Reads of customer cards: the filtered, sorted lists the pages and the API share, and access checks.

List parameters come as a flat mapping (a query string), the same for pages, the API and saved
views: `stage`, `owner` (a user id or "me"), `team`, `tag`, `company`, `source` (each may repeat),
`created_from`, `created_to`, `updated_from`, `updated_to` (dates), `cf.<key>` (custom field equals),
`cf.<key>.min` / `cf.<key>.max` (ranges), `q` (text, matched as the global search matches it: a
fragment of a name, an email, phone digits), and `sort` (see SORTS, or `cf.<key>` / `-cf.<key>`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kliento.core.models import MAX_ID, Membership, Team
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.values import custom_filter, custom_sort, definitions_for
from kliento.core.text import text_errors
from kliento.customers.models import (
    Company,
    Contact,
    CustomerEntity,
    LifecycleStage,
    LifecycleTransition,
    SavedView,
    Source,
)
from kliento.customers.search import ParsedQuery, matching, parse_query

SORTS: dict[str, list[str]] = {
    "name": ["sort_name", "id"],
    "-name": ["-sort_name", "-id"],
    "created": ["created_at", "id"],
    "-created": ["-created_at", "-id"],
    "updated": ["updated_at", "id"],
    "-updated": ["-updated_at", "-id"],
}
DEFAULT_SORT = "name"
MULTI_VALUED = ("stage", "owner", "tag", "source")


@dataclass
class ListQuery:
    """A list's parsed filters and sort, ready to apply; `params` keeps them as given."""

    entity: str
    stage: list[str] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    team: int | None = None
    tag: list[str] = field(default_factory=list)
    company: int | None = None
    source: list[str] = field(default_factory=list)
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None
    updated_from: datetime.date | None = None
    updated_to: datetime.date | None = None
    custom: list[tuple[CustomField, str, Any]] = field(
        default_factory=list
    )  # (definition, "eq"|"min"|"max", value)
    search: ParsedQuery | None = None
    sort: str = DEFAULT_SORT
    params: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_filtered(self) -> bool:
        return any(
            [self.stage, self.owner, self.team, self.tag, self.company, self.source, self.created_from,
             self.created_to, self.updated_from, self.updated_to, self.custom, self.search]
        )  # fmt: skip


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    raw = getlist(name) if getlist else params.get(name, [])
    if isinstance(raw, str):
        raw = [raw]
    return [str(value).strip() for value in raw if str(value).strip()]


def _one(params: Mapping[str, Any], name: str) -> str:
    values = _values(params, name)
    return values[-1] if values else ""


def _date(params: Mapping[str, Any], name: str, errors: dict[str, list[str]]) -> datetime.date | None:
    value = _one(params, name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors[name] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def _int(value: str, name: str, errors: dict[str, list[str]]) -> int | None:
    """An id: a whole number the database can hold (a larger one would fail inside the query)."""
    try:
        number = int(value)
    except ValueError:
        errors[name] = [_("Enter a number.")]
        return None
    if not 0 < number <= MAX_ID:
        errors[name] = [_("There is no such record.")]
        return None
    return number


def parse_list_query(entity: str, params: Mapping[str, Any], *, member: Membership) -> ListQuery:
    """Read list parameters; a bad one raises ValidationError naming it."""
    errors: dict[str, list[str]] = {}
    query = ListQuery(entity=entity)
    query.params = {name: _values(params, name) for name in params if _values(params, name)}
    errors.update({name: [problem] for name, problem in text_errors(query.params).items()})
    query.stage = _values(params, "stage")
    if set(query.stage) - set(LifecycleStage.values):
        errors["stage"] = [_("Unknown lifecycle stage.")]
    query.source = _values(params, "source")
    if set(query.source) - set(Source.values):
        errors["source"] = [_("Unknown source.")]
    for value in _values(params, "owner"):
        owner = member.user_id if value == "me" else _int(value, "owner", errors)
        if owner is not None:
            query.owner.append(owner)
    if team := _one(params, "team"):
        query.team = _int(team, "team", errors)
    if company := _one(params, "company"):
        query.company = _int(company, "company", errors)
    query.tag = _values(params, "tag")
    if text := _one(params, "q"):
        query.search = parse_query(text, member.organization.default_region)
        if query.search is None:
            errors["q"] = [_("Type at least two characters, or one Chinese, Japanese or Korean character.")]
    for name in ("created_from", "created_to", "updated_from", "updated_to"):
        setattr(query, name, _date(params, name, errors))
    sort = _one(params, "sort") or DEFAULT_SORT
    # Most lists filter and sort on built-in fields only: then the definitions need no query.
    uses_custom_fields = sort not in SORTS or any(name.startswith("cf.") for name in params)
    definitions = (
        {definition.key: definition for definition in definitions_for(entity)} if uses_custom_fields else {}
    )
    for name in params:
        if not name.startswith("cf."):
            continue
        key, _dot, bound = name[3:].partition(".")
        definition = definitions.get(key)
        if definition is None or bound not in ("", "min", "max"):
            errors[name] = [_("There is no custom field with this key.")]
            continue
        if bound and definition.type.filter_widget != "range":
            errors[name] = [_("This field is not filtered by a range.")]
            continue
        value = _one(params, name)
        if not value:
            continue
        try:
            coerced = definition.type.filter_value(value)
        except ValidationError as error:
            errors[name] = error.messages
            continue
        query.custom.append((definition, bound or "eq", coerced))
    if sort not in SORTS and sort.lstrip("-").removeprefix("cf.") not in definitions:
        errors["sort"] = [_("Unknown sort.")]
    else:
        query.sort = sort
    if errors:
        raise ValidationError(errors)
    return query


def _base_queryset(entity: str, member: Membership) -> QuerySet:
    model = Contact if entity == CustomerEntity.CONTACT else Company
    queryset = model.objects.visible_to(member).select_related("owner")
    if model is Contact:
        queryset = queryset.select_related("company")
    return queryset


def filtered_customers(query: ListQuery, *, member: Membership) -> tuple[QuerySet, list[str]]:
    """The visible rows matching the query, and the ordering for keyset pagination."""
    queryset = _base_queryset(query.entity, member)
    if query.stage:
        queryset = queryset.filter(lifecycle_stage__in=query.stage)
    if query.owner:
        queryset = queryset.filter(owner_id__in=query.owner)
    if query.team is not None:
        team = Team.objects.filter(pk=query.team).first()
        member_ids = set(team.members.values_list("pk", flat=True)) if team else set()
        if team and team.manager_id:
            member_ids.add(team.manager_id)
        queryset = queryset.filter(owner_id__in=member_ids)
    if query.source:
        queryset = queryset.filter(source__in=query.source)
    for tag in query.tag:
        queryset = record_tags.tagged(queryset, tag)
    if query.company is not None and query.entity == CustomerEntity.CONTACT:
        queryset = queryset.filter(company_id=query.company)
    if query.created_from:
        queryset = queryset.filter(created_at__date__gte=query.created_from)
    if query.created_to:
        queryset = queryset.filter(created_at__date__lte=query.created_to)
    if query.updated_from:
        queryset = queryset.filter(updated_at__date__gte=query.updated_from)
    if query.updated_to:
        queryset = queryset.filter(updated_at__date__lte=query.updated_to)
    bounds: dict[int, tuple[CustomField, dict[str, Any]]] = {}
    for definition, bound, value in query.custom:
        bounds.setdefault(definition.pk, (definition, {}))[1][bound] = value
    for definition, field_bounds in bounds.values():
        # Through the field's index: a key is never part of a lookup path, a filter never reads
        # every row's JSON.
        queryset = queryset.filter(custom_filter(definition, field_bounds))
    if query.search is not None:
        queryset = matching(queryset, query.search, member.organization_id)
    if query.sort in SORTS:
        return queryset, SORTS[query.sort]
    descending = query.sort.startswith("-")
    key = query.sort.lstrip("-").removeprefix("cf.")
    definition = next(d for d in definitions_for(query.entity) if d.key == key)
    queryset = queryset.annotate(cf_sort=custom_sort(definition))
    return queryset, ["-cf_sort", "-id"] if descending else ["cf_sort", "id"]


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
    link = {"contact": customer} if isinstance(customer, Contact) else {"company": customer}
    return (
        LifecycleTransition.objects.filter(**link).select_related("created_by").order_by("-created_at", "-id")
    )


def saved_views_for(*, member: Membership, entity: str) -> QuerySet[SavedView]:
    """The member's own views and the shared ones."""
    return SavedView.objects.filter(Q(owner_id=member.user_id) | Q(is_shared=True), entity=entity).order_by(
        "-is_shared", "name"
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
