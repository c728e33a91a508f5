"""What the shared isolation check cannot send: JSON POSTs, another organization's deal, and the
line price of another organization's product."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.orders.models import Order, Quote, QuoteStatus
from tests.catalog.factories import ProductPriceFactory
from tests.deals.factories import DealFactory, DealLineFactory
from tests.orders.factories import QuoteFactory


@pytest.fixture
def api(alice) -> Client:
    raw = create_api_key(name="Owner key", role=Role.OWNER, member=alice)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_another_organizations_quote_cannot_change_status_through_the_api(api, olga):
    theirs = QuoteFactory(organization=olga.organization)

    response = _post(api, f"/api/v1/quotes/{theirs.pk}/status", {"status": "sent"})

    assert response.status_code == 404
    assert Quote.unscoped.get(pk=theirs.pk).status == QuoteStatus.DRAFT


def test_another_organizations_accepted_quote_gives_no_order(api, olga):
    theirs = QuoteFactory(organization=olga.organization, status=QuoteStatus.ACCEPTED)

    response = _post(api, f"/api/v1/quotes/{theirs.pk}/order", {})

    assert response.status_code == 404
    assert Order.unscoped.exists() is False


def test_another_organizations_deal_gives_no_quote_through_the_api(api, olga):
    line = DealLineFactory(organization=olga.organization)

    response = _post(api, f"/api/v1/deals/{line.deal_id}/quote", {})

    assert response.status_code == 404
    assert Quote.unscoped.exists() is False


def test_another_organizations_deal_gives_no_quote_from_its_card(alice_client, olga):
    line = DealLineFactory(organization=olga.organization)

    response = alice_client.post(reverse("orders:quote-from-deal", args=[line.deal_id]))

    assert response.status_code == 404
    assert Quote.unscoped.exists() is False


def test_another_organizations_quotes_are_not_listed(api, alice, olga):
    QuoteFactory(organization=olga.organization, number=9)

    assert api.get("/api/v1/quotes").json()["items"] == []


def test_the_list_page_filtered_by_another_organizations_deal_shows_nothing(alice_client, olga):
    deal = DealFactory(organization=olga.organization)
    QuoteFactory(organization=olga.organization, deal=deal, number=77)

    html = alice_client.get(reverse("orders:quote-list") + f"?deal={deal.pk}").content.decode()

    assert "Q-77" not in html


def test_another_organizations_product_price_is_not_revealed(alice_client, alice, olga):
    price = ProductPriceFactory(organization=olga.organization, currency="USD", amount=Decimal("123.45"))

    response = alice_client.get(
        reverse("orders:quote-line-price") + f"?index=0&lines-0-product={price.product_id}&currency=USD"
    )

    assert "123.45" not in response.content.decode()


def test_the_global_search_never_finds_another_organizations_quote(alice_client, olga):
    theirs = QuoteFactory(organization=olga.organization, number=555)

    html = alice_client.get(reverse("core:search") + "?q=555").content.decode()

    assert reverse("orders:quote-detail", args=[theirs.pk]) not in html
