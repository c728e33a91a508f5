"""Ready-made inputs of bulk actions: a member, a text with suggestions, one of a set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.functional import Promise

from kliento.core.records.lists.page import ListPage
from kliento.core.records.lists.spec import BulkInput


def member_input(name: str, label: str | Promise) -> BulkInput:
    """One of the organization's members (the reader first chosen)."""
    return BulkInput(
        name=name,
        label=label,
        template="core/lists/_bulk_member.html",
        field=lambda page: forms.TypedChoiceField(
            coerce=int, choices=[("", "—"), *((m.user_id, str(m.user)) for m in page.members)]
        ),
        options=lambda page: page.members,
    )


def text_input(
    name: str, label: str | Promise, *, max_length: int, suggestions: Callable[[ListPage], list[str]]
) -> BulkInput:
    return BulkInput(
        name=name,
        label=label,
        template="core/lists/_bulk_text.html",
        field=lambda page: forms.CharField(max_length=max_length),
        options=suggestions,
    )


def choice_input(
    name: str, label: str | Promise, choices: Callable[[], list[tuple[str, Any]]], *, reason: bool = False
) -> BulkInput:
    return BulkInput(
        name=name,
        label=label,
        template="core/lists/_bulk_choice.html",
        field=lambda page: forms.ChoiceField(choices=choices()),
        options=lambda page: choices(),
        reason=reason,
    )


def tag_input(name: str, label: str | Promise) -> BulkInput:
    """A tag's name, suggesting the organization's tags; a new name makes a new tag."""
    return text_input(name, label, max_length=60, suggestions=lambda page: [tag.name for tag in page.tags])
