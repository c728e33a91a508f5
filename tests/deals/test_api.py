import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client

from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.deals.models import Deal, StageChange, StageKind
from tests.catalog.factories import ExchangeRateFactory, ProductFactory
from tests.deals.factories import DealFactory, LostReasonFactory, sales_pipeline


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def patch(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def errors_of(response):
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_deal_is_created_with_its_base_amount_and_etag(api, alice, stages):
    ExchangeRateFactory(
        organization=alice.organization,
        currency="EUR",
        rate=Decimal("1.2"),
        valid_from=datetime.date(2020, 1, 1),
    )

    response = post(api, "/api/v1/deals", {"title": "Fit-out", "amount": "250.50", "currency": "EUR"})

    assert response.status_code == 201
    body = response.json()
    assert (body["amount"], body["currency"], body["rate"], body["amount_base"]) == (
        "250.5000",
        "EUR",
        "1.2000000000",
        "300.6000",
    )
    assert body["stage_id"] == stages["New"].pk
    assert response["ETag"]


def test_a_deal_with_lines_sums_them(api, alice, stages):
    product = ProductFactory(organization=alice.organization)

    body = post(
        api,
        "/api/v1/deals",
        {
            "title": "Chairs",
            "lines": [{"product_id": product.pk, "quantity": "4", "unit_price": "25", "discount": "10"}],
        },
    ).json()

    assert body["amount"] == "90.0000"
    assert body["lines"][0]["amount"] == "90.0000"


def test_a_negative_quantity_is_a_422_naming_the_line(api, alice, stages):
    product = ProductFactory(organization=alice.organization)

    response = post(
        api,
        "/api/v1/deals",
        {"title": "X", "lines": [{"product_id": product.pk, "quantity": "-2", "unit_price": "1"}]},
    )

    assert response.status_code == 422
    assert set(errors_of(response)) == {"lines.0.quantity"}
    assert Deal.objects.exists() is False


def test_an_unknown_currency_is_a_422(api, stages):
    response = post(api, "/api/v1/deals", {"title": "X", "amount": "1", "currency": "ZZZ"})

    assert response.status_code == 422
    assert "ZZZ" in errors_of(response)["currency"]


def test_a_move_places_the_card_and_answers_the_new_version(api, alice, stages):
    above = DealFactory(organization=alice.organization, stage=stages["Proposal"])
    deal = DealFactory(organization=alice.organization, stage=stages["New"])
    etag = api.get(f"/api/v1/deals/{deal.pk}")["ETag"]

    response = post(
        api,
        f"/api/v1/deals/{deal.pk}/move",
        {"stage_id": stages["Proposal"].pk, "after_id": above.pk},
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["stage_id"] == stages["Proposal"].pk
    assert StageChange.objects.get(deal=deal).to_stage == stages["Proposal"]


def test_a_move_with_an_old_version_is_a_412(api, alice, stages):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])
    etag = api.get(f"/api/v1/deals/{deal.pk}")["ETag"]
    patch(api, f"/api/v1/deals/{deal.pk}", {"title": "Changed"})

    response = post(
        api, f"/api/v1/deals/{deal.pk}/move", {"stage_id": stages["Proposal"].pk}, HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    assert Deal.objects.get().stage == stages["New"]


def test_a_move_to_another_pipeline_is_a_409_naming_the_stage(api, alice, stages):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])
    _other, other_stages = sales_pipeline(alice.organization, "Renewals", is_default=False)

    response = post(api, f"/api/v1/deals/{deal.pk}/move", {"stage_id": other_stages["New"].pk})

    assert response.status_code == 409
    assert "another pipeline" in response.json()["detail"]
    assert set(errors_of(response)) == {"stage_id"}


def test_lost_without_a_reason_is_a_422_and_with_one_closes(api, alice, stages):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])
    reason = LostReasonFactory(organization=alice.organization)

    refused = post(api, f"/api/v1/deals/{deal.pk}/move", {"stage_id": stages["Lost"].pk})
    closed = post(api, f"/api/v1/deals/{deal.pk}/lost", {"lost_reason_id": reason.pk})

    assert refused.status_code == 422
    assert set(errors_of(refused)) == {"lost_reason_id"}
    assert (closed.json()["status"], closed.json()["lost_reason_id"]) == ("lost", reason.pk)


