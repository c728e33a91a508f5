"""Custom fields (kliento.core.records.fields) in a list: each field's type gives its cell, filter
input, filter and sort, so a kind whose records carry custom values passes
`custom_fields=RecordCustomFields()` to its `ListSpec` and writes nothing per type."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Expression, Q
from django.utils.translation import gettext

from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.values import custom_filter, custom_sort, definitions_for, values_of
from kliento.core.records.lists.filters import FilterInput, Option
from kliento.core.records.lists.table import Cell


class RecordCustomFields:
    """`CustomFields` for a kind whose records keep their values in the JSON column `column` (the
    kind's `custom_fields_column`), filtered through the indexed `CustomValue` rows."""

    def __init__(self, column: str = "custom_fields") -> None:
        self.fields = (column,)

    def definitions(self, kind: str) -> list[CustomField]:
        return definitions_for(kind)

    def is_numeric(self, definition: CustomField) -> bool:
        return definition.type.is_numeric

    def values(self, record: Any) -> Mapping[str, Any]:
        return values_of(record)

    def cell(self, definition: CustomField, value: Any) -> Cell:
        kind, shown = definition.type.cell(value)
        return Cell(kind, shown)

    def parse(self, definition: CustomField, bound: str, value: str) -> Any:
        field_type = definition.type
        if bound != "eq" and field_type.filter_widget != "range":
            raise ValidationError(gettext("This field is not filtered by a range."))
        return field_type.filter_value(value)  # ValidationError with the type's own message

    def filter(self, definition: CustomField, bounds: Mapping[str, Any]) -> Q:
        return custom_filter(definition, bounds)

    def sort_value(self, definition: CustomField) -> Expression:
        return custom_sort(definition)

    def filter_inputs(
        self, definition: CustomField, params: Mapping[str, Any], invalid: set[str]
    ) -> list[FilterInput]:
        name = f"cf.{definition.key}"
        field_type = definition.type
        if field_type.filter_widget == "range":
            return [
                FilterInput(
                    name=f"{name}.{bound}",
                    label=label % {"field": definition.label},
                    value=params.get(f"{name}.{bound}", ""),
                    input_type=field_type.filter_input_type,
                    invalid=f"{name}.{bound}" in invalid,
                )
                for bound, label in (("min", gettext("%(field)s from")), ("max", gettext("%(field)s up to")))
            ]
        if field_type.filter_widget == "text":
            return [
                FilterInput(
                    name,
                    definition.label,
                    params.get(name, ""),
                    field_type.filter_input_type,
                    invalid=name in invalid,
                )
            ]
        current = params.get(name, "")
        pairs = field_type.filter_options()
        options = [Option("", gettext("Any")), *(Option(v, label, v == current) for v, label in pairs)]
        return [FilterInput(name, definition.label, current, "select", options, invalid=name in invalid)]

    def value_label(self, definition: CustomField, value: str) -> str:
        return dict(definition.type.filter_options()).get(value.lower(), value)
