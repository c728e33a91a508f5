"""How audit entries read: labelled lines in the reader's language, with links to the records.

An entry stores raw values (`{field: [old, new]}` with ids for references and ISO text for dates).
`readable_entries` turns a page of them into lines a person recognizes: each field's translated
verbose name, the names of referenced records (one query per referenced model, whatever the
entries), Yes/No, choice labels, dates and numbers in the reader's locale, a dict of values (custom
fields) as one line per key. Secrets and columns derived from others are never shown, and new
entries never store them (`core.audit.field_values` asks `is_hidden`).

Each app declares its models in its AppConfig.ready(); a model that declares nothing still reads
well from its fields' verbose names:

    register_history(
        Contact,
        hidden={"sort_name", "search_text", "search_grams"},
        fields={"phones": HistoryField(format=lambda number, context: format_phone(number, ...))},
        link="customers:contact-detail",
        visible=lambda member: Contact.with_trash.visible_to(member),
    )

`fields` says how a key reads when the model's own field does not say enough: its label (text, or
a function of the key for keys ending in ".*"), how one value is written (`format`), how a dict of
values becomes lines (`expand`), whether the value is a note said alongside (`note`, like the
reason of a stage change) and which field it follows (`after`). `link` and `visible` make each
entry link to its record when the reader may still open it.
"""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kliento.core.models import AuditEntry, Membership, Organization


@dataclass
class HistoryContext:
    """What formatters may read: the organization (its region, currency) and any memo they keep."""

    organization: Organization | None
    memo: dict[Any, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeLine:
    """One line of an entry: a label and the value before and after (a note has only `new`)."""

    label: str
    old: str | None
    new: str | None
    is_note: bool = False


Formatter = Callable[[Any, HistoryContext], str]
Expander = Callable[[Any, Any, HistoryContext], list[ChangeLine]]


@dataclass(frozen=True)
class HistoryField:
    label: str | Promise | Callable[[str], str] | None = None
    format: Formatter | None = None
    expand: Expander | None = None
    note: bool = False
    after: str | None = None


@dataclass(frozen=True)
class HistorySpec:
    model: type[models.Model]
    hidden: frozenset[str]
    fields: Mapping[str, HistoryField]
    link: str | None = None
    visible: Callable[[Membership], models.QuerySet[Any]] | None = None

    def field_for(self, key: str) -> HistoryField | None:
        if key in self.fields:
            return self.fields[key]
        head, dot, _tail = key.partition(".")
        return self.fields.get(f"{head}.*") if dot else None


_registry: dict[str, HistorySpec] = {}


def register_history(
    model: type[models.Model],
    *,
    hidden: Collection[str] = (),
    fields: Mapping[str, HistoryField] | None = None,
    link: str | None = None,
    visible: Callable[[Membership], models.QuerySet[Any]] | None = None,
) -> None:
    """Declare how a model's audit entries read; registering a model again replaces its entry."""
    spec = HistorySpec(
        model=model, hidden=frozenset(hidden), fields=dict(fields or {}), link=link, visible=visible
    )
    _registry[model._meta.label_lower] = spec


def is_hidden(model: type[models.Model] | models.Model, name: str) -> bool:
    spec = _registry.get(model._meta.label_lower)
    return spec is not None and name in spec.hidden


def record_kinds() -> list[tuple[str, str]]:
    """The kinds of record the history knows, as (record_type, translated name), by name."""
    kinds = [(key, capfirst(str(spec.model._meta.verbose_name_plural))) for key, spec in _registry.items()]
    return sorted(kinds, key=lambda kind: kind[1])


@dataclass
class ReadableEntry:
    """An audit entry with its changes as lines, and the URL of its record if the reader may open it."""

    entry: AuditEntry
    lines: list[ChangeLine]
    url: str | None = None
    kind: str = ""

    def __getattr__(self, name: str) -> Any:
        if name == "entry":  # not set yet (a copy in the making): no loop through __getattr__
            raise AttributeError(name)
        return getattr(self.entry, name)

    @property
    def changes(self) -> dict[str, list[str | None]]:
        """The lines as {label: [old, new]}, or {label: [note]}."""
        return {line.label: [line.new] if line.is_note else [line.old, line.new] for line in self.lines}


# Reading values ------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _model_of(record_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(record_type)
    except (LookupError, ValueError):
        return None


def _model_field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _date(value: Any, *, with_time: bool) -> str:
    try:
        if with_time:
            moment = datetime.datetime.fromisoformat(str(value))
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        return formats.date_format(datetime.date.fromisoformat(str(value)[:10]), "DATE_FORMAT")
    except ValueError:
        return str(value)


def format_value(value: Any) -> str:
    """A stored value in the reader's language when nothing more is known of it."""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, int | float | decimal.Decimal):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(format_value(item) for item in value if not _is_empty(item))
    if isinstance(value, dict):
        return ", ".join(f"{key}: {format_value(item)}" for key, item in value.items() if not _is_empty(item))
    return str(value)


