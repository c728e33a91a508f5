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


def open_bell(page: Page) -> None:
    page.get_by_test_id("notification-bell").click()
    expect(page.get_by_test_id("notification-read-all")).to_be_visible(timeout=TIMEOUT)


def submit_empty_task(page: Page) -> None:
    page.get_by_test_id("task-form").locator("button[type=submit]").click()
    expect(page.locator(".is-invalid").first).to_be_visible(timeout=TIMEOUT)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_task_meeting_and_notification_pages_have_no_wcag_22_aa_violations(
    browser, server_url, alice, bob, language
):
    import datetime

    from kliento.tasks import meetings, services
    from tests.e2e.accessibility import violations
    from tests.e2e.test_accessibility import open_context, settle, sign_in_any_language, visit

    now = timezone.now()
    task = services.create_task(
        member=alice,
        data={
            "title": "Call Ada",
            "description": "About the renewal",
            "due_at": now + datetime.timedelta(hours=3),
            "reminders": [15],
            "recurrence": "FREQ=WEEKLY",
        },
    )
    services.add_comment(task=task, member=alice, body="Left a voicemail")
    services.create_task(member=alice, data={"title": "Late", "due_at": now - datetime.timedelta(hours=3)})
    meeting = meetings.create_meeting(
        member=alice,
        data={"title": "Review", "starts_at": now + datetime.timedelta(hours=1), "user_ids": [bob.user_id]},
    )
    notify(alice, "task_assigned", "Bob gave you a task: Call Ada")
    context = open_context(browser, server_url, language)
    page = context.new_page()
    sign_in_any_language(page, server_url)
    pages = [
        ("task-list", "/tasks/", None),
        ("task-card", f"/tasks/{task.pk}/", None),
        ("task-new-invalid", "/tasks/new/", submit_empty_task),
        ("task-edit", f"/tasks/{task.pk}/edit/", None),
        ("calendar-week", "/calendar/?view=week", None),
        ("calendar-month", "/calendar/?view=month", None),
        ("calendar-day", "/calendar/?view=day", None),
        ("meeting", f"/meetings/{meeting.pk}/", None),
        ("meeting-new", "/meetings/new/", None),
        ("notifications", "/notifications/", None),
        ("notification-settings", "/accounts/notifications/", None),
        ("notification-panel", "/", open_bell),
    ]
    found = []
    for name, path, action in pages:
        visit(page, server_url + path)
        if action is not None:
            action(page)
            settle(page)
        found += [f"[{name}] {violation}" for violation in violations(page)]
    context.close()

    assert found == []
