import datetime
import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kliento.deals import selectors
from kliento.deals.models import Deal, StageChange, StageKind
from tests.deals.factories import DealFactory, LostReasonFactory, StageFactory


def test_column_counts_and_totals_come_from_one_grouped_query_in_the_base_currency(alice, pipeline, stages):
    DealFactory(
        organization=alice.organization,
        stage=stages["New"],
        amount=Decimal("100"),
        currency="EUR",
        rate=Decimal("1.1"),
    )
    DealFactory(
        organization=alice.organization,
        stage=stages["New"],
        amount=Decimal("50"),
        currency="USD",
        rate=Decimal("1"),
    )
    DealFactory(organization=alice.organization, stage=stages["Won"], amount=Decimal("7"))
    deals = selectors.board_deals(alice, pipeline[0], selectors.BoardFilter())

    with CaptureQueriesContext(connection) as queries:
        totals = selectors.column_totals(deals)

    assert len(queries.captured_queries) == 1
    assert "GROUP BY" in queries.captured_queries[0]["sql"].upper()
    assert totals == {stages["New"].pk: (2, Decimal("160")), stages["Won"].pk: (1, Decimal("7"))}


def test_the_board_shows_the_top_cards_of_each_column_in_order(alice, pipeline, stages):
    for index in range(5):
        DealFactory(organization=alice.organization, stage=stages["New"], title=f"N{index}", position=index)
    DealFactory(organization=alice.organization, stage=stages["Proposal"], title="P")

    columns = selectors.board(alice, pipeline[0], selectors.BoardFilter(), per_column=3)

    new = columns[0]
    assert [card.deal["title"] for card in new.cards] == ["N0", "N1", "N2"]
    assert (new.count, new.has_more) == (5, True)
    assert [card.deal["title"] for card in columns[1].cards] == ["P"]


def test_the_board_page_runs_a_fixed_number_of_queries(
    alice_client, alice, pipeline, stages, django_assert_max_num_queries
):
    LostReasonFactory(organization=alice.organization)
    for stage in stages.values():
        for _ in range(3):
            DealFactory(organization=alice.organization, stage=stage)
    url = reverse("deals:board", args=[pipeline[0].pk])
    alice_client.get(url)

    with django_assert_max_num_queries(16) as few:
        alice_client.get(url)
    for stage in stages.values():
        for _ in range(10):
            DealFactory(organization=alice.organization, stage=stage)
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice_client.get(url)


def test_a_column_pages_on_with_more(alice_client, alice, pipeline, stages):
    for index in range(25):
        DealFactory(
            organization=alice.organization, stage=stages["New"], title=f"D{index:02}", position=index
        )
    page = alice_client.get(reverse("deals:board", args=[pipeline[0].pk])).content.decode()
    assert "D19" in page and "D20" not in page

    more = alice_client.get(
        reverse("deals:board-more", args=[pipeline[0].pk, stages["New"].pk]) + "?after=19,0",
        HTTP_HX_REQUEST="true",
    ).content.decode()

    # Position 19 with an id below every card's: the column goes on from the card at position 19.
    assert "D19" in more and "D24" in more and "D18" not in more


def test_a_stale_deal_is_marked(alice_client, alice, pipeline, stages):
    stages["Proposal"].stale_after_days = 7
    stages["Proposal"].save()
    DealFactory(
        organization=alice.organization,
        stage=stages["Proposal"],
        title="Old",
        stage_changed_at=timezone.now() - datetime.timedelta(days=8),
    )
    DealFactory(organization=alice.organization, stage=stages["Proposal"], title="Fresh")

    columns = selectors.board(alice, pipeline[0], selectors.BoardFilter())

    assert {card.deal["title"]: card.is_stale for card in columns[1].cards} == {"Old": True, "Fresh": False}
    assert (
        'data-testid="stale"'
        in alice_client.get(reverse("deals:board", args=[pipeline[0].pk])).content.decode()
    )


def test_the_board_filters_by_owner(alice_client, alice, bob, pipeline, stages):
    DealFactory(organization=alice.organization, stage=stages["New"], title="Alices", owner=alice.user)
    DealFactory(organization=alice.organization, stage=stages["New"], title="Bobs", owner=bob.user)

    page = alice_client.get(
        reverse("deals:board", args=[pipeline[0].pk]), {"owner": bob.user_id}
    ).content.decode()

    assert "Bobs" in page and "Alices" not in page


def test_a_drag_saved_by_the_page_answers_the_columns_totals(alice_client, alice, pipeline, stages):
    deal = DealFactory(organization=alice.organization, stage=stages["New"], amount=Decimal("40"))

    response = alice_client.post(
        reverse("deals:deal-move", args=[deal.pk]),
        {"stage": stages["Proposal"].pk, "after": ""},
        HTTP_ACCEPT="application/json",
    )

    answer = response.json()
    assert answer["ok"] is True
    assert answer["columns"][str(stages["Proposal"].pk)] == {"count": 1, "total": "$40"}
    assert answer["columns"][str(stages["New"].pk)]["count"] == 0


def test_a_refused_drag_answers_the_reason_and_changes_nothing(alice_client, alice, pipeline, stages):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])

    response = alice_client.post(
        reverse("deals:deal-move", args=[deal.pk]),
        {"stage": stages["Lost"].pk},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 422
    assert response.json() == {"error": "Choose why the deal was lost.", "field": "lost_reason_id"}
    assert Deal.objects.get().stage == stages["New"]


def test_the_keyboard_move_form_moves_and_returns_to_the_board(alice_client, alice, pipeline, stages, reason):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])

    response = alice_client.post(
        reverse("deals:deal-move", args=[deal.pk]), {"stage": stages["Lost"].pk, "lost_reason": reason.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("deals:board", args=[pipeline[0].pk])
    assert Deal.objects.get().status == StageKind.LOST
    assert StageChange.objects.get().to_stage == stages["Lost"]


def test_a_salesperson_may_move_a_viewer_may_not(bob_client, alice, acme, pipeline, stages, client):
    from kliento.core.permissions import Role
    from tests.factories import MembershipFactory

    deal = DealFactory(organization=alice.organization, stage=stages["New"])
    viewer = MembershipFactory(organization=acme, role=Role.VIEWER)
    client.force_login(viewer.user)

    assert (
        client.post(reverse("deals:deal-move", args=[deal.pk]), {"stage": stages["Proposal"].pk}).status_code
        == 403
    )
    assert (
        bob_client.post(
            reverse("deals:deal-move", args=[deal.pk]), {"stage": stages["Proposal"].pk}
        ).status_code
        == 302
    )
    assert Deal.objects.get().stage == stages["Proposal"]


def test_the_board_works_in_arabic(alice_client, alice, pipeline, stages):
    DealFactory(organization=alice.organization, stage=stages["New"], title="صفقة")

    page = alice_client.get(
        reverse("deals:board", args=[pipeline[0].pk]), HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()

    assert 'dir="rtl"' in page
    assert "صفقة" in page


def test_a_stage_of_another_pipeline_keeps_its_own_column(alice, pipeline, stages):
    other = StageFactory(organization=alice.organization)
    DealFactory(organization=alice.organization, stage=other)

    columns = selectors.board(alice, pipeline[0], selectors.BoardFilter())

    assert sum(column.count for column in columns) == 0


def test_board_json_is_json(alice_client, alice, pipeline, stages):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])

    response = alice_client.post(
        reverse("deals:deal-move", args=[deal.pk]),
        {"stage": stages["New"].pk},
        HTTP_ACCEPT="application/json",
    )

    assert json.loads(response.content)["stage"] == stages["New"].pk
