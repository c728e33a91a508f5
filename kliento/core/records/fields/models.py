"""Custom field definitions and the two indexes kept beside the records' JSON values.

Imported by `kliento.core.models`, so that these are models of the core app.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kliento.core.records.fields.types import FieldType as FieldTypeBase
from kliento.core.records.fields.types import UnknownFieldType, get_field_type
from kliento.core.tenancy import TenantModel

KIND_MAX = 40


class CustomField(TenantModel):
    """A field an organization adds to one kind of record; values live in the record's JSON column
    under `key` (see the kind's `custom_fields_column`)."""

    class FieldType(models.TextChoices):
        """The keys of the built-in types, for code that names one; apps may register more, so the
        registry (`types.get_field_type`), not this list, decides what `field_type` may be."""

        TEXT = "text", _("Text")
        NUMBER = "number", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        DATE = "date", _("Date")
        BOOLEAN = "boolean", _("Yes/no")
        CHOICE = "choice", _("Choice")
        MULTI_CHOICE = "multi_choice", _("Several choices")

    # The key of a registered record kind ("contact", "company", …): see core.records.kinds.
    entity = models.CharField(_("for"), max_length=KIND_MAX)
    key = models.SlugField(
        _("key"), max_length=50, help_text=_("Used in the API and imports, e.g. shoe_size")
    )
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=20)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    is_unique = models.BooleanField(_("unique"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    # False while a job indexes the values its key holds (after it is added, or its key or type
    # changes): until then lists refuse to filter by it rather than answer from half an index.
    index_ready = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["entity", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "entity", "key"], name="customfield_unique_key")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        from kliento.core.records.kinds import UnknownKind, get_kind

        errors: dict[str, Any] = {}
        try:
            get_kind(self.entity)
        except UnknownKind:
            errors["entity"] = [_("There is no such kind of record.")]
        try:
            get_field_type(self.field_type)
        except UnknownFieldType:
            errors["field_type"] = [_("Unknown field type.")]
        if errors:
            raise ValidationError(errors)

    @property
    def type(self) -> FieldTypeBase:
        """The field's type, bound to it: how its values are checked, asked for, shown and found."""
        return get_field_type(self.field_type)(self)

    @property
    def entity_label(self) -> Any:
        from kliento.core.records.kinds import UnknownKind, get_kind

        try:
            return get_kind(self.entity).label_plural
        except UnknownKind:
            return self.entity

    @property
    def type_label(self) -> Any:
        try:
            return get_field_type(self.field_type).label
        except UnknownFieldType:
            return self.field_type


class UniqueCustomValue(TenantModel):
    """A value of a unique custom field, one row per record: the index a JSON column cannot have, so
    that checking a value reads one index entry instead of every record's JSON, and two writes at
    once cannot both take it. Kept by `values.store_custom_values`; rows go with their field, and
    with their record through the service that deletes it (trashed records keep theirs)."""

    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="+")
    # The record's id in its kind's table (the field says which kind): no foreign key, so any
    # kind's records are indexed alike.
    record_id = models.BigIntegerField()
    value_hash = models.CharField(max_length=64)  # SHA-256 of the value's JSON: a long text fits an index

    class Meta:
        constraints = [
            # Not "uniquecustomvalue_unique": PostgreSQL names are per schema, and the table this one
            # replaces still held that name while this was created.
            models.UniqueConstraint(
                fields=["organization", "field", "value_hash"], name="uniquecustomvalue_unique_value"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "field", "record_id"], name="uniquecustomvalue_record"),
        ]

    def __str__(self) -> str:
        return f"{self.field_id}: {self.value_hash[:12]}"


class CustomValue(TenantModel):
    """A record's value of a custom field as list filters read it: one row per value (a field with
    several choices has one per choice), texts cut to their first 200 characters, numbers as floats.
    A filter on a field is then an index range here instead of a read of every record's JSON.
    Kept by `values.store_custom_values` beside the JSON, refilled by `values.rebuild_custom_values`."""

    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="+")
    record_id = models.BigIntegerField()  # in the field's kind's table, as in UniqueCustomValue
    text_value = models.CharField(max_length=200, null=True, blank=True)
    number_value = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "field", "text_value", "record_id"], name="customvalue_text"
            ),
            models.Index(
                fields=["organization", "field", "number_value", "record_id"], name="customvalue_number"
            ),
            models.Index(fields=["organization", "record_id", "field"], name="customvalue_record"),
        ]

    def __str__(self) -> str:
        return f"{self.field_id}/{self.record_id}: {self.text_value or self.number_value}"
