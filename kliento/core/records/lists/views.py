"""The list page of any kind, its count, its bulk actions and its saved views.

One GET answers three ways: the whole page; only the results (`#list-results`, when the filter bar
or a column header asks through htmx); only the next rows (`#list-more`, "Show 50 more"). No page
counts the table: a first page that has a next page says "50+" and asks the list's count URL
for the figure afterwards (exact up to a cap, an estimate beyond; see core/counting.py), so
counting never delays the first rows.

A kind's urls.py includes `list_urls("deal", "deals/")`: the list, its count and its bulk actions,
named after the kind's `list_url_name` (`sales:deal-list`, `sales:deal-count`, `sales:deal-bulk`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.counting import count_rows
from kliento.core.errors import DomainError, NotAllowed
from kliento.core.models import Membership, SavedView
from kliento.core.pagination import keyset_page
from kliento.core.records.lists import saved_views
from kliento.core.records.lists.filters import CustomFilter, Option
from kliento.core.records.lists.forms import BulkActionForm, SavedViewForm, bulk_inputs
from kliento.core.records.lists.page import ListPage
from kliento.core.records.lists.query import (
    CUSTOM,
    available_columns,
    chosen_columns,
    filter_rows,
    filter_values,
    parse_list_query,
    select_for_columns,
    table_rows,
)
from kliento.core.records.lists.spec import ListSpec, get_list, has_list
from kliento.core.records.lists.table import Column, Header, RowWriter
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required

# Query parameters of the page itself, not filters: they stay out of saved views' filters.
PAGE_PARAMS = ("cursor", "columns", "view")


@dataclass(frozen=True)
class FilterError:
    label: str
    messages: list[str]


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


# Parameters and URLs --------------------------------------------------------------------------


def _without(params: QueryDict, names: tuple[str, ...]) -> QueryDict:
    rest = params.copy()
    for name in names:
        rest.pop(name, None)
    return rest


def _list_url(spec: ListSpec, params: QueryDict, changes: dict[str, str | list[str] | None]) -> str:
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
    return f"{spec.list_url}?{encoded}" if encoded else spec.list_url


def _htmx_target(request: HttpRequest) -> str:
    """The element an htmx request will swap, or "" for a whole page (also on history restore)."""
    if request.headers.get("HX-Request") != "true" or request.headers.get("HX-History-Restore-Request"):
        return ""
    return request.headers.get("HX-Target", "")


def _saved_view_url(spec: ListSpec, view: SavedView) -> str:
    query = QueryDict(mutable=True)
    for name, values in (view.query or {}).items():
        query.setlist(name, [str(value) for value in (values if isinstance(values, list) else [values])])
    if view.columns:
        query["columns"] = ",".join(view.columns)
    query["view"] = str(view.pk)
    return f"{spec.list_url}?{query.urlencode()}"


def _headers(spec: ListSpec, columns: list[Column], params: QueryDict, sort: str) -> list[Header]:
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
        url = _list_url(spec, params, {"sort": next_sort, "cursor": None, "view": None})
        headers.append(Header(column=column, aria_sort=aria_sort, sort_url=url))
    return headers


def _clear_url(spec: ListSpec, params: QueryDict) -> str:
    """The list without filters, keeping the sort and the columns."""
    kept = QueryDict(mutable=True)
    for name in ("sort", "columns"):
        if params.getlist(name):
            kept.setlist(name, params.getlist(name))
    return _list_url(spec, kept, {})


# Filters --------------------------------------------------------------------------------------


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


class _Labels:
    """Names of filters and their values, for chips and error messages."""

    def __init__(self, spec: ListSpec, page: ListPage, definitions: dict[str, Any]) -> None:
        self.spec, self.page, self.definitions = spec, page, definitions
        self.filters = {name: list_filter for list_filter in spec.filters for name in list_filter.names}

    def filter(self, name: str) -> str:
        if name in self.filters:
            return self.filters[name].label(name)
        if name == "sort":
            return _("Sort")
        if name == "cursor":
            return _("Page")
        if name.startswith(CUSTOM):
            key, _dot, bound = name[len(CUSTOM) :].partition(".")
            definition = self.definitions.get(key)
            label = definition.label if definition else key
            if bound == "min":
                return _("%(field)s from") % {"field": label}
            if bound == "max":
                return _("%(field)s up to") % {"field": label}
            return str(label)
        return name

    def value(self, name: str, value: str) -> str:
        if name in self.filters:
            return self.filters[name].value_label(name, value, self.page)
        fields = self.spec.custom_fields
        if fields is not None and name.startswith(CUSTOM):
            definition = self.definitions.get(name[len(CUSTOM) :].partition(".")[0])
            if definition is not None:
                return fields.value_label(definition, value)
        return value


def _chips(spec: ListSpec, params: QueryDict, labels: _Labels) -> list[Chip]:
    """One removable chip per filter value, so what is applied is visible even with the bar folded."""
    chips = []
    for name, value in filter_values(spec, params):
        remaining = [other for other in params.getlist(name) if other != value]
        url = _list_url(spec, params, {name: remaining or None, "cursor": None, "view": None})
        text = _("%(filter)s: %(value)s") % {
            "filter": labels.filter(name),
            "value": labels.value(name, value),
        }
        chips.append(Chip(label=text, remove_url=url))
    return chips


def _filter_bar_context(
    spec: ListSpec,
    page: ListPage,
    params: QueryDict,
    invalid: set[str],
    definitions: list[Any],
    columns: list[Column],
) -> dict[str, Any]:
    bar: list[tuple[str, Any]] = []
    more: list[tuple[str, Any]] = []
    for list_filter in spec.filters:
        widget = (list_filter.template, list_filter.widget(params, invalid, page))
        (more if list_filter.area == "more" else bar).append(widget)
    custom_filters: list[CustomFilter] = []
    if spec.custom_fields is not None:
        custom_filters = [
            CustomFilter(definition.label, spec.custom_fields.filter_inputs(definition, params, invalid))
            for definition in definitions
        ]
    folded = {name for f in spec.filters if f.area == "more" for name in f.names}
    applied = filter_values(spec, params)
    chosen = {column.key for column in columns}
    return {
        "bar_filters": bar,
        "more_filters": more,
        "custom_filters": custom_filters,
        "advanced_open": any(name in folded or name.startswith(CUSTOM) for name, _value in applied)
        or any(name in folded or name.startswith(CUSTOM) for name in invalid),
        "filter_count": len(applied),
        "default_columns": ",".join(spec.default_columns),
        "default_sort": spec.default_sort,
        "column_options": [
            Option(column.key, column.label, column.key in chosen)
            for column in available_columns(spec, definitions)
        ],
    }


# The list page --------------------------------------------------------------------------------


def _list_spec(kind: str) -> ListSpec:
    if not has_list(kind):
        raise Http404
    return get_list(kind)


def _check_view_permission(spec: ListSpec, member: Membership) -> None:
    permission = spec.record_kind.view_permission
    if permission is not None and not member.can(permission):
        raise PermissionDenied


def render_list(request: OrgRequest, spec: ListSpec) -> HttpResponse:
    member: Membership = request.member
    _check_view_permission(spec, member)
    page = ListPage(member)
    target = _htmx_target(request)
    fields = spec.custom_fields
    definitions = fields.definitions(spec.kind) if fields is not None else []
    by_key = {definition.key: definition for definition in definitions}
    columns = chosen_columns(request.GET, available_columns(spec, definitions), spec)
    params = _without(request.GET, PAGE_PARAMS)
    cursor = request.GET.get("cursor") or None
    errors: dict[str, list[str]] = {}
    records: list[Any] = []
    next_cursor = None
    try:
        query = parse_list_query(spec, params, member=member)
    except ValidationError as error:
        errors = _error_dict(error)
    else:
        queryset, ordering = filter_rows(query, member=member)
        queryset = select_for_columns(queryset, spec, columns)
        try:
            result = keyset_page(queryset, ordering=ordering, cursor=cursor, limit=spec.page_size)
        except (DomainError, ValidationError, ValueError):  # a cursor made up, or from another sort
            errors = {"cursor": [_("This page link is not valid any more; start again from the first page.")]}
        else:
            records, next_cursor = result.items, result.next_cursor
    rows = table_rows(spec, records, columns, page)
    actions = spec.bulk_actions_for(member)
    can_bulk = bool(actions)
    context: dict[str, Any] = {
        "kind": spec,
        "rows": rows,
        "rows_html": RowWriter(selectable=can_bulk).rows(rows),
        "columns": columns,
        "can_bulk": can_bulk,
        "colspan": len(columns) + (1 if can_bulk else 0),
        "page_size": spec.page_size,
        "next_url": _list_url(spec, request.GET, {"cursor": next_cursor}) if next_cursor else "",
        "load_error": errors.get("cursor", [""])[0] if target == "list-more" else "",
    }
    status = 400 if errors else 200
    if target == "list-more":
        response = render(request, "core/lists/_rows.html", context, status=status)
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response

    sort = params.get("sort") or spec.default_sort
    if "sort" in errors:
        sort = spec.default_sort
    invalid = set(errors)
    labels = _Labels(spec, page, by_key)
    saved: list[dict[str, Any]] = [
        {
            "view": view,
            "url": _saved_view_url(spec, view),
            "can_delete": saved_views.may_delete_view(member, view),
        }
        for view in saved_views.saved_views_for(member=member, kind=spec.kind)
    ]
    active_view = next(
        (entry["view"] for entry in saved if str(entry["view"].pk) == request.GET.get("view")), None
    )
    context.update(
        {
            "headers": _headers(spec, columns, request.GET, sort),
            "sort": sort,
            "errors": [FilterError(labels.filter(name), texts) for name, texts in errors.items()],
            "chips": _chips(spec, _without(request.GET, ("cursor", "view")), labels),
            "result_label": "" if cursor or errors else spec.count_label(len(rows), more=bool(next_cursor)),
            "count_url": f"{spec.count_url}?{params.urlencode()}" if next_cursor and not cursor else "",
            "is_filtered": bool(filter_values(spec, params)),
            "first_url": _list_url(spec, request.GET, {"cursor": None}) if cursor else "",
            "clear_url": _clear_url(spec, request.GET),
            "next_path": _list_url(spec, request.GET, {"cursor": None}),
            "view_query": params.urlencode(),
            "column_keys": ",".join(column.key for column in columns),
            "active_view": active_view,
            "can_create": spec.may_create(member),
            "bulk_actions": [(action.key, action.label) for action in actions],
            "bulk_inputs": [
                {"input": bulk_input, "keys": " ".join(keys), "options": bulk_input.options(page)}
                for bulk_input, keys in bulk_inputs(actions)
            ]
            if can_bulk and rows
            else [],
            "confirm_actions": " ".join(action.key for action in actions if action.confirm),
        }
    )
    if target == "list-results":
        template = "core/lists/_results.html"
    else:
        template = "core/lists/list.html"
        context.update(_filter_bar_context(spec, page, params, invalid, definitions, columns))
        context.update(
            {
                "personal_views": [entry for entry in saved if not entry["view"].is_shared],
                "shared_views": [entry for entry in saved if entry["view"].is_shared],
            }
        )
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def render_count(request: OrgRequest, spec: ListSpec) -> HttpResponse:
    """The list's row count for its toolbar, asked for after the first rows are shown."""
    member: Membership = request.member
    _check_view_permission(spec, member)
    try:
        query = parse_list_query(spec, _without(request.GET, PAGE_PARAMS), member=member)
    except ValidationError:
        return HttpResponse(status=400)  # the list itself names the bad filter
    queryset, _ordering = filter_rows(query, member=member)
    count = count_rows(queryset)
    label = spec.count_label(count.value, estimate=count.is_estimate)
    response = render(request, "core/lists/_count.html", {"label": label})
    patch_vary_headers(response, ("HX-Request",))
    return response


