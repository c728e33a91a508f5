"""Reads of the core app that carry rules."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kliento.core.models import ApiKey, AuditEntry, Invitation, Membership, Team, User
from kliento.core.permissions import Permission
from kliento.core.services import require


def memberships_of(user: User) -> QuerySet[Membership]:
    """Every organization the user may enter, across tenants (for the switcher and sign-in)."""
    return (
        Membership.unscoped.filter(user=user, is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def members_of_organization() -> QuerySet[Membership]:
    return Membership.objects.active().select_related("user").order_by("user__full_name", "user__email", "id")


def access_membership(*, member: Membership, membership_id: int) -> Membership:
    """Another member of this organization, for someone allowed to manage members; 404 otherwise."""
    require(member, Permission.MANAGE_MEMBERS)
    membership = Membership.objects.select_related("user", "organization").filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    return membership


def pending_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def api_keys_of_organization() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("created_by").order_by("revoked_at", "-created_at")


def access_api_key(*, member: Membership, key_id: int) -> ApiKey:
    require(member, Permission.MANAGE_API_KEYS)
    key = ApiKey.objects.filter(pk=key_id).first()
    if key is None:
        raise Http404
    return key


def teams_of_organization() -> QuerySet[Team]:
    return Team.objects.select_related("manager").prefetch_related("members").order_by("name")


def access_team(*, member: Membership, team_id: int, include_trash: bool = False) -> Team:
    require(member, Permission.MANAGE_TEAMS)
    manager = Team.with_trash if include_trash else Team.objects
    team = manager.filter(pk=team_id).first()
    if team is None:
        raise Http404
    return team


def audit_entries(
    *,
    member: Membership,
    actor_id: int | None = None,
    record_type: str = "",
    action: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """The organization's audit entries matching the filters (dates in the reader's time zone, both
    days included), for a member allowed to read the audit history."""
    require(member, Permission.VIEW_AUDIT)
    entries = AuditEntry.objects.select_related("api_key")
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if record_type:
        entries = entries.filter(record_type=record_type)
    if action:
        entries = entries.filter(action=action)
    zone = timezone.get_current_timezone()
    if since is not None:
        entries = entries.filter(created_at__gte=datetime.datetime.combine(since, datetime.time.min, zone))
    if until is not None:
        next_day = until + datetime.timedelta(days=1)
        entries = entries.filter(created_at__lt=datetime.datetime.combine(next_day, datetime.time.min, zone))
    return entries


def people_of_organization() -> list[User]:
    """Everyone who is or was a member, by name: who may have made a change."""
    return [
        membership.user
        for membership in Membership.objects.select_related("user").order_by("user__full_name", "user__email")
    ]


def organization_counts() -> dict[str, int]:
    """What the home page tells those who manage the organization: members, teams, open invitations, keys."""
    return {
        "member_count": Membership.objects.active().count(),
        "team_count": Team.objects.count(),
        "pending_invitation_count": pending_invitations().count(),
        "api_key_count": ApiKey.objects.filter(revoked_at=None).count(),
    }
