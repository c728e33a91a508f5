"""Task and meeting pages: the list, the card and its Tasks panel on other cards, forms, Today and
the calendar."""

import datetime
import zoneinfo

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kliento.tasks import services
from kliento.tasks.models import Meeting, MeetingParticipant, Reminder, Task
from tests.customers.factories import CompanyFactory, ContactFactory
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.tasks.factories import MeetingFactory, TaskFactory

UTC = datetime.UTC


def queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# The list ---------------------------------------------------------------------------------------


def test_the_task_list_shows_tasks_with_where_they_stand(alice_client, alice):
    TaskFactory(
        organization=alice.organization,
        assignee=alice.user,
        title="Late one",
        due_at=timezone.now() - datetime.timedelta(days=2),
    )
    TaskFactory(
        organization=alice.organization,
        assignee=alice.user,
        title="Later one",
        due_on=timezone.now().date() + datetime.timedelta(days=9),
    )

    content = alice_client.get(reverse("tasks:task-list")).content.decode()

    assert "Late one" in content and "Later one" in content
    assert "overdue" in content
    assert content.index("Late one") < content.index("Later one")


def test_the_task_list_filters_overdue_tasks_in_each_assignees_zone(alice_client, alice):
    sydney = UserFactory(time_zone="Pacific/Kiritimati")  # UTC+14: its today is ahead of everyone's
    MembershipFactory(organization=alice.organization, user=sydney)
    today_utc = timezone.now().astimezone(UTC).date()
    TaskFactory(
        organization=alice.organization,
        assignee=sydney,
        title="Kiribati",
        due_on=today_utc - datetime.timedelta(days=1),
    )
    TaskFactory(
        organization=alice.organization,
        assignee=alice.user,
        title="Future",
        due_on=today_utc + datetime.timedelta(days=3),
    )

    content = alice_client.get(reverse("tasks:task-list") + "?due=overdue").content.decode()

    assert "Kiribati" in content and "Future" not in content


def test_the_task_list_runs_a_fixed_number_of_queries(alice_client, alice, bob):
    contact = ContactFactory(organization=alice.organization)
    for index in range(3):
        services.create_task(
            member=alice, data={"title": f"t{index}", "related_kind": "contact", "related_id": contact.pk}
        )
    few = queries(alice_client, reverse("tasks:task-list"))
    for index in range(40):
        services.create_task(
            member=alice,
            data={
                "title": f"more {index}",
                "assignee_id": bob.user_id,
                "tags": [f"tag {index % 4}"],
                "due_at": timezone.now() + datetime.timedelta(hours=index + 1),
            },
        )

    assert queries(alice_client, reverse("tasks:task-list")) == few


def test_the_my_tasks_view_shows_only_the_readers(alice_client, alice, bob):
    TaskFactory(organization=alice.organization, assignee=alice.user, title="Mine")
    TaskFactory(organization=alice.organization, assignee=bob.user, title="Bobs")

    content = alice_client.get(reverse("tasks:task-list") + "?owner=me").content.decode()

    assert "Mine" in content and "Bobs" not in content


def test_bulk_completion_from_the_list(alice_client, alice):
    tasks = [TaskFactory(organization=alice.organization, assignee=alice.user) for _ in range(2)]

    alice_client.post(reverse("tasks:task-bulk"), {"action": "done", "ids": [t.pk for t in tasks]})

    assert set(Task.objects.values_list("status", flat=True)) == {"done"}


# Forms and the card ---------------------------------------------------------------------------


def test_a_task_is_created_in_the_creators_time_zone(alice_client, alice):
    alice.user.time_zone = "America/New_York"
    alice.user.save()

    response = alice_client.post(
        reverse("tasks:task-create"),
        {
            "title": "Call",
            "due_date": "2027-01-15",
            "due_time": "09:30",
            "priority": "3",
            "assignee_id": str(alice.user_id),
            "reminders": ["15"],
        },
    )

    task = Task.objects.get()
    assert response["Location"] == reverse("tasks:task-detail", args=[task.pk])
    assert task.due_at == datetime.datetime(2027, 1, 15, 14, 30, tzinfo=UTC)
    assert Reminder.objects.get(task=task).remind_at == datetime.datetime(2027, 1, 15, 14, 15, tzinfo=UTC)