def test_won_moves_to_the_won_stage(api, alice, stages):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])

    body = post(api, f"/api/v1/deals/{deal.pk}/won", {}).json()

    assert (body["status"], body["stage_id"]) == (StageKind.WON, stages["Won"].pk)


@pytest.mark.parametrize("action", ["move", "won", "lost"])
def test_another_organizations_deal_cannot_be_moved(api, olga, action):
    _pipeline, their_stages = sales_pipeline(olga.organization)
    theirs = DealFactory(organization=olga.organization, stage=their_stages["New"])
    reason = LostReasonFactory(organization=olga.organization)
    body = {
        "move": {"stage_id": their_stages["Proposal"].pk},
        "won": {},
        "lost": {"lost_reason_id": reason.pk},
    }[action]

    response = post(api, f"/api/v1/deals/{theirs.pk}/{action}", body)

    assert response.status_code == 404
    assert Deal.unscoped.get(pk=theirs.pk).stage == their_stages["New"]


def test_the_deal_list_pages_by_cursor_in_few_queries(api, alice, stages, django_assert_max_num_queries):
    for _ in range(5):
        DealFactory(organization=alice.organization, stage=stages["New"])

    with django_assert_max_num_queries(5):
        first = api.get("/api/v1/deals?limit=3").json()
    second = api.get(f"/api/v1/deals?limit=3&cursor={first['next_cursor']}").json()

    assert len({item["id"] for item in first["items"] + second["items"]}) == 5
    assert second["next_cursor"] is None


def test_the_deal_list_filters_by_stage_and_status(api, alice, stages):
    DealFactory(organization=alice.organization, stage=stages["New"])
    won = DealFactory(organization=alice.organization, stage=stages["Won"])

    assert [d["id"] for d in api.get("/api/v1/deals?status=won").json()["items"]] == [won.pk]
    assert [d["id"] for d in api.get(f"/api/v1/deals?stage={stages['Won'].pk}").json()["items"]] == [won.pk]


def test_the_board_answers_counts_totals_and_top_cards(api, alice, stages):
    for amount in ("10", "20", "30"):
        DealFactory(organization=alice.organization, stage=stages["New"], amount=Decimal(amount))

    board = api.get(f"/api/v1/pipelines/{stages['New'].pipeline_id}/board?per_column=2").json()

    new = board["columns"][0]
    assert (new["count"], new["total_base"], len(new["deals"])) == (3, "60.0000", 2)


def test_pipelines_are_created_with_their_stages(api):
    response = post(
        api,
        "/api/v1/pipelines",
        {
            "name": "Renewals",
            "stages": [{"name": "Due"}, {"name": "Renewed", "kind": "won", "probability": 100}],
        },
    )

    assert response.status_code == 201
    assert [(s["name"], s["kind"]) for s in response.json()["stages"]] == [
        ("Due", "open"),
        ("Renewed", "won"),
    ]
    assert response.json()["is_default"] is True


def test_stage_changes_are_listed(api, alice, stages):
    deal = post(api, "/api/v1/deals", {"title": "X"}).json()
    post(api, f"/api/v1/deals/{deal['id']}/move", {"stage_id": stages["Proposal"].pk})

    changes = api.get(f"/api/v1/deals/{deal['id']}/stage-changes").json()

    assert [c["to_stage_id"] for c in changes] == [stages["Proposal"].pk, stages["New"].pk]


def test_a_viewer_key_cannot_move(alice, stages):
    raw = create_api_key(name="Viewer", role=Role.VIEWER, member=alice)[1]
    deal = DealFactory(organization=alice.organization, stage=stages["New"])

    response = post(
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}"),
        f"/api/v1/deals/{deal.pk}/move",
        {"stage_id": stages["Proposal"].pk},
    )

    assert response.status_code == 403
    assert Deal.objects.get().stage == stages["New"]


def test_lost_reasons_are_added_and_renamed(api):
    created = post(api, "/api/v1/lost-reasons", {"name": "Price"}).json()

    renamed = patch(api, f"/api/v1/lost-reasons/{created['id']}", {"name": "Too expensive"}).json()

    assert renamed["name"] == "Too expensive"
