"""The table of a list page: its columns, and its rows read from records and written as HTML."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.http import QueryDict
from django.utils import dateformat, formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kliento.core.markup import INERT_ATTRIBUTE
from kliento.core.records.fields.models import CustomField
from kliento.customers.models import LifecycleStage, Source
from kliento.customers.normalize import format_phone
from kliento.customers.selectors import tags_of_page
from kliento.customers.templatetags.customer_cards import stage_badge
from kliento.customers.views.list_kinds import BUILT_IN_SORTS, COLUMN_LABELS, ListKind
from kliento.web.links import url_maker

TAGS_SHOWN = 2  # per row; the rest is "+3"


@dataclass(frozen=True)
class Column:
    key: str  # "email", or "cf.<key>" for a custom field
    label: str
    sort: str = ""  # the ascending sort key, "" when the column does not sort
    descending_first: bool = False
    definition: CustomField | None = None

    @property
    def is_numeric(self) -> bool:
        return self.definition is not None and self.definition.type.is_numeric


@dataclass(frozen=True)
class Header:
    column: Column
    aria_sort: str = ""  # "ascending" | "descending" | ""
    sort_url: str = ""


@dataclass(frozen=True)
class Cell:
    kind: str  # how it shows: text, name, email, phone, link, stage, tags, datetime, date, number, bool
    value: Any
    extra: Any = None


class TagChip(NamedTuple):
    name: str
    color: str


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    url: str
    cells: list[Cell]


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
        if kind == "stage":
            return f'<td><span class="badge rounded-pill {stage_badge(extra)}">{_escape(value)}</span></td>'
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


# Columns --------------------------------------------------------------------------------------


def available_columns(kind: ListKind, definitions: list[CustomField]) -> list[Column]:
    columns = []
    for key in kind.columns:
        sort, descending = BUILT_IN_SORTS.get(key, ("", False))
        columns.append(Column(key=key, label=str(COLUMN_LABELS[key]), sort=sort, descending_first=descending))
    for definition in definitions:
        key = f"cf.{definition.key}"
        columns.append(Column(key=key, label=definition.label, sort=key, definition=definition))
    return columns


def chosen_columns(params: QueryDict, available: list[Column], kind: ListKind) -> list[Column]:
    """The columns asked for (`columns=email,phone` or repeated), name first; unknown ones are skipped
    so that a saved view survives a deleted custom field."""
    by_key = {column.key: column for column in available}
    asked = [key.strip() for value in params.getlist("columns") for key in value.split(",")]
    keys = [key for key in dict.fromkeys(asked) if key in by_key and key != "name"]
    if not keys and not [key for key in asked if key == "name"]:
        keys = [key for key in kind.default_columns if key != "name"]
    return [by_key["name"], *(by_key[key] for key in keys)]


def _custom_cell(definition: CustomField, value: Any) -> Cell:
    kind, shown = definition.type.cell(value)
    return Cell(kind, shown)


@dataclass(frozen=True)
class CellReader:
    """Reads the cells of one page's rows; what every row needs alike is worked out once."""

    region: str
    company_url: Callable[[int], str]
    stages: dict[str, str]
    sources: dict[str, str]

    @classmethod
    def for_page(cls, region: str) -> CellReader:
        return cls(
            region=region,
            company_url=url_maker("customers:company-detail"),
            stages={value: str(label) for value, label in LifecycleStage.choices},
            sources={value: str(label) for value, label in Source.choices},
        )

    def cell(self, record: Any, column: Column) -> Cell:
        if column.definition is not None:
            return _custom_cell(column.definition, (record.custom_fields or {}).get(column.definition.key))
        key = column.key
        if key == "name":
            return Cell("name", str(record))
        if key == "email":
            return Cell("email", record.email)
        if key == "phone":
            return Cell("phone", format_phone(record.phone, self.region), record.phone)
        if key == "company":
            company = record.company
            if company is None:
                return Cell("text", "")
            return Cell("link", company.name, self.company_url(company.pk))
        if key == "stage":
            stage = record.lifecycle_stage
            return Cell("stage", self.stages.get(stage, stage), stage)
        if key == "owner":
            return Cell("text", str(record.owner) if record.owner_id else "")
        if key == "tags":
            tags = record.list_tags
            return Cell("tags", tags[:TAGS_SHOWN], len(tags) - TAGS_SHOWN if len(tags) > TAGS_SHOWN else 0)
        if key == "source":
            return Cell("text", self.sources.get(record.source, record.source))
        if key in ("created", "updated"):
            return Cell("datetime", getattr(record, f"{key}_at"))
        return Cell("text", getattr(record, key, ""))


def attach_tags(kind: ListKind, records: list[Any]) -> None:
    """Each record's tags as `list_tags`."""
    tags = tags_of_page(kind.model, [record.pk for record in records])  # type: ignore[arg-type]
    for record in records:
        record.list_tags = [TagChip(name, color) for name, color in tags[record.pk]]


def table_rows(kind: ListKind, records: list[Any], columns: list[Column], region: str) -> list[Row]:
    if records and any(column.key == "tags" for column in columns):
        attach_tags(kind, records)
    detail_url, reader = url_maker(kind.detail_url_name), CellReader.for_page(region)
    return [
        Row(
            id=record.pk,
            name=str(record),
            url=detail_url(record.pk),
            cells=[reader.cell(record, column) for column in columns],
        )
        for record in records
    ]