def test_a_task_form_without_a_time_makes_an_all_day_task(alice_client, alice):
    alice_client.post(
        reverse("tasks:task-create"), {"title": "Any time", "due_date": "2027-01-15", "priority": "2"}
    )

    task = Task.objects.get()
    assert (task.due_on, task.due_at) == (datetime.date(2027, 1, 15), None)


def test_an_invalid_rule_is_shown_on_its_field(alice_client, alice):
    response = alice_client.post(
        reverse("tasks:task-create"),
        {"title": "x", "due_date": "2027-01-15", "priority": "2", "recurrence": "FREQ=NEVER"},
    )

    assert response.status_code == 200
    assert "recurrence" in response.context["form"].errors
    assert Task.objects.exists() is False


def test_a_past_reminder_is_shown_on_its_field(alice_client, alice):
    response = alice_client.post(
        reverse("tasks:task-create"),
        {"title": "x", "due_date": "2020-01-15", "due_time": "09:00", "priority": "2", "reminders": ["0"]},
    )

    assert "reminders" in response.context["form"].errors
    assert Task.objects.exists() is False


def test_the_task_card_shows_its_details_comments_and_history(alice_client, alice):
    task = services.create_task(
        member=alice,
        data={
            "title": "Call Ada",
            "description": "About the renewal",
            "due_at": timezone.now() + datetime.timedelta(days=1),
            "reminders": [15],
        },
    )
    services.add_comment(task=task, member=alice, body="Left a voicemail")

    content = alice_client.get(reverse("tasks:task-detail", args=[task.pk])).content.decode()

    assert "About the renewal" in content and "Left a voicemail" in content
    assert 'data-testid="task-reminders"' in content and "Scheduled" in content
    assert reverse("core:record-history", args=["task", task.pk]) in content


def test_completing_from_the_card(alice_client, alice):
    task = TaskFactory(organization=alice.organization, assignee=alice.user)

    alice_client.post(reverse("tasks:task-status", args=[task.pk]), {"status": "done"})

    task.refresh_from_db()
    assert task.status == "done" and task.completed_at is not None


def test_a_comment_from_the_card(alice_client, alice):
    task = TaskFactory(organization=alice.organization, assignee=alice.user)

    response = alice_client.post(
        reverse("tasks:task-comment", args=[task.pk]), {"body": "Done soon"}, HTTP_HX_REQUEST="true"
    )

    assert "Done soon" in response.content.decode()


def test_a_viewer_sees_tasks_but_may_not_change_them(client, alice):
    viewer = MembershipFactory(organization=alice.organization, role="viewer")
    task = TaskFactory(organization=alice.organization, assignee=alice.user)
    client.force_login(viewer.user)

    assert client.get(reverse("tasks:task-detail", args=[task.pk])).status_code == 200
    assert client.post(reverse("tasks:task-status", args=[task.pk]), {"status": "done"}).status_code == 403
    assert client.get(reverse("tasks:task-create")).status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_limited_visibility_hides_other_teams_tasks(bob_client, alice, bob):
    alice.organization.record_visibility = "own_and_team"
    alice.organization.save()
    theirs = TaskFactory(organization=alice.organization, assignee=alice.user, created_by=alice.user)
    mine = TaskFactory(organization=alice.organization, assignee=bob.user)

    assert bob_client.get(reverse("tasks:task-detail", args=[theirs.pk])).status_code == 404
    assert bob_client.get(reverse("tasks:task-detail", args=[mine.pk])).status_code == 200


# The Tasks panel on every card ----------------------------------------------------------------


def test_every_kind_of_card_has_a_tasks_panel_with_a_quick_add(alice_client, alice):
    contact = ContactFactory(organization=alice.organization)
    company = CompanyFactory(organization=alice.organization)

    for url in (
        reverse("customers:contact-detail", args=[contact.pk]),
        reverse("customers:company-detail", args=[company.pk]),
    ):
        content = alice_client.get(url).content.decode()
        assert 'data-testid="panel-tasks"' in content and 'data-testid="quick-task-form"' in content


def test_a_task_added_from_a_contacts_card_is_listed_on_it(alice_client, alice):
    contact = ContactFactory(organization=alice.organization)

    response = alice_client.post(
        reverse("tasks:task-quick-add", args=["contact", contact.pk]),
        {"title": "Send the quote", "due_date": "2027-02-01"},
        HTTP_HX_REQUEST="true",
    )

    task = Task.objects.get()
    assert (task.related_kind, task.related_id, task.assignee_id) == ("contact", contact.pk, alice.user_id)
    assert "Send the quote" in response.content.decode()


