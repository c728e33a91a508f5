"""Adding, changing and deleting custom fields, for any kind of record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kliento.core.audit import create_record, lock_record, record_change
from kliento.core.models import AuditEntry, Membership
from kliento.core.permissions import Permission
from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.types import UnknownFieldType, get_field_type
from kliento.core.records.fields.values import (
    has_custom_fields,
    rebuild_unique_values,
)
from kliento.core.records.kinds import UnknownKind, get_kind
from kliento.core.services import require

EDITABLE = (
    "entity",
    "key",
    "label",
    "field_type",
    "choices",
    "is_required",
    "is_unique",
    "position",
    "help_text",
)


def _check_kind_and_type(definition: CustomField) -> None:
    errors: dict[str, list[str]] = {}
    try:
        if not has_custom_fields(get_kind(definition.entity)):
            errors["entity"] = [_("This kind of record has no custom fields.")]
    except UnknownKind:
        errors["entity"] = [_("There is no such kind of record.")]
    try:
        field_type = get_field_type(definition.field_type)
    except UnknownFieldType:
        errors["field_type"] = [_("Unknown field type.")]
    else:
        if field_type.has_choices:
            choices = [str(choice).strip() for choice in definition.choices or [] if str(choice).strip()]
            if not choices:
                errors["choices"] = [_("List at least one choice.")]
            definition.choices = choices
        else:
            definition.choices = []
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_custom_field(
    *, member: Membership, data: Mapping[str, Any], field: CustomField | None = None
) -> CustomField:
    """Add a field or change one, indexing the values its key already holds; refuses to make a field
    unique while two records share a value."""
    require(member, Permission.MANAGE_ORGANIZATION)
    if field is not None:
        lock_record(field)
    definition = field or CustomField(organization_id=member.organization_id)
    indexed_as = (field.key, field.field_type) if field else ("", "")
    unique_as = (field.is_unique, field.key, field.field_type) if field else (False, "", "")
    for name in EDITABLE:
        if name in data:
            setattr(definition, name, data[name])
    _check_kind_and_type(definition)
    clash = CustomField.objects.filter(entity=definition.entity, key=definition.key).exclude(pk=definition.pk)
    if clash.exists():
        raise ValidationError({"key": [_("Another field already uses this key.")]})
    if field is None:
        create_record(definition, actor=member.user)
    else:
        definition.full_clean()
        definition.updated_by = member.user
        definition.save()
        record_change(definition, action=AuditEntry.Action.UPDATE, actor=member.user)
    if (definition.key, definition.field_type) != indexed_as:
        schedule_reindex(definition)
    if (definition.is_unique, definition.key, definition.field_type) != unique_as:
        rebuild_unique_values(definition)  # refuses (and so undoes the save) if values repeat
    return definition


def schedule_reindex(definition: CustomField) -> None:
    """Index the values the field's key holds in the background: at a million records that reads
    every one of them, longer than a request may take. Lists refuse to filter by the field until
    the job is done (`index_ready`)."""
    from kliento.core.records.fields.tasks import reindex_custom_field

    CustomField.objects.filter(pk=definition.pk).update(index_ready=False)
    definition.index_ready = False
    field_id, organization_id = definition.pk, definition.organization_id
    transaction.on_commit(lambda: reindex_custom_field(field_id=field_id, organization_id=organization_id))


@transaction.atomic
def delete_custom_field(*, member: Membership, field: CustomField) -> None:
    """Delete a field and its indexes; the records keep their values under its key, so a field made
    again with that key finds them."""
    require(member, Permission.MANAGE_ORGANIZATION)
    lock_record(field)  # two deletions at once: the second finds it gone
    record_change(field, action=AuditEntry.Action.PURGE, actor=member.user)
    field.delete()
