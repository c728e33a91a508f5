"""How contacts' and companies' custom fields join their lists: cells, filters and sorts.

The records kit asks this object (`ListSpec.custom_fields`) whatever depends on a field's type;
the type switches below are the ones the lists had, in one place.
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Mapping
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Expression, FloatField, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext

from kliento.core.json_fields import JSONKeyText
from kliento.core.records.lists.filters import FilterInput, Option
from kliento.core.records.lists.table import Cell
from kliento.customers.custom_fields import coerce_value, definitions_for
from kliento.customers.models import CustomField

NUMERIC_TYPES = (CustomField.FieldType.NUMBER, CustomField.FieldType.DECIMAL)


class CustomerFields:
    """`kliento.core.records.lists.CustomFields` for contacts and companies."""

    fields = ("custom_fields",)

    def definitions(self, kind: str) -> list[CustomField]:
        return definitions_for(kind)

    def is_numeric(self, definition: CustomField) -> bool:
        return definition.field_type in NUMERIC_TYPES

    def values(self, record: Any) -> Mapping[str, Any]:
        return record.custom_fields or {}

    def cell(self, definition: CustomField, value: Any) -> Cell:
        if value is None or value == "" or value == []:
            return Cell("text", "")
        kind = definition.field_type
        try:
            if kind == CustomField.FieldType.NUMBER:
                return Cell("number", int(value))
            if kind == CustomField.FieldType.DECIMAL:
                return Cell("number", decimal.Decimal(str(value)))
            if kind == CustomField.FieldType.DATE:
                return Cell("date", datetime.date.fromisoformat(str(value)))
        except (ValueError, decimal.InvalidOperation):
            return Cell("text", str(value))  # written before the field changed type: show it as it is
        if kind == CustomField.FieldType.BOOLEAN:
            return Cell("bool", bool(value))
        if isinstance(value, list):
            return Cell("text", ", ".join(str(item) for item in value))
        return Cell("text", str(value))

    def parse(self, definition: CustomField, bound: str, value: str) -> Any:
        coerced = coerce_value(definition, value)  # ValidationError with the field's own message
        return float(coerced) if definition.field_type in NUMERIC_TYPES else coerced

    def apply(
        self, queryset: QuerySet[Any], definition: CustomField, bound: str, value: Any, alias: str
    ) -> QuerySet[Any]:
        # The key is the organization's own word: never part of a lookup path (see JSONKeyText).
        text = JSONKeyText("custom_fields", definition.key)
        if definition.field_type in NUMERIC_TYPES:
            queryset = queryset.alias(**{alias: Cast(text, FloatField())})
        elif definition.field_type == CustomField.FieldType.MULTI_CHOICE:
            return _holding_choices(queryset, definition.key, value)
        elif definition.field_type == CustomField.FieldType.BOOLEAN:
            return queryset.alias(**{alias: text}).filter(**{alias: "true" if value else "false"})
        else:
            # As plain text: a JSON key's own lookups would parse the value as JSON on SQLite.
            queryset = queryset.alias(**{alias: Cast(text, TextField())})
        lookup = {"eq": "exact", "min": "gte", "max": "lte"}[bound]
        return queryset.filter(**{f"{alias}__{lookup}": value})

    def sort_value(self, definition: CustomField) -> Expression:
        text = JSONKeyText("custom_fields", definition.key)
        if definition.field_type in NUMERIC_TYPES:
            return Coalesce(Cast(text, FloatField()), Value(-1e300))
        return Coalesce(text, Value(""), output_field=TextField())

    def filter_inputs(
        self, definition: CustomField, params: Mapping[str, Any], invalid: set[str]
    ) -> list[FilterInput]:
        name = f"cf.{definition.key}"
        kind = definition.field_type
        if kind in (*NUMERIC_TYPES, CustomField.FieldType.DATE):
            input_type = "date" if kind == CustomField.FieldType.DATE else "number"
            return [
                FilterInput(
                    name=f"{name}.{bound}",
                    label=label % {"field": definition.label},
                    value=params.get(f"{name}.{bound}", ""),
                    input_type=input_type,
                    invalid=f"{name}.{bound}" in invalid,
                )
                for bound, label in (("min", gettext("%(field)s from")), ("max", gettext("%(field)s up to")))
            ]
        if kind == CustomField.FieldType.TEXT:
            return [
                FilterInput(name, definition.label, params.get(name, ""), "text", invalid=name in invalid)
            ]
        current = params.get(name, "")
        if kind == CustomField.FieldType.BOOLEAN:
            pairs = [("true", gettext("Yes")), ("false", gettext("No"))]
        else:
            pairs = [(choice, choice) for choice in definition.choices]
        options = [Option("", gettext("Any")), *(Option(v, label, v == current) for v, label in pairs)]
        return [FilterInput(name, definition.label, current, "select", options, invalid=name in invalid)]

    def value_label(self, definition: CustomField, value: str) -> str:
        if definition.field_type == CustomField.FieldType.BOOLEAN:
            return {"true": gettext("Yes"), "false": gettext("No")}.get(value.lower(), value)
        return value


def _holding_choices(queryset: QuerySet[Any], key: str, choices: list[str]) -> QuerySet[Any]:
    """Rows whose multi-choice custom field holds every one of `choices`."""
    if connections[queryset.db].features.supports_json_field_contains:
        # Containment of {key: choices} names the key as data, not as a lookup path.
        return queryset.filter(custom_fields__contains={key: choices})
    column = f'"{queryset.model._meta.db_table}"."custom_fields"'  # SQLite has no JSON containment
    for choice in choices:
        queryset = queryset.filter(
            RawSQL(
                f"EXISTS (SELECT 1 FROM json_each({column}, %s) WHERE json_each.value = %s)",
                ("$." + json.dumps(key), choice),
                output_field=BooleanField(),
            )
        )
    return queryset