def test_a_quick_add_without_a_title_says_so(alice_client, alice):
    contact = ContactFactory(organization=alice.organization)

    response = alice_client.post(
        reverse("tasks:task-quick-add", args=["contact", contact.pk]), {"title": ""}, HTTP_HX_REQUEST="true"
    )

    assert "is-invalid" in response.content.decode()
    assert Task.objects.exists() is False


def test_a_quick_add_on_another_organizations_record_is_not_found(alice_client, olga):
    theirs = ContactFactory(organization=olga.organization)

    response = alice_client.post(reverse("tasks:task-quick-add", args=["contact", theirs.pk]), {"title": "x"})

    assert response.status_code == 404
    assert Task.unscoped.exists() is False


def test_a_quick_add_on_an_unknown_kind_is_not_found(alice_client, alice):
    assert (
        alice_client.post(reverse("tasks:task-quick-add", args=["spaceship", 1]), {"title": "x"}).status_code
        == 404
    )


# Today ------------------------------------------------------------------------------------------


def test_today_lists_overdue_and_due_tasks_in_the_readers_zone(alice_client, alice):
    alice.user.time_zone = "Australia/Sydney"
    alice.user.save()
    sydney_today = timezone.now().astimezone(zoneinfo.ZoneInfo("Australia/Sydney")).date()
    TaskFactory(
        organization=alice.organization,
        assignee=alice.user,
        title="Yesterday",
        due_on=sydney_today - datetime.timedelta(days=1),
    )
    TaskFactory(
        organization=alice.organization, assignee=alice.user, title="Today all day", due_on=sydney_today
    )
    TaskFactory(
        organization=alice.organization,
        assignee=alice.user,
        title="Tomorrow",
        due_on=sydney_today + datetime.timedelta(days=1),
    )

    response = alice_client.get(reverse("web:home"))
    mine = next(widget for widget in response.context["widgets"] if widget.key == "my_day").context

    assert [t.title for t in mine["overdue"]] == ["Yesterday"]
    assert [t.title for t in mine["today"]] == ["Today all day"]


def test_today_lists_todays_meetings(alice_client, alice):
    MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        title="Standup",
        starts_at=timezone.now() + datetime.timedelta(minutes=5),
    )

    content = alice_client.get(reverse("web:home")).content.decode()

    assert "Standup" in content


def test_managers_see_their_teams_tasks_today(alice_client, alice, bob):
    team = TeamFactory(organization=alice.organization, manager=alice.user)
    team.members.add(bob.user, through_defaults={"organization_id": alice.organization_id})
    TaskFactory(
        organization=alice.organization,
        assignee=bob.user,
        title="Bob is late",
        due_at=timezone.now() - datetime.timedelta(hours=3),
    )

    content = alice_client.get(reverse("web:home")).content.decode()

    assert 'data-testid="today-team"' in content and "Bob is late" in content


def test_salespeople_do_not_get_the_team_widget(bob_client, bob):
    assert 'data-testid="today-team"' not in bob_client.get(reverse("web:home")).content.decode()


def test_today_warns_when_the_worker_is_not_running(alice_client, alice):
    assert 'data-testid="worker-late"' in alice_client.get(reverse("web:home")).content.decode()

    from kliento.tasks.dispatch import beat

    beat()
    assert 'data-testid="worker-late"' not in alice_client.get(reverse("web:home")).content.decode()


def test_today_runs_a_fixed_number_of_queries_however_many_tasks(alice_client, alice, bob):
    team = TeamFactory(organization=alice.organization, manager=alice.user)
    team.members.add(bob.user, through_defaults={"organization_id": alice.organization_id})
    now = timezone.now()
    TaskFactory(
        organization=alice.organization, assignee=alice.user, due_at=now - datetime.timedelta(hours=1)
    )
    few = queries(alice_client, reverse("web:home"))
    for index in range(30):
        for user in (alice.user, bob.user):
            TaskFactory(
                organization=alice.organization, assignee=user, due_at=now - datetime.timedelta(hours=index)
            )
            TaskFactory(organization=alice.organization, assignee=user, due_on=now.date())
        MeetingFactory(
            organization=alice.organization,
            organizer=alice.user,
            starts_at=now + datetime.timedelta(minutes=index),
        )

    assert queries(alice_client, reverse("web:home")) == few


