"""Background jobs of tasks: the reminder dispatcher, every minute, and on demand."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kliento.tasks.dispatch import dispatch_due_reminders
from kliento.tasks.jobs import send_meeting_invitations  # noqa: F401 (the worker finds jobs in tasks.py)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]  # huey ships no types
def dispatch_reminders() -> None:
    """Every minute: deliver the reminders due by now (and those a stopped worker left claimed)."""
    dispatch_due_reminders()


@db_task()  # type: ignore[untyped-decorator]  # huey ships no types
def dispatch_reminders_now() -> None:
    """The same, queued by hand (`kliento worker` serves it at once): operators and tests."""
    dispatch_due_reminders()
