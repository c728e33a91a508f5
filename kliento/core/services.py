"""Every write of the core app: organizations, members, invitations, teams, API keys."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kliento.core.audit import (
    create_record,
    lock_record,
    move_to_trash,
    record_change,
    restore_from_trash,
    save_changed_fields,
    update_record,
)
from kliento.core.errors import DomainError, NotAllowed
from kliento.core.models import (
    ApiKey,
    AuditEntry,
    Invitation,
    Membership,
    Organization,
    Team,
    User,
)
from kliento.core.permissions import Permission, Role, role_covers, roles_grantable_by
from kliento.core.prepared import PreparedQuery
from kliento.core.tenancy import active_organization

INVITATION_LIFETIME = datetime.timedelta(days=7)
API_KEY_TOUCH_INTERVAL = datetime.timedelta(minutes=1)


def require(member: Membership, permission: Permission) -> None:
    """Refuse unless the member's role allows the permission."""
    if not member.can(permission):
        raise NotAllowed(_("Your role does not allow this."))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Organizations ------------------------------------------------------------------------------


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organization"
    slug, suffix = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


@transaction.atomic
def create_organization(
    *,
    name: str,
    owner: User,
    slug: str | None = None,
    base_currency: str = "USD",
    default_locale: str = "en",
    time_zone: str = "UTC",
    default_region: str = "US",
) -> Organization:
    """A new organization with its first owner."""
    organization = Organization(
        name=name,
        slug=slug or unique_slug(name),
        base_currency=base_currency,
        default_locale=default_locale,
        time_zone=time_zone,
        default_region=default_region,
    )
    organization.full_clean()
    organization.save()
    with active_organization(organization.pk):
        record_change(
            organization, action=AuditEntry.Action.CREATE, actor=owner, changes={"name": [None, name]}
        )
        create_record(Membership(organization=organization, user=owner, role=Role.OWNER), actor=owner)
    return organization


@transaction.atomic
def update_organization(
    *, organization: Organization, member: Membership, changes: Mapping[str, Any]
) -> Organization:
    """Change the organization's settings; only its owners and admins may."""
    require(member, Permission.MANAGE_ORGANIZATION)
    allowed = {"name", "base_currency", "default_locale", "time_zone", "default_region", "record_visibility"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("This field cannot be changed here."), field=sorted(unknown)[0])
    return update_record(organization, changes, actor=member.user)


# Users and members --------------------------------------------------------------------------


@transaction.atomic
def create_user(*, email: str, password: str | None, full_name: str = "", language: str = "") -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(_("A user with this email already exists."), field="email")
    user = User(email=email, full_name=full_name, language=language)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


PROFILE_FIELDS = ("full_name", "language", "time_zone")


@transaction.atomic
def update_profile(*, user: User, changes: Mapping[str, Any]) -> User:
    """Change a user's own name, language or time zone, audited in each of their organizations."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("This field cannot be changed here."), field=sorted(unknown)[0])
    lock_record(user)
    before = {name: getattr(user, name) for name in changes}
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    diff = save_changed_fields(user, before, actor=user)
    if diff:
        _record_user_change(user, diff)
    return user


@transaction.atomic
def change_password(*, user: User, password: str) -> User:
    """Set a user's password (already validated by the form), audited in each of their
    organizations without the password or its hash."""
    lock_record(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _record_user_change(user, {"password": [None, "changed"]})
    return user


def _record_user_change(user: User, changes: Mapping[str, Any]) -> None:
    """A user belongs to no organization: their changes are recorded in each one they are in."""
    organization_ids = Membership.unscoped.filter(user=user, is_active=True).values_list(
        "organization_id", flat=True
    )
    for organization_id in organization_ids:
        record_change(
            user,
            action=AuditEntry.Action.UPDATE,
            actor=user,
            changes=changes,
            organization_id=organization_id,
        )


@transaction.atomic
def add_member(*, organization: Organization, user: User, role: str, actor: User | None = None) -> Membership:
    """Make a user a member of the organization with a role (again, if they had been removed),
    audited; for operators (the command line), who act outside any organization's roles."""
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    with active_organization(organization.pk):
        membership = Membership.objects.select_for_update().filter(user=user).first()
        if membership is None:
            return create_record(Membership(organization=organization, user=user, role=role), actor=actor)
        return update_record(membership, {"role": role, "is_active": True}, actor=actor)


