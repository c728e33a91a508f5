"""API of deals: CRUD, moves on the board (stage and place, with If-Match), won and lost, the
stage history, the board itself, and the pipelines, stages and lost reasons it is made of.

List endpoints are keyset pages; a deal answers its version as an ETag and takes it back in
If-Match on PATCH, DELETE and moves. A stage of another pipeline is a 409, a lost stage without a
reason a 422 naming `lost_reason_id`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from kliento.api.concurrency import if_match, set_etag
from kliento.core.models import MAX_ID
from kliento.core.pagination import keyset_page
from kliento.core.requests import OrgRequest
from kliento.deals import selectors, services
from kliento.deals.models import Deal, LostReason, Pipeline, Stage
from kliento.deals.schemas import (
    BoardOut,
    BoardParams,
    DealIn,
    DealOut,
    DealPage,
    DealParams,
    DealPatch,
    LostIn,
    LostReasonIn,
    LostReasonOut,
    LostReasonPatch,
    MoveIn,
    PipelineIn,
    PipelineOut,
    PipelinePatch,
    StageChangeOut,
    StageIn,
    StageOut,
    StagePatch,
)

router = Router(tags=["deals"])

ITEM_COLUMNS = (
    "id", "title", "pipeline_id", "stage_id", "position", "status", "amount", "currency", "rate",
    "amount_base", "expected_close_on", "owner_id", "contact_id", "company_id", "updated_at",
)  # fmt: skip


def _deal(request: OrgRequest, deal_id: int, *, write: bool = False) -> Deal:
    return selectors.access_deal(member=request.member, record_id=deal_id, write=write)


def _answer(response: HttpResponse, deal: Deal) -> Deal:
    set_etag(response, deal)
    return deal


# Deals ----------------------------------------------------------------------------------------


@router.get("/deals", response=DealPage)
def list_deals(request: OrgRequest, params: Query[DealParams]) -> dict[str, Any]:
    deals = Deal.objects.visible_to(request.member)
    for name in ("pipeline", "stage", "owner", "company", "contact"):
        value = getattr(params, name)
        if value is not None:
            deals = deals.filter(**{f"{name}_id": value})
    if params.status:
        deals = deals.filter(status=params.status)
    page = keyset_page(
        deals.values(*ITEM_COLUMNS), ordering=["-updated_at", "-id"], cursor=params.cursor, limit=params.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/deals", response={201: DealOut})
def create_deal(request: OrgRequest, payload: DealIn, response: HttpResponse) -> Status[Deal]:
    data = payload.model_dump(exclude_unset=True)
    if data.get("currency") is None:
        data.pop("currency", None)
    deal = services.create_deal(member=request.member, data=data)
    set_etag(response, deal)
    return Status(201, deal)


@router.get("/deals/{deal_id}", response=DealOut)
def read_deal(request: OrgRequest, deal_id: int, response: HttpResponse) -> Deal:
    return _answer(response, _deal(request, deal_id))


@router.patch("/deals/{deal_id}", response=DealOut)
def update_deal(request: OrgRequest, deal_id: int, payload: DealPatch, response: HttpResponse) -> Deal:
    deal = _deal(request, deal_id, write=True)
    services.update_deal(
        deal=deal,
        member=request.member,
        data=payload.model_dump(exclude_unset=True),
        expected_version=if_match(request),
    )
    return _answer(response, deal)


@router.delete("/deals/{deal_id}", response={204: None})
def delete_deal(request: OrgRequest, deal_id: int) -> Status[None]:
    deal = _deal(request, deal_id, write=True)
    services.trash_deal(deal=deal, member=request.member, expected_version=if_match(request))
    return Status(204, None)


@router.post("/deals/{deal_id}/move", response=DealOut)
def move_deal(request: OrgRequest, deal_id: int, payload: MoveIn, response: HttpResponse) -> Deal:
    """Put the deal in a stage of its pipeline, right below the card `after_id` (at the top without)."""
    deal = _deal(request, deal_id, write=True)
    services.move_deal(
        deal=deal,
        member=request.member,
        stage_id=payload.stage_id,
        after_id=payload.after_id,
        lost_reason_id=payload.lost_reason_id,
        expected_version=if_match(request),
    )
    return _answer(response, deal)


@router.post("/deals/{deal_id}/won", response=DealOut)
def mark_won(request: OrgRequest, deal_id: int, response: HttpResponse) -> Deal:
    deal = _deal(request, deal_id, write=True)
    services.mark_won(deal=deal, member=request.member, expected_version=if_match(request))
    return _answer(response, deal)


@router.post("/deals/{deal_id}/lost", response=DealOut)
def mark_lost(request: OrgRequest, deal_id: int, payload: LostIn, response: HttpResponse) -> Deal:
    deal = _deal(request, deal_id, write=True)
    services.mark_lost(
        deal=deal,
        member=request.member,
        lost_reason_id=payload.lost_reason_id,
        expected_version=if_match(request),
    )
    return _answer(response, deal)


@router.get("/deals/{deal_id}/stage-changes", response=list[StageChangeOut])
def stage_changes(request: OrgRequest, deal_id: int) -> list[Any]:
    return list(selectors.stage_history(_deal(request, deal_id))[:500])


# The board ------------------------------------------------------------------------------------


@router.get("/pipelines/{pipeline_id}/board", response=BoardOut)
def board(request: OrgRequest, pipeline_id: int, params: Query[BoardParams]) -> dict[str, Any]:
    """Each column's count and total in the base currency, and its first cards in board order."""
    pipeline = selectors.access_pipeline(pipeline_id)
    board_filter = selectors.BoardFilter(owner_ids=[params.owner] if params.owner else [])
    columns = selectors.board(request.member, pipeline, board_filter, per_column=params.per_column)
    return {
        "pipeline_id": pipeline.pk,
        "base_currency": request.organization.base_currency,
        "columns": [
            {
                "stage": column.stage,
                "count": column.count,
                "total_base": column.total_base,
                "deals": [
                    {
                        key: card.deal[key]
                        for key in (
                            "id",
                            "title",
                            "position",
                            "amount",
                            "currency",
                            "amount_base",
                            "owner_id",
                        )
                    }
                    | {"is_stale": card.is_stale}
                    for card in column.cards
                ],
            }
            for column in columns
        ],
    }


