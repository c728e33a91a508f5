"""Validation of custom field values: the same rules for pages, the API and imports."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from collections.abc import Mapping
from contextlib import closing
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from kliento.core.tenancy import forget, memoized
from kliento.customers.models import Company, Contact, CustomField, UniqueCustomValue

TEXT_LIMIT = 1000
FieldType = CustomField.FieldType


def definitions_for(entity: str) -> list[CustomField]:
    """The organization's fields for contacts or companies, in order; looked up once per request
    however many forms, filters and columns ask."""
    definitions = memoized(
        ("custom_fields", entity),
        lambda: list(CustomField.objects.filter(entity=entity).order_by("position", "id")),
    )
    return list(definitions)


def display_value(definition: CustomField, value: Any) -> str:
    """A stored value as cards and history show it, in the reader's language and locale."""
    if value is None or value == "" or value == []:
        return ""
    kind = definition.field_type
    if kind == CustomField.FieldType.BOOLEAN:
        return _("Yes") if value else _("No")
    if kind == CustomField.FieldType.MULTI_CHOICE:
        return ", ".join(str(item) for item in value)
    if kind == CustomField.FieldType.DATE:
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if kind in (CustomField.FieldType.NUMBER, CustomField.FieldType.DECIMAL):
        try:
            return formats.number_format(decimal.Decimal(str(value)), use_l10n=True, force_grouping=True)
        except decimal.InvalidOperation:
            return str(value)
    return str(value)


def forget_definitions(**kwargs: Any) -> None:
    """Connected to CustomField's save and delete, so a request that changes a field reads it anew."""
    for entity in CustomField.Entity.values:
        forget(("custom_fields", entity))


def coerce_value(definition: CustomField, value: Any) -> Any:
    """The value in its stored JSON form, or a ValidationError saying why it does not fit."""
    kind = definition.field_type
    if kind == FieldType.TEXT:
        text = str(value).strip()
        if len(text) > TEXT_LIMIT:
            raise ValidationError(_("At most %(limit)s characters.") % {"limit": TEXT_LIMIT})
        return text
    if kind == FieldType.NUMBER:
        if isinstance(value, bool):
            raise ValidationError(_("Enter a whole number."))
        try:
            number = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation as error:
            raise ValidationError(_("Enter a whole number.")) from error
        if number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number."))
        return int(number)
    if kind == FieldType.DECIMAL:
        if isinstance(value, bool):
            raise ValidationError(_("Enter a number."))
        try:
            number = decimal.Decimal(str(value).strip().replace(",", "."))
        except decimal.InvalidOperation as error:
            raise ValidationError(_("Enter a number.")) from error
        if not number.is_finite():
            raise ValidationError(_("Enter a number."))
        return str(number)
    if kind == FieldType.DATE:
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError as error:
            raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from error
    if kind == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes", "on"}:
            return True
        if text in {"false", "0", "no", "off"}:
            return False
        raise ValidationError(_("Enter yes or no."))
    if kind == FieldType.CHOICE:
        if str(value) not in definition.choices:
            raise ValidationError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(definition.choices)}
            )
        return str(value)
    if kind == FieldType.MULTI_CHOICE:
        values = (
            value if isinstance(value, list | tuple) else [part.strip() for part in str(value).split(",")]
        )
        unknown = [str(item) for item in values if str(item) not in definition.choices]
        if unknown:
            raise ValidationError(
                _("Choose among: %(choices)s.") % {"choices": ", ".join(definition.choices)}
            )
        return [str(item) for item in values]
    raise ValidationError(_("Unknown field type."))


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


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
        if _is_empty(value):
            merged.pop(key, None)
            continue
        try:
            merged[key] = coerce_value(definition, value)
        except ValidationError as error:
            errors[f"custom_fields.{key}"] = error.messages
    for definition in definitions:
        field = f"custom_fields.{definition.key}"
        if field in errors:
            continue
        if definition.is_required and _is_empty(merged.get(definition.key)):
            errors[field] = [_("This field is required.")]
        elif (
            definition.is_unique
            and definition.key in values
            and not _is_empty(merged.get(definition.key))
            and _value_taken(definition, merged[definition.key], record_id)
        ):
            errors[field] = [_("Another record already has this value.")]
    if errors:
        raise ValidationError(errors)
    return merged


def value_hash(value: Any) -> str:
    """The key a unique value is indexed by: equal values (as stored in JSON) give equal keys."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _record_link(entity: str) -> str:
    return "contact_id" if entity == CustomField.Entity.CONTACT else "company_id"


def _value_taken(definition: CustomField, value: Any, record_id: int | None) -> bool:
    """One index look-up, whatever the number of records; trashed records keep their values."""
    others = UniqueCustomValue.objects.filter(field=definition, value_hash=value_hash(value))
    if record_id is not None:
        others = others.exclude(**{_record_link(definition.entity): record_id})
    return others.exists()


def store_unique_values(record: Contact | Company, definitions: list[CustomField]) -> None:
    """Index the record's values of its unique fields, after the record is saved. Two writes that
    both passed the check cannot both win: the second gets the same error the check gives."""
    unique = [definition for definition in definitions if definition.is_unique]
    if not unique:
        return
    entity = CustomField.Entity.CONTACT if isinstance(record, Contact) else CustomField.Entity.COMPANY
    link = _record_link(entity)
    UniqueCustomValue.objects.filter(**{link: record.pk}).delete()
    values = record.custom_fields or {}
    rows = [
        UniqueCustomValue(
            field=definition, value_hash=value_hash(values[definition.key]), **{link: record.pk}
        )
        for definition in unique
        if not _is_empty(values.get(definition.key))
    ]
    try:
        with transaction.atomic():
            UniqueCustomValue.objects.bulk_create(rows)
    except IntegrityError:
        taken = [row.field.key for row in rows if _value_taken(row.field, values[row.field.key], record.pk)]
        raise ValidationError(
            {f"custom_fields.{key}": [_("Another record already has this value.")] for key in taken}
        ) from None


def rebuild_unique_values(definition: CustomField, *, batch: int = 10_000) -> None:
    """Index every record's value of a field that has just become unique (or changed its key or
    type), refusing when two records share a value; drops the index of a field no longer unique."""
    UniqueCustomValue.objects.filter(field=definition).delete()
    if not definition.is_unique:
        return
    model = Contact if definition.entity == CustomField.Entity.CONTACT else Company
    link = _record_link(definition.entity)
    records = (
        model.with_trash.filter(custom_fields__has_key=definition.key)
        .values_list("pk", "custom_fields")
        .iterator(chunk_size=batch)
    )
    seen: set[str] = set()
    rows: list[UniqueCustomValue] = []
    with closing(records):  # a refusal half-way must not leave PostgreSQL's cursor open
        for record_id, values in records:
            value = values.get(definition.key)
            if _is_empty(value):
                continue
            digest = value_hash(value)
            if digest in seen:
                raise ValidationError(
                    {"is_unique": [_("Some records share a value of this field; make them differ first.")]}
                )
            seen.add(digest)
            rows.append(UniqueCustomValue(field=definition, value_hash=digest, **{link: record_id}))
            if len(rows) >= batch:
                UniqueCustomValue.objects.bulk_create(rows)
                rows = []
    UniqueCustomValue.objects.bulk_create(rows)
