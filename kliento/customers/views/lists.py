"""The contact and company lists: filters, sorting, keyset pages, column choice, saved views and
bulk actions on a selection.

One GET answers three ways: the whole page; only the results (`#list-results`, when the filter bar
or a column header asks through htmx); only the next rows (`#list-more`, "Load more"). No page
counts the table: a first page that has a next page says "50+" and asks the list's count URL
for the figure afterwards (exact up to a cap, an estimate beyond; see core/counting.py), so
counting never delays the first rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.counting import count_rows
from kliento.core.errors import DomainError, NotAllowed
from kliento.core.models import Membership, Team
from kliento.core.pagination import keyset_page
from kliento.core.permissions import Permission
from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.values import definitions_for
from kliento.core.selectors import members_of_organization
from kliento.core.views import member_required
from kliento.customers import services
from kliento.customers.forms_lists import (
    BULK_ACTIONS,
    DATE_FILTERS,
    FILTER_LABELS,
    BulkActionForm,
    Chip,
    FilterInput,
    Option,
    SavedViewForm,
    choice_filter,
    custom_field_filters,
    filter_label,
    filter_values,
    value_label,
)
from kliento.customers.models import Company, LifecycleStage, SavedView, Source, Tag
from kliento.customers.selectors import DEFAULT_SORT, filtered_customers, parse_list_query, saved_views_for
from kliento.customers.views.list_kinds import COMPANIES, CONTACTS, KINDS, ListKind
from kliento.customers.views.list_table import (
    Column,
    Header,
    RowWriter,
    available_columns,
    chosen_columns,
    table_rows,
)

PAGE_SIZE = 50
TAG_CHOICES_LIMIT = 300
# Query parameters of the page itself, not filters: they stay out of saved views' filters.
PAGE_PARAMS = ("cursor", "columns", "view")


@dataclass(frozen=True)
class FilterError:
    label: str
    messages: list[str]


# Parameters and URLs --------------------------------------------------------------------------


def _without(params: QueryDict, names: tuple[str, ...]) -> QueryDict:
    rest = params.copy()
    for name in names:
        rest.pop(name, None)
    return rest


def _list_url(kind: ListKind, params: QueryDict, changes: dict[str, str | list[str] | None]) -> str:
    """The list's URL with `params`, some changed (None drops a parameter)."""
    query = params.copy()
    for name, value in changes.items():
        if value is None or value == []:
            query.pop(name, None)
        elif isinstance(value, list):
            query.setlist(name, value)
        else:
            query[name] = value
    encoded = query.urlencode()
    return f"{kind.list_url}?{encoded}" if encoded else kind.list_url


def _htmx_target(request: HttpRequest) -> str:
    """The element an htmx request will swap, or "" for a whole page (also on history restore)."""
    if request.headers.get("HX-Request") != "true" or request.headers.get("HX-History-Restore-Request"):
        return ""
    return request.headers.get("HX-Target", "")


def _saved_view_url(kind: ListKind, view: SavedView) -> str:
    query = QueryDict(mutable=True)
    for name, values in (view.query or {}).items():
        query.setlist(name, [str(value) for value in (values if isinstance(values, list) else [values])])
    if view.columns:
        query["columns"] = ",".join(view.columns)
    query["view"] = str(view.pk)
    return f"{kind.list_url}?{query.urlencode()}"


def _headers(kind: ListKind, columns: list[Column], params: QueryDict, sort: str) -> list[Header]:
    headers = []
    for column in columns:
        if not column.sort:
            headers.append(Header(column=column))
            continue
        if sort == column.sort:
            aria_sort, next_sort = "ascending", f"-{column.sort}"
        elif sort == f"-{column.sort}":
            aria_sort, next_sort = "descending", column.sort
        else:
            aria_sort, next_sort = "", f"-{column.sort}" if column.descending_first else column.sort
        url = _list_url(kind, params, {"sort": next_sort, "cursor": None, "view": None})
        headers.append(Header(column=column, aria_sort=aria_sort, sort_url=url))
    return headers


# Filters --------------------------------------------------------------------------------------


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


