"""The table of a list page: its columns, and its rows written as HTML by `RowWriter`."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kliento.core.markup import INERT_ATTRIBUTE


@dataclass(frozen=True)
class Column:
    """A column as one page shows it: a kind's `ListColumn`, or a custom field's."""

    key: str  # "email", or "cf.<key>" for a custom field
    label: str
    sort: str = ""  # the ascending sort key, "" when the column does not sort
    descending_first: bool = False
    is_numeric: bool = False
    definition: Any = None  # the custom field's definition, for "cf." columns


@dataclass(frozen=True)
class Header:
    column: Column
    aria_sort: str = ""  # "ascending" | "descending" | ""
    sort_url: str = ""


@dataclass(frozen=True)
class Cell:
    """How a value shows: text, name, email, phone, link, badge, tags, datetime, date, number, bool.

    `extra` is what a kind needs besides the value: a phone's E.164 number for its link, a link's
    URL, a badge's CSS classes, the number of tags not shown."""

    kind: str
    value: Any
    extra: Any = None


@dataclass(frozen=True)
class TagChip:
    name: str
    color: str


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    url: str
    cells: list[Cell]


EMPTY = Cell("text", "")


_ID_MARK = 987654321  # stands in for the id while the URL is reversed once


def url_maker(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` as a function of pk, reversing only once: a page of 50 rows would
    otherwise resolve the pattern 50 times or more."""
    head, _mark, tail = reverse(name, args=[_ID_MARK]).rpartition(str(_ID_MARK))
    return lambda pk: f"{head}{int(pk)}{tail}"


def _escape(value: Any) -> str:
    """As autoescape does it: Django's escape() is this html.escape behind a slower lazy-aware wrapper."""
    return html.escape(str(value))


class RowWriter:
    """The table rows as HTML, written here rather than by the template: a page holds hundreds of
    cells, and a template's if-chain per cell was most of the page's time. Every value is escaped
    as the template would, and each row is `hx-disable` (it holds stored values and none of our htmx
    controls; see kliento.core.markup); what is looked up per language (date format, labels) is
    looked up once."""

    def __init__(self, *, selectable: bool) -> None:
        self.selectable = selectable
        self.select_label = _("Select %(name)s")
        self.date_format = formats.get_format("SHORT_DATE_FORMAT")
        self.yes_no = (_escape(_("No")), _escape(_("Yes")))

    def rows(self, rows: list[Row]) -> SafeString:
        return mark_safe("".join(self.row(row) for row in rows))

    def row(self, row: Row) -> str:
        select = ""
        if self.selectable:
            label = _escape(self.select_label % {"name": row.name})
            select = (
                '<td class="list-select"><input type="checkbox" class="form-check-input" name="ids" '
                f'value="{row.id}" form="bulk-form" aria-label="{label}"></td>'
            )
        cells = "".join(self.cell(cell, row.url) for cell in row.cells)
        return f'<tr data-testid="list-row" {INERT_ATTRIBUTE}>{select}{cells}</tr>\n'

    def cell(self, cell: Cell, row_url: str) -> str:
        kind, value, extra = cell.kind, cell.value, cell.extra
        if kind == "name":
            link = f'<a href="{_escape(row_url)}" dir="auto">{_escape(value)}</a>'
            return f'<th scope="row" class="list-name">{link}</th>'
        if value in ("", None, []) and kind not in ("bool", "number"):
            return "<td></td>"
        if kind == "text":
            text = _escape(value)
            return f'<td><span class="list-clip" title="{text}" dir="auto">{text}</span></td>'
        if kind == "email":
            text = _escape(value)
            return f'<td><a class="list-clip" href="mailto:{text}" title="{text}" dir="ltr">{text}</a></td>'
        if kind == "phone":
            return f'<td><a href="tel:{_escape(extra)}" dir="ltr">{_escape(value)}</a></td>'
        if kind == "link":
            text = _escape(value)
            return (
                f'<td><a class="list-clip" href="{_escape(extra)}" title="{text}" dir="auto">{text}</a></td>'
            )
        if kind == "badge":
            return f'<td><span class="badge rounded-pill {_escape(extra)}">{_escape(value)}</span></td>'
        if kind == "tags":
            chips = "".join(
                f'<span class="badge tag-badge"><span class="tag-dot" data-color="{_escape(tag.color)}">'
                f"</span>{_escape(tag.name)}</span>"
                for tag in value
            )
            more = f'<span class="badge tag-badge tag-more">+{int(extra)}</span>' if extra else ""
            return f"<td>{chips}{more}</td>"
        if kind == "datetime":
            moment = timezone.localtime(value)
            shown = _escape(dateformat.format(moment, self.date_format))
            return f'<td><time datetime="{moment.isoformat()}">{shown}</time></td>'
        if kind == "date":
            shown = _escape(dateformat.format(value, self.date_format))
            return f'<td><time datetime="{value.isoformat()}">{shown}</time></td>'
        if kind == "number":
            return f'<td class="numeric">{_escape(formats.localize(value))}</td>'
        if kind == "bool":
            return f"<td>{self.yes_no[bool(value)]}</td>"
        raise ValueError(f"Unknown cell kind {kind!r}")
