"""A record's custom values: checked alike for pages, the API and imports, indexed for unique
fields and list filters, and filtered and sorted on through their field's type."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from contextlib import closing
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Expression, Model, Q
from django.utils.translation import gettext as _

from kliento.core.records.fields.models import CustomField, CustomValue, UniqueCustomValue
from kliento.core.records.fields.types import is_empty
from kliento.core.records.kinds import RecordKind, all_kinds, get_kind, kind_of_model
from kliento.core.tenancy import forget, memoized

BATCH = 10_000


def has_custom_fields(kind: RecordKind) -> bool:
    column = kind.custom_fields_column
    return bool(column) and any(field.name == column for field in kind.model._meta.concrete_fields)


def kinds_with_custom_fields() -> list[RecordKind]:
    """The registered kinds whose records carry custom values, in the registry's order."""
    return [kind for kind in all_kinds() if has_custom_fields(kind)]


def values_of(record: Model) -> dict[str, Any]:
    return getattr(record, kind_of_model(type(record)).custom_fields_column) or {}


def definitions_for(entity: str) -> list[CustomField]:
    """The organization's fields of one kind of record, in order; looked up once per request
    however many forms, filters and columns ask."""
    definitions = memoized(
        ("custom_fields", entity),
        lambda: list(CustomField.objects.filter(entity=entity).order_by("position", "id")),
    )
    return list(definitions)


def forget_definitions(**kwargs: Any) -> None:
    """Connected to CustomField's save and delete, so a request that changes a field reads it anew."""
    instance = kwargs.get("instance")
    keys = [instance.entity] if instance is not None else [kind.key for kind in all_kinds()]
    for entity in keys:
        forget(("custom_fields", entity))


def display_value(definition: CustomField, value: Any) -> str:
    """A stored value as cards and history show it, in the reader's language and locale."""
    return definition.type.display(value)


def coerce_value(definition: CustomField, value: Any) -> Any:
    """The value in its stored JSON form, or a ValidationError saying why it does not fit."""
    return definition.type.coerce(value)


def clean_custom_values(
    entity: str,
    values: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
    record_id: int | None = None,
    definitions: list[CustomField] | None = None,
) -> dict[str, Any]:
    """Merge `values` into `current`, checking types, required and unique fields; errors name
    the field as `custom_fields.<key>`."""
    definitions = definitions if definitions is not None else definitions_for(entity)
    by_key = {definition.key: definition for definition in definitions}
    errors: dict[str, list[str]] = {}
    merged = dict(current or {})
    for key, value in values.items():
        definition = by_key.get(key)
        if definition is None:
            errors[f"custom_fields.{key}"] = [_("There is no custom field with this key.")]
            continue
        if is_empty(value):
            merged.pop(key, None)
            continue
        try:
            merged[key] = definition.type.coerce(value)
        except ValidationError as error:
            errors[f"custom_fields.{key}"] = error.messages
    for definition in definitions:
        field = f"custom_fields.{definition.key}"
        if field in errors:
            continue
        if definition.is_required and is_empty(merged.get(definition.key)):
            errors[field] = [_("This field is required.")]
        elif (
            definition.is_unique
            and definition.key in values
            and not is_empty(merged.get(definition.key))
            and _value_taken(definition, merged[definition.key], record_id)
        ):
            errors[field] = [_("Another record already has this value.")]
    if errors:
        raise ValidationError(errors)
    return merged


# Indexes ------------------------------------------------------------------------------------------


