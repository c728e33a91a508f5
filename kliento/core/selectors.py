"""Reads of the core app that carry rules."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

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
    from django.utils import timezone

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


def recent_audit_entries(*, member: Membership, limit: int = 100) -> QuerySet[AuditEntry]:
    require(member, Permission.VIEW_AUDIT)
    return AuditEntry.objects.select_related("actor", "api_key").order_by("-created_at", "-id")[:limit]
