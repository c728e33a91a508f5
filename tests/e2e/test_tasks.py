"""Tasks in a real browser: a task added from a contact's card shows on Today; the notification
bell opens its panel; the top bar stays on one row with the bell, in English and Arabic."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kliento.customers import services as customer_services
from kliento.notifications.services import notify
from tests.conftest import PASSWORD
from tests.e2e.test_browser import choose_language, record_problems, sign_in

pytestmark = pytest.mark.e2e

TIMEOUT = 5_000  # milliseconds


def test_a_task_added_from_a_card_is_on_today(page: Page, server_url: str, alice):
    contact = customer_services.create_contact(
        member=alice, data={"first_name": "Ada", "last_name": "Lovelace"}
    )
    problems = record_problems(page)
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    expect(page.get_by_test_id("organization-menu")).to_contain_text("Acme", timeout=TIMEOUT)

    page.goto(f"{server_url}/contacts/{contact.pk}/")
    panel = page.get_by_test_id("panel-tasks")
    panel.get_by_label("New task").fill("Send the renewal quote")
    panel.get_by_label("Due date").fill(timezone.localdate().isoformat())
    panel.get_by_role("button", name="Add task").click()
    expect(panel.get_by_test_id("record-task")).to_contain_text("Send the renewal quote", timeout=TIMEOUT)

    page.goto(server_url + "/")
    expect(page.get_by_test_id("today-due")).to_contain_text("Send the renewal quote", timeout=TIMEOUT)
    assert problems == []


def test_the_bell_shows_unread_notifications_and_marks_them_read(page: Page, server_url: str, alice):
    notify(alice, "task_assigned", "Bob gave you a task: Call Ada")
    sign_in(page, server_url, "alice@acme.test", PASSWORD)

    expect(page.get_by_test_id("notification-count")).to_contain_text("1", timeout=TIMEOUT)
    page.get_by_test_id("notification-bell").click()
    expect(page.get_by_test_id("notification-panel")).to_contain_text("Call Ada", timeout=TIMEOUT)
    page.get_by_test_id("notification-read-all").click()
    expect(page.get_by_test_id("notification-count")).to_be_hidden(timeout=TIMEOUT)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_top_bar_stays_on_one_row_with_the_bell(page: Page, server_url: str, alice, language):
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    expect(page.get_by_test_id("organization-menu")).to_be_visible(timeout=TIMEOUT)
    if language != "en":
        choose_language(page, language)
    page.set_viewport_size({"width": 1280, "height": 800})

    bar = page.get_by_test_id("topbar").bounding_box()
    bell = page.get_by_test_id("notification-bell").bounding_box()
    user = page.get_by_test_id("user-menu").bounding_box()
    assert bar and bell and user
    assert bar["height"] < 80
    assert abs((bell["y"] + bell["height"] / 2) - (user["y"] + user["height"] / 2)) < 4
