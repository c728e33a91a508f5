"""Kliento in a real browser: signing in, switching language, pages free of script and CSP errors,
and a top bar whose links stay on one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

TIMEOUT = 5_000  # milliseconds
SIGN_IN_PATH = "/accounts/login/"
PAGES = [
    "/",
    "/settings/members/",
    "/settings/teams/",
    "/settings/api-keys/",
    "/settings/organization/",
    "/trash/",
]


def sign_in(page: Page, server_url: str, email: str, password: str) -> None:
    page.goto(server_url + SIGN_IN_PATH)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()


def record_problems(page: Page) -> list[str]:
    """Console errors and uncaught script errors of the page, from now on."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{page.url}: console error: {message.text} {message.location.get('url', '')}")

    def on_page_error(error: Error) -> None:
        problems.append(f"{page.url}: page error: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return problems


def home_link(page: Page):
    return page.locator('#main-nav a.nav-link[href="/"]')


def choose_language(page: Page, code: str) -> None:
    """From the user menu, where signed-in people change the language."""
    if page.get_by_test_id("user-menu").count():
        page.get_by_test_id("user-menu").click()
    with page.expect_navigation(timeout=TIMEOUT):
        page.locator("#language-select").select_option(code)


def test_signing_in_and_switching_to_arabic_and_back(
    page: Page, server_url: str, alice, screenshots_dir: Path
):
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    expect(page.get_by_test_id("organization-menu")).to_contain_text("Acme", timeout=TIMEOUT)
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "ltr", timeout=TIMEOUT)
    expect(home_link(page)).to_have_text("Home", timeout=TIMEOUT)
    page.screenshot(path=screenshots_dir / "e2e-home-en.png", full_page=True)

    choose_language(page, "ar")
    expect(html).to_have_attribute("dir", "rtl", timeout=TIMEOUT)
    expect(html).to_have_attribute("lang", "ar", timeout=TIMEOUT)
    expect(page.get_by_test_id("organization-menu")).to_contain_text("Acme", timeout=TIMEOUT)
    page.screenshot(path=screenshots_dir / "e2e-home-ar.png", full_page=True)
    expect(home_link(page)).not_to_have_text("Home", timeout=TIMEOUT)

    choose_language(page, "en")
    expect(html).to_have_attribute("dir", "ltr", timeout=TIMEOUT)
    expect(html).to_have_attribute("lang", "en", timeout=TIMEOUT)
    expect(home_link(page)).to_have_text("Home", timeout=TIMEOUT)


def test_a_wrong_password_shows_a_form_error(page: Page, server_url: str, alice):
    sign_in(page, server_url, "alice@acme.test", "not the password")
    expect(page.get_by_role("alert")).to_contain_text(
        "This email and password do not match an account.", timeout=TIMEOUT
    )
    assert page.url == server_url + SIGN_IN_PATH
    expect(page.get_by_test_id("organization-menu")).to_have_count(0)


def test_pages_have_no_console_errors_or_csp_violations(page: Page, server_url: str, alice):
    problems = record_problems(page)
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    expect(page.get_by_test_id("organization-menu")).to_contain_text("Acme", timeout=TIMEOUT)

    for path in PAGES:
        response = page.goto(server_url + path, wait_until="load")
        assert response is not None, path
        assert response.status == 200, f"{path} answered {response.status}"
        expect(page.locator("main")).to_be_visible(timeout=TIMEOUT)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT)

    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_top_bar_keeps_each_link_on_one_line_at_1280_pixels(
    page: Page, server_url: str, alice, screenshots_dir: Path, language: str
):
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    expect(page.get_by_test_id("organization-menu")).to_contain_text("Acme", timeout=TIMEOUT)
    if language != "en":
        choose_language(page, language)
    expect(page.locator("html")).to_have_attribute("lang", language, timeout=TIMEOUT)

    # A wrapped link is two lines tall: its icon above its label, or its label broken in two.
    wrapped = page.evaluate(
        """() => [...document.querySelectorAll('#main-nav .nav-link')].filter(link => {
            const style = getComputedStyle(link);
            const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
            return link.getBoundingClientRect().height - padding > 1.5 * parseFloat(style.lineHeight);
        }).map(link => link.textContent.trim())"""
    )
    search = page.locator("#global-search").bounding_box()
    page.screenshot(
        path=screenshots_dir / f"e2e-top-bar-{language}.png",
        clip={"x": 0, "y": 0, "width": 1280, "height": 120},
    )

    assert wrapped == []
    assert search and search["width"] >= 12 * 16
