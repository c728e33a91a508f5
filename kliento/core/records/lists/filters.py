"""The filters a kind's list offers, each reading its own query parameters.

A filter parses its parameters (a bad value adds an error naming the parameter), narrows the
queryset, names its values on the chips above the table and draws its input in the filter bar
(`area` "bar") or under "More filters" (`area` "more"). The list pages, the API, saved views and the
export read parameters through the same filters, so there is one parser and one set of messages.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.core.models import MAX_ID, Membership, Team
from kliento.core.records import tags as record_tags
from kliento.core.records.lists.page import ListPage

Errors = dict[str, list[str]]
UNKNOWN_VALUE = gettext_lazy("Unknown value.")


# Reading parameters ---------------------------------------------------------------------------


def values_of(params: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    raw = getlist(name) if getlist else params.get(name, [])
    if isinstance(raw, str):
        raw = [raw]
    return [str(value).strip() for value in raw if str(value).strip()]


def one_of(params: Mapping[str, Any], name: str) -> str:
    values = values_of(params, name)
    return values[-1] if values else ""


def parse_id(value: str, name: str, errors: Errors) -> int | None:
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


# What the filter bar draws ---------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool = False


@dataclass(frozen=True)
class Choice:
    """A filter offered as a dropdown of checkboxes (several values mean "any of them")."""

    name: str
    label: str
    options: list[Option]
    invalid: bool = False

    @property
    def selected_count(self) -> int:
        return sum(option.checked for option in self.options)


@dataclass(frozen=True)
class FilterInput:
    name: str
    label: str
    value: str
    input_type: str  # text, number, date, select
    options: list[Option] = field(default_factory=list)
    invalid: bool = False


@dataclass(frozen=True)
class CustomFilter:
    label: str
    inputs: list[FilterInput]


def choice_widget(
    name: str, label: str, params: Mapping[str, Any], pairs: list[tuple[str, str]], invalid: set[str]
) -> Choice:
    asked = values_of(params, name)
    selected = set(asked)
    options = [Option(value, text, value in selected) for value, text in pairs]
    known = {value for value, _text in pairs}
    options += [Option(value, value, True) for value in asked if value not in known]
    return Choice(name=name, label=label, options=options, invalid=name in invalid)


# Filters ---------------------------------------------------------------------------------------


class ListFilter:
    """One filter of a list; subclasses say how they read, apply, label and draw themselves."""

    names: tuple[str, ...] = ()
    area = "bar"  # "bar", or "more" for the folded part of the filter bar
    template = ""

    def label(self, name: str) -> str:
        raise NotImplementedError

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        """The filter's value, or None when it is not applied; a bad value adds to errors."""
        raise NotImplementedError

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        raise NotImplementedError

    def value_label(self, name: str, value: str, page: ListPage) -> str:
        return value

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        """What the filter's template draws, as `widget`."""
        raise NotImplementedError


class SearchFilter(ListFilter):
    """Text matched as the kind's search matches it (`q`), combined with every other filter."""

    names = ("q",)
    template = "core/lists/_filter_search.html"

    def __init__(
        self,
        *,
        parse: Callable[[str, str], Any],
        apply: Callable[[QuerySet[Any], Any, int], QuerySet[Any]],
    ) -> None:
        self._parse, self._apply = parse, apply  # (text, region) -> parsed or None; (qs, parsed, org id)

    def label(self, name: str) -> str:
        return _("Search")

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        text = one_of(params, "q")
        if not text:
            return None
        parsed = self._parse(text, member.organization.default_region)
        if parsed is None:
            errors["q"] = [_("Type at least two characters, or one Chinese, Japanese or Korean character.")]
        return parsed

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        return self._apply(queryset, value, member.organization_id)

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        return {"value": params.get("q", ""), "invalid": "q" in invalid}


class ChoiceFilter(ListFilter):
    """Any of a fixed set of values of one field (`stage=lead&stage=active`)."""

    template = "core/lists/_filter_choice.html"

    def __init__(
        self,
        name: str,
        *,
        label: str | Promise,
        field: str,
        choices: Callable[[], list[tuple[str, Any]]],
        unknown: str | Promise = UNKNOWN_VALUE,
    ) -> None:
        self.names = (name,)
        self.name, self._label, self.field, self.choices, self.unknown = name, label, field, choices, unknown

    def label(self, name: str) -> str:
        return str(self._label)

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        values = values_of(params, self.name)
        if set(values) - {value for value, _label in self.choices()}:
            errors[self.name] = [str(self.unknown)]
        return values or None

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.field}__in": value})

    def value_label(self, name: str, value: str, page: ListPage) -> str:
        return str(dict(self.choices()).get(value, value))

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        pairs = [(value, str(label)) for value, label in self.choices()]
        return choice_widget(self.name, self.label(self.name), params, pairs, invalid)


