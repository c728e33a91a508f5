"""Every page and fragment in English and Arabic passes axe-core's WCAG 2.2 AA rules, and the pages
keep to the screen at a desktop's and a phone's width: the top bar on one row, nothing wider than
the window, lists shown as cards on a phone."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PASSWORD
from tests.e2e.accessibility import add_axe, violations

pytestmark = pytest.mark.e2e

TIMEOUT = 5_000  # milliseconds
LANGUAGES = ["en", "ar"]


def open_context(browser: Browser, server_url: str, language: str, width: int = 1280, height: int = 800):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    context.add_cookies([{"name": "kliento_language", "value": language, "url": server_url}])
    add_axe(context)
    return context


@pytest.fixture
def signed_in(browser: Browser, server_url: str, alice, records) -> Iterator[Callable[[str], Page]]:
    contexts = []

    def open_page(language: str) -> Page:
        context = open_context(browser, server_url, language)
        contexts.append(context)
        page = context.new_page()
        sign_in_any_language(page, server_url)
        expect(page.locator("html")).to_have_attribute("lang", language, timeout=TIMEOUT)
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in_any_language(page: Page, server_url: str) -> None:
    page.goto(server_url + "/accounts/login/")
    page.locator("input[name=email]").fill("alice@acme.test")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.get_by_test_id("organization-menu")).to_be_attached(timeout=TIMEOUT)


def settle(page: Page) -> None:
    page.wait_for_load_state("networkidle", timeout=TIMEOUT)
    page.wait_for_timeout(200)  # Bootstrap's fades (tabs, dropdowns) end


def visit(page: Page, url: str) -> None:
    page.goto(url)
    settle(page)


def show_history(page: Page) -> None:
    page.get_by_test_id("history-tab").click()
    expect(page.get_by_test_id("history")).to_be_visible(timeout=TIMEOUT)
    settle(page)


def submit_empty(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]:visible").last.click()
    settle(page)


def edit_inline(page: Page) -> None:
    page.locator("[data-testid=panel-profile] .inline-value.is-editable").first.click()
    expect(page.locator("form[data-inline-edit]")).to_have_count(1, timeout=TIMEOUT)
    settle(page)


def open_composers(page: Page) -> None:
    page.get_by_test_id("call-open").click()
    page.get_by_test_id("note-open").click()
    expect(page.get_by_test_id("note-form")).to_be_visible(timeout=TIMEOUT)
    settle(page)


def global_search(page: Page) -> None:
    page.locator("#global-search").press_sequentially("lay")
    expect(page.get_by_test_id("search-hit").first).to_be_visible(timeout=TIMEOUT)
    settle(page)


def command_palette(page: Page) -> None:
    page.keyboard.press("Control+k")
    page.locator("#palette-input").press_sequentially("la")
    expect(page.locator("[data-palette-option][aria-selected=true]")).to_be_visible(timeout=TIMEOUT)
    settle(page)


def open_filters(page: Page) -> None:
    page.locator("#list-filters, [data-list-filters]").first.wait_for(state="attached", timeout=TIMEOUT)
    settle(page)


# (name, path, then what to do on the page before checking it)
PAGES: list[tuple[str, str, Callable[[Page], None] | None]] = [
    ("home", "/", None),
    ("contact-list", "/contacts/", open_filters),
    ("company-list", "/companies/", None),
    ("contact-card", "/contacts/{contact}/", None),
    ("contact-card-history", "/contacts/{contact}/", show_history),
    ("contact-card-inline-edit", "/contacts/{contact}/", edit_inline),
    ("contact-card-timeline-composers", "/contacts/{contact}/", open_composers),
    ("company-card", "/companies/{company}/", None),
    ("company-card-history", "/companies/{company}/", show_history),
    ("contact-new", "/contacts/new/", None),
    ("contact-new-invalid", "/contacts/new/", submit_empty),
    ("contact-edit", "/contacts/{contact}/edit/", None),
    ("company-new-invalid", "/companies/new/", submit_empty),
    ("search", "/search/?q=lay", None),
    ("global-search", "/", global_search),
    ("command-palette", "/", command_palette),
    ("search-one-kind", "/search/?q=lay&kind=contact", None),
    ("organization-settings", "/settings/organization/", None),
    ("members", "/settings/members/", None),
    ("teams", "/settings/teams/", None),
    ("api-keys", "/settings/api-keys/", None),
    ("custom-fields", "/settings/custom-fields/", None),
    ("custom-field-new-invalid", "/settings/custom-fields/0/", submit_empty),
    ("audit-log", "/settings/audit/", None),
    ("calls", "/calls/", None),
    ("telephony-settings", "/settings/telephony/", None),
    ("trash", "/trash/", None),
    ("profile", "/accounts/profile/", None),
    ("password-change-invalid", "/accounts/password/", submit_empty),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_and_fragment_has_no_wcag_22_aa_violations(signed_in, server_url, records, language):
    # One signed-in page walks them all (a browser, a server and a sign-in per page would take
    # minutes); each violation names its page.
    page = signed_in(language)
    found = []
    for name, path, action in PAGES:
        visit(page, server_url + path.format(contact=records["contact"].pk, company=records["company"].pk))
        if action is not None:
            action(page)
            settle(page)  # an opened tab or menu fades in: measured mid-fade, its text blends with the page
        found += [f"[{name}] {violation}" for violation in violations(page)]

    assert found == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_has_no_wcag_22_aa_violations(browser, server_url, alice, language):
    context = open_context(browser, server_url, language)
    page = context.new_page()
    visit(page, server_url + "/accounts/login/")
    page.locator("input[name=email]").fill("alice@acme.test")
    page.locator("input[name=password]").fill("wrong")
    page.locator("main button[type=submit]").click()
    settle(page)

    found = violations(page)
    context.close()
    assert found == []


def test_the_contrast_check_covers_arabic_text(browser):
    context = browser.new_context()
    add_axe(context)
    page = context.new_page()
    grey = "".join(f'<p style="color:#aaa">هذا نص عربي {number} للتجربة</p>' for number in range(4))
    page.set_content(
        f'<html lang="ar" dir="rtl"><head><title>t</title></head><body><main>{grey}</main></body></html>'
    )

    found = violations(page)
    context.close()
    assert len([line for line in found if "color-contrast" in line]) == 4
