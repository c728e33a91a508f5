"""A quote in a real browser: made from a deal's card, then opened as its print page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kliento.orders.models import Quote
from tests.catalog.factories import ProductFactory, ProductPriceFactory
from tests.conftest import PASSWORD
from tests.customers.factories import CompanyFactory
from tests.deals.factories import DealFactory, DealLineFactory, sales_pipeline
from tests.e2e.test_browser import record_problems, sign_in

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000  # milliseconds: the machine may be busy


@pytest.fixture
def deal(alice):
    organization = alice.organization
    _pipeline, stages = sales_pipeline(organization)
    company = CompanyFactory(organization=organization, name="Harbor Foods")
    chair = ProductFactory(organization=organization, name="Chair")
    ProductPriceFactory(organization=organization, product=chair, currency="USD", amount=Decimal("80"))
    deal = DealFactory(
        organization=organization,
        stage=stages["New"],
        title="Office chairs",
        company=company,
        owner=alice.user,
    )
    DealLineFactory(
        organization=organization, deal=deal, product=chair, quantity=Decimal("12.5"), unit_price=Decimal(80)
    )
    return deal


def test_a_quote_made_from_a_deal_opens_as_its_print_page(page: Page, server_url: str, alice, deal):
    page.set_default_timeout(TIMEOUT)
    problems = record_problems(page)
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    page.goto(f"{server_url}/deals/{deal.pk}/")

    page.get_by_test_id("quote-from-deal").click()

    expect(page.get_by_test_id("quote-number")).to_have_text("Quote Q-1")
    expect(page.get_by_test_id("quote-total")).to_have_text("$1,000.00")
    quote = Quote.objects.get()
    assert quote.deal_id == deal.pk

    page.get_by_test_id("quote-print").click()

    expect(page.get_by_test_id("quote-number")).to_have_text("Q-1")
    expect(page.get_by_test_id("quote-customer")).to_have_text("Harbor Foods")
    expect(page.get_by_test_id("quote-total")).to_have_text("$1,000.00")
    assert page.url.endswith(f"/quotes/{quote.pk}/print/")
    assert problems == []