def value_hash(value: Any) -> str:
    """The key a unique value is indexed by: equal values (as stored in JSON) give equal keys."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _value_taken(definition: CustomField, value: Any, record_id: int | None) -> bool:
    """One index look-up, whatever the number of records; trashed records keep their values."""
    others = UniqueCustomValue.objects.filter(field=definition, value_hash=value_hash(value))
    if record_id is not None:
        others = others.exclude(record_id=record_id)
    return others.exists()


def _index_rows(definition: CustomField, record_id: int, value: Any) -> list[CustomValue]:
    return [
        CustomValue(
            organization_id=definition.organization_id,
            field=definition,
            record_id=record_id,
            text_value=text,
            number_value=number,
        )
        for text, number in definition.type.index_values(value)
    ]


def store_custom_values(record: Model, definitions: list[CustomField]) -> None:
    """Index the record's values (filters; unique fields), after the record is saved. Two writes
    that both passed the uniqueness check cannot both win: the second gets the error the check gives."""
    values = values_of(record)
    record_id: int = record.pk
    field_ids = [definition.pk for definition in definitions]
    CustomValue.objects.filter(record_id=record_id, field_id__in=field_ids).delete()
    CustomValue.objects.bulk_create(
        [
            row
            for definition in definitions
            if not is_empty(values.get(definition.key))
            for row in _index_rows(definition, record_id, values[definition.key])
        ]
    )
    unique = [definition for definition in definitions if definition.is_unique]
    if not unique:
        return
    UniqueCustomValue.objects.filter(
        record_id=record_id, field_id__in=[definition.pk for definition in unique]
    ).delete()
    rows = [
        UniqueCustomValue(
            organization_id=definition.organization_id,
            field=definition,
            record_id=record_id,
            value_hash=value_hash(values[definition.key]),
        )
        for definition in unique
        if not is_empty(values.get(definition.key))
    ]
    try:
        with transaction.atomic():
            UniqueCustomValue.objects.bulk_create(rows)
    except IntegrityError:
        taken = [row.field.key for row in rows if _value_taken(row.field, values[row.field.key], record_id)]
        raise ValidationError(
            {f"custom_fields.{key}": [_("Another record already has this value.")] for key in taken}
        ) from None


def forget_record_values(entity: str, record_ids: Iterable[int]) -> None:
    """Drop the index rows of records deleted for good (trashed records keep theirs)."""
    fields = CustomField.objects.filter(entity=entity).values("pk")
    ids = list(record_ids)
    CustomValue.objects.filter(field_id__in=fields, record_id__in=ids).delete()
    UniqueCustomValue.objects.filter(field_id__in=fields, record_id__in=ids).delete()


def _records_holding(definition: CustomField) -> Any:
    """(id, values) of every record of the field's kind holding a value under its key, trash included."""
    kind = get_kind(definition.entity)
    column = kind.custom_fields_column
    manager = getattr(kind.model, "with_trash", kind.model._default_manager)
    return (
        manager.filter(**{f"{column}__has_key": definition.key})
        .values_list("pk", column)
        .iterator(chunk_size=BATCH)
    )


def rebuild_unique_values(definition: CustomField) -> None:
    """Index every record's value of a field that has just become unique (or changed its key or
    type), refusing when two records share a value; drops the index of a field no longer unique."""
    UniqueCustomValue.objects.filter(field=definition).delete()
    if not definition.is_unique:
        return
    seen: set[str] = set()
    rows: list[UniqueCustomValue] = []
    records = _records_holding(definition)
    with closing(records):  # a refusal half-way must not leave PostgreSQL's cursor open
        for record_id, values in records:
            value = values.get(definition.key)
            if is_empty(value):
                continue
            digest = value_hash(value)
            if digest in seen:
                raise ValidationError(
                    {"is_unique": [_("Some records share a value of this field; make them differ first.")]}
                )
            seen.add(digest)
            rows.append(
                UniqueCustomValue(
                    organization_id=definition.organization_id,
                    field=definition,
                    record_id=record_id,
                    value_hash=digest,
                )
            )
            if len(rows) >= BATCH:
                UniqueCustomValue.objects.bulk_create(rows)
                rows = []
    UniqueCustomValue.objects.bulk_create(rows)


def rebuild_custom_values(definition: CustomField) -> None:
    """Index every record's value of a field anew: after it is added (its key may hold values from
    a field deleted before), after its type or key changes, and after records were written past the
    services (demo data, bulk loads)."""
    CustomValue.objects.filter(field=definition).delete()
    rows: list[CustomValue] = []
    written = 0
    records = _records_holding(definition)
    with closing(records):
        for record_id, values in records:
            value = values.get(definition.key)
            if not is_empty(value):
                rows += _index_rows(definition, record_id, value)
            if len(rows) >= BATCH:
                CustomValue.objects.bulk_create(rows)
                written, rows = written + len(rows), []
    CustomValue.objects.bulk_create(rows)
    if written:
        # Filters choose their plan by the table's statistics; after a large load they would be
        # stale until the next automatic ANALYZE, and the first filters could take seconds.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(CustomValue._meta.db_table)}")


# Filters and sorts --------------------------------------------------------------------------------


def custom_filter(definition: CustomField, bounds: Mapping[str, Any]) -> Q:
    """Records whose value of the field equals `bounds["eq"]` or lies from `bounds["min"]` up to
    `bounds["max"]` (each as the type's `filter_value` gives it), read from the CustomValue index.
    Both bounds of a range go in one call: one index range the planner can estimate, where two
    separate conditions would each look unselective."""
    column = get_kind(definition.entity).custom_fields_column
    return definition.type.filter(bounds, column=column)


def custom_sort(definition: CustomField) -> Expression:
    """What a list sorts on for the field: never NULL, so that keyset pages can continue."""
    return definition.type.sort_expression(get_kind(definition.entity).custom_fields_column)
