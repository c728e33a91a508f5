"""Every write of pipelines, lost reasons and deals: one transaction each, the rows locked,
only changed fields saved, the audit entry written with them.

Moving a deal (`move_deal`) is the board's write: it locks the target stage (so two cards dropped
into one column at once are placed one after the other), then the deal, refuses a stage of another
pipeline and a lost stage without a reason, places the card between its new neighbours and records
the stage change with its time and author.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.catalog.models import Product
from kliento.catalog.money import check_currency, quantize, to_base
from kliento.catalog.services import check_amount, shown
from kliento.core.audit import (
    audit_batch,
    bulk_move_to_trash,
    bulk_update_records,
    column_values,
    create_record,
    lock_record,
    move_to_trash,
    record_change,
    restore_from_trash,
    save_changed_fields,
)
from kliento.core.errors import DomainError, InvalidInput
from kliento.core.models import MAX_ID, AuditEntry, Membership
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.values import clean_custom_values, definitions_for, store_custom_values
from kliento.core.services import require
from kliento.customers.models import Company, Contact
from kliento.deals.models import (
    POSITION_GAP,
    Deal,
    DealLine,
    LostReason,
    Pipeline,
    Stage,
    StageChange,
    StageKind,
)

DEAL_FIELDS = frozenset(
    {
        "title",
        "amount",
        "currency",
        "expected_close_on",
        "owner_id",
        "contact_id",
        "company_id",
        "description",
    }
)
DEAL_EXTRAS = frozenset({"tags", "custom_fields", "lines", "pipeline_id", "stage_id"})
MAX_LINES = 200
BULK_LIMIT = 10_000


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _check_known(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: [_("There is no such field.")] for name in sorted(unknown)})


# Pipelines, stages and lost reasons ---------------------------------------------------------


def _check_stage_values(stage: Stage) -> None:
    if not stage.name:
        raise InvalidInput(_("Name the stage."), field="name")
    if stage.kind not in StageKind.values:
        raise InvalidInput(_("A stage is open, won or lost."), field="kind")
    if not isinstance(stage.probability, int) or not 0 <= stage.probability <= 100:
        raise InvalidInput(_("A probability is a whole number from 0 to 100."), field="probability")
    if stage.stale_after_days is not None and not (
        isinstance(stage.stale_after_days, int) and 0 < stage.stale_after_days <= 3650
    ):
        raise InvalidInput(_("Enter a number of days from 1 to 3650, or nothing."), field="stale_after_days")


@transaction.atomic
def save_pipeline(
    *, member: Membership, data: Mapping[str, Any], pipeline: Pipeline | None = None
) -> Pipeline:
    """Create a pipeline (the organization's first is its default) or rename one; making one the
    default takes the mark from the other."""
    require(member, Permission.MANAGE_ORGANIZATION)
    _check_known(data, frozenset({"name", "is_default", "position"}))
    name = str(data.get("name", pipeline.name if pipeline else "")).strip()
    if not name:
        raise InvalidInput(_("Name the pipeline."), field="name")
    taken = Pipeline.objects.filter(name__iexact=name)
    if pipeline is not None:
        taken = taken.exclude(pk=pipeline.pk)
    if taken.exists():
        raise InvalidInput(_("Another pipeline has this name."), field="name")
    # Lock every pipeline's row of the organization: two requests choosing a default at once
    # leave one default, not two (the unique constraint would refuse the second with an error).
    others = list(Pipeline.objects.select_for_update().order_by("pk"))
    make_default = bool(data.get("is_default")) or not others
    if make_default:
        for other in others:
            if other.is_default and other != pipeline:
                before = column_values(other, ["is_default"])
                other.is_default = False
                changes = save_changed_fields(other, before, actor=member.user)
                record_change(other, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    if pipeline is None:
        pipeline = Pipeline(
            organization_id=member.organization_id,
            name=name,
            is_default=make_default,
            position=data.get("position", len(others)),
        )
        return create_record(pipeline, actor=member.user)
    lock_record(pipeline)
    before = column_values(pipeline)
    pipeline.name = name
    if "position" in data:
        pipeline.position = data["position"]
    if make_default:
        pipeline.is_default = True
    elif "is_default" in data and not data["is_default"] and pipeline.is_default:
        raise InvalidInput(_("Make another pipeline the default instead."), field="is_default")
    changes = save_changed_fields(pipeline, before, actor=member.user)
    if changes:
        record_change(pipeline, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return pipeline


@transaction.atomic
def delete_pipeline(*, member: Membership, pipeline: Pipeline) -> None:
    require(member, Permission.MANAGE_ORGANIZATION)
    lock_record(pipeline)
    if Deal.with_trash.filter(pipeline=pipeline).exists():
        raise DomainError(_("This pipeline still has deals: move or delete them first."))
    if pipeline.is_default:
        raise DomainError(_("The default pipeline cannot be deleted: make another one the default first."))
    record_change(pipeline, action=AuditEntry.Action.PURGE, actor=member.user)
    pipeline.delete()


@transaction.atomic
def save_stage(
    *,
    member: Membership,
    data: Mapping[str, Any],
    pipeline: Pipeline | None = None,
    stage: Stage | None = None,
) -> Stage:
    """Add a stage to a pipeline (at the end unless a position is given) or change one."""
    require(member, Permission.MANAGE_ORGANIZATION)
    _check_known(data, frozenset({"name", "kind", "position", "probability", "stale_after_days"}))
    if stage is None:
        assert pipeline is not None
        last = Stage.objects.filter(pipeline=pipeline).aggregate(last=Max("position"))["last"]
        stage = Stage(
            organization_id=member.organization_id,
            pipeline=pipeline,
            position=0 if last is None else last + 1,
        )
        for name, value in data.items():
            setattr(stage, name, value.strip() if isinstance(value, str) else value)
        _check_stage_values(stage)
        return create_record(stage, actor=member.user)
    lock_record(stage)
    before = column_values(stage)
    for name, value in data.items():
        setattr(stage, name, value.strip() if isinstance(value, str) else value)
    _check_stage_values(stage)
    if before["kind"] != stage.kind and Deal.with_trash.filter(stage=stage).exists():
        raise InvalidInput(_("A stage holding deals keeps its kind: add a new stage instead."), field="kind")
    changes = save_changed_fields(stage, before, actor=member.user)
    if changes:
        record_change(stage, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return stage


@transaction.atomic
def delete_stage(*, member: Membership, stage: Stage) -> None:
    require(member, Permission.MANAGE_ORGANIZATION)
    lock_record(stage)
    if Deal.with_trash.filter(stage=stage).exists():
        raise DomainError(_("This stage still has deals: move them to another stage first."))
    record_change(stage, action=AuditEntry.Action.PURGE, actor=member.user)
    stage.delete()


@transaction.atomic
def save_lost_reason(
    *, member: Membership, data: Mapping[str, Any], reason: LostReason | None = None
) -> LostReason:
    require(member, Permission.MANAGE_ORGANIZATION)
    _check_known(data, frozenset({"name", "position", "is_active"}))
    name = str(data.get("name", reason.name if reason else "")).strip()
    if not name:
        raise InvalidInput(_("Name the reason."), field="name")
    taken = LostReason.objects.filter(name__iexact=name)
    if reason is not None:
        taken = taken.exclude(pk=reason.pk)
    if taken.exists():
        raise InvalidInput(_("Another lost reason has this name."), field="name")
    if reason is None:
        last = LostReason.objects.aggregate(last=Max("position"))["last"]
        reason = LostReason(
            organization_id=member.organization_id,
            name=name,
            position=data.get("position", 0 if last is None else last + 1),
            is_active=data.get("is_active", True),
        )
        return create_record(reason, actor=member.user)
    lock_record(reason)
    before = column_values(reason)
    reason.name = name
    for key in ("position", "is_active"):
        if key in data:
            setattr(reason, key, data[key])
    changes = save_changed_fields(reason, before, actor=member.user)
    if changes:
        record_change(reason, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return reason


# Deals: checks ------------------------------------------------------------------------------


def _check_owner(owner_id: Any) -> None:
    if owner_id is not None and not (
        _is_id(owner_id) and Membership.objects.active().filter(user_id=owner_id).exists()
    ):
        raise InvalidInput(_("The owner must be an active member of the organization."), field="owner_id")


def _check_reference(
    model: type[Contact] | type[Company], value: Any, member: Membership, field: str
) -> None:
    """A contact or company the member may see; one they may not is refused as if it did not exist."""
    if value is None:
        return
    if not _is_id(value) or not model.objects.visible_to(member).filter(pk=value).exists():
        message = _("There is no such contact.") if model is Contact else _("There is no such company.")
        raise InvalidInput(message, field=field)


def _stage_of(member: Membership, pipeline_id: Any, stage_id: Any) -> Stage:
    """The stage a new deal starts in: the one named, else the first open stage of the pipeline
    named, else of the default pipeline."""
    if stage_id is not None:
        stage = (
            Stage.objects.select_related("pipeline").filter(pk=stage_id).first() if _is_id(stage_id) else None
        )
        if stage is None:
            raise InvalidInput(_("There is no such stage."), field="stage_id")
        if pipeline_id is not None and stage.pipeline_id != pipeline_id:
            raise InvalidInput(_("This stage belongs to another pipeline."), field="stage_id")
        return stage
    pipelines = Pipeline.objects.all()
    if pipeline_id is not None:
        pipeline = pipelines.filter(pk=pipeline_id).first() if _is_id(pipeline_id) else None
        if pipeline is None:
            raise InvalidInput(_("There is no such pipeline."), field="pipeline_id")
    else:
        pipeline = pipelines.filter(is_default=True).first()
        if pipeline is None:
            raise InvalidInput(_("Set up a pipeline first, in the pipeline settings."), field="pipeline_id")
    stage = (
        Stage.objects.select_related("pipeline")
        .filter(pipeline=pipeline, kind=StageKind.OPEN)
        .order_by("position", "id")
        .first()
    )
    if stage is None:
        raise InvalidInput(_("This pipeline has no open stage."), field="pipeline_id")
    return stage


def line_amount(quantity: Decimal, unit_price: Decimal, discount: Decimal, currency: str) -> Decimal:
    """quantity x unit price less the discount per cent, rounded half up to the currency's unit."""
    return quantize(quantity * unit_price * (100 - discount) / 100, currency)


def _decimal(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidInput(_("Enter a number."), field=field)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise InvalidInput(_("Enter a number."), field=field)
    return number


def _clean_lines(lines: Any, currency: str) -> list[dict[str, Any]]:
    """Each line's product (the organization's), quantity > 0, unit price ≥ 0 and discount 0-100;
    errors name `lines.N.<field>`."""
    if not isinstance(lines, Sequence) or isinstance(lines, str):
        raise InvalidInput(_("Give the lines as a list."), field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidInput(_("A deal has at most %(count)s lines.") % {"count": MAX_LINES}, field="lines")
    product_ids = {line.get("product_id") for line in lines if isinstance(line, Mapping)}
    known = set(
        Product.objects.filter(pk__in=[pk for pk in product_ids if _is_id(pk)]).values_list("pk", flat=True)
    )
    cleaned = []
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        if not isinstance(line, Mapping):
            raise InvalidInput(_("Give each line as an object."), field=prefix)
        if line.get("product_id") not in known:
            raise InvalidInput(_("There is no such product."), field=f"{prefix}.product_id")
        quantity = _decimal(line.get("quantity"), f"{prefix}.quantity")
        if quantity <= 0:
            raise InvalidInput(_("A quantity is more than zero."), field=f"{prefix}.quantity")
        if quantity >= Decimal(10) ** 11 or quantity != quantity.quantize(Decimal("0.001")):
            raise InvalidInput(_("Use at most three decimal places."), field=f"{prefix}.quantity")
        unit_price = check_amount(line.get("unit_price"), field=f"{prefix}.unit_price")
        discount = _decimal(line.get("discount", 0), f"{prefix}.discount")
        if not 0 <= discount <= 100 or discount != discount.quantize(Decimal("0.01")):
            raise InvalidInput(_("A discount is a per cent from 0 to 100."), field=f"{prefix}.discount")
        cleaned.append(
            {
                "product_id": line["product_id"],
                "quantity": quantity,
                "unit_price": unit_price,
                "discount": discount,
                "amount": line_amount(quantity, unit_price, discount, currency),
            }
        )
    return cleaned


def _convert(deal: Deal, on_date: datetime.date, base: str) -> None:
    """The base amount and the rate used, stored beside the amount: never summed across currencies."""
    converted = to_base(deal.amount, deal.currency, on_date, base=base)
    deal.rate = converted.rate
    deal.amount_base = converted.amount_base


def _write_lines(deal: Deal, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    DealLine.objects.filter(deal=deal).delete()
    DealLine.objects.bulk_create(
        [
            DealLine(organization_id=deal.organization_id, deal=deal, position=index, **line)
            for index, line in enumerate(lines)
        ]
    )
    return [
        {
            "product_id": line["product_id"],
            "quantity": shown(line["quantity"]),
            "unit_price": shown(line["unit_price"]),
            "discount": shown(line["discount"]),
        }
        for line in lines
    ]


def _current_lines(deal: Deal) -> list[dict[str, Any]]:
    return [
        {
            "product_id": line.product_id,
            "quantity": shown(line.quantity),
            "unit_price": shown(line.unit_price),
            "discount": shown(line.discount),
        }
        for line in DealLine.objects.filter(deal=deal).order_by("position", "id")
    ]


def _apply_fields(deal: Deal, data: Mapping[str, Any]) -> None:
    for name in DEAL_FIELDS & set(data):
        value = data[name]
        setattr(deal, name, value.strip() if isinstance(value, str) and name != "amount" else value)


def _top_position(stage_id: int) -> int:
    """A place above every card of the column: new deals show first."""
    first = Deal.with_trash.filter(stage_id=stage_id).aggregate(first=Min("position"))["first"]
    return 0 if first is None else first - POSITION_GAP


# Deals: writes ------------------------------------------------------------------------------


@transaction.atomic
def create_deal(*, member: Membership, data: Mapping[str, Any]) -> Deal:
    """A new deal at the top of its stage's column, its amount converted to the base currency at
    today's rate, its first stage change recorded."""
    require(member, Permission.EDIT_SALES)
    _check_known(data, DEAL_FIELDS | DEAL_EXTRAS)
    stage = _stage_of(member, data.get("pipeline_id"), data.get("stage_id"))
    deal = Deal(
        organization_id=member.organization_id,
        owner_id=member.user_id,
        currency=member.organization.base_currency,
    )
    _apply_fields(deal, data)
    if not deal.title:
        raise InvalidInput(_("Give the deal a title."), field="title")
    check_currency(deal.currency)
    deal.amount = check_amount(data.get("amount", 0) if data.get("amount") is not None else 0)
    _check_owner(deal.owner_id)
    _check_reference(Contact, deal.contact_id, member, "contact_id")
    _check_reference(Company, deal.company_id, member, "company_id")
    lines = _clean_lines(data["lines"], deal.currency) if data.get("lines") else []
    if lines:
        deal.amount = sum((line["amount"] for line in lines), Decimal(0))
    deal.custom_fields = clean_custom_values("deal", data.get("custom_fields") or {})
    tags = record_tags.tags_named(
        data.get("tags") or [], actor=member.user, organization_id=member.organization_id
    )
    now = timezone.now()
    deal.pipeline_id, deal.stage = stage.pipeline_id, stage
    deal.status = stage.kind
    deal.stage_changed_at = now
    if stage.is_closed:
        if stage.kind == StageKind.LOST:
            raise InvalidInput(_("A new deal cannot start lost."), field="stage_id")
        deal.closed_on = timezone.localdate()
    Stage.objects.select_for_update().filter(pk=stage.pk).first()  # placed after parallel moves into it
    deal.position = _top_position(stage.pk)
    _convert(deal, timezone.localdate(), member.organization.base_currency)
    related: dict[str, Any] = {"tags": sorted(tag.name for tag in tags)}
    if lines:
        related["lines"] = [
            {
                key: shown(value) if isinstance(value, Decimal) else value
                for key, value in line.items()
                if key != "amount"
            }
            for line in lines
        ]
    create_record(
        deal, actor=member.user, related=related, checked=["owner", "contact", "company", "pipeline", "stage"]
    )
    store_custom_values(deal, definitions_for("deal"))
    if lines:
        _write_lines(deal, lines)
    if tags:
        record_tags.set_tags(deal, tags, actor=member.user)
    StageChange.objects.create(
        organization_id=deal.organization_id,
        deal=deal,
        to_stage=stage,
        created_at=now,
        created_by=member.user,
    )
    return deal


@transaction.atomic
def update_deal(
    *, deal: Deal, member: Membership, data: Mapping[str, Any], expected_version: str | None = None
) -> Deal:
    """Change the fields given on the deal as stored now; a new amount or currency (or new lines,
    whose sum becomes the amount) is converted again at today's rate. The stage changes only
    through move_deal."""
    require(member, Permission.EDIT_SALES)
    _check_known(data, DEAL_FIELDS | DEAL_EXTRAS - {"pipeline_id", "stage_id"})
    lock_record(deal, expected_version=expected_version)
    before = column_values(deal)
    _apply_fields(deal, data)
    if "title" in data and not deal.title:
        raise InvalidInput(_("Give the deal a title."), field="title")
    if "currency" in data:
        check_currency(deal.currency)
    if "amount" in data:
        deal.amount = check_amount(data["amount"] if data["amount"] is not None else 0)
    if "owner_id" in data:
        _check_owner(deal.owner_id)
    if "contact_id" in data:
        _check_reference(Contact, deal.contact_id, member, "contact_id")
    if "company_id" in data:
        _check_reference(Company, deal.company_id, member, "company_id")
    changes: dict[str, Any] = {}
    if "lines" in data:
        lines = _clean_lines(data["lines"] or [], deal.currency)
        old_lines = _current_lines(deal)
        new_lines = _write_lines(deal, lines)
        if new_lines != old_lines:
            changes["lines"] = [old_lines, new_lines]
        if lines:
            deal.amount = sum((line["amount"] for line in lines), Decimal(0))
    elif (
        "currency" in data
        and deal.currency != before["currency"]
        and DealLine.objects.filter(deal=deal).exists()
    ):
        # Line prices are in the deal's currency: changing it relabels them, so it is refused.
        raise InvalidInput(_("Change the currency together with the lines' prices."), field="currency")
    if "custom_fields" in data:
        deal.custom_fields = clean_custom_values(
            "deal", data["custom_fields"] or {}, current=deal.custom_fields, record_id=deal.pk
        )
    if deal.amount != Decimal(before["amount"]) or deal.currency != before["currency"]:
        _convert(deal, timezone.localdate(), member.organization.base_currency)
    if "tags" in data:
        changes.update(record_tags.set_tags(deal, data["tags"] or [], actor=member.user))
    changes.update(save_changed_fields(deal, before, actor=member.user, touch=bool(changes)))
    if changes:
        if "custom_fields" in changes:
            store_custom_values(deal, definitions_for("deal"))
        record_change(deal, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return deal


def _renumber(stage_id: int) -> None:
    """Space a column's positions POSITION_GAP apart again, in their order, in one statement: rare,
    only when a drop found no integer left between two neighbours."""
    table = Deal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table} SET position = renumbered.place
            FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY position, id) * %s AS place
                  FROM {table} WHERE stage_id = %s) AS renumbered
            WHERE {table}.id = renumbered.id AND {table}.stage_id = %s""",
            [POSITION_GAP, stage_id, stage_id],
        )


def _position_after(stage: Stage, deal: Deal, after_id: int | None) -> int:
    """A position in the stage's column right below the card `after_id` (None: at the top)."""
    column = Deal.with_trash.filter(stage=stage).exclude(pk=deal.pk)
    for attempt in range(2):
        if after_id is None:
            above = None
        else:
            above = column.filter(pk=after_id).values_list("position", "id").first()
            if above is None:
                raise InvalidInput(_("The card to place it after is not in that column."), field="after_id")
        if above is None:
            below = column.order_by("position", "id").values_list("position", flat=True).first()
            return 0 if below is None else below - POSITION_GAP
        position, above_id = above
        below = (
            column.filter(position__gte=position)
            .exclude(position=position, id__lte=above_id)
            .order_by("position", "id")
            .values_list("position", flat=True)
            .first()
        )
        if below is None:
            return position + POSITION_GAP
        if below - position >= 2:
            return position + (below - position) // 2
        if attempt == 0:
            _renumber(stage.pk)
    raise RuntimeError("A renumbered column has room between every two cards.")


@transaction.atomic
def move_deal(
    *,
    deal: Deal,
    member: Membership,
    stage_id: Any,
    after_id: Any = None,
    lost_reason_id: Any = None,
    expected_version: str | None = None,
) -> Deal:
    """Put the deal in a stage of its pipeline, below the card `after_id` (at the top without one);
    a lost stage needs a lost reason. A change of stage is recorded with its time and author."""
    require(member, Permission.EDIT_SALES)
    stage = Stage.objects.select_for_update().filter(pk=stage_id).first() if _is_id(stage_id) else None
    if stage is None:
        raise InvalidInput(_("There is no such stage."), field="stage_id")
    if after_id is not None and not _is_id(after_id):
        raise InvalidInput(_("The card to place it after is not in that column."), field="after_id")
    lock_record(deal, expected_version=expected_version)
    if stage.pipeline_id != deal.pipeline_id:
        raise DomainError(
            _("“%(stage)s” is a stage of another pipeline: a deal moves only within its own pipeline.")
            % {"stage": stage.name},
            field="stage_id",
        )
    reason = None
    if stage.kind == StageKind.LOST and stage.pk != deal.stage_id:
        reason = (
            LostReason.objects.filter(pk=lost_reason_id, is_active=True).first()
            if _is_id(lost_reason_id)
            else None
        )
        if reason is None:
            raise InvalidInput(_("Choose why the deal was lost."), field="lost_reason_id")
    before = column_values(deal)
    from_stage_id = deal.stage_id
    deal.position = _position_after(stage, deal, after_id)
    if stage.pk != from_stage_id:
        now = timezone.now()
        deal.stage = stage
        deal.status = stage.kind
        deal.stage_changed_at = now
        deal.closed_on = timezone.localdate() if stage.is_closed else None
        deal.lost_reason = reason
        StageChange.objects.create(
            organization_id=deal.organization_id,
            deal=deal,
            from_stage_id=from_stage_id,
            to_stage=stage,
            created_at=now,
            created_by=member.user,
        )
    changes = save_changed_fields(deal, before, actor=member.user)
    changes.pop("position", None)  # the order within a column is not history
    changes.pop("stage_changed_at", None)
    if changes:
        record_change(deal, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return deal


def _first_stage(deal: Deal, kind: str) -> Stage:
    stage = Stage.objects.filter(pipeline_id=deal.pipeline_id, kind=kind).order_by("position", "id").first()
    if stage is None:
        label = StageKind(kind).label
        raise DomainError(_("This pipeline has no stage of the kind “%(kind)s”.") % {"kind": label})
    return stage


def mark_won(*, deal: Deal, member: Membership, expected_version: str | None = None) -> Deal:
    """Close the deal as won: into its pipeline's first won stage."""
    stage = _first_stage(deal, StageKind.WON)
    return move_deal(deal=deal, member=member, stage_id=stage.pk, expected_version=expected_version)


def mark_lost(
    *, deal: Deal, member: Membership, lost_reason_id: Any, expected_version: str | None = None
) -> Deal:
    """Close the deal as lost, with the reason: into its pipeline's first lost stage."""
    stage = _first_stage(deal, StageKind.LOST)
    return move_deal(
        deal=deal,
        member=member,
        stage_id=stage.pk,
        lost_reason_id=lost_reason_id,
        expected_version=expected_version,
    )


def trash_deal(*, deal: Deal, member: Membership, expected_version: str | None = None) -> None:
    require(member, Permission.EDIT_SALES)
    move_to_trash(deal, actor=member.user, expected_version=expected_version)


def restore_deal(*, deal: Deal, member: Membership) -> None:
    require(member, Permission.EDIT_SALES)
    restore_from_trash(deal, actor=member.user)


@transaction.atomic
def bulk_update_deals(
    *, member: Membership, ids: Sequence[int], action: str, value: Any = None, reason: str = ""
) -> int:
    """One action on a selection of visible deals, an entry on each one changed under one batch id."""
    require(member, Permission.EDIT_SALES)
    visible = Deal.objects.visible_to(member).filter(pk__in=list(ids)[:BULK_LIMIT])
    ids = list(visible.values_list("pk", flat=True))
    if not ids:
        return 0
    with audit_batch():
        if action == "assign_owner":
            _check_owner(value)
            bulk_update_records(Deal, ids, {"owner_id": value}, actor=member.user)
        elif action in ("add_tag", "remove_tag"):
            record_tags.tag_records(Deal, ids, name=value, add=action == "add_tag", member=member)
        elif action == "trash":
            bulk_move_to_trash(Deal, ids, actor=member.user)
        else:
            raise ValidationError({"action": [_("Unknown bulk action.")]})
    return len(ids)