def _lock_owners(organization_id: int) -> int:
    """Lock the organization's owner memberships until the transaction ends and count them, so two
    owners demoting or removing each other at once cannot both pass the last-owner check."""
    owners = Membership.objects.active().filter(organization_id=organization_id, role=Role.OWNER)
    return len(owners.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, member: Membership) -> Membership:
    """Give a member another role; only an owner touches owners, and the last owner stays one.

    The member's API keys with a role the new one does not cover are revoked, not capped: a key
    keeps the role it was created with, so what it may do never changes under an integration."""
    require(member, Permission.MANAGE_MEMBERS)
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    owners = _lock_owners(membership.organization_id)
    lock_record(membership)
    _require_still_member(member, Permission.MANAGE_MEMBERS)
    if Role.OWNER in (role, membership.role) and member.role != Role.OWNER:
        raise NotAllowed(_("Only an owner can make or unmake an owner."))
    if membership.role == Role.OWNER and role != Role.OWNER and owners <= 1:
        raise DomainError(_("An organization needs at least one owner."), field="role")
    membership = update_record(membership, {"role": role}, actor=member.user)
    _revoke_keys_not_covered(membership, role=role, actor=member.user)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, member: Membership) -> Membership:
    """Take a member out of the organization and revoke their API keys; their records and history stay."""
    require(member, Permission.MANAGE_MEMBERS)
    owners = _lock_owners(membership.organization_id)
    lock_record(membership)
    _require_still_member(member, Permission.MANAGE_MEMBERS)
    if membership.role == Role.OWNER and membership.is_active:
        if member.role != Role.OWNER:
            raise NotAllowed(_("Only an owner can remove an owner."))
        if owners <= 1:
            raise DomainError(_("An organization needs at least one owner."))
    membership = update_record(membership, {"is_active": False}, actor=member.user)
    _revoke_keys_not_covered(membership, role=None, actor=member.user)
    return membership


def _require_still_member(member: Membership, permission: Permission) -> None:
    """The acting member's role as stored now: a request that waited on the owners' lock may have
    been demoted or removed by the one before it."""
    if member.pk is None:
        return  # an API key acts with its own role, not a membership row
    lock_record(member)
    if not member.is_active:
        raise NotAllowed(_("Your role does not allow this."))
    require(member, permission)


# Invitations --------------------------------------------------------------------------------


@transaction.atomic
def invite_member(*, email: str, role: str, member: Membership) -> tuple[Invitation, str]:
    """Invite someone by email with a role; returns the invitation and its one-time token."""
    require(member, Permission.MANAGE_MEMBERS)
    if role not in roles_grantable_by(member.role):
        raise NotAllowed(_("You cannot give this role."))
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.active().filter(user__email__iexact=email).exists():
        raise DomainError(_("This person is already a member."), field="email")
    Invitation.objects.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    salt = secrets.token_hex(16)
    token = invitation_token(salt)
    invitation = create_record(
        Invitation(
            organization_id=member.organization_id,
            email=email,
            role=role,
            token_hash=_token_hash(token),
            token_salt=salt,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        ),
        actor=member.user,
    )
    from kliento.core.tasks import send_invitation_email  # the task module imports this one

    # Ids only: the job rebuilds the token, so the queue (Redis, a file) never stores a secret.
    transaction.on_commit(lambda: send_invitation_email(invitation.pk, invitation.organization_id))
    return invitation, token


def invitation_token(salt: str) -> str:
    """An invitation link's token: neither the database nor the task queue alone can make it."""
    return salted_hmac("kliento.core.invitation", salt, algorithm="sha256").hexdigest()


def pending_invitation(token: str) -> Invitation | None:
    """The invitation behind a link, if it can still be accepted (any organization: no one is signed in)."""
    invitation = (
        Invitation.unscoped.select_related("organization").filter(token_hash=_token_hash(token)).first()
    )
    return invitation if invitation and invitation.is_pending else None


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Join the invitation's organization with its role (again, if the user had been removed)."""
    if not invitation.is_pending:
        raise DomainError(_("This invitation has expired or was already used."))
    if user.email.lower() != invitation.email.lower():
        raise DomainError(_("This invitation was sent to another email address."), field="email")
    with active_organization(invitation.organization_id):
        membership = Membership.objects.filter(user=user).first()
        if membership is None:
            membership = create_record(
                Membership(organization_id=invitation.organization_id, user=user, role=invitation.role),
                actor=user,
            )
        else:
            membership = update_record(membership, {"role": invitation.role, "is_active": True}, actor=user)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at", "updated_at"])
    return membership


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, member: Membership) -> Invitation:
    require(member, Permission.MANAGE_MEMBERS)
    return update_record(invitation, {"revoked_at": timezone.now()}, actor=member.user)


# Teams --------------------------------------------------------------------------------------


@transaction.atomic
def create_team(*, name: str, member: Membership, manager: User | None = None) -> Team:
    require(member, Permission.MANAGE_TEAMS)
    _check_team_name_free(name)
    return create_record(
        Team(organization_id=member.organization_id, name=name, manager=manager), actor=member.user
    )


