"""What a kind of record registers to get a list page: `ListSpec` and the registry keyed by kind."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from django import forms
from django.db.models import Expression, Q, QuerySet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy, ngettext

from kliento.core.models import Membership
from kliento.core.permissions import Permission
from kliento.core.records.kinds import RecordKind, get_kind
from kliento.core.records.lists.filters import FilterInput, ListFilter
from kliento.core.records.lists.page import ListPage
from kliento.core.records.lists.table import Cell

CellReader = Callable[[Any], Cell]  # a record's cell of one column


@dataclass(frozen=True)
class ListColumn:
    """A column a list may show.

    `cell(page)` is called once per page and returns the function that reads one record's cell, so
    what every row needs alike (labels, a URL maker) is worked out once. `fields` are what it reads
    of a row (`owner__full_name` also joins the owner). `sort_by` makes the column sortable on those
    fields (the id is added to keep the order total and the keyset pages exact); each needs an index
    `(organization, …, id)`. `prepare(records)` runs once per page before the cells are read, for
    what one query fetches for every row (tags)."""

    key: str
    label: str | Promise
    cell: Callable[[ListPage], CellReader]
    fields: tuple[str, ...] = ()
    sort_by: tuple[str, ...] = ()
    descending_first: bool = False  # dates read best newest first
    prepare: Callable[[list[Any]], None] | None = None


class CustomFields(Protocol):
    """How a kind's custom fields join its list: columns (`cf.<key>`), filters (`cf.<key>`,
    `cf.<key>.min`, `cf.<key>.max`) and the sort (`cf.<key>`, `-cf.<key>`). A definition has
    `key`, `label` and whatever the implementation needs."""

    def definitions(self, kind: str) -> list[Any]: ...

    def is_numeric(self, definition: Any) -> bool: ...

    def cell(self, definition: Any, value: Any) -> Cell: ...

    def values(self, record: Any) -> Mapping[str, Any]: ...

    def parse(self, definition: Any, bound: str, value: str) -> Any:
        """The filter's value; raises ValidationError when it is not one the field can hold."""
        ...

    def filter(self, definition: Any, bounds: Mapping[str, Any]) -> Q:
        """Records matching every bound of one field (`eq`, or `min` and/or `max`), each as `parse`
        gave it: all of a field's bounds at once, so that an index range can serve them together."""
        ...

    def sort_value(self, definition: Any) -> Expression: ...

    def filter_inputs(
        self, definition: Any, params: Mapping[str, Any], invalid: set[str]
    ) -> list[FilterInput]: ...

    def value_label(self, definition: Any, value: str) -> str: ...

    @property
    def fields(self) -> tuple[str, ...]:
        """What a row must read for its custom-field cells."""
        ...


@dataclass(frozen=True)
class BulkInput:
    """The value a bulk action needs (a new owner, a tag), drawn beside the action picker; actions
    sharing an input share its place in the bar."""

    name: str
    label: str | Promise
    template: str
    field: Callable[[ListPage], forms.Field]  # the form field that checks the value
    options: Callable[[ListPage], list[Any]] = lambda page: []
    reason: bool = False  # also asks why (kept with each record's change)


@dataclass(frozen=True)
class BulkAction:
    """An action on a selection of rows. `run(member=, ids=, value=, reason=)` returns how many rows
    it changed; `ids` are only rows the member sees. It is a service: one transaction, an audit entry
    on every record changed, all under one batch id, and it checks the permission again."""

    key: str
    label: str | Promise
    run: Callable[..., int]
    permission: Permission | None = None
    input: BulkInput | None = None
    confirm: bool = False  # asked to confirm first (moving to the trash)
    done: Callable[[int], str] | None = None  # the message, by the number of rows changed


def _records_count(count: int) -> str:
    return ngettext("%(count)s record", "%(count)s records", count)


def _records_estimate(count: int) -> str:
    return ngettext("about %(count)s record", "about %(count)s records", count)


def _records_updated(count: int) -> str:
    return ngettext("%(count)s record updated.", "%(count)s records updated.", count)


NEW, ALL, MINE = gettext_lazy("New record"), gettext_lazy("All records"), gettext_lazy("My records")
NO_MATCH = gettext_lazy("No records match these filters.")
EMPTY_LIST = gettext_lazy("No records yet.")
RECORDS_MORE = gettext_lazy("%(count)s+ records")


