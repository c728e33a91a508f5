"""The task list: columns, filters and bulk actions, registered with the records kit in
TasksConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kliento.core.models import Membership
from kliento.core.permissions import Permission
from kliento.core.records.lists import (
    BulkAction,
    Cell,
    ChoiceFilter,
    DateRangeFilter,
    ListColumn,
    ListFilter,
    ListPage,
    ListSpec,
    ListTexts,
    OwnerFilter,
    TagFilter,
    TeamFilter,
    columns,
    register_list,
)
from kliento.core.records.lists.bulk import choice_input, member_input, tag_input
from kliento.core.records.lists.custom_fields import RecordCustomFields
from kliento.core.records.lists.filters import Errors, choice_widget, values_of
from kliento.tasks import selectors, services, zones
from kliento.tasks.models import Priority, Task

STATUS_CSS = {"open": "text-bg-light", "done": "text-bg-success", "cancelled": "text-bg-secondary"}


def _priorities() -> list[tuple[str, Any]]:
    return [(str(value), label) for value, label in Priority.choices]


def _priority_labels() -> list[tuple[Any, Any]]:
    return list(Priority.choices)


def _due_cell(page: ListPage) -> Any:
    now = timezone.now()
    organization = page.member.organization
    moment_format, day_format = get_format("SHORT_DATETIME_FORMAT"), get_format("SHORT_DATE_FORMAT")

    def read(task: Task) -> Cell:
        if task.due_at is not None:
            shown = format_date(timezone.localtime(task.due_at), moment_format)
        elif task.due_on is not None:
            shown = format_date(task.due_on, day_format)
        else:
            return Cell("text", "")
        state = selectors.due_state(task, now, organization)
        if state.overdue:
            return Cell("badge", _("%(when)s · overdue") % {"when": shown}, "text-bg-danger")
        if state.today:
            return Cell("badge", _("%(when)s · today") % {"when": shown}, "text-bg-warning")
        return Cell("text", shown)

    return read


def _assignee_cell(page: ListPage) -> Any:
    return lambda task: Cell("text", str(task.assignee) if task.assignee_id else "")


def _related_cell(page: ListPage) -> Any:
    return lambda task: Cell("text", task.related_label)


def _columns() -> tuple[ListColumn, ...]:
    return (
        columns.name("title", gettext_lazy("Title"), fields=("title",), sort_by=("title",)),
        ListColumn(
            key="due",
            label=gettext_lazy("Due"),
            cell=_due_cell,
            fields=("due_at", "due_on", "due_key", "status", "assignee_id", "assignee__time_zone"),
            sort_by=("due_key",),
        ),
        columns.badge(
            "status",
            gettext_lazy("Status"),
            "status",
            lambda: Task.Status.choices,
            css=lambda v: STATUS_CSS.get(v, ""),
        ),
        columns.choice("priority", gettext_lazy("Priority"), "priority", _priority_labels),
        ListColumn(
            key="assignee",
            label=gettext_lazy("Assignee"),
            cell=_assignee_cell,
            fields=("assignee_id", "assignee__full_name", "assignee__email"),
        ),
        ListColumn(
            key="related", label=gettext_lazy("Related to"), cell=_related_cell, fields=("related_label",)
        ),
        columns.tags(),
        columns.moment("created", gettext_lazy("Created"), "created_at"),
        columns.moment("updated", gettext_lazy("Changed"), "updated_at"),
    )


class AssigneeFilter(OwnerFilter):
    def __init__(self) -> None:
        super().__init__("owner", field="assignee_id")

    def label(self, name: str) -> str:
        return _("Assignee")


class DueFilter(ListFilter):
    """Open tasks by where they stand against their assignee's clock (`due=overdue`, `today`, `none`)."""

    template = "core/lists/_filter_choice.html"
    names = ("due",)

    def choices(self) -> list[tuple[str, str]]:
        return [("overdue", _("Overdue")), ("today", _("Due today")), ("none", _("No due date"))]

    def label(self, name: str) -> str:
        return _("Due")

    def parse(self, params: Mapping[str, Any], member: Membership, errors: Errors) -> Any:
        values = values_of(params, "due")
        if set(values) - {value for value, _label in self.choices()}:
            errors["due"] = [_("Choose overdue, due today or no due date.")]
        return values or None

    def apply(self, queryset: QuerySet[Any], value: Any, member: Membership) -> QuerySet[Any]:
        now = timezone.now()
        condition = Q(pk__in=[])
        if "overdue" in value:
            condition |= selectors.overdue_condition(member.organization, now)
        if "today" in value:
            tz = zones.zone_of(member.user, member.organization)
            today = zones.today_in(tz, now)
            start, end = zones.day_bounds(today, tz)
            condition |= Q(status=Task.Status.OPEN) & (Q(due_at__gte=start, due_at__lt=end) | Q(due_on=today))
        if "none" in value:
            condition |= Q(due_at=None, due_on=None)
        return queryset.filter(condition)

    def value_label(self, name: str, value: str, page: ListPage) -> str:
        return dict(self.choices()).get(value, value)

    def widget(self, params: Mapping[str, Any], invalid: set[str], page: ListPage) -> Any:
        return choice_widget("due", self.label("due"), params, self.choices(), invalid)


