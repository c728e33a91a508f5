"""The Timeline panel on cards, its composers (note, call), mention suggestions and attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kliento.activities import services
from kliento.activities.models import Activity, Attachment, Call, Mention
from kliento.core.models import Organization
from kliento.core.permissions import Role
from kliento.customers import services as customer_services
from tests.activities.factories import ActivityFactory, AttachmentFactory
from tests.customers.factories import CompanyFactory
from tests.factories import MembershipFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def contact(alice):
    return customer_services.create_contact(
        member=alice, data={"first_name": "Noor", "owner_id": alice.user_id}
    )


def card_url(contact):
    return reverse("customers:contact-detail", args=[contact.pk])


def test_the_contact_card_shows_the_timeline_with_its_composers(alice_client, alice, contact):
    services.add_note(member=alice, kind="contact", record=contact, body="Met at the fair")

    page = alice_client.get(card_url(contact)).content.decode()

    assert 'data-testid="timeline"' in page
    assert "Met at the fair" in page
    assert 'data-testid="note-composer"' in page and 'data-testid="call-composer"' in page
    assert "Created as" in page  # the lifecycle change the customers app stored


def test_the_company_card_has_a_timeline_too(alice_client, alice):
    company = CompanyFactory(organization=alice.organization)

    page = alice_client.get(reverse("customers:company-detail", args=[company.pk])).content.decode()

    assert 'data-testid="timeline"' in page


def test_a_viewer_sees_the_timeline_without_composers(alice, acme, contact, client):
    viewer = MembershipFactory(organization=acme, user=UserFactory(), role=Role.VIEWER)
    client.force_login(viewer.user)

    page = client.get(card_url(contact)).content.decode()

    assert 'data-testid="timeline"' in page
    assert 'data-testid="note-composer"' not in page


def test_a_note_added_from_the_card_replaces_the_panel(alice_client, alice, bob, contact):
    url = reverse("activities:note-create", args=["contact", contact.pk])

    response = alice_client.post(url, {"note-body": "Call @Bob Brown", "mentions": [bob.user_id]}, **HTMX)

    assert response.status_code == 200
    assert "Call @Bob Brown" in response.content.decode()
    assert Mention.objects.get().user_id == bob.user_id


def test_a_note_without_htmx_goes_back_to_the_card(alice_client, contact):
    response = alice_client.post(
        reverse("activities:note-create", args=["contact", contact.pk]), {"note-body": "x"}
    )

    assert response.status_code == 302 and response["Location"] == card_url(contact)


def test_a_note_mentioning_an_outsider_shows_the_error_and_stores_nothing(alice_client, olga, contact):
    url = reverse("activities:note-create", args=["contact", contact.pk])

    response = alice_client.post(url, {"note-body": "hi", "mentions": [olga.user_id]}, **HTMX)

    assert response.status_code == 400
    assert "Only members of this organization can be mentioned" in response.content.decode()
    assert Activity.objects.filter(kind="note").exists() is False


def test_an_attachment_over_the_limit_is_refused_on_the_form(alice_client, contact, settings):
    settings.KLIENTO_ATTACHMENT_MAX_BYTES = 10
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 20)

    response = alice_client.post(
        reverse("activities:note-create", args=["contact", contact.pk]),
        {"note-body": "x", "note-attachments": [upload]},
        **HTMX,
    )

    assert response.status_code == 400
    assert "big.pdf is larger than 10" in response.content.decode()
    assert Attachment.objects.exists() is False


def test_a_call_is_logged_from_the_card_with_its_defaults(alice_client, contact):
    response = alice_client.post(
        reverse("activities:call-create", args=["contact", contact.pk]),
        {"call-direction": "outbound", "call-outcome": "answered", "call-duration_minutes": "2.5"},
        **HTMX,
    )

    assert response.status_code == 200
    call = Call.objects.get()
    assert (call.outcome, call.duration_seconds, call.activity.subject_id) == ("answered", 150, contact.pk)
    assert "2 min 30 s" in response.content.decode()


def test_a_call_with_a_bad_outcome_shows_the_error(alice_client, contact):
    response = alice_client.post(
        reverse("activities:call-create", args=["contact", contact.pk]),
        {"call-direction": "outbound", "call-outcome": "great"},
        **HTMX,
    )

    assert response.status_code == 400
    assert 'data-testid="error-outcome"' in response.content.decode()
    assert Call.objects.exists() is False


def test_a_viewer_cannot_write_on_the_timeline(alice, acme, contact, client):
    viewer = MembershipFactory(organization=acme, user=UserFactory(), role=Role.VIEWER)
    client.force_login(viewer.user)
    url = reverse("activities:note-create", args=["contact", contact.pk])

    response = client.post(url, {"note-body": "x"})

    assert response.status_code == 403
    assert Activity.objects.filter(kind="note").exists() is False


def test_mention_suggestions_offer_members_matching_the_last_word(alice_client, alice, bob, olga):
    response = alice_client.get(reverse("activities:mention-options"), {"note-body": "Please ask @bo"})

    page = response.content.decode()
    assert f'value="{bob.user_id}"' in page
    assert f'value="{olga.user_id}"' not in page and f'value="{alice.user_id}"' not in page


def test_mention_suggestions_keep_the_chosen_ones_ticked(alice_client, bob):
    page = alice_client.get(
        reverse("activities:mention-options"), {"note-body": "thanks", "mentions": [bob.user_id]}
    ).content.decode()

    assert f'value="{bob.user_id}" id="mention-{bob.user_id}" checked' in page


def test_the_timeline_pages_and_filters(alice_client, alice, contact):
    for index in range(25):
        ActivityFactory(
            organization=alice.organization,
            subject_kind="contact",
            subject_id=contact.pk,
            body=f"entry {index}",
        )
    url = reverse("core:record-timeline", args=["contact", contact.pk])

    first = alice_client.get(card_url(contact)).context["panels"]["main"]
    timeline = next(panel for panel in first if panel.key == "timeline").context["timeline"]
    more = alice_client.get(timeline.more_url())
    only_lifecycle = alice_client.get(url, {"entry_kind": "lifecycle"}).content.decode()

    assert more.status_code == 200
    assert more.content.decode().count('data-testid="timeline-entry"') == 6
    assert only_lifecycle.count('data-testid="timeline-entry"') == 1


def test_a_tampered_cursor_on_the_timeline_page_asks_to_start_again(alice_client, contact):
    response = alice_client.get(
        reverse("core:record-timeline", args=["contact", contact.pk]), {"cursor": "zzz"}
    )

    assert response.status_code == 400
    assert "Start again" in response.content.decode()


def test_the_timeline_of_a_kind_without_one_does_not_exist(alice_client, alice):
    assert alice_client.get(reverse("core:record-timeline", args=["gadget", 1])).status_code == 404


# Attachments --------------------------------------------------------------------------------


def test_a_member_who_sees_the_record_downloads_its_file(alice_client, alice, contact):
    activity = ActivityFactory(organization=alice.organization, subject_kind="contact", subject_id=contact.pk)
    attachment = AttachmentFactory(organization=alice.organization, activity=activity)

    response = alice_client.get(reverse("activities:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_member_who_may_not_see_the_record_gets_no_file(bob_client, alice, acme, contact):
    acme.record_visibility = Organization.RecordVisibility.OWN_AND_TEAM
    acme.save()
    activity = ActivityFactory(organization=alice.organization, subject_kind="contact", subject_id=contact.pk)
    attachment = AttachmentFactory(organization=alice.organization, activity=activity)

    response = bob_client.get(reverse("activities:attachment", args=[attachment.pk]))

    assert response.status_code == 404


def test_a_file_of_a_trashed_record_is_not_served(alice_client, alice, contact):
    activity = ActivityFactory(organization=alice.organization, subject_kind="contact", subject_id=contact.pk)
    attachment = AttachmentFactory(organization=alice.organization, activity=activity)
    customer_services.delete_customer(customer=contact, member=alice)

    assert alice_client.get(reverse("activities:attachment", args=[attachment.pk])).status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client, alice, contact):
    activity = ActivityFactory(organization=alice.organization, subject_kind="contact", subject_id=contact.pk)
    attachment = AttachmentFactory(organization=alice.organization, activity=activity)

    response = client.get(reverse("activities:attachment", args=[attachment.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_files_are_not_under_a_public_url(settings):
    location = settings.STORAGES["attachments"]["OPTIONS"]["location"]

    assert not str(location).startswith(str(settings.STATIC_ROOT))
    assert settings.STORAGES["attachments"]["OPTIONS"]["base_url"] is None


# Query counts -------------------------------------------------------------------------------


def queries_for(client, url) -> int:
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_timeline_panel_runs_as_many_queries_for_a_long_timeline_as_for_a_short_one(
    alice_client, alice, bob
):
    short = customer_services.create_contact(member=alice, data={"first_name": "Short"})
    long = customer_services.create_contact(member=alice, data={"first_name": "Long"})
    for index in range(40):
        note = services.add_note(
            member=alice, kind="contact", record=long, body=f"n{index}", mentions=[bob.user_id]
        )
        AttachmentFactory(organization=alice.organization, activity=note)
        services.log_call(member=alice, kind="contact", record=long, direction="inbound", outcome="answered")
    services.add_note(member=alice, kind="contact", record=short, body="one")
    AttachmentFactory(organization=alice.organization, activity=Activity.objects.get(subject_id=short.pk))

    assert queries_for(alice_client, card_url(long)) == queries_for(alice_client, card_url(short))
    timeline_url = reverse("core:record-timeline", args=["contact", long.pk])
    # Session, member, record; the entries, their files, lifecycle changes, the contact's meeting
    # invitations and meetings, placed and paid orders: the same for any length.
    assert queries_for(alice_client, timeline_url) <= 10
