"""Audit history and the trash: every service that writes a tenant record goes through here.

A read-modify-write starts with `lock_record`, which re-reads the row inside the service's
transaction and holds it until the transaction ends, so two people changing one record at the
same time are applied one after the other instead of the second silently undoing the first.
`record_version` is what the API's ETag and the edit forms' hidden version are made of.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.core.errors import StaleRecord
from kliento.core.history import is_hidden
from kliento.core.models import AuditEntry, Organization, User
from kliento.core.tenancy import (
    SoftDeleteModel,
    TenantModel,
    active_api_key_id,
    active_organization_id,
    require_active_organization_id,
)

RecordT = TypeVar("RecordT", bound=TenantModel | Organization | User)  # what the audit history names
RowT = TypeVar("RowT", bound=models.Model)  # any row, to lock and save

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


def column_values(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The row's values, derived columns included: what a save compares to know what to write."""
    wanted = set(fields) if fields is not None else None
    return {
        f.name: _plain(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.name not in _NOT_AUDITED and (wanted is None or f.name in wanted)
    }


def field_values(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The row's values as audited: secrets and derived columns (declared with
    core.history.register_history) are never stored."""
    return {
        name: value
        for name, value in column_values(instance, fields).items()
        if not is_hidden(instance, name)
    }


_batch: ContextVar[uuid.UUID | None] = ContextVar("audit_batch", default=None)


@contextmanager
def audit_batch() -> Iterator[uuid.UUID]:
    """Tie together every audit entry written inside the block, as the one action they came from."""
    batch_id = uuid.uuid4()
    token = _batch.set(batch_id)
    try:
        yield batch_id
    finally:
        _batch.reset(token)


def record_version(instance: TenantModel) -> str:
    """An opaque token that changes whenever the record is saved: the API's ETag, the forms' version."""
    stamp = instance.updated_at.isoformat() if instance.updated_at else ""
    return hashlib.sha256(f"{record_type(instance)}:{instance.pk}:{stamp}".encode()).hexdigest()[:20]


def _column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's field of that name that is a column (not a reverse relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a column.")
    return field


def lock_record(instance: RowT, *, expected_version: str | None = None) -> RowT:
    """Re-read the record in place inside the current transaction and hold its row until the
    transaction ends; refuse with StaleRecord if the caller based its change on another version."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_record() runs inside the transaction of the write it protects.")
    # PostgreSQL locks the row. SQLite has no row locks: its transactions begin IMMEDIATE
    # (settings.py), so the database's write lock is already held when this reads.
    try:
        rows = cast("models.QuerySet[RowT]", instance._meta.model._base_manager.select_for_update())
        instance.refresh_from_db(from_queryset=rows)
    except ObjectDoesNotExist as gone:  # deleted by a request that held the lock before this one
        raise Http404 from gone
    stale = isinstance(instance, TenantModel) and record_version(instance) != expected_version
    if expected_version is not None and stale:
        raise StaleRecord(_("%(name)s was changed by someone else in the meantime.") % {"name": instance})
    return instance


def save_changed_fields(
    instance: RowT, before: Mapping[str, Any], *, actor: User | None, touch: bool = False
) -> dict[str, list[Any]]:
    """Save only the columns whose value differs from `before` (the locked row's column_values), and
    return the audited ones as {field: [old, new]}; with touch, mark the record changed even if none did."""
    after = column_values(instance, before.keys())
    diff = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if not diff and not touch:
        return diff
    fields = [_column(instance._meta.model, name).attname for name in diff]
    if isinstance(instance, TenantModel):
        instance.updated_by = actor
        fields += ["updated_by", "updated_at"]
    if fields:
        instance.save(update_fields=fields)
    return {name: values for name, values in diff.items() if not is_hidden(instance, name)}


def record_change(
    instance: TenantModel | Organization | User,
    *,
    action: str,
    actor: User | None,
    changes: Mapping[str, Any] | None = None,
    actor_label: str = "",
    organization_id: int | None = None,
) -> AuditEntry:
    """One audit entry for one record (in the current batch, if a bulk action is running)."""
    if organization_id is None:
        # An organization's own settings are audited inside that organization.
        if isinstance(instance, User):
            raise ValueError("A user's changes are audited in an organization the caller names.")
        organization_id = instance.pk if isinstance(instance, Organization) else instance.organization_id
    return AuditEntry.objects.create(
        organization_id=organization_id,
        batch_id=_batch.get(),
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


# References only Kliento sets (the organization, who created, changed or trashed a row).
_SET_BY_THE_SERVER = frozenset({"organization", "created_by", "updated_by", "deleted_by"})


def _full_clean(instance: models.Model, *, known: Iterable[str] = _SET_BY_THE_SERVER) -> None:
    """Model.full_clean, except that the references in `known` are not looked up again (a query
    apiece on every save); unique and other constraints are still checked with them."""
    errors: dict[str, Any] = {}
    checks: tuple[Callable[[], None], ...] = (
        lambda: instance.clean_fields(exclude=set(known)),
        instance.clean,
    )
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    for constraint_check in (instance.validate_unique, instance.validate_constraints):
        failed = {name for name in errors if name != NON_FIELD_ERRORS}
        try:
            constraint_check(exclude=failed)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_record(
    instance: RecordT,
    *,
    actor: User | None,
    actor_label: str = "",
    related: Mapping[str, Any] | None = None,
    checked: Iterable[str] = (),
) -> RecordT:
    """Save a new record and audit its initial values; `related` adds what the record's own row
    does not hold (all its emails, phones, tags), so the entry tells everything it was created with.
    `checked` names references the service has already checked (an owner who is an active member)."""
    known = _SET_BY_THE_SERVER | set(checked)
    if isinstance(instance, TenantModel):
        instance.created_by = instance.updated_by = actor
        if instance.organization_id is None:
            instance.organization_id = require_active_organization_id()
        if instance.organization_id != active_organization_id():
            known = known - {"organization"}  # a new organization's first rows: look it up
    _full_clean(instance, known=known)
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
    instance: RecordT,
    changes: Mapping[str, Any],
    *,
    actor: User | None,
    actor_label: str = "",
    expected_version: str | None = None,
) -> RecordT:
    """Apply field changes to the row as stored now (locked), validate, save only what changed and
    audit old → new; the instance passed in is brought up to date."""
    lock_record(instance, expected_version=expected_version)
    before = column_values(instance, changes.keys())
    for name, value in changes.items():
        setattr(instance, name, value)
    _full_clean(instance)
    diff = save_changed_fields(instance, before, actor=actor)
    if diff:
        record_change(
            instance, action=AuditEntry.Action.UPDATE, actor=actor, changes=diff, actor_label=actor_label
        )
    return instance


