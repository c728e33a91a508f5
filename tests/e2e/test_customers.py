"""Contacts in a real browser: creating one through the form, finding it with the top bar's search,
moving it along the lifecycle with its history, the duplicate warning, and the list and the history
in Arabic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kliento.core.models import Membership
from kliento.customers import services
from kliento.customers.models import Contact
from tests.conftest import PASSWORD
from tests.e2e.test_browser import choose_language, record_problems, sign_in

pytestmark = pytest.mark.e2e

TIMEOUT = 5_000  # milliseconds
CARD_URL = re.compile(r"/contacts/(\d+)/$")


def signed_in_as_alice(page: Page, server_url: str) -> None:
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    expect(page.get_by_test_id("organization-menu")).to_contain_text("Acme", timeout=TIMEOUT)


def open_new_contact_form(page: Page) -> None:
    page.locator("#main-nav").get_by_role("link", name="Contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts", timeout=TIMEOUT)
    page.get_by_test_id("list-new").click()  # the header's button (an empty list shows another)
    expect(page.get_by_role("heading", level=1)).to_have_text("New contact", timeout=TIMEOUT)


def screenshot(page: Page, path: Path) -> None:
    """The whole page, with transitions (the tabs' fade) finished first."""
    page.screenshot(path=path, full_page=True, caret="initial", animations="disabled")


def existing_contact(member: Membership, first: str, last: str, email: str, phone: str = "") -> Contact:
    data = {"first_name": first, "last_name": last, "emails": [{"email": email, "is_primary": True}]}
    if phone:
        data["phones"] = [{"number": phone, "is_primary": True}]
    return services.create_contact(member=member, data=data)


def test_owner_creates_a_contact_finds_it_by_search_and_moves_it_from_lead_to_active(
    page: Page, server_url: str, alice, screenshots_dir: Path
):
    problems = record_problems(page)
    signed_in_as_alice(page, server_url)

    # Create the contact through the "New contact" form.
    open_new_contact_form(page)
    page.get_by_label("First name").fill("Zenobia")
    page.get_by_label("Last name").fill("Quillfeather")
    page.get_by_label("Email address 1", exact=True).fill("zenobia@quill.example")
    page.get_by_label("Phone number 1", exact=True).fill("650 253 0000")
    page.get_by_role("button", name="Add the contact").click()
    expect(page).to_have_url(CARD_URL, timeout=TIMEOUT)
    card_url = page.url
    expect(page.get_by_role("alert")).to_contain_text("Zenobia Quillfeather was added.", timeout=TIMEOUT)
    expect(page.get_by_test_id("stage-badge")).to_have_text("Lead", timeout=TIMEOUT)
    profile = page.get_by_test_id("panel-profile")
    expect(profile).to_contain_text("zenobia@quill.example", timeout=TIMEOUT)
    expect(profile).to_contain_text("(650) 253-0000", timeout=TIMEOUT)

    # Find it from elsewhere with the top bar's as-you-type search, and open its card from there.
    page.get_by_role("link", name="Kliento").click()
    expect(page).to_have_url(server_url + "/", timeout=TIMEOUT)
    page.get_by_role("searchbox", name="Search records").press_sequentially("quillf")
    hit = page.get_by_test_id("search-hit").filter(has_text="Zenobia Quillfeather")
    expect(hit).to_have_count(1, timeout=TIMEOUT)
    expect(hit).to_contain_text("zenobia@quill.example", timeout=TIMEOUT)
    screenshot(page, screenshots_dir / "e2e-search-en.png")
    hit.click()
    expect(page).to_have_url(card_url, timeout=TIMEOUT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Zenobia Quillfeather", timeout=TIMEOUT)

    # Move it from lead to active customer, with a reason (htmx swaps the lifecycle panel).
    lifecycle = page.get_by_test_id("panel-lifecycle")
    lifecycle.get_by_label("Move to").select_option(label="Active customer")
    lifecycle.get_by_label("Reason").fill("Signed the annual contract")
    lifecycle.get_by_role("button", name="Change stage").click()
    expect(page.get_by_test_id("stage-badge")).to_have_text("Active customer", timeout=TIMEOUT)
    expect(page).to_have_url(card_url, timeout=TIMEOUT)  # changed in place, not by a reload
    transitions = lifecycle.get_by_test_id("transition")
    expect(transitions).to_have_count(2, timeout=TIMEOUT)
    latest = transitions.first
    expect(latest.locator(".badge")).to_have_text(["Lead", "Active customer"], timeout=TIMEOUT)
    expect(latest).to_contain_text("Alice Adams", timeout=TIMEOUT)
    expect(latest.locator(".transition-reason")).to_have_text("Signed the annual contract", timeout=TIMEOUT)
    expect(transitions.last).to_contain_text("Created as Lead", timeout=TIMEOUT)
    # The stage it now has is no longer offered as a target, and the form is ready for another change.
    targets = lifecycle.get_by_label("Move to").locator("option[value]:not([value=''])")
    expect(targets).to_have_text(["Loyal customer", "Lost"], timeout=TIMEOUT)
    expect(lifecycle.get_by_label("Reason")).to_have_value("", timeout=TIMEOUT)
    screenshot(page, screenshots_dir / "e2e-contact-card-en.png")

    # The audit history tab shows the same change: from, to and who.
    page.get_by_role("tab", name="History").click()
    history = page.get_by_test_id("history")
    expect(history).to_be_visible(timeout=TIMEOUT)
    # Playwright counts a transparent element as visible: wait for the tab's fade-in to finish.
    expect(page.get_by_role("tabpanel", name="History")).to_have_css("opacity", "1", timeout=TIMEOUT)
    # The arrow is an icon; screen readers hear "changed to" instead.
    change = history.locator(":scope > li").filter(
        has_text="Lifecycle stage: Lead changed to Active customer"
    )
    expect(change).to_have_count(1, timeout=TIMEOUT)
    expect(change).to_contain_text("Reason: Signed the annual contract", timeout=TIMEOUT)
    expect(change).to_contain_text("Changed", timeout=TIMEOUT)
    expect(change).to_contain_text("Alice Adams", timeout=TIMEOUT)
    screenshot(page, screenshots_dir / "e2e-contact-card-history-en.png")

    assert problems == [], "\n".join(problems)


def test_typing_an_email_another_contact_has_warns_with_a_link_to_that_contact(
    page: Page, server_url: str, alice, screenshots_dir: Path
):
    ada = existing_contact(alice, "Ada", "Lovelace", "ada@engines.example")
    signed_in_as_alice(page, server_url)
    open_new_contact_form(page)
    page.get_by_label("First name").fill("Augusta")
    page.get_by_label("Last name").fill("King")
    warning = page.get_by_test_id("duplicate-warning")
    expect(warning).to_have_count(0, timeout=TIMEOUT)

    # Typed, not pasted: the check runs as the person types (htmx), before anything is saved.
    page.get_by_label("Email address 1", exact=True).press_sequentially("ADA@engines.example")
    expect(warning).to_contain_text(
        "Another contact already has this email address or phone number.", timeout=TIMEOUT
    )
    link = warning.get_by_role("link", name="Ada Lovelace")
    expect(link).to_have_attribute("href", f"/contacts/{ada.pk}/", timeout=TIMEOUT)
    expect(warning).to_contain_text("ada@engines.example", timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Add the contact")).to_be_visible(timeout=TIMEOUT)
    screenshot(page, screenshots_dir / "e2e-contact-duplicate-en.png")


def test_adding_a_contact_with_an_email_another_has_asks_to_save_anyway(page: Page, server_url: str, alice):
    ada = existing_contact(alice, "Ada", "Lovelace", "ada@engines.example")
    signed_in_as_alice(page, server_url)
    open_new_contact_form(page)
    page.get_by_label("First name").fill("Augusta")
    page.get_by_label("Last name").fill("King")
    page.get_by_label("Email address 1", exact=True).fill("ada@engines.example")
    page.get_by_role("button", name="Add the contact").click()

    # Not saved yet: the form comes back with the warning and a link to the contact who has it.
    expect(page.get_by_role("alert")).to_contain_text("This may be someone you already have", timeout=TIMEOUT)
    warning = page.get_by_test_id("duplicate-warning")
    expect(warning.get_by_role("link", name="Ada Lovelace")).to_have_attribute(
        "href", f"/contacts/{ada.pk}/", timeout=TIMEOUT
    )
    expect(page.get_by_label("First name")).to_have_value("Augusta", timeout=TIMEOUT)
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Lovelace"]

    # Saving anyway adds the second contact.
    page.get_by_role("button", name="Save anyway").click()
    expect(page).to_have_url(CARD_URL, timeout=TIMEOUT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Augusta King", timeout=TIMEOUT)
    assert sorted(Contact.objects.values_list("last_name", flat=True)) == ["King", "Lovelace"]


def test_contact_list_in_arabic_is_right_to_left_with_the_contact_and_no_console_errors(
    page: Page, server_url: str, alice, screenshots_dir: Path
):
    existing_contact(alice, "ليلى", "حداد", "layla@haddad.example", phone="650 253 0000")
    existing_contact(alice, "Zenobia", "Quillfeather", "zenobia@quill.example")
    problems = record_problems(page)
    signed_in_as_alice(page, server_url)
    page.locator("#main-nav").get_by_role("link", name="Contacts").click()
    expect(page.get_by_test_id("list-row")).to_have_count(2, timeout=TIMEOUT)

    choose_language(page, "ar")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl", timeout=TIMEOUT)
    expect(html).to_have_attribute("lang", "ar", timeout=TIMEOUT)
    expect(page).to_have_url(server_url + "/contacts/", timeout=TIMEOUT)
    # Strings may still be partly untranslated: check the data, not the wording.
    rows = page.get_by_test_id("list-row")
    expect(rows).to_have_count(2, timeout=TIMEOUT)
    layla = rows.filter(has_text="layla@haddad.example")
    expect(layla.get_by_role("link", name="ليلى حداد")).to_be_visible(timeout=TIMEOUT)
    expect(layla.locator("a[href^='tel:']")).to_have_text("(650) 253-0000", timeout=TIMEOUT)
    expect(rows.filter(has_text="Zenobia Quillfeather")).to_have_count(1, timeout=TIMEOUT)

    # Laid out right to left: Bootstrap's right-to-left build, and the name column on the right.
    expect(page.locator("link[rel=stylesheet][href*='bootstrap.rtl']")).to_have_count(1, timeout=TIMEOUT)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    table = page.get_by_test_id("list-table").bounding_box()
    name = page.get_by_test_id("list-table").locator("thead th.list-name").bounding_box()
    email = page.get_by_test_id("list-table").locator("thead th.list-col-email").bounding_box()
    assert table and name and email
    assert name["x"] > email["x"], "the name column should be right of the email column"
    assert name["x"] + name["width"] > table["x"] + table["width"] / 2
    page.wait_for_load_state("networkidle", timeout=TIMEOUT)
    screenshot(page, screenshots_dir / "e2e-contact-list-ar.png")

    assert problems == [], "\n".join(problems)


def test_the_history_in_arabic_points_from_the_old_value_to_the_new_one(
    page: Page, server_url: str, alice, screenshots_dir: Path
):
    contact = existing_contact(alice, "ليلى", "حداد", "layla@haddad.example", phone="650 253 0000")
    services.change_lifecycle_stage(
        customer=contact, to_stage="active", actor=alice.user, reason="وقّعت العقد", member=alice
    )
    signed_in_as_alice(page, server_url)
    choose_language(page, "ar")
    page.goto(f"{server_url}/contacts/{contact.pk}/")
    page.get_by_test_id("history-tab").click()
    history = page.get_by_test_id("history")
    expect(history).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#pane-history")).to_have_css("opacity", "1", timeout=TIMEOUT)
    change = history.locator(":scope > li").first.locator("li").first
    old, new = change.locator("bdi").all()

    # Right to left, the old value is on the right and the arrow, mirrored, points left to the new one.
    old_box, new_box = old.bounding_box(), new.bounding_box()
    assert old_box and new_box and old_box["x"] > new_box["x"]
    arrow = change.locator(".bi-arrow-right")
    mirrored = "matrix(-1, 0, 0, 1, 0, 0)"
    assert arrow.evaluate("icon => getComputedStyle(icon, '::before').transform") == mirrored
    # Phones read as on the card, not as stored.
    expect(history).to_contain_text("(650) 253-0000", timeout=TIMEOUT)
    expect(history).not_to_contain_text("+16502530000", timeout=TIMEOUT)
    screenshot(page, screenshots_dir / "e2e-contact-card-history-ar.png")
