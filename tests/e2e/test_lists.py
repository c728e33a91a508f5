"""The contact list on a phone's width: "Show 50 more" within reach in English and Arabic."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import PASSWORD
from tests.customers.factories import ContactFactory
from tests.e2e.test_browser import sign_in

pytestmark = pytest.mark.e2e

TIMEOUT = 5_000  # milliseconds
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_show_50_more_is_on_screen_at_a_phones_width(browser: Browser, server_url: str, alice, language):
    alice.user.language = language
    alice.user.save()
    for number in range(51):
        ContactFactory(
            organization=alice.organization,
            owner=alice.user,
            first_name=f"Ada{number:02}",
            last_name="Lovelace",
            email=f"ada.lovelace.{number:02}@analytical-engine.example",
        )
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    try:
        sign_in(page, server_url, "alice@acme.test", PASSWORD)
        page.goto(f"{server_url}/contacts/")
        more = page.get_by_test_id("list-next")
        expect(more).to_be_attached(timeout=TIMEOUT)
        # Down the page as a thumb would; the table itself is not scrolled sideways.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        box = more.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box

        more.click()
        expect(page.get_by_test_id("list-row")).to_have_count(51, timeout=TIMEOUT)
    finally:
        context.close()
