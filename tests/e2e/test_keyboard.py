"""The keyboard alone: sorting a list, "Show 50 more", changing a stage, switching a card's tabs with
the arrow keys, Enter in a form and an empty submit all keep focus where the person works, and
nothing is lost."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kliento.customers import services
from kliento.customers.models import Contact
from tests.e2e.conftest import LONG_EMAIL
from tests.e2e.test_accessibility import open_context, settle, sign_in_any_language

pytestmark = pytest.mark.e2e

TIMEOUT = 5_000  # milliseconds
ACTIVE = "() => document.activeElement && document.activeElement.outerHTML.slice(0, 160)"


@pytest.fixture
def keyboard_page(browser, server_url, alice, records):
    context = open_context(browser, server_url, "en")
    page = context.new_page()
    sign_in_any_language(page, server_url)
    yield page
    context.close()


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement.matches(selector)", selector)


def test_sorting_a_list_with_the_keyboard_keeps_focus_on_the_sort_link(keyboard_page: Page, server_url):
    page = keyboard_page
    page.goto(server_url + "/contacts/")
    expect(page.locator("thead th.list-name")).to_have_attribute("aria-sort", "ascending", timeout=TIMEOUT)
    page.locator("thead th.list-name a.list-sort").focus()

    page.keyboard.press("Enter")

    expect(page.locator("thead th.list-name")).to_have_attribute("aria-sort", "descending", timeout=TIMEOUT)
    settle(page)
    assert focused(page, "thead th.list-name a.list-sort"), page.evaluate(ACTIVE)


def test_show_more_with_the_keyboard_keeps_focus_in_the_list(keyboard_page: Page, server_url, alice):
    for number in range(50):
        services.create_contact(member=alice, data={"first_name": f"Zed {number:02}", "last_name": "Extra"})
    page = keyboard_page
    page.goto(server_url + "/contacts/")
    rows = page.get_by_test_id("list-row")
    expect(rows).to_have_count(50, timeout=TIMEOUT)
    page.get_by_test_id("list-next").focus()

    page.keyboard.press("Enter")

    expect(rows).to_have_count(Contact.objects.count(), timeout=TIMEOUT)
    settle(page)
    assert focused(page, "#list-rows a"), page.evaluate(ACTIVE)


def test_changing_the_stage_with_the_keyboard_keeps_focus_on_the_form(
    keyboard_page: Page, server_url, records
):
    page = keyboard_page
    page.goto(f"{server_url}/contacts/{records['contact'].pk}/")
    lifecycle = page.get_by_test_id("panel-lifecycle")
    lifecycle.get_by_label("Move to").select_option(label="Loyal customer")
    lifecycle.get_by_role("button", name="Change stage").focus()

    page.keyboard.press("Enter")

    expect(page.get_by_test_id("stage-badge")).to_have_text("Loyal customer", timeout=TIMEOUT)
    settle(page)
    assert focused(page, "#lifecycle-panel button[type=submit]"), page.evaluate(ACTIVE)


def test_arrow_right_to_the_history_tab_shows_the_history(keyboard_page: Page, server_url, records):
    page = keyboard_page
    page.goto(f"{server_url}/contacts/{records['contact'].pk}/")
    page.get_by_role("tab", name="Overview").focus()

    page.keyboard.press("ArrowRight")

    expect(page.get_by_role("tab", name="History")).to_have_attribute(
        "aria-selected", "true", timeout=TIMEOUT
    )
    expect(page.get_by_test_id("history")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#history-body")).not_to_contain_text("Loading the history", timeout=TIMEOUT)


def test_enter_in_a_name_field_saves_the_contact_and_keeps_both_emails(
    keyboard_page: Page, server_url, records
):
    page = keyboard_page
    contact = records["contact"]
    page.goto(f"{server_url}/contacts/{contact.pk}/edit/")
    page.get_by_label("First name").fill("Laila")

    page.get_by_label("First name").press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("was saved", timeout=TIMEOUT)
    contact.refresh_from_db()
    assert contact.first_name == "Laila"
    assert sorted(contact.emails.values_list("email", flat=True)) == sorted(
        [LONG_EMAIL, "layla@home.example"]
    )


def test_an_empty_submit_focuses_the_error_summary_and_marks_the_field_visibly(
    keyboard_page: Page, server_url
):
    page = keyboard_page
    page.goto(server_url + "/companies/new/")
    page.get_by_role("button", name="Add the company").focus()

    page.keyboard.press("Enter")

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible(timeout=TIMEOUT)
    assert focused(page, "[data-error-summary]"), page.evaluate(ACTIVE)
    name = page.locator("#id_name")
    expect(name).to_have_class(re.compile(r"\bis-invalid\b"), timeout=TIMEOUT)
    expect(name).to_have_attribute("aria-describedby", "id_name_error", timeout=TIMEOUT)
    expect(page.locator("#id_name_error")).to_be_visible(timeout=TIMEOUT)
    # The summary's link takes focus to the field.
    summary.get_by_role("link").first.click()
    assert focused(page, "#id_name"), page.evaluate(ACTIVE)


def test_a_long_email_on_the_card_fills_its_first_line_rather_than_breaking_at_a_hyphen(
    browser, server_url, alice, records
):
    context = open_context(browser, server_url, "en", 390, 844)
    page = context.new_page()
    sign_in_any_language(page, server_url)
    page.goto(f"{server_url}/contacts/{records['contact'].pk}/")
    email = page.get_by_test_id("contact-email").first

    lines = email.evaluate(
        """(link) => {
            const range = document.createRange();
            range.selectNodeContents(link);
            return [...range.getClientRects()].map((box) => box.width);
        }"""
    )
    available = email.evaluate("(link) => link.parentElement.getBoundingClientRect().width")
    context.close()
    assert len(lines) >= 2
    assert lines[0] >= 0.85 * available


CONTRAST = """(element) => {
    const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const luminance = (value) => {
        const [r, g, b] = rgb(value).map((channel) => {
            const c = channel / 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const style = getComputedStyle(element);
    const page = getComputedStyle(document.body).backgroundColor;
    const [a, b] = [luminance(style.outlineColor), luminance(page)];
    return {width: parseFloat(style.outlineWidth), style: style.outlineStyle,
            ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


@pytest.mark.parametrize("selector", ["#main-nav a.nav-link", "#global-search", "a.list-sort"])
def test_the_focus_indicator_is_a_solid_ring_of_at_least_3_to_1(keyboard_page: Page, server_url, selector):
    page = keyboard_page
    page.goto(server_url + "/contacts/")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    page.locator(selector).first.focus()

    ring = page.locator(selector).first.evaluate(CONTRAST)

    assert ring["style"] == "solid" and ring["width"] >= 2
    assert ring["ratio"] >= 3, ring
