"""An order in a real browser: two lines entered in the lines editor (the first priced from the
catalogue when its product is picked), saved, and its total on the card."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kliento.orders.models import Order
from tests.catalog.factories import ProductFactory, ProductPriceFactory
from tests.conftest import PASSWORD
from tests.customers.factories import ContactFactory
from tests.e2e.test_browser import record_problems, sign_in

pytestmark = pytest.mark.e2e

TIMEOUT = 10_000  # milliseconds


def test_an_order_with_two_lines_is_saved_and_its_total_is_on_the_card(page: Page, server_url: str, alice):
    organization = alice.organization
    contact = ContactFactory(organization=organization, first_name="Dana", last_name="Ng", owner=alice.user)
    chair = ProductFactory(organization=organization, name="Chair", sku="CH-1")
    ProductPriceFactory(organization=organization, product=chair, currency="USD", amount=Decimal("80"))
    desk = ProductFactory(organization=organization, name="Desk", sku="DK-1")
    problems = record_problems(page)
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    page.goto(f"{server_url}/orders/new/?contact={contact.pk}")

    with page.expect_response(lambda response: "/orders/new/" in response.url, timeout=TIMEOUT):
        page.locator("#lines-0-product").select_option(str(chair.pk))
    expect(page.locator("#lines-0-unit_price")).to_have_value("80", timeout=TIMEOUT)
    page.locator("#lines-0-quantity").fill("2")
    page.get_by_test_id("line-add").click()
    expect(page.get_by_test_id("order-line-row")).to_have_count(2, timeout=TIMEOUT)
    with page.expect_response(lambda response: "/orders/new/" in response.url, timeout=TIMEOUT):
        page.locator("#lines-1-product").select_option(str(desk.pk))
    page.locator("#lines-1-quantity").fill("1")
    page.locator("#lines-1-unit_price").fill("100")
    expect(page.locator("#lines-0-quantity")).to_have_value("2")
    page.get_by_test_id("order-save").click()

    expect(page.get_by_test_id("order-total")).to_have_text("$260.00", timeout=TIMEOUT)
    expect(page.get_by_test_id("order-line")).to_have_count(2)
    order = Order.objects.get()
    assert (order.total, order.contact_id) == (Decimal("260"), contact.pk)
    assert problems == []