def _chips(
    kind: ListKind, params: QueryDict, definitions: dict[str, CustomField], **labels: Any
) -> list[Chip]:
    """One removable chip per filter value, so what is applied is visible even with the bar folded."""
    chips = []
    for name, value in filter_values(params):
        if name == "company" and not kind.is_contact:
            continue
        remaining = [other for other in params.getlist(name) if other != value]
        url = _list_url(kind, params, {name: remaining or None, "cursor": None, "view": None})
        text = _("%(filter)s: %(value)s") % {
            "filter": filter_label(name, definitions),
            "value": value_label(name, value, definitions=definitions, **labels),
        }
        chips.append(Chip(label=text, remove_url=url))
    return chips


# The list page --------------------------------------------------------------------------------


def _render_list(request: HttpRequest, kind: ListKind) -> HttpResponse:
    member: Membership = request.member  # type: ignore[attr-defined]
    target = _htmx_target(request)
    definitions = definitions_for(kind.entity)
    by_key = {definition.key: definition for definition in definitions}
    columns = chosen_columns(request.GET, available_columns(kind, definitions), kind)
    params = _without(request.GET, PAGE_PARAMS)
    cursor = request.GET.get("cursor") or None
    errors: dict[str, list[str]] = {}
    records: list[Any] = []
    next_cursor = None
    try:
        query = parse_list_query(kind.entity, params, member=member)
    except ValidationError as error:
        errors = _error_dict(error)
    else:
        queryset, ordering = filtered_customers(query, member=member)
        queryset = queryset.only(*kind.list_fields)  # not search_text, addresses, notes…
        try:
            page = keyset_page(queryset, ordering=ordering, cursor=cursor, limit=PAGE_SIZE)
        except (DomainError, ValidationError, ValueError):  # a cursor made up, or from another sort
            errors = {"cursor": [_("This page link is not valid any more; start again from the first page.")]}
        else:
            records, next_cursor = page.items, page.next_cursor
    rows = table_rows(kind, records, columns, request.organization.default_region)  # type: ignore[attr-defined]
    can_edit = member.can(Permission.EDIT_CUSTOMERS)
    can_delete = member.can(Permission.DELETE_CUSTOMERS)
    context: dict[str, Any] = {
        "kind": kind,
        "rows": rows,
        "rows_html": RowWriter(selectable=can_edit or can_delete).rows(rows),
        "columns": columns,
        "can_bulk": can_edit or can_delete,
        "colspan": len(columns) + (1 if can_edit or can_delete else 0),
        "page_size": PAGE_SIZE,
        "next_url": _list_url(kind, request.GET, {"cursor": next_cursor}) if next_cursor else "",
        "load_error": errors.get("cursor", [""])[0] if target == "list-more" else "",
    }
    status = 400 if errors else 200
    if target == "list-more":
        response = render(request, "customers/_list_rows.html", context, status=status)
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response

    sort = params.get("sort") or DEFAULT_SORT
    if "sort" in errors:
        sort = DEFAULT_SORT
    invalid = set(errors)
    members = list(members_of_organization())
    owners = {str(membership.user_id): str(membership.user) for membership in members}
    teams = list(Team.objects.order_by("name").only("id", "name"))
    tags = list(Tag.objects.order_by("name").only("id", "name", "color")[:TAG_CHOICES_LIMIT])
    company = None
    if kind.is_contact and "company" not in errors and params.get("company", "").isdigit():
        company = Company.objects.visible_to(member).filter(pk=params["company"]).only("id", "name").first()
    saved_views = [
        {
            "view": view,
            "url": _saved_view_url(kind, view),
            "can_delete": view.owner_id == member.user_id or member.can(Permission.MANAGE_TEAMS),
        }
        for view in saved_views_for(member=member, entity=kind.entity)
    ]
    active_view = next(
        (entry["view"] for entry in saved_views if str(entry["view"].pk) == request.GET.get("view")), None
    )
    applied = filter_values(params)
    context.update(
        {
            "headers": _headers(kind, columns, request.GET, sort),
            "sort": sort,
            "errors": [FilterError(filter_label(name, by_key), texts) for name, texts in errors.items()],
            "chips": _chips(
                kind,
                _without(request.GET, ("cursor", "view")),
                by_key,
                owners=owners,
                teams={str(team.pk): team.name for team in teams},
                company=company,
            ),
            "result_label": "" if cursor or errors else kind.count_label(len(rows), more=bool(next_cursor)),
            "count_url": f"{kind.count_url}?{params.urlencode()}" if next_cursor and not cursor else "",
            "is_filtered": bool(applied),
            "first_url": _list_url(kind, request.GET, {"cursor": None}) if cursor else "",
            "clear_url": _clear_url(kind, request.GET),
            "next_path": _list_url(kind, request.GET, {"cursor": None}),
            "view_query": params.urlencode(),
            "column_keys": ",".join(column.key for column in columns),
            "active_view": active_view,
            "members": members,
            "tags": tags,
            "bulk_actions": [
                (value, label)
                for value, label in BULK_ACTIONS
                if (can_delete if value == "trash" else can_edit)
            ],
            "stages": LifecycleStage.choices,
        }
    )
    if target == "list-results":
        template = "customers/_list_results.html"
    else:
        template = kind.template
        context.update(
            _filter_bar_context(
                kind, params, request.GET, invalid, members, teams, tags, company, definitions, columns
            )
        )
        context.update(
            {
                "personal_views": [entry for entry in saved_views if not entry["view"].is_shared],
                "shared_views": [entry for entry in saved_views if entry["view"].is_shared],
            }
        )
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _clear_url(kind: ListKind, params: QueryDict) -> str:
    """The list without filters, keeping the sort and the columns."""
    kept = QueryDict(mutable=True)
    for name in ("sort", "columns"):
        if params.getlist(name):
            kept.setlist(name, params.getlist(name))
    return _list_url(kind, kept, {})


