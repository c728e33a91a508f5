"""The global search's provider for tasks: titles holding the words typed, those starting with them
first; one query, capped."""

from __future__ import annotations

from django.urls import reverse

from kliento.core.models import Membership
from kliento.core.records.search import SearchResult
from kliento.tasks.models import Task


def provider(member: Membership, query: str, limit: int) -> list[SearchResult]:
    text = query.strip()
    if len(text) < 2:
        return []
    found = list(
        Task.objects.visible_to(member)
        .filter(title__icontains=text)
        .only("id", "title", "status", "related_label")
        .order_by("-updated_at", "-id")[: limit * 4]
    )
    lowered = text.casefold()
    found.sort(key=lambda task: not task.title.casefold().startswith(lowered))
    return [
        SearchResult(
            title=task.title,
            url=reverse("tasks:task-detail", args=[task.pk]),
            subtitle=task.related_label,
            badge=task.get_status_display(),
            badge_class="text-bg-light",
            score=1.0 if task.title.casefold().startswith(lowered) else 0.6,
        )
        for task in found[:limit]
    ]
