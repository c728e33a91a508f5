import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kliento.core.errors import NotAllowed
from kliento.core.models import AuditEntry
from kliento.core.permissions import Role
from kliento.notifications.models import Notification
from kliento.tasks import services
from kliento.tasks.models import NO_DUE_DATE, Reminder, Task
from tests.customers.factories import ContactFactory
from tests.factories import MembershipFactory, UserFactory

UTC = datetime.UTC


def soon(**delta) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(**delta)).replace(microsecond=0)


def test_a_new_task_is_the_creators_and_is_audited(alice):
    task = services.create_task(member=alice, data={"title": "Call Ada", "due_at": soon(hours=2)})

    assert task.assignee_id == alice.user_id
    assert task.status == Task.Status.OPEN
    assert task.due_key == task.due_at
    entry = AuditEntry.objects.get(record_type="tasks.task", record_id=task.pk)
    assert entry.action == AuditEntry.Action.CREATE and entry.changes["title"] == [None, "Call Ada"]


def test_a_task_without_a_due_date_sorts_last(alice):
    task = services.create_task(member=alice, data={"title": "Some day"})

    assert task.due_key == NO_DUE_DATE


def test_an_invalid_repeat_rule_is_refused_naming_the_field(alice):
    with pytest.raises(ValidationError) as error:
        services.create_task(
            member=alice,
            data={"title": "x", "due_on": datetime.date(2026, 12, 1), "recurrence": "FREQ=SOMETIMES"},
        )

    assert "recurrence" in error.value.message_dict
    assert Task.objects.exists() is False


@pytest.mark.parametrize(
    "rule", ["BYDAY=MO", "FREQ=WEEKLY;BYDAY=XX", "FREQ=DAILY\nEXDATE:20260101", "DTSTART:2026;FREQ=DAILY"]
)
def test_rules_that_cannot_be_read_are_refused(alice, rule):
    with pytest.raises(ValidationError) as error:
        services.create_task(
            member=alice, data={"title": "x", "due_on": datetime.date(2026, 12, 1), "recurrence": rule}
        )

    assert list(error.value.message_dict) == ["recurrence"]


def test_a_task_is_due_at_a_time_or_on_a_day_not_both(alice):
    with pytest.raises(ValidationError) as error:
        services.create_task(
            member=alice, data={"title": "x", "due_at": soon(hours=1), "due_on": datetime.date(2026, 12, 1)}
        )

    assert "due_on" in error.value.message_dict


def test_a_task_cannot_be_given_to_someone_outside_the_organization(alice, olga):
    with pytest.raises(ValidationError) as error:
        services.create_task(member=alice, data={"title": "x", "assignee_id": olga.user_id})

    assert "assignee_id" in error.value.message_dict
    assert Task.objects.exists() is False


def test_a_task_cannot_point_at_a_record_the_member_may_not_see(alice, olga):
    theirs = ContactFactory(organization=olga.organization)

    with pytest.raises(ValidationError) as error:
        services.create_task(
            member=alice, data={"title": "x", "related_kind": "contact", "related_id": theirs.pk}
        )

    assert error.value.message_dict == {"related_id": ["No such record."]}


def test_a_task_on_a_contact_keeps_its_name_for_lists(alice):
    contact = ContactFactory(organization=alice.organization, first_name="Ada", last_name="Lovelace")

    task = services.create_task(
        member=alice, data={"title": "x", "related_kind": "contact", "related_id": contact.pk}
    )

    assert (task.related_kind, task.related_id, task.related_label) == ("contact", contact.pk, str(contact))


def test_an_unknown_kind_of_record_is_refused(alice):
    with pytest.raises(ValidationError) as error:
        services.create_task(member=alice, data={"title": "x", "related_kind": "spaceship", "related_id": 1})

    assert "related_kind" in error.value.message_dict


