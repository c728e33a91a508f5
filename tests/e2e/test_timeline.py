"""The timeline in a real browser: a call logged from a contact's card in two clicks shows on its
timeline, and a note with a mention."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kliento.activities.models import Call, Mention
from tests.e2e.test_customers import TIMEOUT, signed_in_as_alice

pytestmark = pytest.mark.e2e


def test_a_call_logged_from_a_card_shows_on_its_timeline(page: Page, server_url: str, alice, records):
    contact = records["contact"]
    signed_in_as_alice(page, server_url)
    page.goto(f"{server_url}/contacts/{contact.pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Created as", timeout=TIMEOUT)

    page.get_by_test_id("call-open").click()
    page.get_by_test_id("call-save").click()

    expect(timeline.get_by_test_id("call-facts").first).to_contain_text("Answered", timeout=TIMEOUT)
    call = Call.objects.get()
    assert (call.outcome, call.direction, call.activity.subject_id) == ("answered", "outbound", contact.pk)


def test_a_note_mentioning_a_colleague_shows_on_the_timeline(
    page: Page, server_url: str, alice, bob, records
):
    contact = records["contact"]
    signed_in_as_alice(page, server_url)
    page.goto(f"{server_url}/contacts/{contact.pk}/")

    page.get_by_test_id("note-open").click()
    page.get_by_role("textbox", name="Note", exact=True).fill("Please prepare the offer @Bo")
    page.locator("label[for^=mention-]").first.click(timeout=TIMEOUT)
    page.get_by_test_id("note-save").click()

    entries = page.get_by_test_id("timeline-entries")
    expect(entries).to_contain_text("Please prepare the offer", timeout=TIMEOUT)
    assert Mention.objects.get().user_id == bob.user_id