# Meetings and the calendar --------------------------------------------------------------------


def test_a_meeting_is_created_and_its_participants_get_the_invitation(
    alice_client, alice, bob, django_capture_on_commit_callbacks
):
    contact = ContactFactory(organization=alice.organization, email="ada@example.com")
    data = {
        "title": "Contract",
        "start_date": "2027-03-10",
        "start_time": "10:00",
        "end_time": "11:00",
        "time_zone": "Europe/Berlin",
        "user_ids": [str(bob.user_id)],
        "contact_ids": [str(contact.pk)],
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("tasks:meeting-create"), data)

    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("tasks:meeting-detail", args=[meeting.pk])
    assert meeting.starts_at == datetime.datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
    assert sorted(p.email for p in MeetingParticipant.objects.filter(meeting=meeting)) == [
        "ada@example.com",
        "bob@acme.test",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "bob@acme.test"]
    name, content, _type = mail.outbox[0].attachments[0]
    text = content if isinstance(content, str) else content.decode()
    assert name == "invitation.ics" and "BEGIN:VEVENT" in text
    assert "TZID=Europe/Berlin" in text and "BEGIN:VTIMEZONE" in text


def test_the_ics_download_of_an_all_day_meeting_uses_dates(alice_client, alice):
    meeting = MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        is_all_day=True,
        starts_on=datetime.date(2027, 3, 10),
        ends_on=datetime.date(2027, 3, 11),
    )

    response = alice_client.get(reverse("tasks:meeting-ics", args=[meeting.pk]))

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "DTSTART;VALUE=DATE:20270310" in body and "DTEND;VALUE=DATE:20270312" in body


def test_a_meeting_that_ends_before_it_starts_is_refused_on_the_field(alice_client, alice):
    response = alice_client.post(
        reverse("tasks:meeting-create"),
        {
            "title": "x",
            "start_date": "2027-03-10",
            "start_time": "10:00",
            "end_time": "09:00",
            "time_zone": "UTC",
        },
    )

    assert "ends_at" in response.context["form"].errors or response.context["form"].non_field_errors()
    assert Meeting.objects.exists() is False


def test_the_calendar_places_items_on_the_days_of_the_readers_zone(alice_client, alice):
    alice.user.time_zone = "America/New_York"
    alice.user.save()
    # 02:00 UTC on 10 March is still 9 March in New York (22:00 EDT).
    MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        title="Late call",
        starts_at=datetime.datetime(2026, 3, 10, 2, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2026, 3, 10, 3, 0, tzinfo=UTC),
    )
    TaskFactory(
        organization=alice.organization,
        assignee=alice.user,
        title="All day",
        due_on=datetime.date(2026, 3, 10),
    )

    response = alice_client.get(reverse("tasks:calendar") + "?view=week&date=2026-03-09")

    days = {day.date: day for day in response.context["days"]}
    assert [m.title for m in days[datetime.date(2026, 3, 9)].meetings] == ["Late call"]
    assert [t.title for t in days[datetime.date(2026, 3, 10)].tasks] == ["All day"]


def test_the_month_view_covers_whole_weeks(alice_client, alice):
    response = alice_client.get(reverse("tasks:calendar") + "?view=month&date=2026-02-15")

    weeks = response.context["weeks"]
    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][0].date <= datetime.date(2026, 2, 1) and weeks[-1][-1].date >= datetime.date(2026, 2, 28)


def test_the_day_view_of_a_daylight_saving_change_shows_the_whole_day(alice_client, alice):
    alice.user.time_zone = "Europe/Berlin"
    alice.user.save()
    # 29 March 2026 in Berlin has 23 hours: 00:00 CET is 23:00 UTC the day before.
    MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        title="Early",
        starts_at=datetime.datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
        ends_at=datetime.datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
    )
    MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        title="Late",
        starts_at=datetime.datetime(2026, 3, 29, 21, 30, tzinfo=UTC),
        ends_at=datetime.datetime(2026, 3, 29, 21, 45, tzinfo=UTC),
    )
    MeetingFactory(
        organization=alice.organization,
        organizer=alice.user,
        title="Next day",
        starts_at=datetime.datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2026, 3, 29, 22, 30, tzinfo=UTC),
    )

    response = alice_client.get(reverse("tasks:calendar") + "?view=day&date=2026-03-29")

    assert [m.title for m in response.context["days"][0].meetings] == ["Early", "Late"]
