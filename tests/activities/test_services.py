"""Notes (mentions, attachments) and calls logged by hand: the services' rules."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kliento.activities import hooks, services
from kliento.activities.models import Activity, Attachment, Call, Mention
from kliento.core.errors import InvalidInput
from kliento.core.models import AuditEntry
from tests.customers.factories import ContactFactory
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def contact(alice):
    return ContactFactory(organization=alice.organization, first_name="Mia", last_name="Lange")


@pytest.fixture
def heard():
    """What the hooks hear, as the notifications and tasks apps would."""
    events = []
    hooks.on_mention(events.append)
    hooks.on_follow_up(events.append)
    yield events
    hooks.forget_handler(events.append)


def pdf(name="offer.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF" + b"0" * (size - 4), content_type="application/pdf")


def test_a_note_goes_on_the_records_timeline_with_its_audit_entry(alice, contact):
    note = services.add_note(member=alice, kind="contact", record=contact, body="  Wants a demo.\nNext week ")

    stored = Activity.objects.get()
    assert (stored.pk, stored.kind, stored.subject_kind, stored.subject_id) == (
        note.pk,
        "note",
        "contact",
        contact.pk,
    )
    assert stored.body == "Wants a demo.\nNext week"
    assert stored.author == alice.user
    assert AuditEntry.objects.get(record_type="activities.activity").action == "create"


def test_an_empty_note_is_refused(alice, contact):
    with pytest.raises(InvalidInput) as refused:
        services.add_note(member=alice, kind="contact", record=contact, body="   ")

    assert refused.value.field == "body"
    assert Activity.objects.exists() is False


def test_mentioned_members_are_recorded_and_the_hook_hears_them_after_commit(
    alice, bob, contact, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = services.add_note(
            member=alice,
            kind="contact",
            record=contact,
            body="@Bob Brown please call",
            mentions=[bob.user_id],
        )

    assert list(Mention.objects.values_list("activity_id", "user_id")) == [(note.pk, bob.user_id)]
    assert len(heard) == 1
    assert (heard[0].activity, heard[0].users, heard[0].author) == (note, (bob.user,), alice.user)


def test_the_author_mentioning_themselves_is_not_told(
    alice, contact, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.add_note(member=alice, kind="contact", record=contact, body="me", mentions=[alice.user_id])

    assert heard == []
    assert Mention.objects.exists() is False


def test_a_mention_of_someone_outside_the_organization_is_refused_and_nothing_is_stored(
    alice, olga, contact, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput) as refused:
        services.add_note(member=alice, kind="contact", record=contact, body="hi", mentions=[olga.user_id])

    assert refused.value.field == "mentions"
    assert "Only members of this organization" in refused.value.message
    assert Activity.objects.exists() is False
    assert heard == []


def test_a_former_member_cannot_be_mentioned(alice, contact):
    gone = MembershipFactory(organization=alice.organization, user=UserFactory(), is_active=False)

    with pytest.raises(InvalidInput):
        services.add_note(member=alice, kind="contact", record=contact, body="hi", mentions=[gone.user_id])


def test_files_are_stored_with_the_note(alice, contact):
    note = services.add_note(member=alice, kind="contact", record=contact, body="", files=[pdf()])

    attachment = Attachment.objects.get()
    assert (attachment.activity, attachment.name, attachment.content_type, attachment.size) == (
        note,
        "offer.pdf",
        "application/pdf",
        100,
    )
    with attachment.file.open("rb") as stored:
        assert stored.read(4) == b"%PDF"
    assert f"attachments/{alice.organization_id}/" in attachment.file.name


def test_a_file_over_the_size_limit_is_refused_naming_it(alice, contact, settings):
    settings.KLIENTO_ATTACHMENT_MAX_BYTES = 50

    with pytest.raises(InvalidInput) as refused:
        services.add_note(member=alice, kind="contact", record=contact, body="x", files=[pdf(size=51)])

    assert refused.value.field == "attachments"
    assert "offer.pdf is larger than 50" in refused.value.message
    assert Activity.objects.exists() is False and Attachment.objects.exists() is False


@pytest.mark.parametrize("name", ["run.exe", "page.html", "image.svg", "noextension"])
def test_a_file_of_a_refused_type_is_refused(alice, contact, name):
    upload = SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="application/pdf")

    with pytest.raises(InvalidInput) as refused:
        services.add_note(member=alice, kind="contact", record=contact, body="x", files=[upload])

    assert "cannot be attached" in refused.value.message
    assert Activity.objects.exists() is False


def test_files_written_before_a_failure_are_removed(alice, contact, monkeypatch):
    saved = []
    original = Attachment.save

    def fail_on_second(self, *args, **kwargs):
        saved.append(self.file.name)
        if len(saved) == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", fail_on_second)

    with pytest.raises(RuntimeError):
        services.add_note(
            member=alice, kind="contact", record=contact, body="x", files=[pdf("a.pdf"), pdf("b.pdf")]
        )

    storage = Attachment._meta.get_field("file").storage
    assert [storage.exists(name) for name in saved] == [False, False]
    assert Activity.objects.exists() is False


def test_a_call_logged_by_hand_goes_on_the_timeline_and_into_the_statistics(alice, contact):
    call = services.log_call(
        member=alice,
        kind="contact",
        record=contact,
        direction="outbound",
        outcome="answered",
        duration_seconds=185,
        body="Agreed on a demo",
    )

    activity = Activity.objects.get()
    assert (activity.kind, activity.direction, activity.body) == ("call", "outbound", "Agreed on a demo")
    assert activity.details == {"outcome": "answered", "duration_seconds": 185}
    assert (call.activity, call.status, call.outcome, call.agent, call.provider) == (
        activity,
        Call.Status.COMPLETED,
        "answered",
        alice.user,
        "",
    )
    assert call.duration_seconds == 185


def test_an_unanswered_call_counts_as_missed(alice, contact):
    call = services.log_call(
        member=alice, kind="contact", record=contact, direction="outbound", outcome="busy"
    )

    assert (call.status, call.answered_at) == (Call.Status.MISSED, None)


def test_a_follow_up_wish_is_kept_on_the_call_and_handed_to_the_tasks_hook(
    alice, contact, heard, django_capture_on_commit_callbacks
):
    due = timezone.now() + datetime.timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        call = services.log_call(
            member=alice,
            kind="contact",
            record=contact,
            direction="inbound",
            outcome="voicemail",
            follow_up_at=due,
            follow_up_note="Call back about the offer",
        )

    assert (call.follow_up_at, call.follow_up_note) == (due, "Call back about the offer")
    assert [(event.call, event.due_at, event.note) for event in heard] == [
        (call, due, "Call back about the offer")
    ]


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("direction", {"direction": "sideways"}),
        ("outcome", {"outcome": "great"}),
        ("duration_seconds", {"duration_seconds": -1}),
        ("duration_seconds", {"duration_seconds": 86_401}),
        ("follow_up_note", {"follow_up_note": "x" * 301}),
        ("occurred_at", {"occurred_at": timezone.now() + datetime.timedelta(days=1)}),
    ],
)
def test_a_bad_call_is_refused_naming_the_field(alice, contact, field, values):
    arguments = {"direction": "outbound", "outcome": "answered", **values}

    with pytest.raises(InvalidInput) as refused:
        services.log_call(member=alice, kind="contact", record=contact, **arguments)

    assert refused.value.field == field
    assert Call.objects.exists() is False and Activity.objects.exists() is False


def test_a_hook_that_fails_does_not_undo_the_note(alice, bob, contact, django_capture_on_commit_callbacks):
    def broken(event):
        raise RuntimeError("notifications are down")

    hooks.on_mention(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.add_note(member=alice, kind="contact", record=contact, body="hi", mentions=[bob.user_id])
    finally:
        hooks.forget_handler(broken)

    assert Activity.objects.count() == 1


def test_nothing_is_told_for_a_note_whose_transaction_rolled_back(
    alice, bob, contact, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.add_note(
                    member=alice, kind="contact", record=contact, body="x", mentions=[bob.user_id]
                )
                raise RuntimeError("later step failed")
        except RuntimeError:
            pass

    assert heard == []


def test_a_mentioned_colleague_gets_a_notification_linking_to_the_card(
    alice, bob, contact, django_capture_on_commit_callbacks
):
    from kliento.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        note = services.add_note(
            member=alice, kind="contact", record=contact, body="@Bob please call", mentions=[bob.user_id]
        )

    told = Notification.objects.get()
    assert (told.recipient_id, told.kind, told.body) == (bob.user_id, "mention", "@Bob please call")
    assert told.title == f"{alice.user} mentioned you in a note"
    assert told.url == f"/contacts/{contact.pk}/"
    assert told.source_key == f"mention:{note.pk}:{bob.user_id}"
