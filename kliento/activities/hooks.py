"""What other apps hear from the timeline, without this app importing them.

Mentioned colleagues are notified (activities/notices.py), a call's follow-up becomes a task
(tasks/follow_ups.py) and the first outbound interaction on a lead is its first response
(leads/registrations.py) through handlers registered in an AppConfig.ready():

    from kliento.activities.hooks import on_follow_up, on_mention, on_outbound

    on_mention(tell_mentioned)
    on_follow_up(task_from_follow_up)
    on_outbound(first_response_of_lead)

Handlers run after the transaction that stored the note or call committed (never for a write that
was rolled back), once per write, in the order registered, with the organization still active.
A handler that fails is logged and does not stop the others.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from kliento.activities.models import Activity, Call
    from kliento.core.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mentioned:
    activity: Activity  # the note
    users: tuple[User, ...]  # members named in it, each once, never its author
    author: User | None


@dataclass(frozen=True)
class FollowUpWished:
    call: Call
    due_at: datetime.datetime | None
    note: str
    author: User | None


@dataclass(frozen=True)
class Outbound:
    """Someone of the organization reached out to a record's person: a call made, later an email
    or a message sent."""

    activity: Activity
    author: User | None


MentionHandler = Callable[[Mentioned], None]
FollowUpHandler = Callable[[FollowUpWished], None]
OutboundHandler = Callable[[Outbound], None]

_mention_handlers: list[MentionHandler] = []
_follow_up_handlers: list[FollowUpHandler] = []
_outbound_handlers: list[OutboundHandler] = []


def on_mention(handler: MentionHandler) -> None:
    _mention_handlers.append(handler)


def on_follow_up(handler: FollowUpHandler) -> None:
    _follow_up_handlers.append(handler)


def on_outbound(handler: OutboundHandler) -> None:
    _outbound_handlers.append(handler)


def forget_handler(handler: Callable[..., None]) -> None:
    for handlers in (_mention_handlers, _follow_up_handlers, _outbound_handlers):
        while handler in handlers:
            handlers.remove(handler)


def _run(handlers: list[Callable[..., None]], event: object) -> None:
    for handler in list(handlers):
        try:
            handler(event)
        except Exception:
            logger.exception("A timeline hook failed: %r", handler)


def mentioned(event: Mentioned) -> None:
    """Tell the handlers once the note's transaction commits."""
    if event.users:
        transaction.on_commit(lambda: _run(_mention_handlers, event))


def follow_up_wished(event: FollowUpWished) -> None:
    transaction.on_commit(lambda: _run(_follow_up_handlers, event))


def outbound_logged(event: Outbound) -> None:
    transaction.on_commit(lambda: _run(_outbound_handlers, event))