def _filter_bar_context(
    kind: ListKind,
    params: QueryDict,
    page_params: QueryDict,
    invalid: set[str],
    members: list[Membership],
    teams: list[Team],
    tags: list[Tag],
    company: Company | None,
    definitions: list[CustomField],
    columns: list[Column],
) -> dict[str, Any]:
    tag_pairs = [(tag.name, tag.name) for tag in tags]
    owner_pairs = [("me", _("Me"))] + [(str(m.user_id), str(m.user)) for m in members]
    choices = [
        choice_filter(
            "stage", params, [(value, str(label)) for value, label in LifecycleStage.choices], invalid
        ),
        choice_filter("owner", params, owner_pairs, invalid),
        choice_filter("tag", params, tag_pairs, invalid),
        choice_filter("source", params, [(value, str(label)) for value, label in Source.choices], invalid),
    ]
    custom_filters = custom_field_filters(definitions, params, invalid)
    advanced = [name for name, _value in filter_values(params) if name in DATE_FILTERS or name[:3] == "cf."]
    chosen = {column.key for column in columns}
    return {
        "choices": choices,
        "teams": [Option(str(team.pk), team.name, params.get("team") == str(team.pk)) for team in teams],
        "team_invalid": "team" in invalid,
        "search_value": params.get("q", ""),
        "search_invalid": "q" in invalid,
        "company": company,
        "company_value": params.get("company", "") if kind.is_contact else "",
        "dates": [
            FilterInput(name, str(FILTER_LABELS[name]), params.get(name, ""), "date", invalid=name in invalid)
            for name in DATE_FILTERS
        ],
        "custom_filters": custom_filters,
        "advanced_open": bool(advanced)
        or any(name in invalid for name in DATE_FILTERS)
        or any(name.startswith("cf.") for name in invalid),
        "filter_count": len(filter_values(params)),
        "default_columns": ",".join(kind.default_columns),
        "default_sort": DEFAULT_SORT,
        "column_options": [
            Option(column.key, column.label, column.key in chosen)
            for column in available_columns(kind, definitions)
        ],
    }


@member_required()
def contact_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, CONTACTS)


