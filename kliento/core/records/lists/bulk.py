"""Ready-made bulk actions and their inputs: a member, a text with suggestions, one of a set, and
putting a tag on (or taking it off) any kind whose records carry tags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kliento.core.audit import audit_batch
from kliento.core.models import Membership
from kliento.core.permissions import Permission
from kliento.core.records.lists.page import ListPage
from kliento.core.records.lists.spec import BulkAction, BulkInput
from kliento.core.records.tags import tag_records
from kliento.core.tenancy import TenantModel


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


def tag_actions(model: type[TenantModel], *, permission: Permission | None) -> tuple[BulkAction, BulkAction]:
    """ "Add tag" and "Remove tag" for a kind registered with a `tag_link`: each record changed gets
    its own audit entry, all under one batch id."""

    def run(add: bool) -> Callable[..., int]:
        def apply(*, member: Membership, ids: list[int], value: Any, reason: str = "") -> int:
            with audit_batch():
                return len(tag_records(model, ids, name=value, add=add, member=member))

        return apply

    return (
        BulkAction("add_tag", _("Add tag"), run(True), permission, tag_input("tag", _("Tag"))),
        BulkAction("remove_tag", _("Remove tag"), run(False), permission, tag_input("tag", _("Tag"))),
    )
