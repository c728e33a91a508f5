"""Tags for any kind of record.

A tag (`core.Tag`) belongs to the organization and may go on records of every kind. Each kind
keeps the tags of its records in a link model of its own, which its app declares beside the kind's
model and names in its registration:

    class DealTag(TagLink):
        deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="tag_links")

        class Meta(TagLink.Meta):
            indexes = [models.Index(fields=["organization", "tag", "deal"], name="dealtag_org_tag")]
            constraints = [models.UniqueConstraint(fields=["deal", "tag"], name="dealtag_unique")]

    class Deal(TenantModel):
        tags = models.ManyToManyField("core.Tag", through="DealTag", related_name="+", blank=True)

    register_kind(RecordKind(key="deal", model=Deal, ..., tag_link=DealTag))

A link row carries its organization, as every table does, and the index (organization, tag,
record) serves "records with this tag" in lists. Links are written only here, so every change of a
record's tags is audited on the record, and records' tags are read in one query for a page of rows.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.core.audit import (
    create_record,
    lock_record,
    lock_records,
    record_change,
    record_changes_in_bulk,
)
from kliento.core.models import AuditEntry, Membership, Organization, Tag, User
from kliento.core.records.kinds import kind_of_model
from kliento.core.services import require
from kliento.core.tenancy import TenantKeyedModel, TenantModel

NAME_MAX = 60
RecordT = TypeVar("RecordT", bound=TenantModel)


class TagLink(TenantKeyedModel):
    """One tag on one record; subclassed once per kind, with the foreign key to the kind's model."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


# Reading --------------------------------------------------------------------------------------


def link_model(model: type[models.Model]) -> type[TagLink]:
    """The link model of a kind that carries tags; LookupError if the kind has none."""
    link = kind_of_model(model).tag_link
    if link is None:
        raise LookupError(f"{model._meta.label} records carry no tags.")
    return link


@functools.cache
def record_field(link: type[TagLink]) -> str:
    """The name of the link's foreign key to its record: the one that points at neither the tag nor
    the organization."""
    names = [
        field.name
        for field in link._meta.concrete_fields
        if field.many_to_one and field.related_model not in (Tag, Organization)
    ]
    if len(names) != 1:
        raise TypeError(f"{link._meta.label} needs exactly one foreign key to its record, has {names}.")
    return names[0]


def check_link(link: type[models.Model], model: type[models.Model]) -> None:
    """Refuse a registration whose link model does not link the kind's model to tags."""
    if not issubclass(link, TagLink):
        raise TypeError(f"{link.__name__} is not a TagLink.")
    if link._meta.get_field(record_field(link)).related_model is not model:
        raise TypeError(f"{link.__name__} does not link {model.__name__} records.")