@dataclass(frozen=True)
class ListTexts:
    """What a list says, in the kind's own words (a language may inflect them differently)."""

    new: str | Promise = NEW
    all: str | Promise = ALL
    mine: str | Promise = MINE  # empty for a kind whose records have no owner
    no_match: str | Promise = NO_MATCH
    empty: str | Promise = EMPTY_LIST  # may hold %(command)s, written as `kliento demo`
    count: Callable[[int], str] = _records_count  # "%(count)s contacts"
    count_more: str | Promise = RECORDS_MORE  # a first page with more after it
    count_estimate: Callable[[int], str] = _records_estimate
    updated: Callable[[int], str] = _records_updated


@dataclass(frozen=True)
class ListSpec:
    """A kind's list: see the package's docstring for a registration to copy."""

    kind: str
    columns: tuple[ListColumn, ...]
    default_columns: tuple[str, ...]
    filters: tuple[ListFilter, ...] = ()
    texts: ListTexts = field(default_factory=ListTexts)
    visible: Callable[[Membership], QuerySet[Any]] | None = None  # default: the model's `objects`
    reads: tuple[str, ...] = ()  # read for every row whatever the columns (what str(record) needs)
    default_sort: str = "name"
    bulk_actions: tuple[BulkAction, ...] = ()
    custom_fields: CustomFields | None = None
    create_url_name: str | None = None
    page_size: int = 50

    @property
    def record_kind(self) -> RecordKind:
        return get_kind(self.kind)

    @property
    def key(self) -> str:
        return self.kind

    @property
    def title(self) -> str | Promise:
        return self.record_kind.label_plural

    @property
    def icon(self) -> str:
        return self.record_kind.icon

    def _url_name(self, suffix: str) -> str:
        """Routes made by `list_urls` are named after the kind's list route."""
        name = self.record_kind.list_url_name
        if not name:
            raise ValueError(f"The kind {self.kind!r} has no list_url_name.")
        return f"{name.removesuffix('-list')}-{suffix}"

    @property
    def list_url(self) -> str:
        return reverse(self._url_name("list"))

    @property
    def count_url(self) -> str:
        return reverse(self._url_name("count"))

    @property
    def bulk_url(self) -> str:
        return reverse(self._url_name("bulk"))

    @property
    def create_url(self) -> str:
        return reverse(self.create_url_name) if self.create_url_name else ""

    @property
    def new_label(self) -> str | Promise:
        return self.texts.new

    @property
    def all_label(self) -> str | Promise:
        return self.texts.all

    @property
    def mine_label(self) -> str | Promise:
        return self.texts.mine

    @property
    def no_match_text(self) -> str | Promise:
        return self.texts.no_match

    def empty_text(self) -> str:
        # The translation is text, not a format string: it is escaped around the command's markup.
        before, _placeholder, after = str(self.texts.empty).partition("%(command)s")
        if not _placeholder:
            return format_html("{}", before)
        return format_html("{}<code>{}</code>{}", before, "kliento demo", after)

    def count_label(self, count: int, *, more: bool = False, estimate: bool = False) -> str:
        """ "12 contacts", "50+ contacts" (a first page with more after it) or "about 310,000 contacts"."""
        values = {"count": number_format(count, force_grouping=True)}
        if estimate:
            return self.texts.count_estimate(count) % values
        if more:
            return str(self.texts.count_more) % values
        return self.texts.count(count) % values

    def done_message(self, action: BulkAction, count: int) -> str:
        if action.done is not None:
            return action.done(count) % {"count": count}
        return self.texts.updated(count) % {"count": count}

    def base_queryset(self, member: Membership) -> QuerySet[Any]:
        if self.visible is not None:
            return self.visible(member)
        return self.record_kind.model._default_manager.all()

    def may_create(self, member: Membership) -> bool:
        permission = self.record_kind.edit_permission
        return bool(self.create_url_name) and (permission is None or member.can(permission))

    def bulk_actions_for(self, member: Membership) -> list[BulkAction]:
        return [a for a in self.bulk_actions if a.permission is None or member.can(a.permission)]

    @cached_property
    def sorts(self) -> dict[str, list[str]]:
        sorts = {}
        for column in self.columns:
            if column.sort_by:
                sorts[column.key] = [*column.sort_by, "id"]
                sorts[f"-{column.key}"] = [f"-{name}" for name in column.sort_by] + ["-id"]
        return sorts


_lists: dict[str, ListSpec] = {}


def register_list(spec: ListSpec) -> None:
    get_kind(spec.kind)  # the kind is registered first
    _lists[spec.kind] = spec


def get_list(kind: str) -> ListSpec:
    """The kind's list; LookupError for a kind without one."""
    try:
        return _lists[kind]
    except KeyError:
        raise LookupError(f"The kind {kind!r} has no list.") from None


def has_list(kind: str) -> bool:
    return kind in _lists
