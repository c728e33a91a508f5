"""The pages keep to the screen at a desktop's and a phone's width, in English and Arabic: the top
bar on one row at 1280 pixels and on a phone (where the menu is behind the bottom bar's button),
nothing wider than the window, and lists (and the members table) shown as one card per row on a
phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_accessibility import LANGUAGES, open_context, settle, sign_in_any_language

pytestmark = pytest.mark.e2e

TIMEOUT = 5_000  # milliseconds
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
PATHS = ["/", "/contacts/", "/companies/", "/contacts/{contact}/", "/settings/members/"]

OVERFLOW = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    wider: [...document.querySelectorAll("main *")]
        .filter((element) => {
            const box = element.getBoundingClientRect();
            return box.width > 0 && (box.right > window.innerWidth + 1 || box.left < -1);
        })
        .filter((element) => !element.closest(
            ".visually-hidden, .dropdown-menu, .collapse:not(.show), thead"))
        .slice(0, 5)
        .map((element) => element.outerHTML.slice(0, 120)),
})"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_list_card_and_members_pages_fit_the_window(
    browser: Browser,
    server_url,
    alice,
    records,
    language,
    viewport,
):
    # As long a name as the demo organization's, whose top bar was once 17 pixels too wide.
    alice.organization.name = "Demo Trading Co."
    alice.organization.save(update_fields=["name"])
    width, height = VIEWPORTS[viewport]
    context = open_context(browser, server_url, language, width=width, height=height)
    page = context.new_page()
    sign_in_any_language(page, server_url)
    problems = []
    for path in PATHS:
        page.goto(server_url + path.format(contact=records["contact"].pk))
        settle(page)
        measured = page.evaluate(OVERFLOW)
        if measured["scrollWidth"] > measured["innerWidth"] or measured["wider"]:
            problems.append(f"{path}: {measured}")
    context.close()
    assert problems == []


TOP_BAR_ITEMS = ", ".join(
    [
        ".app-topbar .topbar-brand",
        "#global-search",
        "[data-testid=palette-button]",
        ".app-topbar .dropdown-toggle",
    ]
)
ONE_ROW = """(selector) => {
    const boxes = [...document.querySelectorAll(selector)]
        .map((item) => item.getBoundingClientRect()).filter((box) => box.height > 0);
    const lowestTop = Math.max(...boxes.map((box) => box.top));
    return {rows: lowestTop < Math.min(...boxes.map((box) => box.bottom)) ? 1 : 2, items: boxes.length,
            right: Math.max(...boxes.map((box) => box.right))};
}"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_top_bar_is_one_row(browser: Browser, server_url, alice, language, viewport):
    alice.organization.name = "Demo Trading Co."
    alice.organization.save(update_fields=["name"])
    context = open_context(browser, server_url, language, *VIEWPORTS[viewport])
    page = context.new_page()
    sign_in_any_language(page, server_url)

    # One row: every item's top is above every item's bottom, and none is past the window.
    measured = page.evaluate(ONE_ROW, TOP_BAR_ITEMS)
    context.close()
    assert measured["rows"] == 1
    assert measured["items"] >= 4
    assert measured["right"] <= VIEWPORTS[viewport][0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_phone_gets_the_menu_behind_the_bottom_bar_and_lists_as_cards(
    browser: Browser,
    server_url,
    alice,
    records,
    language,
):
    context = open_context(browser, server_url, language, *VIEWPORTS["phone"])
    page = context.new_page()
    sign_in_any_language(page, server_url)
    menu = page.get_by_test_id("bottombar-menu")
    expect(menu).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#main-nav")).not_to_be_visible(timeout=TIMEOUT)
    menu.click()
    expect(page.locator("#main-nav")).to_be_visible(timeout=TIMEOUT)
    # Bootstrap's drawer takes focus once it has slid in; Escape then closes it.
    expect(page.locator("#app-sidebar")).to_be_focused(timeout=TIMEOUT)
    page.keyboard.press("Escape")
    expect(page.locator("#main-nav")).not_to_be_visible(timeout=TIMEOUT)

    page.goto(server_url + "/contacts/")
    settle(page)
    row = page.get_by_test_id("list-row").first
    cells = row.evaluate(
        """(row) => ({
            display: getComputedStyle(row).display,
            labelled: [...row.cells].filter((cell) => cell.dataset.label).length,
            width: row.getBoundingClientRect().width,
        })"""
    )
    context.close()
    assert cells["display"] != "table-row"
    assert cells["labelled"] >= 3
    assert cells["width"] <= VIEWPORTS["phone"][0]
