"""The tasks' demo step: tasks in every state (overdue, due today, later, done, cancelled, repeating),
each on a demo customer and with reminders where they are still ahead, and upcoming meetings.

Written through the services, as a person would, so every task has its history and reminders; the
sizes are small (a salesperson's few hundred tasks), so the services' cost does not matter.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping

from django.utils import timezone

from kliento.core.models import Membership, Organization
from kliento.core.permissions import Permission
from kliento.core.records.bulk import BulkWriter
from kliento.core.records.demo import DemoOutcome, DemoSize, DemoStep
from kliento.tasks import meetings, services, zones
from kliento.tasks.models import Meeting, Priority, Task

TITLES = (
    "Call back about the quote",
    "Send the contract for signature",
    "Follow up on the demo",
    "Check the renewal date",
    "Prepare the proposal",
    "Confirm the delivery address",
    "Ask for a testimonial",
    "Review the open invoice",
)
MEETING_TITLES = ("Product demo", "Quarterly review", "Contract negotiation", "Onboarding call", "Site visit")
RULES = ("FREQ=WEEKLY;BYDAY=MO", "FREQ=MONTHLY;BYMONTHDAY=1", "FREQ=DAILY;COUNT=10")


def fill_tasks(
    organization: Organization, size: Mapping[str, int], rng: random.Random, writer: BulkWriter
) -> DemoOutcome:
    from kliento.customers.models import Contact

    members = [
        member
        for member in Membership.objects.active().select_related("user", "organization").order_by("id")
        if member.can(Permission.EDIT_TASKS)
    ]
    contacts = list(Contact.objects.order_by("id").values_list("id", flat=True)[:500])
    have_tasks, have_meetings = Task.with_trash.count(), Meeting.with_trash.count()
    add_tasks = max(size.get("tasks", 0) - have_tasks, 0) if members else 0
    add_meetings = max(size.get("meetings", 0) - have_meetings, 0) if members else 0
    now = timezone.now()
    for index in range(add_tasks):
        member = members[index % len(members)]
        tz = zones.zone_of(member.user, organization)
        today = zones.today_in(tz, now)
        shape = index % 8
        data: dict[str, object] = {
            "title": rng.choice(TITLES),
            "priority": rng.choice(Priority.values),
            "assignee_id": member.user_id,
        }
        if contacts:
            data.update(related_kind="contact", related_id=rng.choice(contacts))
        if shape == 0:  # overdue by some days, all day
            data["due_on"] = today - datetime.timedelta(days=rng.randint(1, 5))
        elif shape == 1:  # overdue by hours
            data["due_at"] = now - datetime.timedelta(hours=rng.randint(1, 6))
        elif shape == 2:  # due later today
            data["due_at"] = now + datetime.timedelta(minutes=rng.randint(30, 180))
            data["reminders"] = [15]
        elif shape == 3:  # due today, all day
            data["due_on"] = today
        elif shape == 4:  # ahead, repeating
            data["due_at"] = now + datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
            data["recurrence"] = rng.choice(RULES)
            data["reminders"] = [0, 60]
        else:  # ahead
            data["due_on"] = today + datetime.timedelta(days=rng.randint(1, 20))
        task = services.create_task(member=member, data=data)
        if shape == 6:
            services.set_task_status(task=task, member=member, status=Task.Status.DONE)
        elif shape == 7 and index % 16 == 7:
            services.set_task_status(task=task, member=member, status=Task.Status.CANCELLED)
    for index in range(add_meetings):
        member = members[index % len(members)]
        start = (now + datetime.timedelta(days=rng.randint(0, 14))).replace(
            hour=rng.choice((8, 9, 10, 13, 14, 15)), minute=0, second=0, microsecond=0
        )
        others = [m.user_id for m in rng.sample(members, min(2, len(members))) if m.user_id != member.user_id]
        data = {
            "title": rng.choice(MEETING_TITLES),
            "starts_at": start,
            "ends_at": start + datetime.timedelta(minutes=rng.choice((30, 45, 60))),
            "location": rng.choice(("", "Main office", "Customer site")),
            "user_ids": others,
            "contact_ids": [rng.choice(contacts)] if contacts else [],
        }
        if contacts:
            data.update(related_kind="contact", related_id=data["contact_ids"][0])  # type: ignore[index]
        meetings.create_meeting(member=member, data=data)
    return DemoOutcome(
        added={"tasks": add_tasks, "meetings": add_meetings},
        counts={"tasks": Task.with_trash.count(), "meetings": Meeting.with_trash.count()},
    )


TASKS_STEP = DemoStep(
    key="tasks",
    run=fill_tasks,
    sizes=(
        DemoSize("tasks", default=80, help="fill the organization up to this many tasks (80)"),
        DemoSize("meetings", default=20, help="fill the organization up to this many meetings (20)"),
    ),
    order=40,
)
