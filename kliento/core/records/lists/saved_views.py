"""Saved views: a list's filters, sort and columns under a name, personal or shared."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from kliento.core.audit import create_record, lock_record, record_change
from kliento.core.models import AuditEntry, Membership, SavedView
from kliento.core.permissions import Permission
from kliento.core.services import require


def saved_views_for(*, member: Membership, kind: str) -> QuerySet[SavedView]:
    """The member's own views of a kind's list and the shared ones."""
    return SavedView.objects.filter(Q(owner_id=member.user_id) | Q(is_shared=True), kind=kind).order_by(
        "-is_shared", "name"
    )


def access_saved_view(*, member: Membership, view_id: int) -> SavedView | None:
    """A view the member sees (their own or a shared one); None for another's personal view."""
    return SavedView.objects.filter(Q(owner_id=member.user_id) | Q(is_shared=True), pk=view_id).first()


def may_delete_view(member: Membership, view: SavedView) -> bool:
    return view.owner_id == member.user_id or member.can(Permission.MANAGE_TEAMS)


@transaction.atomic
def save_view(
    *,
    member: Membership,
    kind: str,
    name: str,
    query: Mapping[str, Any],
    columns: Sequence[str],
    shared: bool,
) -> SavedView:
    """A new view of the kind's list; sharing it with everyone needs MANAGE_TEAMS."""
    if shared:
        require(member, Permission.MANAGE_TEAMS)
    view = SavedView(
        organization_id=member.organization_id,
        kind=kind,
        name=name.strip(),
        owner=member.user,
        is_shared=shared,
        query=dict(query),
        columns=list(columns),
    )
    return create_record(view, actor=member.user)


@transaction.atomic
def delete_view(*, member: Membership, view: SavedView) -> None:
    """Delete a view for good; another member's shared view needs MANAGE_TEAMS."""
    if view.owner_id != member.user_id:
        require(member, Permission.MANAGE_TEAMS)
    lock_record(view)
    record_change(view, action=AuditEntry.Action.PURGE, actor=member.user)
    view.delete()
