"""Moves at the same time, on both databases: no move is lost, no two cards take one place, and
every stage change is recorded in the order the moves were applied."""

import json

import pytest
from django.test import Client

from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.deals.models import Deal, StageChange
from tests.deals.factories import DealFactory
from tests.parallel import in_parallel

parallel = pytest.mark.django_db(transaction=True)


def move(key: str, deal_id: int, body: dict):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.post(f"/api/v1/deals/{deal_id}/move", json.dumps(body), content_type="application/json")


@pytest.fixture
def key(alice) -> str:
    return create_api_key(name="parallel", role=Role.ADMIN, member=alice)[1]


@parallel
def test_cards_dropped_at_one_place_at_once_all_land_in_distinct_places(alice, stages, key):
    anchor = DealFactory(
        organization=alice.organization, stage=stages["Proposal"], title="Anchor", position=0
    )
    DealFactory(organization=alice.organization, stage=stages["Proposal"], title="Below", position=1024)
    moving = [
        DealFactory(organization=alice.organization, stage=stages["New"], title=f"M{n}") for n in range(4)
    ]

    responses = in_parallel(
        *[
            lambda d=deal: move(key, d.pk, {"stage_id": stages["Proposal"].pk, "after_id": anchor.pk})
            for deal in moving
        ]
    )

    assert [response.status_code for response in responses] == [200] * 4
    column = list(
        Deal.objects.filter(stage=stages["Proposal"])
        .order_by("position", "id")
        .values_list("title", "position")
    )
    assert column[0][0] == "Anchor" and column[-1][0] == "Below"
    assert len({position for _title, position in column}) == 6
    assert StageChange.objects.filter(to_stage=stages["Proposal"]).count() == 4


@parallel
def test_one_card_moved_to_two_stages_at_once_keeps_a_consistent_history(alice, stages, key):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])

    responses = in_parallel(
        lambda: move(key, deal.pk, {"stage_id": stages["Proposal"].pk}),
        lambda: move(key, deal.pk, {"stage_id": stages["Negotiation"].pk}),
    )

    assert [response.status_code for response in responses] == [200, 200]
    changes = list(StageChange.objects.filter(deal=deal).order_by("id"))
    assert len(changes) == 2
    assert changes[0].from_stage == stages["New"]
    assert changes[1].from_stage == changes[0].to_stage  # the second saw the first's stage
    assert Deal.objects.get(pk=deal.pk).stage == changes[1].to_stage


@parallel
def test_parallel_reorders_within_a_column_lose_no_card(alice, stages, key):
    deals = [
        DealFactory(organization=alice.organization, stage=stages["New"], position=n * 1024) for n in range(6)
    ]
    first = deals[0]

    responses = in_parallel(
        *[
            lambda d=deal: move(key, d.pk, {"stage_id": stages["New"].pk, "after_id": first.pk})
            for deal in deals[1:]
        ]
    )

    assert {response.status_code for response in responses} == {200}
    positions = list(Deal.objects.filter(stage=stages["New"]).values_list("position", flat=True))
    assert len(positions) == 6 and len(set(positions)) == 6
    assert Deal.objects.filter(stage=stages["New"]).order_by("position", "id").first() == first