def _render_count(request: HttpRequest, kind: ListKind) -> HttpResponse:
    """The list's row count for its toolbar, asked for after the first rows are shown."""
    member: Membership = request.member  # type: ignore[attr-defined]
    try:
        query = parse_list_query(kind.entity, _without(request.GET, PAGE_PARAMS), member=member)
    except ValidationError:
        return HttpResponse(status=400)  # the list itself names the bad filter
    queryset, _ordering = filtered_customers(query, member=member)
    count = count_rows(queryset)
    label = kind.count_label(count.value, estimate=count.is_estimate)
    response = render(request, "customers/_list_count.html", {"label": label})
    patch_vary_headers(response, ("HX-Request",))
    return response


@member_required()
def contact_count(request: HttpRequest) -> HttpResponse:
    return _render_count(request, CONTACTS)


@member_required()
def company_count(request: HttpRequest) -> HttpResponse:
    return _render_count(request, COMPANIES)


@member_required()
def company_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, COMPANIES)


# Bulk actions ---------------------------------------------------------------------------------


def _back_to_list(request: HttpRequest, kind: ListKind) -> str:
    next_url = request.POST.get("next", "")
    if next_url.startswith(kind.list_url) and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        return next_url
    return kind.list_url


def _bulk(request: HttpRequest, kind: ListKind) -> HttpResponse:
    member: Membership = request.member  # type: ignore[attr-defined]
    owners = [(membership.user_id, str(membership.user)) for membership in members_of_organization()]
    form = BulkActionForm(request.POST, owners=owners)
    back = _back_to_list(request, kind)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)
    action, value = form.cleaned_data["action"], form.cleaned_data["value"]
    reason = form.cleaned_data["reason"] if action == "change_stage" else ""
    try:
        if kind.is_contact:
            count = services.bulk_update_contacts(
                contact_ids=form.cleaned_data["ids"], member=member, action=action, value=value, reason=reason
            )
        else:
            count = services.bulk_update_companies(
                company_ids=form.cleaned_data["ids"], member=member, action=action, value=value, reason=reason
            )
    except NotAllowed:
        raise  # member_required answers 403
    except DomainError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        if count:
            messages.success(request, kind.bulk_message(action, count))
        else:
            messages.warning(request, _("None of the selected rows could be changed."))
    return redirect(back)


@member_required()
@require_POST
def contact_bulk(request: HttpRequest) -> HttpResponse:
    return _bulk(request, CONTACTS)


@member_required()
@require_POST
def company_bulk(request: HttpRequest) -> HttpResponse:
    return _bulk(request, COMPANIES)


# Saved views ----------------------------------------------------------------------------------


@member_required()
@require_POST
def saved_view_save(request: HttpRequest, entity: str) -> HttpResponse:
    kind = KINDS.get(entity)
    if kind is None:
        raise Http404
    member: Membership = request.member  # type: ignore[attr-defined]
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(f"{kind.list_url}?{QueryDict(form.data.get('query', '')).urlencode()}")
    filters = _without(QueryDict(form.cleaned_data["query"]), PAGE_PARAMS)
    back = f"{kind.list_url}?{filters.urlencode()}"
    try:
        parse_list_query(kind.entity, filters, member=member)  # a view that cannot open is not saved
    except ValidationError:
        messages.error(request, _("This view cannot be saved: its filters are not valid."))
        return redirect(back)
    definitions = definitions_for(kind.entity)
    asked = QueryDict(mutable=True)
    asked["columns"] = form.cleaned_data["columns"]
    columns = chosen_columns(asked, available_columns(kind, definitions), kind)
    try:
        view = services.save_view(
            member=member,
            entity=kind.entity,
            name=form.cleaned_data["name"],
            query={name: filters.getlist(name) for name in filters},
            columns=[column.key for column in columns],
            shared=form.cleaned_data["shared"],
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(back)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(_saved_view_url(kind, view))


@member_required()
@require_POST
def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    member: Membership = request.member  # type: ignore[attr-defined]
    view = SavedView.objects.filter(Q(owner_id=member.user_id) | Q(is_shared=True), pk=view_id).first()
    if view is None:
        raise Http404
    services.delete_view(member=member, view=view)  # another's shared view needs MANAGE_TEAMS (403)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect(KINDS[view.entity].list_url)