def tags_of_page(model: type[models.Model], ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """The (name, colour) of each record's tags, by name, for a page of rows in one query: lighter
    than prefetch_related, which builds a queryset per row."""
    link = link_model(model)
    column = record_field(link) + "_id"
    pairs = (
        link.objects.filter(**{f"{column}__in": list(ids)})
        .order_by("tag__name")
        .values_list(column, "tag__name", "tag__color")
    )
    tags: dict[int, list[tuple[str, str]]] = {record_id: [] for record_id in ids}
    for record_id, name, color in pairs:
        tags[record_id].append((name, color))
    return tags


def tag_names(record: models.Model) -> list[str]:
    """The names of a record's tags, sorted."""
    link = link_model(type(record))
    names = link.objects.filter(**{record_field(link): record.pk}).values_list("tag__name", flat=True)
    return sorted(names)


def tagged(queryset: models.QuerySet[Any], name: str) -> models.QuerySet[Any]:
    """The rows of the queryset that carry the tag of this name (in any case), through the link
    table's (organization, tag, record) index."""
    link = link_model(queryset.model)
    records = link.objects.filter(tag__name__iexact=name).values(record_field(link))
    return queryset.filter(pk__in=records)


# The tags of the organization -----------------------------------------------------------------


def _clean_name(raw: Any) -> str:
    return str(raw).strip()[:NAME_MAX]


def find_tag(name: str) -> Tag | None:
    """The organization's tag of this name, whatever its case."""
    return Tag.objects.filter(name__iexact=_clean_name(name)).order_by("pk").first()


@transaction.atomic
def create_tag(*, name: str, actor: User, organization_id: int, color: str = "#6c757d") -> Tag:
    """A new tag, audited; names are unique in the organization whatever their case. The caller
    checks that the actor may create tags."""
    name = _clean_name(name)
    if name and find_tag(name) is not None:
        raise ValidationError({"name": [_("A tag with this name already exists.")]})
    return create_record(Tag(organization_id=organization_id, name=name, color=color), actor=actor)


def tag_named(name: str, *, actor: User, organization_id: int) -> Tag:
    """The tag of this name, made (and audited) if the organization has none yet. Two requests
    typing the same new name at once both get the one tag: the second meets the unique constraint,
    in validation if the first has committed, else in its insert, which waits for the first; its
    savepoint rolls back only that attempt, and it reads the first's tag."""
    existing = find_tag(name)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create_record(Tag(organization_id=organization_id, name=name), actor=actor)
    except (IntegrityError, ValidationError):
        tag = find_tag(name)
        if tag is None:  # not the name's constraint that refused: a real error
            raise
        return tag


def tags_named(names: Iterable[Any], *, actor: User, organization_id: int) -> list[Tag]:
    """The tags of these names (or tags themselves), in order and once each, those not yet known
    made as tag_named does."""
    tags: dict[int, Tag] = {}
    for raw in names:
        if isinstance(raw, Tag):
            tags.setdefault(raw.pk, raw)
            continue
        name = _clean_name(raw)
        if name:
            tag = tag_named(name, actor=actor, organization_id=organization_id)
            tags.setdefault(tag.pk, tag)
    return list(tags.values())


@transaction.atomic
def delete_tag(*, tag: Tag, actor: User) -> None:
    """Delete a tag for good, audited; the records that carried it lose only the tag. The caller
    checks that the actor may delete tags."""
    lock_record(tag)
    record_change(tag, action=AuditEntry.Action.PURGE, actor=actor)
    tag.delete()


# The tags of records --------------------------------------------------------------------------


def set_tags(record: TenantModel, names: Iterable[Any], *, actor: User) -> dict[str, list[list[str]]]:
    """Give a record exactly the tags of these names, inside the caller's transaction, which holds
    the record locked and writes its audit entry: returns {"tags": [before, after]} if they changed."""
    link = link_model(type(record))
    field = record_field(link)
    current = dict(link.objects.filter(**{field: record.pk}).values_list("tag_id", "tag__name"))
    tags = tags_named(names, actor=actor, organization_id=record.organization_id)
    wanted = {tag.pk: tag.name for tag in tags}
    link.objects.filter(**{field: record.pk}, tag_id__in=set(current) - set(wanted)).delete()
    link.objects.bulk_create(
        [
            link(organization_id=record.organization_id, tag_id=tag_id, **{f"{field}_id": record.pk})
            for tag_id in wanted
            if tag_id not in current
        ]
    )
    before, after = sorted(current.values()), sorted(wanted.values())
    return {"tags": [before, after]} if before != after else {}


@transaction.atomic
def change_tags(
    *, record: RecordT, member: Membership, add: Iterable[Any] = (), remove: Iterable[Any] = ()
) -> RecordT:
    """Put tags on one record or take them off by name, with one audit entry for the change."""
    _require_edit(member, type(record))
    lock_record(record)
    link = link_model(type(record))
    field = record_field(link)
    current = dict(link.objects.filter(**{field: record.pk}).values_list("tag__name", "tag_id"))
    removed = {_clean_name(name).casefold() for name in remove}
    kept = [name for name in current if name.casefold() not in removed]
    changes = set_tags(record, [*kept, *add], actor=member.user)
    if changes:
        record.updated_by = member.user
        record.save(update_fields=["updated_by", "updated_at"])
        record_change(record, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return record


@transaction.atomic
def tag_records(
    model: type[TenantModel], ids: Sequence[int], *, name: Any, add: bool, member: Membership
) -> list[int]:
    """Put one tag on (or take it off) many records at once, inside the caller's audit batch, with
    an entry on each record it changed; returns their ids. The caller has narrowed the ids to the
    records the member may see."""
    _require_edit(member, model)
    name = _clean_name(name or "")
    if not name:
        raise ValidationError({"value": [_("Name the tag.")]})
    if add:
        tag: Tag | None = tag_named(name, actor=member.user, organization_id=member.organization_id)
    else:
        tag = find_tag(name)
    records = lock_records(model, ids)  # before their tags are read: a parallel change waits
    if tag is None:  # taking off a tag that does not exist changes nothing
        return []
    link = link_model(model)
    column = record_field(link) + "_id"
    names: dict[int, list[str]] = defaultdict(list)
    for record_id, tag_name in link.objects.filter(**{f"{column}__in": ids}).values_list(column, "tag__name"):
        names[record_id].append(tag_name)
    carrying = set(link.objects.filter(**{f"{column}__in": ids}, tag=tag).values_list(column, flat=True))
    changed = [record for record in records if (record.pk in carrying) != add]
    changed_ids = [record.pk for record in changed]
    if add:
        link.objects.bulk_create(
            [
                link(organization_id=record.organization_id, tag=tag, **{column: record.pk})
                for record in changed
            ]
        )
    else:
        link.objects.filter(tag=tag, **{f"{column}__in": changed_ids}).delete()
    model._base_manager.filter(pk__in=changed_ids).update(updated_by=member.user, updated_at=timezone.now())
    entries = []
    for record in changed:
        before = sorted(names[record.pk])
        after = sorted([*before, tag.name]) if add else [n for n in before if n != tag.name]
        entries.append((record, {"tags": [before, after]}))
    record_changes_in_bulk(entries, action=AuditEntry.Action.UPDATE, actor=member.user)
    return changed_ids


def _require_edit(member: Membership, model: type[models.Model]) -> None:
    permission = kind_of_model(model).edit_permission
    if permission is not None:
        require(member, permission)
