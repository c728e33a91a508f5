"""Stored text in a real browser: an htmx element stored in a contact's notes stays text when the
owner opens the card, and our own htmx controls around stored text (inline editing, the history
tab, "Show 50 more") keep working."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page, expect

from kliento.core.models import Membership
from kliento.core.permissions import Role
from kliento.customers import services
from tests.conftest import PASSWORD
from tests.customers.factories import ContactFactory
from tests.e2e.test_browser import record_problems, sign_in
from tests.e2e.test_customers import TIMEOUT, signed_in_as_alice

pytestmark = pytest.mark.e2e


def role_change_payload(membership: Membership) -> str:
    """What the attack stores: an element htmx would post on load, with the viewer's CSRF header."""
    return (
        f'<div hx-post="/settings/members/{membership.pk}/role/" hx-vals=\'{{"role": "admin"}}\' '
        'hx-trigger="load" hx-swap="none"></div>'
    )


def test_an_htmx_element_a_salesperson_stores_in_notes_does_not_make_them_admin_when_the_owner_opens_the_card(
    browser: Browser, page: Page, server_url: str, alice, bob
):
    # Bob, a salesperson, signs in and stores the payload through the API with his session.
    bob_context = browser.new_context()
    bob_page = bob_context.new_page()
    sign_in(bob_page, server_url, "bob@acme.test", PASSWORD)
    expect(bob_page.get_by_test_id("user-menu")).to_be_visible(timeout=TIMEOUT)
    csrf_token = next(cookie["value"] for cookie in bob_context.cookies() if cookie["name"] == "csrftoken")
    payload = role_change_payload(bob)
    response = bob_context.request.post(
        f"{server_url}/api/v1/contacts",
        data=json.dumps({"first_name": "Trojan", "last_name": "Horse", "description": payload}),
        headers={"Content-Type": "application/json", "X-CSRFToken": csrf_token},
    )
    assert response.status == 201, response.text()
    contact_id = response.json()["id"]
    bob_context.close()
    problems = record_problems(page)
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    # Alice, the owner, opens the card.
    signed_in_as_alice(page, server_url)
    page.goto(f"{server_url}/contacts/{contact_id}/")
    page.wait_for_load_state("networkidle", timeout=TIMEOUT)

    assert [url for url in posts if "/role/" in url] == []
    assert Membership.objects.get(pk=bob.pk).role == Role.SALESPERSON
    # The notes are on the card, as text.
    expect(page.get_by_test_id("field-contact-description")).to_contain_text(
        'hx-trigger="load"', timeout=TIMEOUT
    )
    assert problems == [], "\n".join(problems)


def test_notes_holding_markup_are_edited_in_place_and_keep_their_line_breaks(
    page: Page, server_url: str, alice
):
    contact = services.create_contact(
        member=alice, data={"first_name": "Ada", "last_name": "Lovelace", "description": "<b>bold</b>"}
    )
    problems = record_problems(page)
    signed_in_as_alice(page, server_url)
    page.goto(f"{server_url}/contacts/{contact.pk}/")
    notes = page.get_by_test_id("field-contact-description")
    expect(notes).to_contain_text("<b>bold</b>", timeout=TIMEOUT)

    notes.locator(".inline-value").click()  # clicking the stored text itself opens the editor
    editor = page.locator("form#field-contact-description")
    editor.locator("textarea").fill("First line <i>\nSecond line")
    editor.get_by_role("button", name="Save").click()

    shown = page.locator("div#field-contact-description .inline-value")
    expect(shown).to_have_text("First line <i>\nSecond line", timeout=TIMEOUT)
    assert shown.evaluate("element => element.getBoundingClientRect().height") > 30  # two lines
    page.get_by_test_id("history-tab").click()
    expect(page.get_by_test_id("history")).to_contain_text("First line <i>", timeout=TIMEOUT)
    assert problems == [], "\n".join(problems)


def test_show_50_more_adds_rows_of_stored_markup_as_text(page: Page, server_url: str, alice):
    for index in range(55):
        ContactFactory(organization=alice.organization, first_name=f"<i>{index:02d}</i>", last_name="Zed")
    problems = record_problems(page)
    signed_in_as_alice(page, server_url)
    page.goto(f"{server_url}/contacts/?sort=name")
    rows = page.get_by_test_id("list-row")
    expect(rows).to_have_count(50, timeout=TIMEOUT)

    page.get_by_test_id("list-next").click()

    expect(rows).to_have_count(55, timeout=TIMEOUT)
    expect(rows.last).to_contain_text("<i>54</i> Zed", timeout=TIMEOUT)
    assert rows.locator("i").count() == 0
    assert problems == [], "\n".join(problems)
