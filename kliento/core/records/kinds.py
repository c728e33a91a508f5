"""The registry of record kinds.

    register_kind(
        RecordKind(
            key="deal",
            model=Deal,
            label=_("Deal"),
            label_plural=_("Deals"),
            detail_url_name="sales:deal-detail",
            list_url_name="sales:deal-list",
            icon="kanban",
            edit_permission=Permission.EDIT_SALES,
            delete_permission=Permission.EDIT_SALES,
        )
    )

The key is what stored rows name a kind by (custom fields, saved views, audit entries), so it never
changes once records exist. Nothing in `core` names a kind; each part of the kit asks this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.urls import reverse
from django.utils.functional import Promise

from kliento.core.permissions import Permission

if TYPE_CHECKING:
    from kliento.core.records.tags import TagLink


class UnknownKind(LookupError):
    pass


@dataclass(frozen=True)
class RecordKind:
    key: str
    model: type[Model]
    label: str | Promise
    label_plural: str | Promise
    detail_url_name: str  # reversed with the record's primary key as its only argument
    icon: str
    list_url_name: str | None = None
    view_permission: Permission | None = None  # None: every member may see the kind's records
    edit_permission: Permission | None = None
    delete_permission: Permission | None = None
    order: int = 100
    # The kind's core.records.tags.TagLink subclass, if its records carry tags.
    tag_link: type[TagLink] | None = None
    # The JSON column holding the records' custom field values; a kind whose model has no such
    # column gets no custom fields.
    custom_fields_column: str = "custom_fields"

    def url_of(self, record: Any) -> str:
        return reverse(self.detail_url_name, args=[record.pk])

    @property
    def list_url(self) -> str | None:
        return reverse(self.list_url_name) if self.list_url_name else None


_kinds: dict[str, RecordKind] = {}
_watchers: list[Callable[[RecordKind], None]] = []


def register_kind(kind: RecordKind) -> None:
    registered = _kinds.get(kind.key)
    if registered is not None and registered.model is not kind.model:
        raise ValueError(
            f"The record kind {kind.key!r} is already registered for {registered.model.__name__}."
        )
    _kinds[kind.key] = kind
    if registered is None:
        for watcher in _watchers:
            watcher(kind)


def for_every_kind(callback: Callable[[RecordKind], None]) -> None:
    """Call `callback` for every kind registered so far and for each one registered later, so that
    what goes on every kind's card (tasks, the timeline) registers once, whatever the apps' order."""
    _watchers.append(callback)
    for kind in list(_kinds.values()):
        callback(kind)


def get_kind(key: str) -> RecordKind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownKind(key) from None


def kind_of_model(model: type[Model]) -> RecordKind:
    for kind in _kinds.values():
        if kind.model is model:
            return kind
    raise UnknownKind(model.__name__)


def all_kinds() -> Iterator[RecordKind]:
    yield from sorted(_kinds.values(), key=lambda kind: (kind.order, kind.key))


def kind_choices() -> list[tuple[str, str | Promise]]:
    """For a model field or form that stores a kind's key."""
    return [(kind.key, kind.label) for kind in all_kinds()]