def test_a_viewer_may_not_create_tasks(acme):
    viewer = MembershipFactory(organization=acme, role=Role.VIEWER)
    from kliento.core.tenancy import active_organization

    with active_organization(acme.pk), pytest.raises(NotAllowed):
        services.create_task(member=viewer, data={"title": "x"})


def test_giving_a_task_to_a_colleague_notifies_them(alice, bob):
    task = services.create_task(member=alice, data={"title": "Call Ada", "assignee_id": bob.user_id})

    notification = Notification.objects.get(recipient=bob.user)
    assert notification.kind == "task_assigned"
    assert (notification.record_kind, notification.record_id) == ("task", task.pk)
    assert "Call Ada" in notification.title


# Reminders ------------------------------------------------------------------------------------


def test_reminders_are_scheduled_before_the_due_time(alice):
    due = soon(hours=3)

    task = services.create_task(member=alice, data={"title": "x", "due_at": due, "reminders": [0, 30]})

    reminders = {r.minutes_before: r for r in Reminder.objects.filter(task=task)}
    assert reminders[0].remind_at == due
    assert reminders[30].remind_at == due - datetime.timedelta(minutes=30)
    assert {r.state for r in reminders.values()} == {Reminder.State.SCHEDULED}


def test_an_all_day_task_reminds_at_nine_in_the_assignees_zone(alice):
    alice.user.time_zone = "Asia/Riyadh"
    alice.user.save()
    day = timezone.now().date() + datetime.timedelta(days=3)

    task = services.create_task(member=alice, data={"title": "x", "due_on": day, "reminders": [0]})

    reminder = Reminder.objects.get(task=task)
    assert reminder.remind_at == datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=UTC)


def test_a_reminder_whose_time_has_passed_is_refused(alice):
    with pytest.raises(ValidationError) as error:
        services.create_task(member=alice, data={"title": "x", "due_at": soon(minutes=10), "reminders": [60]})

    assert "reminders" in error.value.message_dict
    assert Task.objects.exists() is False


def test_a_reminder_needs_a_due_time(alice):
    with pytest.raises(ValidationError) as error:
        services.create_task(member=alice, data={"title": "x", "reminders": [0]})

    assert "reminders" in error.value.message_dict


@pytest.mark.parametrize("reminders", [[-5], ["soon"], [True], list(range(6)), [60 * 24 * 29]])
def test_reminders_out_of_range_are_refused(alice, reminders):
    with pytest.raises(ValidationError) as error:
        services.create_task(
            member=alice, data={"title": "x", "due_at": soon(days=40), "reminders": reminders}
        )

    assert "reminders" in error.value.message_dict


def test_moving_the_due_time_reschedules_its_reminders_even_a_sent_one(alice):
    task = services.create_task(member=alice, data={"title": "x", "due_at": soon(hours=3), "reminders": [15]})
    Reminder.objects.filter(task=task).update(state=Reminder.State.SENT, sent_at=timezone.now())
    later = soon(hours=6)

    services.update_task(task=task, member=alice, data={"due_at": later})

    reminder = Reminder.objects.get(task=task)
    assert reminder.remind_at == later - datetime.timedelta(minutes=15)
    assert reminder.state == Reminder.State.SCHEDULED
    assert (
        AuditEntry.objects.filter(record_id=task.pk, action="update").get().changes["due_at"][1]
        == later.isoformat()
    )


def test_changing_the_title_leaves_the_reminders_alone(alice):
    task = services.create_task(member=alice, data={"title": "x", "due_at": soon(hours=3), "reminders": [15]})
    Reminder.objects.filter(task=task).update(state=Reminder.State.SENT)

    services.update_task(task=task, member=alice, data={"title": "y"})

    assert Reminder.objects.get(task=task).state == Reminder.State.SENT


def test_closing_a_task_cancels_its_reminders_and_reopening_brings_them_back(alice):
    task = services.create_task(member=alice, data={"title": "x", "due_at": soon(hours=3), "reminders": [15]})

    services.set_task_status(task=task, member=alice, status=Task.Status.CANCELLED)
    assert Reminder.objects.get(task=task).state == Reminder.State.CANCELLED

    services.set_task_status(task=task, member=alice, status=Task.Status.OPEN)
    assert Reminder.objects.get(task=task).state == Reminder.State.SCHEDULED


