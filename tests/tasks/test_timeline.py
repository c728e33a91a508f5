import datetime

from django.urls import reverse
from django.utils import timezone

from tests.customers.factories import ContactFactory
from tests.tasks.factories import MeetingFactory, MeetingParticipantFactory


def _timeline(client, contact, **params):
    url = reverse("core:record-timeline", args=["contact", contact.pk])
    return client.get(url, params).content.decode()


def test_a_meeting_about_a_contact_is_on_its_timeline(alice_client, alice):
    contact = ContactFactory(organization=alice.organization)
    MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        title="Site visit",
        related_kind="contact",
        related_id=contact.pk,
    )

    assert "Site visit" in _timeline(alice_client, contact)


def test_a_meeting_a_contact_is_invited_to_is_on_its_timeline(alice_client, alice):
    contact = ContactFactory(organization=alice.organization)
    meeting = MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        title="Kick-off",
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    MeetingParticipantFactory(
        organization=alice.organization, meeting=meeting, contact=contact, user=None, name="Guest"
    )

    content = _timeline(alice_client, contact)

    assert "Kick-off" in content and "Upcoming" not in content


def test_the_meeting_filter_shows_meetings_only(alice_client, alice):
    contact = ContactFactory(organization=alice.organization)
    MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        title="Review",
        related_kind="contact",
        related_id=contact.pk,
    )

    assert "Review" in _timeline(alice_client, contact, entry_kind="meeting")
    assert "Review" not in _timeline(alice_client, contact, entry_kind="note")


def test_a_meeting_title_is_shown_as_text(alice_client, alice):
    contact = ContactFactory(organization=alice.organization)
    MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        title='<div hx-post="/x" hx-trigger="load">',
        related_kind="contact",
        related_id=contact.pk,
    )

    content = _timeline(alice_client, contact)

    assert '<div hx-post="/x"' not in content
