"""Audit history and the trash: every service that writes a tenant record goes through here."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from kliento.core.history import is_hidden
from kliento.core.models import AuditEntry, Organization, User
from kliento.core.tenancy import SoftDeleteModel, TenantModel, active_api_key_id

RecordT = TypeVar("RecordT", bound=TenantModel | Organization)

_NOT_AUDITED = {"id", "organization", "created_at", "updated_at", "created_by", "updated_by"}


def record_type(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value, for the audit entry."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def field_values(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    # Secrets and derived columns (declared with core.history.register_history) are never stored.
    concrete = [
        f
        for f in instance._meta.concrete_fields
        if f.name not in _NOT_AUDITED and not is_hidden(instance, f.name)
    ]
    wanted = set(fields) if fields is not None else None
    return {
        f.name: _plain(getattr(instance, f.attname)) for f in concrete if wanted is None or f.name in wanted
    }


def record_change(
    instance: TenantModel | Organization,
    *,
    action: str,
    actor: User | None,
    changes: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    # An organization's own settings are audited inside that organization.
    organization_id = instance.pk if isinstance(instance, Organization) else instance.organization_id
    return AuditEntry.objects.create(
        organization_id=organization_id,
        action=action,
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else ""),
        api_key_id=active_api_key_id(),
        record_type=record_type(instance),
        record_id=instance.pk,
        record_label=str(instance)[:200],
        changes=dict(changes or {}),
        created_by=actor,
    )


@transaction.atomic
def create_record(
    instance: RecordT,
    *,
    actor: User | None,
    actor_label: str = "",
    related: Mapping[str, Any] | None = None,
) -> RecordT:
    """Save a new record and audit its initial values; `related` adds what the record's own row
    does not hold (all its emails, phones, tags), so the entry tells everything it was created with."""
    trusted: list[str] = []
    if isinstance(instance, TenantModel):
        instance.created_by = instance.updated_by = actor
        # The acting user was authenticated: looking each reference up again is a query apiece.
        trusted = ["created_by", "updated_by"]
    instance.full_clean(exclude=trusted)
    instance.save()
    values = {
        name: [None, value] for name, value in field_values(instance).items() if value not in (None, "")
    }
    values.update(
        {name: [None, value] for name, value in (related or {}).items() if value not in (None, "", [])}
    )
    record_change(
        instance, action=AuditEntry.Action.CREATE, actor=actor, changes=values, actor_label=actor_label
    )
    return instance


@transaction.atomic
def update_record(
    instance: RecordT, changes: Mapping[str, Any], *, actor: User | None, actor_label: str = ""
) -> RecordT:
    """Apply field changes, validate, save only what changed and audit old → new."""
    before = field_values(instance, changes.keys())
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean()
    after = field_values(instance, changes.keys())
    diff = {name: [before[name], after[name]] for name in after if before.get(name) != after[name]}
    if not diff:
        return instance
    fields = [instance._meta.get_field(name).attname for name in diff]
    if isinstance(instance, TenantModel):
        instance.updated_by = actor
        fields += ["updated_by", "updated_at"]
    instance.save(update_fields=fields)
    record_change(
        instance, action=AuditEntry.Action.UPDATE, actor=actor, changes=diff, actor_label=actor_label
    )
    return instance


@transaction.atomic
def move_to_trash(instance: SoftDeleteModel, *, actor: User | None, actor_label: str = "") -> None:
    """Soft-delete a record: it leaves every list and can be restored from the trash."""
    instance.deleted_at = timezone.now()
    instance.deleted_by = actor
    instance.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    record_change(instance, action=AuditEntry.Action.DELETE, actor=actor, actor_label=actor_label)  # type: ignore[arg-type]


@transaction.atomic
def restore_from_trash(instance: SoftDeleteModel, *, actor: User | None, actor_label: str = "") -> None:
    instance.deleted_at = None
    instance.deleted_by = None
    instance.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    record_change(instance, action=AuditEntry.Action.RESTORE, actor=actor, actor_label=actor_label)  # type: ignore[arg-type]


def history_of(instance: TenantModel) -> models.QuerySet[AuditEntry]:
    """The audit entries of one record, newest first."""
    return (
        AuditEntry.objects.filter(record_type=record_type(instance), record_id=instance.pk)
        .select_related("actor", "api_key")
        .order_by("-created_at", "-id")
    )
