"""Isolation cases of deals, pipelines and their settings (see tests/isolation.py)."""

from django.urls import reverse

from kliento.deals.models import Deal, DealLine, DealTag, LostReason, Pipeline, Stage, StageChange
from tests.customers.factories import TagFactory
from tests.deals.factories import (
    DealFactory,
    DealLineFactory,
    LostReasonFactory,
    PipelineFactory,
    StageChangeFactory,
    StageFactory,
)
from tests.isolation import IsolationCase, Request, register


def _deal_api(deal: Deal) -> str:
    return f"/api/v1/deals/{deal.pk}"


register(
    IsolationCase(
        model=Deal,
        make=lambda organization: DealFactory(organization=organization),
        pages=(
            Request("get", lambda d: reverse("deals:deal-detail", args=[d.pk])),
            Request("get", lambda d: reverse("deals:deal-edit", args=[d.pk])),
            Request(
                "post",
                lambda d: reverse("deals:deal-edit", args=[d.pk]),
                {"title": "Taken", "currency": "USD"},
            ),
            Request("post", lambda d: reverse("deals:deal-delete", args=[d.pk])),
            Request("post", lambda d: reverse("deals:deal-move", args=[d.pk]), {"stage": "1"}),
            Request("post", lambda d: reverse("deals:deal-won", args=[d.pk])),
            Request("post", lambda d: reverse("deals:deal-lost", args=[d.pk]), {"lost_reason": "1"}),
            Request("get", lambda d: reverse("deals:deal-history", args=[d.pk])),
            Request("get", lambda d: reverse("deals:board", args=[d.pipeline_id])),
            Request(
                "get", lambda d: reverse("deals:board-more", args=[d.pipeline_id, d.stage_id]) + "?after=0,0"
            ),
        ),
        api=(
            Request("get", _deal_api),
            Request("patch", _deal_api, {"title": "Taken over"}),
            Request("delete", _deal_api),
            Request("get", lambda d: f"{_deal_api(d)}/stage-changes"),
            # POST endpoints (move, won, lost) are proven in tests/deals/test_api.py with JSON bodies.
            Request("get", lambda d: f"/api/v1/pipelines/{d.pipeline_id}/board"),
        ),
    )
)


def _tagged(organization):
    return DealTag.unscoped.create(
        organization=organization,
        deal=DealFactory(organization=organization),
        tag=TagFactory(organization=organization),
    )


register(IsolationCase(model=DealTag, make=_tagged))
register(IsolationCase(model=DealLine, make=lambda organization: DealLineFactory(organization=organization)))
register(
    IsolationCase(
        model=StageChange,
        make=lambda organization: StageChangeFactory(organization=organization),
        api=(Request("get", lambda change: f"/api/v1/deals/{change.deal_id}/stage-changes"),),
    )
)
register(
    IsolationCase(
        model=Pipeline,
        make=lambda organization: PipelineFactory(organization=organization),
        pages=(
            Request("get", lambda p: reverse("deals:board", args=[p.pk])),
            Request("get", lambda p: reverse("deals:pipeline-edit", args=[p.pk])),
            Request("post", lambda p: reverse("deals:pipeline-edit", args=[p.pk]), {"name": "Taken"}),
            Request("post", lambda p: reverse("deals:pipeline-delete", args=[p.pk])),
            Request("get", lambda p: reverse("deals:stage-edit", args=[p.pk, 0])),
        ),
        api=(
            Request("get", lambda p: f"/api/v1/pipelines/{p.pk}"),
            Request("patch", lambda p: f"/api/v1/pipelines/{p.pk}", {"name": "Taken over"}),
            Request("delete", lambda p: f"/api/v1/pipelines/{p.pk}"),
            Request("get", lambda p: f"/api/v1/pipelines/{p.pk}/board"),
        ),
    )
)
register(
    IsolationCase(
        model=Stage,
        make=lambda organization: StageFactory(organization=organization),
        pages=(
            Request("get", lambda s: reverse("deals:stage-edit", args=[s.pipeline_id, s.pk])),
            Request("post", lambda s: reverse("deals:stage-delete", args=[s.pk])),
        ),
        api=(
            Request("patch", lambda s: f"/api/v1/stages/{s.pk}", {"name": "Taken over"}),
            Request("delete", lambda s: f"/api/v1/stages/{s.pk}"),
        ),
    )
)
register(
    IsolationCase(
        model=LostReason,
        make=lambda organization: LostReasonFactory(organization=organization),
        pages=(Request("post", lambda r: reverse("deals:lost-reason-toggle", args=[r.pk])),),
        api=(Request("patch", lambda r: f"/api/v1/lost-reasons/{r.pk}", {"name": "Taken over"}),),
    )
)
