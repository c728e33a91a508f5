"""A list's parameters read into a `ListQuery`, and the rows, columns and cells it asks for.

Parameters come as a flat mapping (a query string), the same for pages, the API, saved views and
the export: each filter of the kind reads its own (see filters.py), custom fields read `cf.<key>`
(equals) and `cf.<key>.min` / `cf.<key>.max` (ranges), and `sort` names a sortable column
(`name`, `-updated`) or a custom field (`cf.<key>`, `-cf.<key>`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from kliento.core.models import Membership
from kliento.core.records.lists.filters import ListFilter, SearchFilter, one_of, values_of
from kliento.core.records.lists.page import ListPage
from kliento.core.records.lists.spec import ListSpec, get_list
from kliento.core.records.lists.table import Column, Row, url_maker
from kliento.core.text import text_errors

CUSTOM = "cf."


@dataclass
class ListQuery:
    """A list's parsed filters and sort, ready to apply; `params` keeps them as given."""

    spec: ListSpec
    applied: list[tuple[ListFilter, Any]] = field(default_factory=list)
    custom: list[tuple[Any, str, Any]] = field(default_factory=list)  # (definition, "eq"|"min"|"max", value)
    sort: str = ""
    sort_definition: Any = None
    params: dict[str, list[str]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def is_filtered(self) -> bool:
        return bool(self.applied or self.custom)


def filter_names(spec: ListSpec) -> set[str]:
    return {name for list_filter in spec.filters for name in list_filter.names}


def is_filter(spec: ListSpec, name: str) -> bool:
    return name in filter_names(spec) or (spec.custom_fields is not None and name.startswith(CUSTOM))


def filter_values(spec: ListSpec, params: QueryDict) -> list[tuple[str, str]]:
    """The applied (parameter, value) pairs, in the order of the query string."""
    names = filter_names(spec)
    custom = spec.custom_fields is not None
    return [
        (name, value)
        for name in params
        if name in names or (custom and name.startswith(CUSTOM))
        for value in params.getlist(name)
        if value.strip()
    ]


def parse_list_query(kind: str | ListSpec, params: Mapping[str, Any], *, member: Membership) -> ListQuery:
    """Read list parameters; a bad one raises ValidationError naming it."""
    spec = kind if isinstance(kind, ListSpec) else get_list(kind)
    errors: dict[str, list[str]] = {}
    query = ListQuery(spec=spec)
    query.params = {name: values_of(params, name) for name in params if values_of(params, name)}
    errors.update({name: [problem] for name, problem in text_errors(query.params).items()})
    for list_filter in spec.filters:
        value = list_filter.parse(params, member, errors)
        if value is not None:
            query.applied.append((list_filter, value))
    sort = one_of(params, "sort") or spec.default_sort
    fields = spec.custom_fields
    # Most lists filter and sort on built-in fields only: then the definitions need no query.
    uses_custom_fields = fields is not None and (
        sort not in spec.sorts or any(name.startswith(CUSTOM) for name in params)
    )
    definitions = (
        {definition.key: definition for definition in fields.definitions(spec.kind)}
        if fields is not None and uses_custom_fields
        else {}
    )
    if fields is not None:
        for name in params:
            if not name.startswith(CUSTOM):
                continue
            key, _dot, bound = name[len(CUSTOM) :].partition(".")
            definition = definitions.get(key)
            if definition is None or bound not in ("", "min", "max"):
                errors[name] = [_("There is no custom field with this key.")]
                continue
            value = one_of(params, name)
            if not value:
                continue
            if not definition.index_ready:
                errors[name] = [_("This field's values are being indexed; filter by it again in a minute.")]
                continue
            try:
                bound = bound or "eq"
                query.custom.append((definition, bound, fields.parse(definition, bound, value)))
            except ValidationError as error:
                errors[name] = error.messages
    if sort in spec.sorts:
        query.sort = sort
    elif sort.lstrip("-").startswith(CUSTOM) and sort.lstrip("-")[len(CUSTOM) :] in definitions:
        query.sort = sort
        query.sort_definition = definitions[sort.lstrip("-")[len(CUSTOM) :]]
    else:
        errors["sort"] = [_("Unknown sort.")]
    if errors:
        raise ValidationError(errors)
    return query


def filter_rows(query: ListQuery, *, member: Membership) -> tuple[QuerySet[Any], list[str]]:
    """The visible rows matching the query, and the ordering for keyset pagination."""
    spec = query.spec
    queryset = spec.base_queryset(member)
    last = []
    for list_filter, value in query.applied:
        if isinstance(list_filter, SearchFilter):  # the text's index look-ups see the other filters
            last.append((list_filter, value))
        else:
            queryset = list_filter.apply(queryset, value, member)
    if spec.custom_fields is not None:
        bounds: dict[Any, tuple[Any, dict[str, Any]]] = {}
        for definition, bound, value in query.custom:
            bounds.setdefault(definition.key, (definition, {}))[1][bound] = value
        for definition, field_bounds in bounds.values():
            queryset = queryset.filter(spec.custom_fields.filter(definition, field_bounds))
    for list_filter, value in last:
        queryset = list_filter.apply(queryset, value, member)
    if query.sort_definition is None:
        return queryset, spec.sorts[query.sort]
    assert spec.custom_fields is not None
    # Rows without a value sort as empty text (or the smallest number), so the cursor never meets NULL.
    queryset = queryset.annotate(cf_sort=spec.custom_fields.sort_value(query.sort_definition))
    return queryset, ["-cf_sort", "-id"] if query.sort.startswith("-") else ["cf_sort", "id"]


# Columns and rows -----------------------------------------------------------------------------


def available_columns(spec: ListSpec, definitions: list[Any]) -> list[Column]:
    columns = [
        Column(
            key=column.key,
            label=str(column.label),
            sort=column.key if column.sort_by else "",
            descending_first=column.descending_first,
        )
        for column in spec.columns
    ]
    fields = spec.custom_fields
    for definition in definitions:
        key = f"{CUSTOM}{definition.key}"
        numeric = fields is not None and fields.is_numeric(definition)
        columns.append(
            Column(key=key, label=definition.label, sort=key, is_numeric=numeric, definition=definition)
        )
    return columns


def chosen_columns(params: Mapping[str, Any], available: list[Column], spec: ListSpec) -> list[Column]:
    """The columns asked for (`columns=email,phone` or repeated), the first column first; unknown
    ones are skipped so that a saved view survives a deleted custom field."""
    first = spec.columns[0].key
    by_key = {column.key: column for column in available}
    asked = [key.strip() for value in values_of(params, "columns") for key in value.split(",")]
    keys = [key for key in dict.fromkeys(asked) if key in by_key and key != first]
    if not keys and first not in asked:
        keys = [key for key in spec.default_columns if key != first]
    return [by_key[first], *(by_key[key] for key in keys)]


def fields_read(spec: ListSpec, columns: list[Column]) -> list[str]:
    """What a page of these columns reads of each row: never search text, addresses, notes…"""
    chosen = {column.key for column in columns}
    names = [*spec.reads]
    for column in spec.columns:
        if column.key in chosen:
            names += column.fields
        names += column.sort_by  # the cursor is made of the last row's sort values
    if spec.custom_fields is not None and any(column.definition is not None for column in columns):
        names += spec.custom_fields.fields
    return list(dict.fromkeys(names))


def select_for_columns(queryset: QuerySet[Any], spec: ListSpec, columns: list[Column]) -> QuerySet[Any]:
    """Only the fields the columns read, joining the related rows they name (`owner__full_name`)."""
    names = fields_read(spec, columns)
    related = list(dict.fromkeys(name.rpartition("__")[0] for name in names if "__" in name))
    if related:
        queryset = queryset.select_related(*related)
    return queryset.only(*names)


def table_rows(spec: ListSpec, records: list[Any], columns: list[Column], page: ListPage) -> list[Row]:
    by_key = {column.key: column for column in spec.columns}
    shown = [by_key[column.key] for column in columns if column.key in by_key]
    if records:
        for list_column in shown:
            if list_column.prepare is not None:
                list_column.prepare(records)
    fields = spec.custom_fields
    readers: list[Callable[..., Any]] = []
    for column in columns:
        if column.definition is not None and fields is not None:
            definition = column.definition
            readers.append(
                lambda record, definition=definition: fields.cell(
                    definition, fields.values(record).get(definition.key)
                )
            )
        else:
            readers.append(by_key[column.key].cell(page))
    detail_url = url_maker(spec.record_kind.detail_url_name)
    return [
        Row(
            id=record.pk,
            name=str(record),
            url=detail_url(record.pk),
            cells=[read(record) for read in readers],
        )
        for record in records
    ]


@dataclass(frozen=True)
class ListRows:
    """What a list shows for some parameters: its rows in order (not yet paged), the ordering the
    keyset pages follow, and the chosen columns; what an export of the list writes."""

    query: ListQuery
    queryset: QuerySet[Any]
    ordering: list[str]
    columns: list[Column]


def list_rows(kind: str, member: Membership, params: Mapping[str, Any]) -> ListRows:
    """The rows and columns of a kind's list for a member and a query string (filters, `q`, `sort`,
    `columns`), as the list page would show them; ValidationError naming a bad parameter.

        rows = list_rows("contact", member, request.GET)
        for record in rows.queryset.order_by(*rows.ordering).iterator(): ...
    """
    spec = get_list(kind)
    query = parse_list_query(
        spec, {name: values_of(params, name) for name in params if name != "columns"}, member=member
    )
    definitions = spec.custom_fields.definitions(kind) if spec.custom_fields is not None else []
    columns = chosen_columns(params, available_columns(spec, definitions), spec)
    queryset, ordering = filter_rows(query, member=member)
    return ListRows(query, select_for_columns(queryset, spec, columns), ordering, columns)