@transaction.atomic
def move_to_trash(
    instance: SoftDeleteModel,
    *,
    actor: User | None,
    actor_label: str = "",
    expected_version: str | None = None,
) -> None:
    """Soft-delete a record: it leaves every list and can be restored from the trash."""
    lock_record(instance, expected_version=expected_version)
    if instance.deleted_at is not None:
        return  # trashed meanwhile: once is enough, and its entry is already written
    instance.deleted_at = timezone.now()
    instance.deleted_by = actor
    instance.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    # Every trashable model is a TenantModel too; the type system cannot say "both".
    record_change(instance, action=AuditEntry.Action.DELETE, actor=actor, actor_label=actor_label)  # type: ignore[arg-type]


@transaction.atomic
def restore_from_trash(instance: SoftDeleteModel, *, actor: User | None, actor_label: str = "") -> None:
    lock_record(instance)
    if instance.deleted_at is None:
        return
    instance.deleted_at = None
    instance.deleted_by = None
    instance.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    # Every trashable model is a TenantModel too; the type system cannot say "both".
    record_change(instance, action=AuditEntry.Action.RESTORE, actor=actor, actor_label=actor_label)  # type: ignore[arg-type]


def history_of(instance: TenantModel) -> models.QuerySet[AuditEntry]:
    """The audit entries of one record, newest first."""
    return (
        AuditEntry.objects.filter(record_type=record_type(instance), record_id=instance.pk)
        .select_related("actor", "api_key")
        .order_by("-created_at", "-id")
    )


# Bulk actions: each record changed gets its own entry with its previous values, and all of them
# carry the batch id of `audit_batch`, so a record's history shows what a bulk action did to it.


def lock_records(model: type[RowT], ids: Iterable[int]) -> list[RowT]:
    """Many records read and locked as lock_record does one, until the transaction ends; in id
    order, so two bulk actions over overlapping selections cannot deadlock each other."""
    rows: models.QuerySet[RowT] = model._base_manager.filter(pk__in=list(ids))
    return list(rows.select_for_update().order_by("pk"))


def record_changes_in_bulk(
    changed: Iterable[tuple[TenantModel, Mapping[str, Any]]],
    *,
    action: str,
    actor: User | None,
    actor_label: str = "",
    at: datetime.datetime | None = None,
) -> int:
    """One audit entry per (record, changes) pair in one insert, in the current batch; `at` dates
    them like the rows written beside them (a bulk write's transitions), instead of now."""
    batch_id, label = _batch.get(), actor_label or (str(actor) if actor else "")
    api_key_id = active_api_key_id()
    moment = {"created_at": at} if at is not None else {}
    entries = [
        AuditEntry(
            **moment,
            organization_id=record.organization_id,
            batch_id=batch_id,
            action=action,
            actor=actor,
            actor_label=label,
            api_key_id=api_key_id,
            record_type=record_type(record),
            record_id=record.pk,
            record_label=str(record)[:200],
            changes=dict(changes),
            created_by=actor,
        )
        for record, changes in changed
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


@transaction.atomic
def bulk_update_records(
    model: type[TenantModel], ids: Iterable[int], changes: Mapping[str, Any], *, actor: User | None
) -> list[int]:
    """Give many records the same values: lock them, save only those that differ and audit each
    with its previous values. Returns the ids of the records that changed."""
    fields = {name: _column(model, name) for name in changes}
    changed: list[tuple[TenantModel, dict[str, list[Any]]]] = []
    for record in lock_records(model, ids):
        before = field_values(record, [field.name for field in fields.values()])
        for name, value in changes.items():
            setattr(record, fields[name].attname, value.pk if isinstance(value, models.Model) else value)
        after = field_values(record, before.keys())
        diff = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
        if diff:
            changed.append((record, diff))
    changed_ids = [record.pk for record, _diff in changed]
    values = {fields[name].attname: value for name, value in changes.items()}
    model._base_manager.filter(pk__in=changed_ids).update(
        **values, updated_by=actor, updated_at=timezone.now()
    )
    record_changes_in_bulk(changed, action=AuditEntry.Action.UPDATE, actor=actor)
    return changed_ids


@transaction.atomic
def bulk_move_to_trash(model: type[TenantModel], ids: Iterable[int], *, actor: User | None) -> list[int]:
    """Move many records to the trash, each with its own entry, as move_to_trash would."""
    # Only soft-deletable models go to the trash.
    records = [record for record in lock_records(model, ids) if record.deleted_at is None]  # type: ignore[attr-defined]
    now = timezone.now()
    trashed = [record.pk for record in records]
    model._base_manager.filter(pk__in=trashed).update(deleted_at=now, deleted_by=actor, updated_at=now)
    record_changes_in_bulk([(record, {}) for record in records], action=AuditEntry.Action.DELETE, actor=actor)
    return trashed
