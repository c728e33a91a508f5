"""The kinds of notification: each app registers its own in its AppConfig.ready(), in one line:

    register_notification_kind(NotificationKind("deal_won", _("A deal of yours is won"), email=True))

The key is stored on every notification and preference, so it never changes once used. `in_app` and
`email` are the channels a person gets until they choose otherwise on their notification settings
page; `notify(recipient, "deal_won", title, record=deal)` then sends one (see services.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.functional import Promise


class UnknownNotificationKind(LookupError):
    pass


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str | Promise
    email: bool = False  # sent by email unless the person turns it off
    in_app: bool = True  # shown under the bell unless the person turns it off
    order: int = 100


_kinds: dict[str, NotificationKind] = {}


def register_notification_kind(kind: NotificationKind) -> None:
    if len(kind.key) > 60:
        raise ValueError(f"A notification kind's key holds at most 60 characters: {kind.key!r}.")
    _kinds[kind.key] = kind


def get_notification_kind(key: str) -> NotificationKind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownNotificationKind(key) from None


def notification_kinds() -> Iterator[NotificationKind]:
    yield from sorted(_kinds.values(), key=lambda kind: (kind.order, kind.key))