def test_trashing_a_task_cancels_its_reminders(alice):
    task = services.create_task(member=alice, data={"title": "x", "due_at": soon(hours=3), "reminders": [15]})

    services.trash_task(task=task, member=alice)

    assert Reminder.objects.get(task=task).state == Reminder.State.CANCELLED


# Recurrence -----------------------------------------------------------------------------------


def test_completing_a_repeating_task_makes_its_next_occurrence(alice):
    task = services.create_task(
        member=alice,
        data={
            "title": "Weekly call",
            "due_on": datetime.date(2026, 12, 7),
            "recurrence": "FREQ=WEEKLY;BYDAY=MO",
        },
    )

    services.complete_task(task=task, member=alice)

    following = Task.objects.get(previous=task)
    assert following.due_on == datetime.date(2026, 12, 14)
    assert following.status == Task.Status.OPEN
    assert following.recurrence == "FREQ=WEEKLY;BYDAY=MO"


def test_completing_again_after_reopening_makes_no_second_occurrence(alice):
    task = services.create_task(
        member=alice, data={"title": "x", "due_on": datetime.date(2026, 12, 7), "recurrence": "FREQ=DAILY"}
    )
    services.complete_task(task=task, member=alice)
    services.set_task_status(task=task, member=alice, status=Task.Status.OPEN)
    services.complete_task(task=task, member=alice)

    assert Task.objects.filter(previous=task).count() == 1


def test_a_counted_rule_runs_out(alice):
    task = services.create_task(
        member=alice,
        data={"title": "x", "due_on": datetime.date(2026, 12, 7), "recurrence": "FREQ=DAILY;COUNT=2"},
    )
    services.complete_task(task=task, member=alice)
    second = Task.objects.get(previous=task)
    assert second.recurrence == "FREQ=DAILY;COUNT=1"

    services.complete_task(task=second, member=alice)

    assert Task.objects.filter(previous=second).exists() is False


def test_a_rule_past_its_end_makes_nothing(alice):
    task = services.create_task(
        member=alice,
        data={"title": "x", "due_on": datetime.date(2026, 12, 7), "recurrence": "FREQ=DAILY;UNTIL=20261207"},
    )

    services.complete_task(task=task, member=alice)

    assert Task.objects.filter(previous=task).exists() is False


def test_the_next_occurrence_keeps_the_reminders_ahead_of_it(alice):
    due = soon(days=1)
    task = services.create_task(
        member=alice, data={"title": "x", "due_at": due, "recurrence": "FREQ=DAILY", "reminders": [10]}
    )

    services.complete_task(task=task, member=alice)

    following = Task.objects.get(previous=task)
    reminder = Reminder.objects.get(task=following)
    assert reminder.remind_at == following.due_at - datetime.timedelta(minutes=10)
    assert Reminder.objects.get(task=task).state == Reminder.State.CANCELLED