# Bulk actions ---------------------------------------------------------------------------------


def _back_to_list(request: HttpRequest, spec: ListSpec) -> str:
    next_url = request.POST.get("next", "")
    if next_url.startswith(spec.list_url) and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        return next_url
    return spec.list_url


def run_bulk(request: OrgRequest, spec: ListSpec) -> HttpResponse:
    member: Membership = request.member
    _check_view_permission(spec, member)
    form = BulkActionForm(request.POST, actions=spec.bulk_actions, page=ListPage(member))
    back = _back_to_list(request, spec)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect(back)
    action = form.actions[form.cleaned_data["action"]]
    if action.permission is not None and not member.can(action.permission):
        raise PermissionDenied
    # Only rows the member sees reach the action, whatever was posted.
    visible = spec.base_queryset(member).filter(pk__in=form.cleaned_data["ids"])
    ids = list(visible.order_by("pk").values_list("pk", flat=True))
    try:
        count = (
            action.run(
                member=member, ids=ids, value=form.cleaned_data["value"], reason=form.cleaned_data["reason"]
            )
            if ids
            else 0
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
            messages.success(request, spec.done_message(action, count))
        else:
            messages.warning(request, _("None of the selected rows could be changed."))
    return redirect(back)


# Saved views ----------------------------------------------------------------------------------


@member_required()
@require_POST
def saved_view_save(request: OrgRequest, kind: str) -> HttpResponse:
    spec = _list_spec(kind)
    member: Membership = request.member
    _check_view_permission(spec, member)
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            text = " ".join(str(error) for error in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect(f"{spec.list_url}?{QueryDict(form.data.get('query', '')).urlencode()}")
    filters = _without(QueryDict(form.cleaned_data["query"]), PAGE_PARAMS)
    back = f"{spec.list_url}?{filters.urlencode()}"
    try:
        parse_list_query(spec, filters, member=member)  # a view that cannot open is not saved
    except ValidationError:
        messages.error(request, _("This view cannot be saved: its filters are not valid."))
        return redirect(back)
    definitions = spec.custom_fields.definitions(spec.kind) if spec.custom_fields is not None else []
    asked = QueryDict(mutable=True)
    asked["columns"] = form.cleaned_data["columns"]
    columns = chosen_columns(asked, available_columns(spec, definitions), spec)
    try:
        view = saved_views.save_view(
            member=member,
            kind=spec.kind,
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
    return redirect(_saved_view_url(spec, view))


@member_required()
@require_POST
def saved_view_delete(request: OrgRequest, view_id: int) -> HttpResponse:
    member: Membership = request.member
    view = saved_views.access_saved_view(member=member, view_id=view_id)
    if view is None or not has_list(view.kind):
        raise Http404
    saved_views.delete_view(member=member, view=view)  # another's shared view needs MANAGE_TEAMS (403)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect(get_list(view.kind).list_url)


# Routes ---------------------------------------------------------------------------------------


def list_urls(kind: str, route: str) -> list[URLPattern]:
    """The list page of a kind at `route` ("deals/"), its count and its bulk actions."""

    @member_required()
    def list_page(request: OrgRequest) -> HttpResponse:
        return render_list(request, get_list(kind))

    @member_required()
    def list_count(request: OrgRequest) -> HttpResponse:
        return render_count(request, get_list(kind))

    @member_required()
    @require_POST
    def list_bulk(request: OrgRequest) -> HttpResponse:
        return run_bulk(request, get_list(kind))

    return [
        path(route, list_page, name=f"{kind}-list"),
        path(f"{route}count/", list_count, name=f"{kind}-count"),
        path(f"{route}bulk/", list_bulk, name=f"{kind}-bulk"),
    ]
