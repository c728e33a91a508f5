import datetime
from decimal import Decimal

from django.urls import reverse

from kliento.deals.models import Deal, Pipeline, Stage, StageChange
from tests.catalog.factories import ExchangeRateFactory, ProductFactory
from tests.customers.factories import CompanyFactory, ContactFactory
from tests.deals.factories import DealFactory, DealLineFactory, StageChangeFactory


def test_a_deal_is_added_from_its_form(alice_client, alice, stages):
    company = CompanyFactory(organization=alice.organization, name="Northwind")

    response = alice_client.post(
        reverse("deals:deal-create"),
        {
            "title": "Fit-out",
            "amount": "1200",
            "currency": "USD",
            "stage": stages["Proposal"].pk,
            "company": company.pk,
            "owner": alice.user_id,
        },
    )

    deal = Deal.objects.get()
    assert response.status_code == 302
    assert (deal.stage, deal.company, deal.amount_base) == (stages["Proposal"], company, Decimal("1200"))


def test_a_currency_without_a_rate_is_shown_on_its_field(alice_client, alice, stages):
    response = alice_client.post(
        reverse("deals:deal-create"), {"title": "Fit-out", "amount": "10", "currency": "GBP"}
    )

    assert response.status_code == 400
    assert 'data-testid="error-currency"' in response.content.decode()
    assert Deal.objects.exists() is False


def test_the_deal_card_shows_stage_history_lines_and_both_amounts(alice_client, alice, stages):
    ExchangeRateFactory(
        organization=alice.organization,
        currency="EUR",
        rate=Decimal("1.1"),
        valid_from=datetime.date(2020, 1, 1),
    )
    deal = DealFactory(
        organization=alice.organization,
        stage=stages["Proposal"],
        amount=Decimal("1000"),
        currency="EUR",
        rate=Decimal("1.1"),
    )
    DealLineFactory(
        organization=alice.organization,
        deal=deal,
        product=ProductFactory(organization=alice.organization, name="Desk"),
    )
    StageChangeFactory(
        organization=alice.organization,
        deal=deal,
        from_stage=stages["New"],
        to_stage=stages["Proposal"],
        created_by=alice.user,
    )

    page = alice_client.get(reverse("deals:deal-detail", args=[deal.pk])).content.decode()

    assert "€1,000.00" in page
    assert "$1,100.00" in page
    assert 'data-testid="stage-change"' in page
    assert "Desk" in page


def test_the_deal_card_runs_a_fixed_number_of_queries(
    alice_client, alice, stages, django_assert_max_num_queries
):
    deal = DealFactory(organization=alice.organization, stage=stages["Proposal"])
    for _ in range(3):
        DealLineFactory(organization=alice.organization, deal=deal)
        StageChangeFactory(organization=alice.organization, deal=deal, created_by=alice.user)
    url = reverse("deals:deal-detail", args=[deal.pk])
    alice_client.get(url)

    with django_assert_max_num_queries(26):
        alice_client.get(url)


def test_the_deal_list_runs_a_fixed_number_of_queries(
    alice_client, alice, stages, django_assert_max_num_queries
):
    for _ in range(30):
        DealFactory(
            organization=alice.organization,
            stage=stages["New"],
            company=CompanyFactory(organization=alice.organization),
        )
    url = reverse("deals:deal-list")
    alice_client.get(url)

    with django_assert_max_num_queries(16):
        response = alice_client.get(url)
    assert response.status_code == 200


def test_a_contacts_card_shows_their_deals_with_open_and_won_totals(alice_client, alice, stages):
    contact = ContactFactory(organization=alice.organization)
    DealFactory(
        organization=alice.organization,
        contact=contact,
        stage=stages["New"],
        amount=Decimal("100"),
        title="Open one",
    )
    DealFactory(
        organization=alice.organization,
        contact=contact,
        stage=stages["Won"],
        amount=Decimal("250"),
        title="Won one",
    )

    page = alice_client.get(reverse("customers:contact-detail", args=[contact.pk])).content.decode()

    assert 'data-testid="panel-deals"' in page
    assert "$100.00" in page and "$250.00" in page
    assert "Open one" in page


def test_a_companys_card_counts_only_deals_the_member_sees(alice_client, alice, stages):
    company = CompanyFactory(organization=alice.organization)
    DealFactory(organization=alice.organization, company=company, stage=stages["Won"], amount=Decimal("70"))

    page = alice_client.get(reverse("customers:company-detail", args=[company.pk])).content.decode()

    assert "$70.00" in page


