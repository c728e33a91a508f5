"""Reads of deals with their rules: what a member may see, the board's columns, a customer's deals."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from kliento.core.models import MAX_ID, Membership
from kliento.core.permissions import Permission
from kliento.core.services import require
from kliento.deals.models import Deal, LostReason, Pipeline, Stage, StageChange, StageKind

CARDS_PER_COLUMN = 20
CARD_FIELDS = (
    "id", "title", "stage_id", "position", "amount", "currency", "amount_base", "owner_id",
    "owner__full_name", "owner__email", "company__name", "contact__first_name", "contact__last_name",
    "expected_close_on", "stage_changed_at", "status", "updated_at",
)  # fmt: skip


def access_deal(*, member: Membership, record_id: int, write: bool = False) -> Deal:
    """The deal if this member may see it (and change it, if write); 404 or 403 otherwise."""
    deal = Deal.objects.visible_to(member).filter(pk=record_id).first() if 0 < record_id <= MAX_ID else None
    if deal is None:
        raise Http404
    if write:
        require(member, Permission.EDIT_SALES)
    return deal


def access_pipeline(pipeline_id: int) -> Pipeline:
    pipeline = Pipeline.objects.filter(pk=pipeline_id).first() if 0 < pipeline_id <= MAX_ID else None
    if pipeline is None:
        raise Http404
    return pipeline


def access_stage(stage_id: int) -> Stage:
    stage = Stage.objects.filter(pk=stage_id).first() if 0 < stage_id <= MAX_ID else None
    if stage is None:
        raise Http404
    return stage


def default_pipeline() -> Pipeline | None:
    return (
        Pipeline.objects.filter(is_default=True).first()
        or Pipeline.objects.order_by("position", "id").first()
    )


def stages_of(pipeline: Pipeline) -> list[Stage]:
    return list(Stage.objects.filter(pipeline=pipeline).order_by("position", "id"))


def lost_reasons() -> QuerySet[LostReason]:
    return LostReason.objects.filter(is_active=True).order_by("position", "name")


# The board ------------------------------------------------------------------------------------


@dataclass
class BoardFilter:
    owner_ids: list[int] = field(default_factory=list)
    team_member_ids: set[int] | None = None

    def apply(self, deals: QuerySet[Deal]) -> QuerySet[Deal]:
        if self.owner_ids:
            deals = deals.filter(owner_id__in=self.owner_ids)
        if self.team_member_ids is not None:
            deals = deals.filter(owner_id__in=self.team_member_ids)
        return deals


@dataclass
class Card:
    deal: dict[str, Any]
    is_stale: bool

    @property
    def id(self) -> int:
        return int(self.deal["id"])


@dataclass
class Column:
    stage: Stage
    count: int = 0
    total_base: Decimal = Decimal(0)
    cards: list[Card] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.count > len(self.cards)

    @property
    def last_card(self) -> Card | None:
        return self.cards[-1] if self.cards else None


def board_deals(member: Membership, pipeline: Pipeline, board_filter: BoardFilter) -> QuerySet[Deal]:
    return board_filter.apply(Deal.objects.visible_to(member).filter(pipeline=pipeline))


def column_totals(deals: QuerySet[Deal]) -> dict[int, tuple[int, Decimal]]:
    """Every column's count and total in the base currency: ONE grouped aggregate, read from the
    covering index deal_board_totals (organization, pipeline, stage, amount_base) of the live deals
    alone, so a board of 100,000 deals sums index entries and never visits the rows."""
    rows = deals.order_by().values("stage_id").annotate(count=Count("*"), total=Sum("amount_base"))
    return {row["stage_id"]: (row["count"], row["total"] or Decimal(0)) for row in rows}


def _is_stale(deal: dict[str, Any], stage: Stage, now: datetime.datetime) -> bool:
    if stage.kind != StageKind.OPEN or not stage.stale_after_days or deal["stage_changed_at"] is None:
        return False
    since: datetime.datetime = deal["stage_changed_at"]
    return now - since > datetime.timedelta(days=stage.stale_after_days)


def board(
    member: Membership, pipeline: Pipeline, board_filter: BoardFilter, *, per_column: int = CARDS_PER_COLUMN
) -> list[Column]:
    """The pipeline's columns with their counts and totals and the first cards of each: the stages,
    the totals, and one query per column for its top cards. A window over the whole pipeline would
    be one query, but it ranks every deal of the board to keep twenty per column; each column's
    query reads twenty entries of the (organization, stage, position, id) index instead."""
    stages = stages_of(pipeline)
    deals = board_deals(member, pipeline, board_filter)
    totals = column_totals(deals)
    columns = {stage.pk: Column(stage, *totals.get(stage.pk, (0, Decimal(0)))) for stage in stages}
    now = timezone.now()
    for column in columns.values():
        if not column.count:
            continue
        rows = deals.filter(stage=column.stage).order_by("position", "id").values(*CARD_FIELDS)[:per_column]
        column.cards = [Card(row, _is_stale(row, column.stage, now)) for row in rows]
    return list(columns.values())


def column_page(
    member: Membership,
    stage: Stage,
    board_filter: BoardFilter,
    *,
    after: tuple[int, int],
    limit: int = CARDS_PER_COLUMN,
) -> tuple[list[Card], bool]:
    """The cards of one column after (position, id): the column's "more"."""
    position, deal_id = after
    deals = board_filter.apply(Deal.objects.visible_to(member).filter(stage=stage))
    rows = list(
        deals.filter(Q(position__gt=position) | Q(position=position, id__gt=deal_id))
        .order_by("position", "id")
        .values(*CARD_FIELDS)[: limit + 1]
    )
    now = timezone.now()
    return [Card(row, _is_stale(row, stage, now)) for row in rows[:limit]], len(rows) > limit


# A deal's card and a customer's deals -------------------------------------------------------


def stage_history(deal: Deal) -> QuerySet[StageChange]:
    return (
        StageChange.objects.filter(deal=deal)
        .select_related("from_stage", "to_stage", "created_by")
        .order_by("-created_at", "-id")
    )


def deals_of(member: Membership, **link: Any) -> tuple[list[Deal], dict[str, Any]]:
    """A contact's or company's latest deals the member may see, and their open and won totals in
    the base currency: two queries whatever their number."""
    deals = Deal.objects.visible_to(member).filter(**link)
    totals = deals.aggregate(
        open_count=Count("id", filter=Q(status=StageKind.OPEN)),
        open_total=Sum("amount_base", filter=Q(status=StageKind.OPEN)),
        won_count=Count("id", filter=Q(status=StageKind.WON)),
        won_total=Sum("amount_base", filter=Q(status=StageKind.WON)),
        count=Count("id"),
    )
    shown = list(deals.select_related("stage").order_by("-updated_at", "-id")[:10])
    return shown, totals