def _check_team_name_free(name: str, *, team: Team | None = None) -> None:
    others = Team.objects.filter(name__iexact=name.strip())
    if team is not None:
        others = others.exclude(pk=team.pk)
    if others.exists():
        raise DomainError(_("A team with this name already exists."), field="name")


@transaction.atomic
def update_team(*, team: Team, member: Membership, changes: Mapping[str, Any]) -> Team:
    require(member, Permission.MANAGE_TEAMS)
    if "name" in changes:
        _check_team_name_free(changes["name"], team=team)
    return update_record(team, changes, actor=member.user)


@transaction.atomic
def set_team_members(*, team: Team, users: list[User], member: Membership) -> Team:
    require(member, Permission.MANAGE_TEAMS)
    lock_record(team)
    before = sorted(team.members.values_list("pk", flat=True))
    team.members.set(users, through_defaults={"organization_id": team.organization_id})
    after = sorted(user.pk for user in users)
    if before != after:
        record_change(
            team, action=AuditEntry.Action.UPDATE, actor=member.user, changes={"members": [before, after]}
        )
    return team


def delete_team(*, team: Team, member: Membership) -> None:
    require(member, Permission.MANAGE_TEAMS)
    move_to_trash(team, actor=member.user)


@transaction.atomic
def restore_team(*, team: Team, member: Membership) -> None:
    require(member, Permission.MANAGE_TEAMS)
    _check_team_name_free(team.name, team=team)
    restore_from_trash(team, actor=member.user)


# API keys -----------------------------------------------------------------------------------


API_KEY_PREFIX = "kl_"


def create_api_key(*, name: str, role: str, member: Membership) -> tuple[ApiKey, str]:
    """A new key with a role no higher than the creator may grant; the secret is returned once."""
    require(member, Permission.MANAGE_API_KEYS)
    if role not in roles_grantable_by(member.role):
        raise NotAllowed(_("You cannot give this role."))
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    raw_key = f"{API_KEY_PREFIX}{prefix}_{secret}"
    key = create_record(
        ApiKey(
            organization_id=member.organization_id,
            name=name,
            role=role,
            prefix=prefix,
            key_hash=_token_hash(raw_key),
        ),
        actor=member.user,
    )
    return key, raw_key


@transaction.atomic
def revoke_api_key(*, key: ApiKey, member: Membership) -> ApiKey:
    require(member, Permission.MANAGE_API_KEYS)
    lock_record(key)
    if key.revoked_at is not None:
        return key
    return update_record(key, {"revoked_at": timezone.now()}, actor=member.user)


# Every API request runs this lookup: its SQL is built once per process (prefixes are unique).
# The creator's membership comes in the same query as the key.
_API_KEY_BY_PREFIX = PreparedQuery(
    lambda prefix: (
        ApiKey.unscoped.select_related("organization", "created_by")
        .annotate(
            creator_membership=FilteredRelation(
                "created_by__memberships",
                condition=Q(created_by__memberships__organization=F("organization")),
            ),
            creator_role=F("creator_membership__role"),
            creator_is_active=F("creator_membership__is_active"),
        )
        .filter(prefix=prefix)
    )
)


def authenticate_api_key(raw_key: str) -> ApiKey | None:
    """The key for a presented secret, compared in constant time, if it is not revoked and its creator
    is still an active member whose role covers the key's; records its use."""
    if not raw_key.startswith(API_KEY_PREFIX) or raw_key.count("_") < 2:
        return None
    prefix = raw_key[len(API_KEY_PREFIX) :].split("_", 1)[0]
    key = _API_KEY_BY_PREFIX.first(prefix)
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.key_hash, _token_hash(raw_key)):
        return None
    if not _creator_stands_behind(key):
        return None
    now = timezone.now()
    # Recording every request would turn each API read into a write; a minute's precision is enough.
    if key.last_used_at is None or now - key.last_used_at > API_KEY_TOUCH_INTERVAL:
        ApiKey.unscoped.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def _creator_stands_behind(key: ApiKey) -> bool:
    """Whether the key's creator may still do all the key does: a removed, deactivated or demoted
    member's key stops working even if it was not revoked (a membership changed outside the services)."""
    creator = key.created_by
    return (
        creator is not None
        and creator.is_active
        # Annotated onto the key by the query that looked it up.
        and bool(key.creator_is_active)  # type: ignore[attr-defined]
        and role_covers(key.creator_role, key.role)  # type: ignore[attr-defined]
    )


def _revoke_keys_not_covered(membership: Membership, *, role: str | None, actor: User) -> None:
    """Revoke the member's keys in this organization that `role` does not cover (all when None),
    each with its audit entry."""
    keys = ApiKey.objects.select_for_update().filter(created_by_id=membership.user_id, revoked_at=None)
    for key in keys.order_by("id"):
        if role is None or not role_covers(role, key.role):
            update_record(key, {"revoked_at": timezone.now()}, actor=actor)
