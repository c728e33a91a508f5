"""Validation of custom field values: the same rules for pages, the API and imports."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kliento.core.tenancy import forget, memoized
from kliento.customers.models import Company, Contact, CustomField

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
            and _value_taken(entity, definition.key, merged[definition.key], record_id)
        ):
            errors[field] = [_("Another record already has this value.")]
    if errors:
        raise ValidationError(errors)
    return merged


def _value_taken(entity: str, key: str, value: Any, record_id: int | None) -> bool:
    model = Contact if entity == CustomField.Entity.CONTACT else Company
    others = model.with_trash.filter(**{f"custom_fields__{key}": value})
    if record_id is not None:
        others = others.exclude(pk=record_id)
    return others.exists()