def test_won_from_the_card(alice_client, alice, stages):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])

    alice_client.post(reverse("deals:deal-won", args=[deal.pk]))

    assert Deal.objects.get().stage == stages["Won"]
    assert StageChange.objects.get().to_stage == stages["Won"]


def test_pipelines_and_stages_are_set_up_on_their_settings_pages(alice_client, alice):
    alice_client.post(reverse("deals:pipeline-edit", args=[0]), {"name": "Sales"})
    pipeline = Pipeline.objects.get()
    alice_client.post(
        reverse("deals:stage-edit", args=[pipeline.pk, 0]),
        {"name": "New", "kind": "open", "probability": "10", "stale_after_days": "7"},
    )

    assert pipeline.is_default
    assert Stage.objects.get().stale_after_days == 7
    assert "New" in alice_client.get(reverse("deals:pipeline-list")).content.decode()


def test_a_bad_probability_is_shown_on_its_field(alice_client, alice, pipeline):
    response = alice_client.post(
        reverse("deals:stage-edit", args=[pipeline[0].pk, 0]),
        {"name": "X", "kind": "open", "probability": "150"},
    )

    assert response.status_code == 400
    assert 'data-testid="error-probability"' in response.content.decode()


def test_lost_reasons_are_added_on_their_page(alice_client, alice):
    alice_client.post(reverse("deals:lost-reasons"), {"name": "Price"})

    assert "Price" in alice_client.get(reverse("deals:lost-reasons")).content.decode()


def test_a_salesperson_cannot_open_the_pipeline_settings(bob_client, bob):
    assert bob_client.get(reverse("deals:pipeline-list")).status_code == 403


def test_the_board_index_opens_the_default_pipeline(alice_client, alice, pipeline):
    response = alice_client.get(reverse("deals:board-index"))

    assert response["Location"] == reverse("deals:board", args=[pipeline[0].pk])


def test_deals_are_found_by_the_global_search(alice_client, alice, stages):
    DealFactory(organization=alice.organization, stage=stages["New"], title="Warehouse racking")

    assert "Warehouse racking" in alice_client.get(reverse("core:search"), {"q": "racking"}).content.decode()


def test_a_trashed_deal_is_restored(alice_client, alice, stages):
    deal = DealFactory(organization=alice.organization, stage=stages["New"])
    alice_client.post(reverse("deals:deal-delete", args=[deal.pk]))
    assert Deal.objects.exists() is False

    alice_client.post(reverse("core:trash-restore", args=["deals.deal", deal.pk]))

    assert Deal.objects.get().pk == deal.pk


def test_a_salesperson_sees_only_own_deals_when_visibility_is_limited(bob_client, alice, bob, stages):
    from kliento.core.models import Organization

    Organization.objects.filter(pk=alice.organization_id).update(record_visibility="own_and_team")
    theirs = DealFactory(organization=alice.organization, stage=stages["New"], owner=alice.user)

    assert bob_client.get(reverse("deals:deal-detail", args=[theirs.pk])).status_code == 404
    assert (
        "Deal"
        not in bob_client.get(reverse("deals:board", args=[stages["New"].pipeline_id]))
        .content.decode()
        .split("board-card")[-1]
    )


def test_the_demo_step_fills_deals_in_every_stage(alice):
    import random

    from kliento.catalog.demo import fill_catalog
    from kliento.core.records.bulk import BulkWriter
    from kliento.deals.demo import fill_deals

    CompanyFactory(organization=alice.organization)
    ContactFactory(organization=alice.organization)
    with BulkWriter() as writer:
        fill_catalog(alice.organization, {"products": 25}, random.Random(1), writer)
        outcome = fill_deals(alice.organization, {"deals": 200}, random.Random(1), writer)
        again = fill_deals(alice.organization, {"deals": 200}, random.Random(1), writer)

    assert (outcome.added, again.added) == ({"deals": 200}, {"deals": 0})
    sales = Pipeline.objects.get(name="Sales")
    assert set(Deal.objects.filter(pipeline=sales).values_list("stage__name", flat=True)) == {
        "New",
        "Qualified",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    }
    assert set(Deal.objects.values_list("currency", flat=True)) == {"USD", "EUR", "GBP"}
    assert Deal.objects.filter(status="lost", lost_reason=None).exists() is False
    assert StageChange.objects.filter(from_stage=None).count() == 200