def _search_parse(text: str, region: str) -> str | None:
    return text.strip() if len(text.strip()) >= 2 else None


def _search_apply(queryset: QuerySet[Any], text: str, organization_id: int) -> QuerySet[Any]:
    return queryset.filter(Q(title__icontains=text) | Q(related_label__icontains=text))


def _run(action: str) -> Any:
    def run(*, member: Membership, ids: list[int], value: Any, reason: str = "") -> int:
        return services.bulk_update_tasks(member=member, ids=ids, action=action, value=value, reason=reason)

    return run


TEXTS = ListTexts(
    new=gettext_lazy("New task"),
    all=gettext_lazy("All tasks"),
    mine=gettext_lazy("My tasks"),
    no_match=gettext_lazy("No tasks match these filters."),
    empty=gettext_lazy("No tasks yet — add one here or from any card, or load demo data with %(command)s."),
    count=lambda count: ngettext("%(count)s task", "%(count)s tasks", count),
    count_more=gettext_lazy("%(count)s+ tasks"),
    count_estimate=lambda count: ngettext("about %(count)s task", "about %(count)s tasks", count),
    updated=lambda count: ngettext("%(count)s task updated.", "%(count)s tasks updated.", count),
)


TAG = tag_input("tag", gettext_lazy("Tag"))


def register() -> None:
    from kliento.core.records.lists import SearchFilter

    edit = Permission.EDIT_TASKS
    register_list(
        ListSpec(
            kind="task",
            columns=_columns(),
            default_columns=("title", "due", "status", "priority", "assignee", "related", "tags"),
            default_sort="due",
            filters=(
                SearchFilter(parse=_search_parse, apply=_search_apply),
                DueFilter(),
                ChoiceFilter(
                    "status",
                    label=gettext_lazy("Status"),
                    field="status",
                    choices=lambda: Task.Status.choices,
                ),
                AssigneeFilter(),
                TeamFilter(field="assignee_id"),
                ChoiceFilter(
                    "priority", label=gettext_lazy("Priority"), field="priority", choices=_priorities
                ),
                TagFilter(),
                DateRangeFilter(
                    field="due_key",
                    start="due_from",
                    end="due_to",
                    start_label=gettext_lazy("Due from"),
                    end_label=gettext_lazy("Due until"),
                ),
            ),
            texts=TEXTS,
            visible=lambda member: Task.objects.visible_to(member),
            reads=("title",),
            bulk_actions=(
                BulkAction("done", gettext_lazy("Mark done"), _run("done"), permission=edit),
                BulkAction("cancelled", gettext_lazy("Cancel"), _run("cancelled"), permission=edit),
                BulkAction("open", gettext_lazy("Reopen"), _run("open"), permission=edit),
                BulkAction(
                    "assign",
                    gettext_lazy("Assign to"),
                    _run("assign"),
                    permission=edit,
                    input=member_input("assignee", gettext_lazy("Assignee")),
                ),
                BulkAction(
                    "priority",
                    gettext_lazy("Set priority"),
                    _run("priority"),
                    permission=edit,
                    input=choice_input("priority", gettext_lazy("Priority"), _priorities),
                ),
                BulkAction("add_tag", gettext_lazy("Add tag"), _run("add_tag"), permission=edit, input=TAG),
                BulkAction(
                    "remove_tag", gettext_lazy("Remove tag"), _run("remove_tag"), permission=edit, input=TAG
                ),
                BulkAction(
                    "trash",
                    gettext_lazy("Move to trash"),
                    _run("trash"),
                    permission=edit,
                    confirm=True,
                    done=lambda count: ngettext(
                        "%(count)s task moved to the trash.", "%(count)s tasks moved to the trash.", count
                    ),
                ),
            ),
            custom_fields=RecordCustomFields(),
            create_url_name="tasks:task-create",
        )
    )
