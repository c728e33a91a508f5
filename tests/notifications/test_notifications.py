"""Notifications: the service, preferences, the bell and its pages, email delivery, and the API."""

import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.notifications import services
from kliento.notifications.kinds import NotificationKind, register_notification_kind
from kliento.notifications.models import Notification, NotificationPreference
from kliento.notifications.services import Channels
from tests.customers.factories import ContactFactory
from tests.tasks.factories import NotificationFactory


@pytest.fixture(autouse=True)
def _a_kind_of_our_own():
    register_notification_kind(NotificationKind("test_event", "Something happened", email=True))


def test_a_notification_goes_on_the_kinds_default_channels(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(alice, "test_event", "Hello")

    assert notification is not None and notification.show_in_app
    notification.refresh_from_db()
    assert notification.email_state == Notification.EmailState.SENT
    assert mail.outbox[0].to == ["alice@acme.test"]
    assert mail.outbox[0].subject == "Hello · Acme"


def test_a_persons_choice_replaces_the_defaults(alice, django_capture_on_commit_callbacks):
    services.save_preferences(member=alice, choices={"test_event": Channels(in_app=True, email=False)})

    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(alice, "test_event", "Hello")

    assert notification is not None and notification.email_state == Notification.EmailState.NONE
    assert mail.outbox == []


def test_no_channel_means_no_notification(alice):
    services.save_preferences(member=alice, choices={"test_event": Channels(in_app=False, email=False)})

    assert services.notify(alice, "test_event", "Hello") is None
    assert Notification.objects.exists() is False


def test_email_only_is_kept_as_the_outbox_but_not_shown_under_the_bell(alice):
    services.save_preferences(member=alice, choices={"test_event": Channels(in_app=False, email=True)})

    services.notify(alice, "test_event", "Hello")

    assert Notification.objects.get().show_in_app is False
    assert services.mark_all_read(member=alice) == 0


def test_a_notification_about_a_record_links_to_its_card(alice):
    contact = ContactFactory(organization=alice.organization)

    notification = services.notify(alice, "test_event", "Hello", record=contact)

    assert notification is not None
    assert notification.url == reverse("customers:contact-detail", args=[contact.pk])
    assert (notification.record_kind, notification.record_id) == ("contact", contact.pk)


def test_the_same_source_notifies_once(alice):
    first = services.notify(alice, "test_event", "Hello", source_key="thing:1")
    second = services.notify(alice, "test_event", "Hello again", source_key="thing:1")

    assert first is not None and second is not None and first.pk == second.pk
    assert Notification.objects.count() == 1


def test_an_email_is_sent_at_most_once(alice):
    services.save_preferences(member=alice, choices={"test_event": Channels(in_app=False, email=True)})
    notification = services.notify(alice, "test_event", "Hello")
    assert notification is not None

    assert services.deliver_email(notification.pk) is True
    assert services.deliver_email(notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_email_keeps_its_reason(alice, settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.EmailBackend"
    notification = services.notify(alice, "test_event", "Hello")
    assert notification is not None

    services.deliver_email(notification.pk)

    notification.refresh_from_db()
    assert notification.email_state == Notification.EmailState.FAILED
    assert notification.email_error == "SMTP server refused"


def test_marking_read_touches_only_ones_own(alice, bob):
    mine = NotificationFactory(organization=alice.organization, recipient=alice.user)
    bobs = NotificationFactory(organization=alice.organization, recipient=bob.user)

    assert services.mark_read(member=alice, ids=[mine.pk, bobs.pk]) == 1

    bobs.refresh_from_db()
    assert bobs.read_at is None


# Pages --------------------------------------------------------------------------------------


def test_the_bell_counts_unread_notifications(alice_client, alice):
    for _ in range(3):
        NotificationFactory(organization=alice.organization, recipient=alice.user)

    content = alice_client.get(reverse("notifications:badge")).content.decode()

    assert ">3<span" in content


def test_the_panel_lists_the_latest_and_marks_all_read(alice_client, alice):
    NotificationFactory(organization=alice.organization, recipient=alice.user, title="Call Ada")

    panel = alice_client.get(reverse("notifications:panel"), HTTP_HX_REQUEST="true").content.decode()
    assert "Call Ada" in panel and "Mark all read" in panel

    alice_client.post(reverse("notifications:read-all"), HTTP_HX_REQUEST="true")
    assert Notification.objects.filter(read_at=None).exists() is False


def test_opening_a_notification_marks_it_read_and_follows_its_link(alice_client, alice):
    notification = NotificationFactory(organization=alice.organization, recipient=alice.user, url="/tasks/")

    response = alice_client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == "/tasks/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_not_followed(alice_client, alice):
    notification = NotificationFactory(
        organization=alice.organization, recipient=alice.user, url="//evil.example/"
    )

    response = alice_client.get(reverse("notifications:open", args=[notification.pk]))

    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_not_found(alice_client, bob):
    theirs = NotificationFactory(organization=bob.organization, recipient=bob.user)

    assert alice_client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert alice_client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404


def test_the_notifications_page_lists_them_with_a_fixed_number_of_queries(
    alice_client, alice, django_assert_max_num_queries
):
    for _ in range(30):
        NotificationFactory(organization=alice.organization, recipient=alice.user)
    alice_client.get(reverse("notifications:list"))

    with django_assert_max_num_queries(6):
        response = alice_client.get(reverse("notifications:list"))

    assert response.content.decode().count('class="notification-item') == 30


def test_preferences_are_chosen_per_kind_and_channel(alice_client, alice):
    page = alice_client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="task_reminder.email"' in page

    alice_client.post(
        reverse("notifications:preferences"),
        {"kind": ["task_reminder", "task_assigned", "nonsense"], "task_reminder.in_app": "on"},
    )

    rows = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=alice.user)}
    assert rows == {"task_reminder": (True, False), "task_assigned": (False, False)}


# API ----------------------------------------------------------------------------------------


@pytest.fixture
def api(alice) -> Client:
    _key, raw = create_api_key(name="Test", role=Role.OWNER, member=alice)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_lists_the_callers_notifications_newest_first(api, alice, bob):
    first = NotificationFactory(organization=alice.organization, recipient=alice.user)
    second = NotificationFactory(organization=alice.organization, recipient=alice.user)
    NotificationFactory(organization=alice.organization, recipient=bob.user)

    body = api.get("/api/v1/notifications?limit=1").json()
    rest = api.get(f"/api/v1/notifications?limit=1&cursor={body['next_cursor']}").json()

    assert [item["id"] for item in body["items"]] == [second.pk]
    assert [item["id"] for item in rest["items"]] == [first.pk]
    assert body["unread"] == 2


def test_the_api_marks_notifications_read(api, alice):
    one = NotificationFactory(organization=alice.organization, recipient=alice.user)
    NotificationFactory(organization=alice.organization, recipient=alice.user)

    assert api.post(f"/api/v1/notifications/{one.pk}/read").json()["read_at"] is not None
    response = api.post(
        "/api/v1/notifications/read", json.dumps({"all": True}), content_type="application/json"
    )

    assert response.json() == {"count": 1}


def test_the_api_reads_and_saves_preferences(api):
    response = api.put(
        "/api/v1/notification-preferences",
        json.dumps({"preferences": [{"kind": "task_reminder", "in_app": True, "email": False}]}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert {
        "kind": "task_reminder",
        "label": "Reminders of your tasks",
        "in_app": True,
        "email": False,
    } in response.json()


def test_an_unknown_kind_is_a_422_naming_it(api):
    response = api.put(
        "/api/v1/notification-preferences",
        json.dumps({"preferences": [{"kind": "nonsense", "in_app": True, "email": False}]}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "preferences.0.kind"