@pytest.mark.parametrize(
    ("zone", "first", "following_utc"),
    [
        # Berlin leaves winter time on 29 March 2026: 09:00 is 08:00 UTC before and 07:00 after.
        (
            "Europe/Berlin",
            datetime.datetime(2026, 3, 23, 8, 0, tzinfo=UTC),
            datetime.datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
        ),
        # New York leaves winter time on 8 March 2026: 09:00 is 14:00 UTC before and 13:00 after.
        (
            "America/New_York",
            datetime.datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
            datetime.datetime(2026, 3, 9, 13, 0, tzinfo=UTC),
        ),
        # Sydney leaves summer time on 5 April 2026: 09:00 is 22:00 UTC the day before, then 23:00.
        (
            "Australia/Sydney",
            datetime.datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
            datetime.datetime(2026, 4, 5, 23, 0, tzinfo=UTC),
        ),
        # Riyadh has no daylight-saving time: 09:00 is always 06:00 UTC.
        (
            "Asia/Riyadh",
            datetime.datetime(2026, 3, 23, 6, 0, tzinfo=UTC),
            datetime.datetime(2026, 3, 30, 6, 0, tzinfo=UTC),
        ),
    ],
)
def test_a_weekly_task_stays_at_its_wall_clock_time_across_daylight_saving_changes(
    alice, zone, first, following_utc
):
    alice.user.time_zone = zone
    alice.user.save()
    assert first.astimezone(zoneinfo.ZoneInfo(zone)).hour == 9
    task = services.create_task(
        member=alice, data={"title": "x", "due_at": first, "recurrence": "FREQ=WEEKLY"}
    )

    services.complete_task(task=task, member=alice)

    following = Task.objects.get(previous=task)
    assert following.due_at == following_utc
    assert following.due_at.astimezone(zoneinfo.ZoneInfo(zone)).hour == 9


def test_a_monthly_all_day_task_recurs_by_date(alice):
    alice.user.time_zone = "Pacific/Auckland"
    alice.user.save()
    task = services.create_task(
        member=alice,
        data={"title": "x", "due_on": datetime.date(2026, 1, 31), "recurrence": "FREQ=MONTHLY;BYMONTHDAY=-1"},
    )

    services.complete_task(task=task, member=alice)

    assert Task.objects.get(previous=task).due_on == datetime.date(2026, 2, 28)


# Comments and bulk actions ----------------------------------------------------------------------


def test_a_comment_is_kept_with_its_author(alice):
    task = services.create_task(member=alice, data={"title": "x"})

    comment = services.add_comment(task=task, member=alice, body="  Left a voicemail \n")

    assert (comment.body, comment.author_id) == ("Left a voicemail", alice.user_id)


def test_an_empty_comment_is_refused(alice):
    task = services.create_task(member=alice, data={"title": "x"})

    with pytest.raises(ValidationError) as error:
        services.add_comment(task=task, member=alice, body="   ")

    assert "body" in error.value.message_dict


def test_bulk_completion_closes_each_task_with_its_own_entry(alice):
    tasks = [services.create_task(member=alice, data={"title": f"t{n}"}) for n in range(3)]

    count = services.bulk_update_tasks(member=alice, ids=[t.pk for t in tasks], action="done", value=None)

    assert count == 3
    assert set(Task.objects.values_list("status", flat=True)) == {"done"}


def test_bulk_assignment_reschedules_all_day_reminders_in_the_new_assignees_zone(alice):
    sydney = UserFactory(time_zone="Australia/Sydney")
    MembershipFactory(organization=alice.organization, user=sydney)
    day = timezone.now().date() + datetime.timedelta(days=5)
    task = services.create_task(member=alice, data={"title": "x", "due_on": day, "reminders": [0]})

    services.bulk_update_tasks(member=alice, ids=[task.pk], action="assign", value=sydney.pk)

    reminder = Reminder.objects.get(task=task)
    tz = zoneinfo.ZoneInfo("Australia/Sydney")
    assert reminder.remind_at == datetime.datetime.combine(day, datetime.time(9), tzinfo=tz).astimezone(UTC)


def test_a_call_logged_with_a_follow_up_becomes_a_task_on_the_same_record(
    alice, django_capture_on_commit_callbacks
):
    from kliento.activities import services as activities

    contact = ContactFactory(organization=alice.organization)
    due = timezone.now() + datetime.timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        activities.log_call(
            member=alice,
            kind="contact",
            record=contact,
            direction="outbound",
            outcome="no_answer",
            follow_up_at=due,
            follow_up_note="Try again on Thursday",
        )

    task = Task.objects.get()
    assert (task.title, task.due_at, task.assignee_id) == ("Try again on Thursday", due, alice.user_id)
    assert (task.related_kind, task.related_id) == ("contact", contact.pk)
