"""The reminder dispatcher, in process: exactly once, leases, and what it does with reminders whose
task changed. tests/tasks/test_worker.py runs it in a real worker that is killed mid-run."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from kliento.notifications.models import Notification
from kliento.notifications.services import Channels, save_preferences
from kliento.tasks import dispatch
from kliento.tasks.models import Reminder, Task, WorkerHeartbeat
from tests.tasks.factories import ReminderFactory, TaskFactory


def due_reminder(member, *, minutes_ago: int = 1, **task) -> Reminder:
    task_row = TaskFactory(
        organization=member.organization,
        assignee=member.user,
        due_at=timezone.now() + datetime.timedelta(minutes=30),
        **task,
    )
    return ReminderFactory(
        organization=member.organization,
        task=task_row,
        remind_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_a_due_reminder_is_delivered_once_as_a_notification(alice):
    reminder = due_reminder(alice, title="Call Ada")

    first = dispatch.dispatch_due_reminders()
    second = dispatch.dispatch_due_reminders()

    assert (first.sent, second.claimed) == (1, 0)
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT and reminder.sent_at is not None
    notification = Notification.objects.get()
    assert notification.kind == "task_reminder"
    assert notification.title == "Reminder: Call Ada"
    assert (notification.record_kind, notification.record_id) == ("task", reminder.task_id)
    assert notification.recipient_id == alice.user_id


def test_a_reminder_not_yet_due_waits(alice):
    due_reminder(alice, minutes_ago=-5)

    assert dispatch.dispatch_due_reminders().claimed == 0


def test_every_organizations_reminders_go_out_each_in_its_own_organization(alice, olga):
    ours, theirs = due_reminder(alice), due_reminder(olga)

    dispatch.dispatch_due_reminders()

    assert (
        Notification.unscoped.get(source_key__startswith=f"reminder:{ours.pk}:").organization_id
        == alice.organization_id
    )
    assert (
        Notification.unscoped.get(source_key__startswith=f"reminder:{theirs.pk}:").organization_id
        == olga.organization_id
    )


def test_a_claim_left_by_a_stopped_worker_is_taken_again_only_after_its_lease(alice):
    reminder = due_reminder(alice)
    dispatch.claim_due()  # a worker claims, then dies before delivering

    assert dispatch.dispatch_due_reminders().claimed == 0  # the lease still holds
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    result = dispatch.dispatch_due_reminders()

    assert result.sent == 1
    assert Notification.objects.count() == 1


def test_a_late_first_run_cannot_deliver_what_another_run_has_claimed_again(alice):
    reminder = due_reminder(alice)
    old_token, ids = dispatch.claim_due()
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    new_token, _ids = dispatch.claim_due()

    late = dispatch.deliver_claimed(old_token, ids)
    current = dispatch.deliver_claimed(new_token, ids)

    assert (late.sent, current.sent) == (0, 1)
    assert Notification.objects.count() == 1


def test_a_reminder_of_a_closed_task_is_cancelled_not_sent(alice):
    reminder = due_reminder(alice, status=Task.Status.DONE)

    dispatch.dispatch_due_reminders()

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.CANCELLED
    assert Notification.objects.exists() is False


def test_a_reminder_with_nobody_to_remind_fails_with_its_reason(alice):
    reminder = due_reminder(alice)
    Task.objects.filter(pk=reminder.task_id).update(assignee=None)

    dispatch.dispatch_due_reminders()

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.FAILED
    assert reminder.failure_reason == "The task has no active assignee to remind."


def test_reminders_are_emailed_to_those_who_chose_email(alice, bob, django_capture_on_commit_callbacks):
    save_preferences(member=bob, choices={"task_reminder": Channels(in_app=True, email=False)})
    due_reminder(alice, title="Alice's")
    due_reminder(bob, title="Bob's")

    with django_capture_on_commit_callbacks(execute=True):
        dispatch.dispatch_due_reminders()

    assert [message.to for message in mail.outbox] == [["alice@acme.test"]]
    assert "Reminder: Alice's" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=alice.user).email_state == Notification.EmailState.SENT
    assert Notification.objects.get(recipient=bob.user).email_state == Notification.EmailState.NONE


def test_a_person_who_turned_reminders_off_gets_none_and_the_reminder_still_counts_as_sent(alice):
    save_preferences(member=alice, choices={"task_reminder": Channels(in_app=False, email=False)})
    reminder = due_reminder(alice)

    dispatch.dispatch_due_reminders()

    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    assert Notification.objects.exists() is False


def test_a_reminder_scheduled_again_for_a_new_time_notifies_again(alice):
    reminder = due_reminder(alice)
    dispatch.dispatch_due_reminders()
    Reminder.objects.filter(pk=reminder.pk).update(
        state=Reminder.State.SCHEDULED, remind_at=timezone.now() - datetime.timedelta(seconds=5)
    )

    dispatch.dispatch_due_reminders()

    assert Notification.objects.count() == 2


def test_a_large_backlog_goes_out_in_batches(alice):
    task = TaskFactory(organization=alice.organization, assignee=alice.user, due_at=timezone.now())
    past = timezone.now() - datetime.timedelta(minutes=1)
    Reminder.objects.bulk_create(
        Reminder(organization_id=alice.organization_id, task=task, minutes_before=n, remind_at=past)
        for n in range(30)
    )

    result = dispatch.dispatch_due_reminders(limit=7)

    assert (result.claimed, result.sent) == (30, 30)
    assert Notification.objects.count() == 30


def test_the_dispatcher_leaves_a_heartbeat(db):
    dispatch.dispatch_due_reminders()

    assert WorkerHeartbeat.objects.get(name="reminders").beat_at > timezone.now() - datetime.timedelta(
        minutes=1
    )
    assert dispatch.worker_is_late() is False


@override_settings(KLIENTO_WORKER_LATE_SECONDS=60)
def test_a_worker_silent_for_too_long_is_late(db):
    WorkerHeartbeat.objects.create(name="reminders", beat_at=timezone.now() - datetime.timedelta(minutes=2))

    assert dispatch.worker_is_late() is True


def test_without_any_heartbeat_the_worker_is_late(db):
    assert dispatch.worker_is_late() is True


@pytest.mark.parametrize("state", [Reminder.State.SENT, Reminder.State.FAILED, Reminder.State.CANCELLED])
def test_finished_reminders_are_never_claimed(alice, state):
    reminder = due_reminder(alice)
    Reminder.objects.filter(pk=reminder.pk).update(state=state)

    assert dispatch.dispatch_due_reminders().claimed == 0
