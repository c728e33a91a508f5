"""Colleagues named in a note hear of it through the notifications app (its kind "mention")."""

from __future__ import annotations

import contextlib

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.activities.hooks import Mentioned, on_mention
from kliento.core.records.kinds import UnknownKind, get_kind
from kliento.notifications.kinds import NotificationKind, register_notification_kind
from kliento.notifications.services import notify

MENTION = "mention"


def tell_mentioned(event: Mentioned) -> None:
    """One notification per person named, linking to the card the note is on; told once, however
    often the hook runs for the note."""
    note = event.activity
    url = ""
    # A kind whose app has gone leaves no card: the notification still says who and what.
    with contextlib.suppress(UnknownKind, NoReverseMatch):
        url = reverse(get_kind(note.subject_kind).detail_url_name, args=[note.subject_id])
    author = str(event.author) if event.author else _("A colleague")
    for user in event.users:
        notify(
            user,
            MENTION,
            _("%(author)s mentioned you in a note") % {"author": author},
            url=url,
            body=note.body,
            source_key=f"mention:{note.pk}:{user.pk}",
        )


def register() -> None:
    register_notification_kind(
        NotificationKind(MENTION, gettext_lazy("A colleague mentions you in a note"), email=True, order=5)
    )
    on_mention(tell_mentioned)