class OwnerFilter(ListFilter):
    """Rows owned by any of these members (`owner=me` is the reader)."""

    template = "core/lists/_filter_choice.html"

    def __init__(self, name: str = "owner", *, field: str = "owner_id") -> None:
        self.names = (name,)
        self.name, self.field = name, field

    def label(self, name: str) -> str:
        return _("Owner")

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        owners = []
        for value in values_of(params, self.name):
            owner = member.user_id if value == "me" else parse_id(value, self.name, errors)
            if owner is not None:
                owners.append(owner)
        return owners or None

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.field}__in": value})

    def value_label(self, name: str, value: str, page: ListPage) -> str:
        if value == "me":
            return _("Me")
        return {str(m.user_id): str(m.user) for m in page.members}.get(value, value)

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        pairs = [("me", _("Me"))] + [(str(m.user_id), str(m.user)) for m in page.members]
        return choice_widget(self.name, self.label(self.name), params, pairs, invalid)


class TeamFilter(ListFilter):
    """Rows owned by a team's members or its manager."""

    template = "core/lists/_filter_team.html"

    def __init__(self, name: str = "team", *, field: str = "owner_id") -> None:
        self.names = (name,)
        self.name, self.field = name, field

    def label(self, name: str) -> str:
        return _("Team")

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        value = one_of(params, self.name)
        return parse_id(value, self.name, errors) if value else None

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        team = Team.objects.filter(pk=value).first()
        member_ids = set(team.members.values_list("pk", flat=True)) if team else set()
        if team and team.manager_id:
            member_ids.add(team.manager_id)
        return queryset.filter(**{f"{self.field}__in": member_ids})

    def value_label(self, name: str, value: str, page: ListPage) -> str:
        return {str(team.pk): team.name for team in page.teams}.get(value, value)

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        current = params.get(self.name)
        return {
            "name": self.name,
            "options": [Option(str(team.pk), team.name, current == str(team.pk)) for team in page.teams],
            "invalid": self.name in invalid,
        }


class TagFilter(ListFilter):
    """Rows carrying every one of these tags, named whatever their case (a kind that carries tags,
    see kliento.core.records.tags)."""

    template = "core/lists/_filter_choice.html"

    def __init__(self, name: str = "tag") -> None:
        self.names = (name,)
        self.name = name

    def label(self, name: str) -> str:
        return _("Tag")

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        return values_of(params, self.name) or None

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        for name in value:
            queryset = record_tags.tagged(queryset, name)
        return queryset

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        pairs = [(tag.name, tag.name) for tag in page.tags]
        return choice_widget(self.name, self.label(self.name), params, pairs, invalid)


class RecordFilter(ListFilter):
    """Rows linked to one record (a company's contacts), reached from that record's card: the bar
    shows the record by name and keeps its id."""

    template = "core/lists/_filter_record.html"

    def __init__(
        self,
        name: str,
        *,
        label: str | Promise,
        field: str,
        visible: Callable[[Membership], QuerySet[Any]],
        icon: str,
    ) -> None:
        self.names = (name,)
        self.name, self._label, self.field, self.visible, self.icon = name, label, field, visible, icon

    def label(self, name: str) -> str:
        return str(self._label)

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        value = one_of(params, self.name)
        return parse_id(value, self.name, errors) if value else None

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        return queryset.filter(**{self.field: value})

    def record(self, params: Mapping[str, Any], page: ListPage) -> Model | None:
        value = params.get(self.name, "")
        if not value.isdigit():
            return None
        return page.load(
            f"record:{self.name}:{value}",
            lambda: self.visible(page.member).filter(pk=value).first(),
        )

    def value_label(self, name: str, value: str, page: ListPage) -> str:
        record = self.record({name: value}, page)
        return str(record) if record is not None else value

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        value = params.get(self.name, "")
        return {
            "name": self.name,
            "label": self.label(self.name),
            "value": value,
            "icon": self.icon,
            "record": None if self.name in invalid else self.record(params, page),
        }


class DateRangeFilter(ListFilter):
    """Rows whose moment falls on these days (`created_from`, `created_to`), in the server's days."""

    area = "more"
    template = "core/lists/_filter_dates.html"

    def __init__(
        self, *, field: str, start: str, end: str, start_label: str | Promise, end_label: str | Promise
    ) -> None:
        self.names = (start, end)
        self.field, self.labels = field, {start: start_label, end: end_label}

    def label(self, name: str) -> str:
        return str(self.labels[name])

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        bounds = []
        for name, lookup in zip(self.names, ("gte", "lte"), strict=True):
            value = one_of(params, name)
            if not value:
                continue
            try:
                bounds.append((lookup, datetime.date.fromisoformat(value)))
            except ValueError:
                errors[name] = [_("Enter a date as YYYY-MM-DD.")]
        return bounds or None

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.field}__date__{lookup}": day for lookup, day in value})

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        return [
            FilterInput(name, self.label(name), params.get(name, ""), "date", invalid=name in invalid)
            for name in self.names
        ]
