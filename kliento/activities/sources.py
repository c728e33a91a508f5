"""The timeline's sources: this app's own entries on every kind with a timeline, and the history the
customers app already keeps (lifecycle transitions) on contacts and companies.

Deals, orders and quotes add theirs the same way from their own app (see
`kliento/core/records/timeline.py`), e.g. a deal's stage moves under the entry kind "stage".
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.activities.models import Activity, Attachment, Call
from kliento.core.records.timeline import (
    ANY_KIND,
    EntryKind,
    TimelineEntry,
    TimelineQuery,
    TimelineSource,
    newest_before,
    register_entry_kind,
    register_timeline_source,
)
from kliento.customers.models import LifecycleTransition

LIFECYCLE = "lifecycle"
ACTIVITY_ICONS = {
    Activity.Kind.NOTE: "sticky",
    Activity.Kind.CALL: "telephone",
    Activity.Kind.EMAIL: "envelope",
    Activity.Kind.SMS: "chat-left-text",
    Activity.Kind.CHAT: "chat-dots",
    Activity.Kind.MEETING: "calendar-event",
}
SUMMARY_LENGTH = 140


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def _summary(activity: Activity) -> str:
    if activity.kind == Activity.Kind.CALL:
        outcome = activity.details.get("outcome", "")
        label = str(Call.Outcome(outcome).label) if outcome in Call.Outcome.values else ""
        return " · ".join(part for part in (label, _shortened(activity.body)) if part)
    return _shortened(activity.body)


def activity_data(activity: Activity) -> dict[str, Any]:
    return {
        "activity_id": activity.pk,
        "body": activity.body,
        **activity.details,
        "attachments": [
            {
                "id": attachment.pk,
                "name": attachment.name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "url": reverse("activities:attachment", args=[attachment.pk]),
            }
            for attachment in activity.attachments.all()
        ],
    }


def activity_entries(query: TimelineQuery) -> list[TimelineEntry]:
    rows = Activity.objects.filter(subject_kind=query.kind, subject_id=query.record.pk)
    kinds = query.wanted(Activity.Kind.values)
    if query.entry_kinds is not None:
        rows = rows.filter(kind__in=kinds)
    rows = rows.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    return [
        TimelineEntry(
            kind=activity.kind,
            occurred_at=activity.occurred_at,
            id=activity.pk,
            summary=_summary(activity),
            author=str(activity.author) if activity.author else "",
            direction=activity.direction,
            participants=[str(name) for name in activity.participants],
            template="activities/_entry_activity.html",
            details=activity,
            data=activity_data(activity),
        )
        for activity in newest_before(rows, query, at="occurred_at")
    ]


def lifecycle_entries(query: TimelineQuery) -> list[TimelineEntry]:
    rows = LifecycleTransition.objects.filter(**{query.kind: query.record}).select_related("created_by")
    entries = []
    for transition in newest_before(rows, query, at="created_at"):
        if transition.from_stage:
            summary = _("%(from)s → %(to)s") % {
                "from": transition.get_from_stage_display(),
                "to": transition.get_to_stage_display(),
            }
        else:
            summary = _("Created as %(stage)s") % {"stage": transition.get_to_stage_display()}
        entries.append(
            TimelineEntry(
                kind=LIFECYCLE,
                occurred_at=transition.created_at,
                id=transition.pk,
                summary=summary,
                author=transition.rule_label or (str(transition.created_by) if transition.created_by else ""),
                template="activities/_entry_lifecycle.html",
                details=transition,
                data={
                    "from_stage": transition.from_stage,
                    "to_stage": transition.to_stage,
                    "reason": transition.reason,
                    "rule": transition.rule,
                },
            )
        )
    return entries


def register() -> None:
    for kind in Activity.Kind:
        register_entry_kind(EntryKind(kind.value, kind.label, icon=ACTIVITY_ICONS[kind], order=10))
    register_entry_kind(
        EntryKind(LIFECYCLE, gettext_lazy("Lifecycle change"), icon="signpost-split", order=50)
    )
    register_timeline_source(
        ANY_KIND,
        TimelineSource(key="activities", entry_kinds=tuple(Activity.Kind.values), entries=activity_entries),
    )
    for record_kind in ("contact", "company"):
        register_timeline_source(
            record_kind, TimelineSource(key="lifecycle", entry_kinds=(LIFECYCLE,), entries=lifecycle_entries)
        )
