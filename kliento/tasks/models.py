"""Tasks (with comments, tags and reminders), meetings and their participants, and the worker's
heartbeat."""

from __future__ import annotations

import datetime
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.core.models import Membership, Tag, User
from kliento.core.records.tags import TagLink
from kliento.core.tenancy import SoftDeleteModel, TenantKeyedModel, TenantManager, TenantModel, TenantQuerySet

# Tasks without a due time sort after every dated one: keyset pages need a sort key that is never null.
NO_DUE_DATE = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class TaskQuerySet(TenantQuerySet["Task"]):
    def visible_to(self, member: Membership) -> Self:
        """Every task, or, when visibility is limited, those assigned to or made by the member or
        their team."""
        if member.sees_all_records:
            return self
        people = member.team_member_ids()
        return self.filter(Q(assignee_id__in=people) | Q(created_by_id__in=people))

    def open(self) -> Self:
        return self.filter(status=Task.Status.OPEN)


class MeetingQuerySet(TenantQuerySet["Meeting"]):
    def visible_to(self, member: Membership) -> Self:
        """Every meeting, or, when visibility is limited, those the member's team organizes or attends."""
        if member.sees_all_records:
            return self
        people = member.team_member_ids()
        return self.filter(
            Q(organizer_id__in=people)
            | Q(pk__in=MeetingParticipant.objects.filter(user_id__in=people).values("meeting_id"))
        )


class Task(TenantModel, SoftDeleteModel):
    """Something a person has to do, by a moment (an instant, stored in UTC) or on a day (all-day,
    kept as a date so it never drifts to the day before in another zone)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # due_at, the start of due_on in UTC, or NO_DUE_DATE: the lists' sort key (services keep it).
    due_key = models.DateTimeField(default=NO_DUE_DATE, editable=False)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    assignee = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("assignee")
    )
    related_kind = models.CharField(_("kind of related record"), max_length=40, blank=True)
    related_id = models.BigIntegerField(_("related record"), null=True, blank=True)
    related_label = models.CharField(max_length=200, blank=True, editable=False)
    recurrence = models.CharField(_("repeats"), max_length=500, blank=True)
    # The occurrence this one follows, for a recurring task: at most one next occurrence each.
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_occurrence",
        editable=False,
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    custom_fields = models.JSONField(default=dict, blank=True)
    tags: models.ManyToManyField[Tag, TaskTag] = models.ManyToManyField(
        Tag, through="TaskTag", related_name="+", blank=True
    )

    objects = TenantManager.from_queryset(TaskQuerySet)()  # type: ignore[assignment,misc]
    with_trash = TenantManager.from_queryset(TaskQuerySet)(include_trash=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(
                fields=["organization", "assignee", "status", "due_key", "id"], name="task_assignee_due"
            ),
            models.Index(fields=["organization", "status", "due_key", "id"], name="task_status_due"),
            models.Index(
                fields=["organization", "related_kind", "related_id", "status"], name="task_related"
            ),
            models.Index(fields=["organization", "title", "id"], name="task_title"),
            models.Index(fields=["organization", "updated_at", "id"], name="task_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_at=None) | Q(due_on=None), name="task_due_at_or_due_on"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_all_day(self) -> bool:
        return self.due_on is not None


class TaskTag(TagLink):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="tag_links")

    class Meta(TagLink.Meta):
        verbose_name = _("tag of a task")
        verbose_name_plural = _("tags of tasks")
        indexes = [models.Index(fields=["organization", "tag", "task"], name="tasktag_org_tag")]
        constraints = [models.UniqueConstraint(fields=["task", "tag"], name="tasktag_unique")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.tag_id}"


class TaskComment(TenantModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("comment"), max_length=5000)

    class Meta:
        verbose_name = _("comment on a task")
        verbose_name_plural = _("comments on tasks")
        indexes = [models.Index(fields=["organization", "task", "id"], name="taskcomment_task")]

    def __str__(self) -> str:
        return self.body[:60]


class Reminder(TenantModel):
    """A reminder of a task, some minutes before it is due; delivered exactly once by the worker's
    dispatcher (see dispatch.py): scheduled → sending (claimed, with a lease) → sent, or failed with
    the reason; cancelled when its task is closed."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    minutes_before = models.PositiveIntegerField(_("minutes before"), default=0)
    remind_at = models.DateTimeField(_("remind at"))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.SCHEDULED)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    failure_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [
            # The dispatcher's look-up, across organizations: what is due, oldest first.
            models.Index(fields=["state", "remind_at"], name="reminder_due"),
            models.Index(fields=["organization", "task"], name="reminder_task"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task", "minutes_before"], name="reminder_unique_offset"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} - {self.minutes_before} min"


class Meeting(TenantModel, SoftDeleteModel):
    """A meeting at instants (stored in UTC, with the organizer's zone for the invitation), or on
    whole days (kept as dates)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    link = models.URLField(_("video link"), max_length=500, blank=True)
    is_all_day = models.BooleanField(_("all day"), default=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    starts_on = models.DateField(_("first day"), null=True, blank=True)
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # RESTRICT, not PROTECT: a user still organizing meetings is not deleted on their own, but
    # deleting their organization (and so its meetings) may take them along.
    organizer = models.ForeignKey(
        User, on_delete=models.RESTRICT, related_name="+", verbose_name=_("organizer")
    )
    related_kind = models.CharField(_("kind of related record"), max_length=40, blank=True)
    related_id = models.BigIntegerField(_("related record"), null=True, blank=True)
    related_label = models.CharField(max_length=200, blank=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)  # the invitation's revision (RFC 5545)

    objects = TenantManager.from_queryset(MeetingQuerySet)()  # type: ignore[assignment,misc]
    with_trash = TenantManager.from_queryset(MeetingQuerySet)(include_trash=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["organization", "starts_at", "id"], name="meeting_starts"),
            models.Index(fields=["organization", "organizer", "starts_at"], name="meeting_organizer"),
            models.Index(fields=["organization", "related_kind", "related_id"], name="meeting_related"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingParticipant(TenantKeyedModel):
    """A member or a contact invited to a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["organization", "user", "meeting"], name="participant_user"),
            models.Index(fields=["organization", "contact"], name="participant_contact"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user=None, contact__isnull=False) | Q(user__isnull=False, contact=None),
                name="participant_user_or_contact",
            ),
            models.UniqueConstraint(fields=["meeting", "user"], name="participant_unique_user"),
            models.UniqueConstraint(fields=["meeting", "contact"], name="participant_unique_contact"),
        ]

    def __str__(self) -> str:
        return self.name or self.email


class WorkerHeartbeat(models.Model):
    """When a worker last ran the reminder dispatcher: one row per installation, not per organization,
    since one worker serves them all; the app warns when it is old."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField(default=timezone.now)
    host = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M}"