class _Reader:
    """Formats the entries of one page, with every referenced name loaded in bulk first."""

    def __init__(self, entries: list[AuditEntry], context: HistoryContext) -> None:
        self.context = context
        self.names: dict[type[models.Model], dict[Any, str]] = {}
        wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        for entry in entries:
            model = _model_of(entry.record_type)
            for name, values in entry.changes.items():
                target = getattr(_model_field(model, name), "related_model", None)
                if target is None or not isinstance(values, list):
                    continue
                for value in values:
                    items = value if isinstance(value, list) else [value]
                    wanted[target].update(item for item in items if isinstance(item, int))
        for target, ids in wanted.items():
            manager = getattr(target, "with_trash", target._default_manager)
            self.names[target] = {row.pk: str(row) for row in manager.filter(pk__in=ids)}

    def value(self, spec_field: HistoryField | None, model_field: Any, value: Any) -> str | None:
        if _is_empty(value):
            return None
        if isinstance(value, list):
            parts = [self.value(spec_field, model_field, item) for item in value]
            return ", ".join(part for part in parts if part) or None
        if spec_field is not None and spec_field.format is not None:
            return spec_field.format(value, self.context)
        if model_field is None:
            return format_value(value)
        target = getattr(model_field, "related_model", None)
        if target is not None and isinstance(value, int):
            return self.names.get(target, {}).get(value, f"#{value}")
        choices = dict(getattr(model_field, "flatchoices", None) or [])
        if value in choices:
            return str(choices[value])
        if isinstance(model_field, models.DateTimeField):
            return _date(value, with_time=True)
        if isinstance(model_field, models.DateField):
            return _date(value, with_time=False)
        if isinstance(model_field, models.DecimalField) and isinstance(value, str):
            try:
                return format_value(decimal.Decimal(value))
            except decimal.InvalidOperation:
                return value
        return format_value(value)

    def label(self, spec_field: HistoryField | None, model_field: Any, key: str) -> str:
        label = spec_field.label if spec_field is not None else None
        if callable(label):
            return str(label(key))
        if label is not None:
            return str(label)
        if model_field is not None:
            verbose = getattr(model_field, "verbose_name", None)
            if verbose is None and getattr(model_field, "related_model", None) is not None:
                verbose = model_field.related_model._meta.verbose_name_plural  # a reverse relation
            if verbose is not None:
                return capfirst(str(verbose))
        return capfirst(key.replace("_", " "))

    def lines(self, entry: AuditEntry) -> list[ChangeLine]:
        spec = _registry.get(entry.record_type)
        model = spec.model if spec is not None else _model_of(entry.record_type)
        positions: dict[str, float] = {}
        if model is not None:
            positions = {f.name: index for index, f in enumerate(model._meta.get_fields())}
        if spec is not None:
            for key, placed in spec.fields.items():
                if placed.after is not None and placed.after in positions:
                    positions[key] = positions[placed.after] + 0.5

        def position(key: str) -> tuple[float, str]:
            return positions.get(key, len(positions)), key

        lines: list[ChangeLine] = []
        # Sorted, since PostgreSQL's JSON keeps no key order.
        for key in sorted(entry.changes, key=position):
            if spec is not None and key in spec.hidden:
                continue
            values = entry.changes[key]
            spec_field = spec.field_for(key) if spec is not None else None
            model_field = _model_field(model, key)
            label = self.label(spec_field, model_field, key)
            is_pair = isinstance(values, list) and len(values) == 2
            if not is_pair:  # a fact about the change (a bulk action's count), not old → new
                lines.append(
                    ChangeLine(label, None, self.value(spec_field, model_field, values), is_note=True)
                )
                continue
            old, new = values
            if spec_field is not None and spec_field.expand is not None:
                lines += spec_field.expand(old, new, self.context)
            elif isinstance(old, dict) or isinstance(new, dict):
                lines += self._dict_lines(label, spec_field, old or {}, new or {})
            elif spec_field is not None and spec_field.note:
                lines.append(ChangeLine(label, None, self.value(spec_field, model_field, new), is_note=True))
            else:
                lines.append(
                    ChangeLine(
                        label,
                        self.value(spec_field, model_field, old),
                        self.value(spec_field, model_field, new),
                    )
                )
        return lines

    def _dict_lines(
        self, label: str, spec_field: HistoryField | None, old: dict[str, Any], new: dict[str, Any]
    ) -> list[ChangeLine]:
        return [
            ChangeLine(
                f"{label}: {key}",
                self.value(spec_field, None, old.get(key)),
                self.value(spec_field, None, new.get(key)),
            )
            for key in sorted(set(old) | set(new))
            if old.get(key) != new.get(key)
        ]


def readable_entries(
    entries: Iterable[AuditEntry], *, organization: Organization | None, member: Membership | None = None
) -> list[ReadableEntry]:
    """A page of audit entries as lines; with `member`, each links to its record if they may open it.
    Runs one query per kind of referenced record and one per kind of record linked, whatever the
    number of entries."""
    entries = list(entries)
    reader = _Reader(entries, HistoryContext(organization=organization))
    urls: dict[tuple[str, Any], str] = {}
    if member is not None:
        ids_by_type: dict[str, set[int]] = defaultdict(set)
        for entry in entries:
            if entry.record_id is not None:
                ids_by_type[entry.record_type].add(entry.record_id)
        for record_type, ids in ids_by_type.items():
            spec = _registry.get(record_type)
            if spec is None or spec.link is None or spec.visible is None:
                continue
            for pk in spec.visible(member).filter(pk__in=ids).values_list("pk", flat=True):
                urls[(record_type, pk)] = reverse(spec.link, args=[pk])
    readable = []
    for entry in entries:
        spec = _registry.get(entry.record_type)
        model = spec.model if spec is not None else _model_of(entry.record_type)
        kind = capfirst(str(model._meta.verbose_name)) if model is not None else entry.record_type
        readable.append(
            ReadableEntry(
                entry=entry,
                lines=reader.lines(entry),
                url=urls.get((entry.record_type, entry.record_id)),
                kind=kind,
            )
        )
    return readable
