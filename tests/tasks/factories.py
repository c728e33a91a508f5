import datetime

import factory
from django.utils import timezone

from kliento.notifications.models import Notification, NotificationPreference
from kliento.tasks.models import NO_DUE_DATE, Meeting, MeetingParticipant, Reminder, Task, TaskComment
from tests.factories import OrganizationFactory, TenantFactory, UserFactory


def _due_key(task) -> datetime.datetime:
    if task.due_at is not None:
        return task.due_at
    if task.due_on is not None:
        return datetime.datetime.combine(task.due_on, datetime.time(0), tzinfo=datetime.UTC)
    return NO_DUE_DATE


class TaskFactory(TenantFactory):
    """A task written straight to the database (services are tested on their own)."""

    class Meta:
        model = Task

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    due_at = None
    due_on = None
    due_key = factory.LazyAttribute(_due_key)


class ReminderFactory(TenantFactory):
    class Meta:
        model = Reminder

    organization = factory.SubFactory(OrganizationFactory)
    task = factory.SubFactory(TaskFactory, organization=factory.SelfAttribute("..organization"))
    remind_at = factory.LazyFunction(timezone.now)


class TaskCommentFactory(TenantFactory):
    class Meta:
        model = TaskComment

    organization = factory.SubFactory(OrganizationFactory)
    task = factory.SubFactory(TaskFactory, organization=factory.SelfAttribute("..organization"))
    body = "A comment"


class MeetingFactory(TenantFactory):
    class Meta:
        model = Meeting

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    organizer = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + datetime.timedelta(hours=1))


class MeetingParticipantFactory(TenantFactory):
    class Meta:
        model = MeetingParticipant

    organization = factory.SubFactory(OrganizationFactory)
    meeting = factory.SubFactory(MeetingFactory, organization=factory.SelfAttribute("..organization"))
    user = factory.SubFactory(UserFactory)
    name = "Someone"


class NotificationFactory(TenantFactory):
    class Meta:
        model = Notification

    organization = factory.SubFactory(OrganizationFactory)
    recipient = factory.SubFactory(UserFactory)
    kind = "task_assigned"
    title = factory.Sequence(lambda n: f"Notification {n}")


class NotificationPreferenceFactory(TenantFactory):
    class Meta:
        model = NotificationPreference

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    kind = "task_reminder"
