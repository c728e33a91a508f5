"""The global search's provider for tasks: titles starting with, then containing, the words typed."""

from __future__ import annotations

from django.urls import reverse

from kliento.core.models import Membership
from kliento.core.records.search import SearchResult
from kliento.tasks.models import Task


def provider(member: Membership, query: str, limit: int) -> list[SearchResult]:
    text = query.strip()
    if len(text) < 2:
        return []
    visible = Task.objects.visible_to(member).only("id", "title", "status", "related_label")
    starting = list(visible.filter(title__istartswith=text).order_by("title", "id")[:limit])
    seen = {task.pk for task in starting}
    rest = limit - len(starting)
    containing: list[Task] = []
    if rest > 0:
        more = visible.filter(title__icontains=text).order_by("-updated_at", "id")[: limit + len(seen)]
        containing = [task for task in more if task.pk not in seen][:rest]
    return [
        SearchResult(
            title=task.title,
            url=reverse("tasks:task-detail", args=[task.pk]),
            subtitle=task.related_label,
            badge=task.get_status_display(),
            badge_class="text-bg-light",
            score=1.0 if index < len(starting) else 0.6,
        )
        for index, task in enumerate([*starting, *containing])
    ]
