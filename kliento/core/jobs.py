"""Background jobs that work inside one organization.

    @organization_task(retries=3, retry_delay=60)
    def send_reminder(reminder_id: int, organization_id: int) -> None:
        reminder = Reminder.objects.filter(pk=reminder_id, sent_at=None).first()
        ...

A job is queued with the id of its organization (an argument named `organization_id`, passed by
position or by name like any other); the decorator makes that organization active for the job's
whole run and resets it afterwards, error or not, so a worker thread never carries one job's
organization into the next. This is the only place a job activates an organization.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from huey.contrib.djhuey import db_task

from kliento.core.tenancy import active_organization

P = ParamSpec("P")
R = TypeVar("R")

ORGANIZATION_ARGUMENT = "organization_id"


def in_organization(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` with the organization named by its `organization_id` argument active."""
    signature = inspect.signature(function)
    if ORGANIZATION_ARGUMENT not in signature.parameters:
        raise TypeError(f"{function.__qualname__} needs an {ORGANIZATION_ARGUMENT} argument to run as a job")

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        organization_id = signature.bind(*args, **kwargs).arguments[ORGANIZATION_ARGUMENT]
        # An id from the queue is data: a wrong type would make every query match nothing.
        if isinstance(organization_id, bool) or not isinstance(organization_id, int):
            raise TypeError(f"{ORGANIZATION_ARGUMENT} must be an int, not {type(organization_id).__name__}")
        with active_organization(organization_id):
            return function(*args, **kwargs)

    return run


def organization_task(**options: Any) -> Callable[[Callable[P, R]], Any]:
    """Huey's `db_task` (same options) for a job of one organization: see the module's docstring."""

    def decorate(function: Callable[P, R]) -> Any:
        return db_task(**options)(in_organization(function))

    return decorate
