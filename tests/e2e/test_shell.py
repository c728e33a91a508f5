"""The app shell in a real browser, in English and Arabic: the command palette (Ctrl-K, arrow keys,
Enter, Escape), the sidebar that collapses and stays collapsed, and the phone's bottom bar, each
checked by axe-core too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import violations
from tests.e2e.test_accessibility import LANGUAGES, open_context, settle, sign_in_any_language

pytestmark = pytest.mark.e2e

TIMEOUT = 5_000  # milliseconds
WIDE = (1600, 900)  # wide enough for the sidebar to be open by default
PHONE = (390, 844)


@pytest.fixture
def open_page(browser, server_url, alice, records):
    contexts = []

    def open_page(language: str, size: tuple[int, int] = (1280, 800)) -> Page:
        context = open_context(browser, server_url, language, *size)
        contexts.append(context)
        page = context.new_page()
        sign_in_any_language(page, server_url)
        return page

    yield open_page
    for context in contexts:
        context.close()


def open_palette(page: Page) -> None:
    page.keyboard.press("Control+k")
    expect(page.get_by_test_id("palette")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#palette-input")).to_be_focused(timeout=TIMEOUT)


@pytest.mark.parametrize("language", LANGUAGES)
def test_ctrl_k_finds_a_contact_and_enter_opens_its_card(open_page, server_url, records, language):
    page = open_page(language)
    settle(page)
    open_palette(page)
    expect(page.get_by_test_id("palette-command").first).to_be_visible(timeout=TIMEOUT)  # commands at once

    page.locator("#palette-input").press_sequentially("hadd")
    option = page.get_by_test_id("palette-option").first
    expect(option).to_contain_text("Layla Haddad", timeout=TIMEOUT)
    expect(option).to_have_attribute("aria-selected", "true", timeout=TIMEOUT)
    expect(page.locator("#palette-input")).to_have_attribute(
        "aria-activedescendant", option.get_attribute("id")
    )
    expect(page.locator("#palette-input")).to_have_attribute("aria-expanded", "true")
    settle(page)
    found = violations(page)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/contacts/{records['contact'].pk}/$"), timeout=TIMEOUT)
    assert found == []


def test_arrow_keys_choose_a_command_and_enter_runs_it(open_page, server_url):
    page = open_page("en")
    open_palette(page)
    page.locator("#palette-input").press_sequentially("compan")
    expect(page.get_by_test_id("palette-command").first).to_be_visible(timeout=TIMEOUT)
    settle(page)

    options = page.locator("[data-palette-option]")
    labels = [text.strip() for text in options.all_inner_texts()]
    target = next(index for index, label in enumerate(labels) if label == "Go to Companies")
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    expect(options.nth(target)).to_have_attribute("aria-selected", "true", timeout=TIMEOUT)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/companies/$"), timeout=TIMEOUT)


def test_escape_closes_the_palette_and_gives_focus_back(open_page):
    page = open_page("en")
    button = page.get_by_test_id("palette-button")
    button.focus()
    page.keyboard.press("Enter")  # the visible button opens it too
    expect(page.get_by_test_id("palette")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#palette-input")).to_be_focused(timeout=TIMEOUT)

    # Focus stays inside while it is open.
    for _ in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "() => document.getElementById('command-palette').contains(document.activeElement)"
        )
    page.keyboard.press("Escape")

    expect(page.get_by_test_id("palette")).not_to_be_visible(timeout=TIMEOUT)
    expect(button).to_be_focused(timeout=TIMEOUT)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sidebar_collapses_with_the_keyboard_and_stays_collapsed(open_page, server_url, language):
    page = open_page(language, WIDE)
    sidebar = page.get_by_test_id("sidebar")
    toggle = page.get_by_test_id("sidebar-toggle")
    wide = sidebar.bounding_box()["width"]
    expect(toggle).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT)

    toggle.focus()
    page.keyboard.press("Enter")

    expect(toggle).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    page.goto(server_url + "/companies/")
    settle(page)
    narrow = sidebar.bounding_box()["width"]
    assert narrow < wide / 2
    expect(page.get_by_test_id("sidebar-toggle")).to_have_attribute("aria-pressed", "true")
    # Each link keeps its name, shown as a tooltip beside the icon on keyboard focus.
    link = page.locator("#main-nav a[href='/contacts/']")
    page.keyboard.press("Tab")
    link.focus()
    label = link.locator(".sidebar-label")
    box = label.bounding_box()
    assert box["width"] > 20
    if language == "ar":
        assert box["x"] + box["width"] <= sidebar.bounding_box()["x"]  # to the rail's left
    else:
        assert box["x"] >= sidebar.bounding_box()["x"] + narrow  # to the rail's right
    found = violations(page)

    page.locator("[data-sidebar-toggle]").click()
    page.reload()
    settle(page)
    assert page.get_by_test_id("sidebar").bounding_box()["width"] == wide
    assert found == []


def test_a_laptop_screen_starts_with_a_rail_that_can_be_opened(open_page, server_url):
    page = open_page("en")  # 1280 pixels
    sidebar = page.get_by_test_id("sidebar")
    toggle = page.get_by_test_id("sidebar-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT)
    rail = sidebar.bounding_box()["width"]

    toggle.click()
    page.reload()
    settle(page)

    assert sidebar.bounding_box()["width"] > 2 * rail
    expect(page.get_by_test_id("sidebar-toggle")).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_phone_gets_the_bottom_bar_and_its_menu(open_page, server_url, language):
    page = open_page(language, PHONE)
    bar = page.get_by_test_id("bottombar")
    expect(bar).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("sidebar")).not_to_be_visible()
    links = bar.locator("a")
    expect(links).to_have_count(3)
    assert [links.nth(n).get_attribute("href") for n in range(3)] == ["/", "/contacts/", "/companies/"]
    box = bar.bounding_box()
    assert box["y"] + box["height"] == PHONE[1] and box["width"] == PHONE[0]

    links.nth(1).click()
    expect(page).to_have_url(re.compile(r"/contacts/$"), timeout=TIMEOUT)
    expect(page.get_by_test_id("bottombar").locator("a[aria-current=page]")).to_have_attribute(
        "href", "/contacts/"
    )
    settle(page)
    found = violations(page)
    page.get_by_test_id("bottombar-menu").click()
    expect(page.locator("#app-sidebar")).to_be_focused(timeout=TIMEOUT)
    settle(page)
    found += violations(page)
    open_palette_on_phone = page.get_by_test_id("palette-button")
    page.keyboard.press("Escape")
    open_palette_on_phone.click()
    expect(page.get_by_test_id("palette")).to_be_visible(timeout=TIMEOUT)
    assert page.get_by_test_id("palette").bounding_box()["width"] == PHONE[0]

    assert found == []


def test_the_desktop_has_no_bottom_bar(open_page):
    page = open_page("en")

    expect(page.get_by_test_id("bottombar")).not_to_be_visible(timeout=TIMEOUT)
