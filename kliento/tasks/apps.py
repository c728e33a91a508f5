from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "kliento.tasks"
    label = "tasks"
    verbose_name = _("Tasks and meetings")

    def ready(self) -> None:
        from kliento.tasks import follow_ups, timeline

        follow_ups.register()
        timeline.register()

        from kliento.core.commands import Command, register_command
        from kliento.core.history import HistoryField, register_history
        from kliento.core.navigation import NavItem, register_nav_item
        from kliento.core.permissions import Permission
        from kliento.core.records.cards import register_card_page
        from kliento.core.records.kinds import RecordKind, for_every_kind, register_kind
        from kliento.core.records.panels import register_card_panel
        from kliento.core.records.search import register_search_provider
        from kliento.core.trash import register_trashable
        from kliento.notifications.kinds import NotificationKind, register_notification_kind
        from kliento.tasks import lists, search, selectors, services
        from kliento.tasks.models import Task, TaskTag
        from kliento.tasks.views import panels

        register_notification_kind(
            NotificationKind("task_reminder", _("Reminders of your tasks"), email=True, order=10)
        )
        register_notification_kind(NotificationKind("task_assigned", _("A task is given to you"), order=20))
        register_notification_kind(
            NotificationKind("meeting_invitation", _("You are invited to a meeting"), email=True, order=30)
        )

        register_kind(
            RecordKind(
                key="task",
                model=Task,
                label=_("Task"),
                label_plural=_("Tasks"),
                detail_url_name="tasks:task-detail",
                list_url_name="tasks:task-list",
                icon="check2-square",
                edit_permission=Permission.EDIT_TASKS,
                delete_permission=Permission.EDIT_TASKS,
                order=60,
                tag_link=TaskTag,
            )
        )
        lists.register()
        register_search_provider("task", search.provider)
        register_trashable(
            Task,
            restore_permission=Permission.EDIT_TASKS,
            restore=lambda task, member: services.restore_task(task=task, member=member),
        )
        register_history(
            Task,
            hidden={"due_key", "related_label", "custom_fields"},
            fields={"assignee": HistoryField(label=_("Assignee"))},
        )
        register_card_page(
            "task",
            template="tasks/task_card.html",
            context=panels.task_header,
            access=selectors.access_task_record,
            edit_url_name="tasks:task-edit",
            delete_url_name="tasks:task-delete",
        )
        register_card_panel(
            "task",
            key="details",
            title=_("Details"),
            template="tasks/_panel_details.html",
            context=panels.details_panel,
            order=10,
            column="side",
        )
        register_card_panel(
            "task",
            key="reminders",
            title=_("Reminders"),
            template="tasks/_panel_reminders.html",
            context=panels.reminders_panel,
            order=20,
            column="side",
        )
        register_card_panel(
            "task",
            key="description",
            title=_("Description"),
            template="tasks/_panel_description.html",
            context=panels.description_panel,
            order=10,
        )
        register_card_panel(
            "task",
            key="comments",
            title=_("Comments"),
            template="tasks/_panel_comments.html",
            context=panels.comments_panel,
            order=20,
        )

        def tasks_panel_on(kind: RecordKind) -> None:
            if kind.key != "task":
                register_card_panel(
                    kind.key,
                    key="tasks",
                    title=_("Tasks"),
                    template="tasks/_panel_record_tasks.html",
                    context=panels.record_tasks_panel,
                    order=60,
                    column="side",
                )

        for_every_kind(tasks_panel_on)

        register_nav_item(
            NavItem(_("Tasks"), "tasks:task-list", "check2-square", area="activities", order=10)
        )
        register_nav_item(NavItem(_("Calendar"), "tasks:calendar", "calendar3", area="activities", order=20))
        register_command(
            Command(
                key="new-meeting",
                label=_("New meeting"),
                url_name="tasks:meeting-create",
                icon="calendar-plus",
                permission=Permission.EDIT_TASKS,
                keywords=_("add create appointment event invite"),
                order=310,
            )
        )
        register_command(
            Command(
                key="new-task",
                label=_("New task"),
                url_name="tasks:task-create",
                icon="plus-square",
                permission=Permission.EDIT_TASKS,
                keywords=_("add create todo to-do reminder callback"),
                order=300,
            )
        )

        from kliento.tasks import today

        today.register()

        from kliento.tasks.meetings import restore_meeting
        from kliento.tasks.models import Meeting

        register_trashable(
            Meeting,
            restore_permission=Permission.EDIT_TASKS,
            restore=lambda meeting, member: restore_meeting(meeting=meeting, member=member),
        )
        register_history(Meeting, hidden={"sequence", "related_label"})

        from kliento.core.records.demo import register_demo_step
        from kliento.tasks.demo import TASKS_STEP

        register_demo_step(TASKS_STEP)
