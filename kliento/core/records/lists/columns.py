"""Ready-made columns for the common cases; a kind writes its own `ListColumn` for the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from kliento.core.records import tags as record_tags
from kliento.core.records.lists.page import ListPage
from kliento.core.records.lists.spec import CellReader, ListColumn
from kliento.core.records.lists.table import EMPTY, Cell, TagChip, url_maker

NAME, EMAIL, OWNER, TAGS = (
    gettext_lazy("Name"),
    gettext_lazy("Email"),
    gettext_lazy("Owner"),
    gettext_lazy("Tags"),
)
TAGS_SHOWN = 2  # per row; the rest is "+3"


def name(key: str = "name", label: str | Promise = NAME, **options: Any) -> ListColumn:
    """The record's name (`str(record)`), linking to its card: a list's first column."""
    return ListColumn(
        key=key, label=label, cell=lambda page: lambda record: Cell("name", str(record)), **options
    )


def text(key: str, label: str | Promise, attribute: str | None = None, **options: Any) -> ListColumn:
    attribute = attribute or key
    return ListColumn(
        key=key,
        label=label,
        cell=lambda page: lambda record: Cell("text", getattr(record, attribute)),
        fields=(attribute,),
        **options,
    )


def email(key: str = "email", label: str | Promise = EMAIL, **options: Any) -> ListColumn:
    return ListColumn(
        key=key,
        label=label,
        cell=lambda page: lambda record: Cell("email", getattr(record, key)),
        fields=(key,),
        **options,
    )


def choice(
    key: str,
    label: str | Promise,
    attribute: str,
    choices: Callable[[], list[tuple[str, Any]]],
    **options: Any,
) -> ListColumn:
    """A value of a fixed set, shown by its label in the reader's language."""

    def cell(page: ListPage) -> CellReader:
        labels = {value: str(text) for value, text in choices()}
        return lambda record: Cell("text", labels.get(getattr(record, attribute), getattr(record, attribute)))

    return ListColumn(key=key, label=label, cell=cell, fields=(attribute,), **options)


def badge(
    key: str,
    label: str | Promise,
    attribute: str,
    choices: Callable[[], list[tuple[str, Any]]],
    css: Callable[[str], str],
    **options: Any,
) -> ListColumn:
    """A value of a fixed set as a coloured badge (`css(value)` gives its classes)."""

    def cell(page: ListPage) -> CellReader:
        labels = {value: str(text) for value, text in choices()}

        def read(record: Any) -> Cell:
            value = getattr(record, attribute)
            return Cell("badge", labels.get(value, value), css(value))

        return read

    return ListColumn(key=key, label=label, cell=cell, fields=(attribute,), **options)


def owner(key: str = "owner", label: str | Promise = OWNER, **options: Any) -> ListColumn:
    return ListColumn(
        key=key,
        label=label,
        cell=lambda page: lambda record: Cell("text", str(record.owner) if record.owner_id else ""),
        fields=("owner_id", "owner__full_name", "owner__email"),
        **options,
    )


def link(
    key: str, label: str | Promise, relation: str, url_name: str, fields: tuple[str, ...], **options: Any
) -> ListColumn:
    """A related record by name, linking to its card (`url_name` takes its id)."""

    def cell(page: ListPage) -> CellReader:
        url = url_maker(url_name)

        def read(record: Any) -> Cell:
            related = getattr(record, relation)
            return EMPTY if related is None else Cell("link", str(related), url(related.pk))

        return read

    return ListColumn(key=key, label=label, cell=cell, fields=(f"{relation}_id", *fields), **options)


def moment(
    key: str, label: str | Promise, attribute: str, *, sortable: bool = True, **options: Any
) -> ListColumn:
    """A date and time, in the reader's time zone; sortable newest first."""
    return ListColumn(
        key=key,
        label=label,
        cell=lambda page: lambda record: Cell("datetime", getattr(record, attribute)),
        fields=(attribute,),
        sort_by=(attribute,) if sortable else (),
        descending_first=True,
        **options,
    )


def tags(key: str = "tags", label: str | Promise = TAGS, **options: Any) -> ListColumn:
    """The record's tags (a kind that carries tags), the first two and how many more, read for a
    whole page in one query."""

    def attach(records: list[Any]) -> None:
        names = record_tags.tags_of_page(type(records[0]), [record.pk for record in records])
        for record in records:
            record.list_tags = [TagChip(name, color) for name, color in names[record.pk]]

    def read(record: Any) -> Cell:
        shown = record.list_tags
        return Cell("tags", shown[:TAGS_SHOWN], len(shown) - TAGS_SHOWN if len(shown) > TAGS_SHOWN else 0)

    return ListColumn(key=key, label=label, cell=lambda page: read, prepare=attach, **options)
