"""The task and meeting forms; times are read on the wall clock of the person filling them in."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kliento.core.forms import StyledForm
from kliento.core.models import TIME_ZONE_CHOICES, Membership
from kliento.tasks import zones
from kliento.tasks.models import Priority

REMINDER_CHOICES = [
    (0, _("At the due time")),
    (5, _("5 minutes before")),
    (15, _("15 minutes before")),
    (30, _("30 minutes before")),
    (60, _("1 hour before")),
    (120, _("2 hours before")),
    (1440, _("1 day before")),
]
REPEAT_HELP = _("An RFC 5545 rule, such as FREQ=WEEKLY;BYDAY=MO or FREQ=MONTHLY;BYMONTHDAY=1;COUNT=6.")


def member_choices() -> list[tuple[str, str]]:
    members = Membership.objects.active().select_related("user").order_by("user__full_name", "user__email")
    return [("", "—"), *((str(m.user_id), str(m.user)) for m in members)]


class TaskForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_time = forms.TimeField(
        label=_("Due time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Leave empty for a task due any time that day."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    assignee_id = forms.TypedChoiceField(label=_("Assignee"), coerce=int, empty_value=None, required=False)
    reminders = forms.TypedMultipleChoiceField(
        label=_("Remind"),
        choices=REMINDER_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recurrence = forms.CharField(label=_("Repeats"), max_length=500, required=False, help_text=REPEAT_HELP)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    related_kind = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    related_id = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["assignee_id"].choices = member_choices()  # type: ignore[attr-defined]
        self.tz = zones.zone_of(member.user, member.organization)
        self.fields["due_time"].help_text = _(
            "Leave empty for a task due any time that day. Time zone: %(zone)s."
        ) % {"zone": zones.zone_name_of(member.user, member.organization)}
        self.fields["reminders"].widget.attrs.pop("class", None)  # checkboxes, not one select

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("due_time") and not data.get("due_date"):
            self.add_error("due_date", _("Give the day the task is due."))
        return data

    def service_data(self) -> dict[str, Any]:
        """What the services take, the due day and time made an instant in the filler's zone."""
        data = dict(self.cleaned_data)
        day: datetime.date | None = data.pop("due_date", None)
        time: datetime.time | None = data.pop("due_time", None)
        data["due_at"] = zones.local_moment(day, time, self.tz) if day and time else None
        data["due_on"] = day if day and not time else None
        data["related_kind"] = data.get("related_kind") or ""
        return data

    @classmethod
    def initial_for(cls, task: Any, member: Membership, reminders: list[int]) -> dict[str, Any]:
        tz = zones.zone_of(member.user, member.organization)
        initial: dict[str, Any] = {
            "title": task.title,
            "description": task.description,
            "priority": task.priority,
            "assignee_id": task.assignee_id,
            "recurrence": task.recurrence,
            "reminders": reminders,
            "related_kind": task.related_kind,
            "related_id": task.related_id,
        }
        if task.due_at is not None:
            local = task.due_at.astimezone(tz)
            initial.update(due_date=local.date(), due_time=local.time().replace(second=0, microsecond=0))
        elif task.due_on is not None:
            initial["due_date"] = task.due_on
        return initial


class QuickTaskForm(StyledForm, forms.Form):
    """The card panel's one-line form: a title and, optionally, a day and time."""

    title = forms.CharField(label=_("New task"), max_length=200)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_time = forms.TimeField(
        label=_("Due time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )


class CommentForm(StyledForm, forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    is_all_day = forms.BooleanField(label=_("All day"), required=False)
    start_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_date = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a meeting over several days; the first day by default."),
    )
    end_time = forms.TimeField(
        label=_("Ends"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    link = forms.URLField(label=_("Video link"), max_length=500, required=False, assume_scheme="https")
    user_ids = forms.TypedMultipleChoiceField(
        label=_("Colleagues"), coerce=int, required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    contact_ids = forms.TypedMultipleChoiceField(
        label=_("Contacts"), coerce=int, required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    related_kind = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    related_id = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )

    def __init__(
        self, *args: Any, member: Membership, contacts: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["user_ids"].choices = [c for c in member_choices() if c[0]]  # type: ignore[attr-defined]
        self.fields["contact_ids"].choices = contacts  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("is_all_day") and data.get("start_date") and not data.get("start_time"):
            self.add_error("start_time", _("Give the time the meeting starts, or make it all day."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        tz = zones.zone(data["time_zone"])
        day, end_day = data.pop("start_date"), data.pop("end_date", None)
        start, end = data.pop("start_time", None), data.pop("end_time", None)
        if data["is_all_day"]:
            data.update(starts_on=day, ends_on=end_day or day, starts_at=None, ends_at=None)
        else:
            starts_at = zones.local_moment(day, start, tz)
            ends_at = zones.local_moment(end_day or day, end, tz) if end else None
            data.update(starts_at=starts_at, ends_at=ends_at, starts_on=None, ends_on=None)
        data["related_kind"] = data.get("related_kind") or ""
        return data

    @classmethod
    def initial_for(cls, meeting: Any, user_ids: list[int], contact_ids: list[int]) -> dict[str, Any]:
        tz = zones.zone(meeting.time_zone)
        initial: dict[str, Any] = {
            "title": meeting.title,
            "is_all_day": meeting.is_all_day,
            "time_zone": meeting.time_zone,
            "location": meeting.location,
            "link": meeting.link,
            "description": meeting.description,
            "user_ids": user_ids,
            "contact_ids": contact_ids,
            "related_kind": meeting.related_kind,
            "related_id": meeting.related_id,
        }
        if meeting.is_all_day:
            initial.update(start_date=meeting.starts_on, end_date=meeting.ends_on)
        else:
            start, end = meeting.starts_at.astimezone(tz), meeting.ends_at.astimezone(tz)
            initial.update(
                start_date=start.date(), start_time=start.time(), end_date=end.date(), end_time=end.time()
            )
        return initial