# Pipelines, stages and lost reasons ---------------------------------------------------------


@router.get("/pipelines", response=list[PipelineOut])
def list_pipelines(request: OrgRequest) -> list[Pipeline]:
    return list(Pipeline.objects.order_by("position", "id").prefetch_related("stages")[:200])


@router.post("/pipelines", response={201: PipelineOut})
def create_pipeline(request: OrgRequest, payload: PipelineIn) -> Status[Pipeline]:
    """A pipeline with its stages, all or nothing."""
    with transaction.atomic():
        pipeline = services.save_pipeline(member=request.member, data=payload.model_dump(exclude={"stages"}))
        for index, stage in enumerate(payload.stages):
            values = stage.model_dump(exclude_none=True)
            values.setdefault("position", index)
            services.save_stage(member=request.member, data=values, pipeline=pipeline)
    return Status(201, pipeline)


@router.get("/pipelines/{pipeline_id}", response=PipelineOut)
def read_pipeline(request: OrgRequest, pipeline_id: int) -> Pipeline:
    return selectors.access_pipeline(pipeline_id)


@router.patch("/pipelines/{pipeline_id}", response=PipelineOut)
def update_pipeline(request: OrgRequest, pipeline_id: int, payload: PipelinePatch) -> Pipeline:
    pipeline = selectors.access_pipeline(pipeline_id)
    return services.save_pipeline(
        member=request.member, data=payload.model_dump(exclude_unset=True), pipeline=pipeline
    )


@router.delete("/pipelines/{pipeline_id}", response={204: None})
def delete_pipeline(request: OrgRequest, pipeline_id: int) -> Status[None]:
    services.delete_pipeline(member=request.member, pipeline=selectors.access_pipeline(pipeline_id))
    return Status(204, None)


@router.post("/pipelines/{pipeline_id}/stages", response={201: StageOut})
def create_stage(request: OrgRequest, pipeline_id: int, payload: StageIn) -> Status[Stage]:
    pipeline = selectors.access_pipeline(pipeline_id)
    stage = services.save_stage(
        member=request.member, data=payload.model_dump(exclude_none=True), pipeline=pipeline
    )
    return Status(201, stage)


@router.patch("/stages/{stage_id}", response=StageOut)
def update_stage(request: OrgRequest, stage_id: int, payload: StagePatch) -> Stage:
    stage = selectors.access_stage(stage_id)
    return services.save_stage(
        member=request.member, data=payload.model_dump(exclude_unset=True), stage=stage
    )


@router.delete("/stages/{stage_id}", response={204: None})
def delete_stage(request: OrgRequest, stage_id: int) -> Status[None]:
    services.delete_stage(member=request.member, stage=selectors.access_stage(stage_id))
    return Status(204, None)


@router.get("/lost-reasons", response=list[LostReasonOut])
def list_lost_reasons(request: OrgRequest) -> list[LostReason]:
    return list(LostReason.objects.order_by("position", "name")[:500])


@router.post("/lost-reasons", response={201: LostReasonOut})
def create_lost_reason(request: OrgRequest, payload: LostReasonIn) -> Status[LostReason]:
    return Status(201, services.save_lost_reason(member=request.member, data=payload.model_dump()))


@router.patch("/lost-reasons/{reason_id}", response=LostReasonOut)
def update_lost_reason(request: OrgRequest, reason_id: int, payload: LostReasonPatch) -> LostReason:
    if not 0 < reason_id <= MAX_ID:
        raise Http404
    reason = get_object_or_404(LostReason.objects, pk=reason_id)
    return services.save_lost_reason(
        member=request.member, data=payload.model_dump(exclude_unset=True), reason=reason
    )
