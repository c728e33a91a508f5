"""The lead pages in a real browser: every page and fragment passes axe-core's WCAG 2.2 AA rules in
English and Arabic, and a lead is qualified and converted from its card."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kliento.leads import services, webforms
from tests.e2e.accessibility import violations
from tests.e2e.test_accessibility import (
    LANGUAGES,
    TIMEOUT,
    open_context,
    settle,
    show_history,
    sign_in_any_language,
    submit_empty,
    visit,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def lead_pages(browser, server_url, alice):
    contexts = []

    def open_page(language: str):
        context = open_context(browser, server_url, language)
        contexts.append(context)
        page = context.new_page()
        sign_in_any_language(page, server_url)
        expect(page.locator("html")).to_have_attribute("lang", language, timeout=TIMEOUT)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def leads(alice):
    services.add_disqualify_reason(member=alice, label="No budget")
    web_form = webforms.enable_web_form(member=alice)
    waiting = services.create_lead(
        member=alice,
        data={
            "name": "Layla Haddad",
            "company_name": "Haddad Trading",
            "email": "layla@example.com",
            "message": "Please send a quote\nfor twenty seats.",
            "source": "web_form",
            "last_touch": {"source": "google", "campaign": "spring"},
        },
    )
    qualified = services.create_lead(member=alice, data={"name": "Omar Aziz", "company_name": "Aziz Ltd"})
    services.qualify_lead(lead=qualified, member=alice)
    return {"waiting": waiting, "qualified": qualified, "token": web_form.token}


PAGES = [
    ("lead-inbox", "/leads/", None),
    ("lead-card", "/leads/{waiting}/", None),
    ("lead-card-history", "/leads/{waiting}/", show_history),
    ("lead-card-qualified", "/leads/{qualified}/", None),
    ("lead-new-invalid", "/leads/new/", submit_empty),
    ("lead-settings", "/settings/leads/", None),
    ("public-lead-form", "/forms/lead/{token}/", None),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_lead_page_has_no_wcag_22_aa_violations(lead_pages, server_url, leads, language):
    page = lead_pages(language)
    found = []
    for name, path, action in PAGES:
        visit(
            page,
            server_url
            + path.format(waiting=leads["waiting"].pk, qualified=leads["qualified"].pk, token=leads["token"]),
        )
        if action is not None:
            action(page)
            settle(page)
        found += [f"[{name}] {violation}" for violation in violations(page)]

    assert found == []


def test_converting_a_qualified_lead_opens_the_new_contact_with_where_it_came_from(
    lead_pages, server_url, leads
):
    page = lead_pages("en")
    visit(page, f"{server_url}/leads/{leads['qualified'].pk}/")

    page.get_by_test_id("lead-convert").click()

    expect(page.get_by_test_id("came-from-lead")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("came-from-lead")).to_contain_text("Omar Aziz")
