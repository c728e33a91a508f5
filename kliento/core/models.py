"""Organizations (tenants), users, memberships, teams, invitations, API keys and audit history."""

from __future__ import annotations

import zoneinfo
from typing import ClassVar

import phonenumbers
from babel.numbers import list_currencies
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.core.permissions import Permission, Role, role_can
from kliento.core.tenancy import (
    SoftDeleteModel,
    TenantKeyedModel,
    TenantManager,
    TenantModel,
    TenantQuerySet,
)

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]
LANGUAGE_CHOICES = settings.LANGUAGES
MAX_ID = 2**63 - 1  # the largest id a bigint key holds on every database: larger ones fail in the query
# Babel's list (from Unicode CLDR) of ISO 4217 codes, without XXX ("no currency") and XTS (testing).
CURRENCY_CODES = frozenset(list_currencies()) - {"XXX", "XTS"}


def validate_currency(value: str) -> None:
    """An ISO 4217 currency code, such as EUR."""
    if value not in CURRENCY_CODES:
        raise ValidationError(_("Use a three-letter ISO 4217 code, such as EUR."), code="invalid_currency")


def validate_region(value: str) -> None:
    """A region phone numbers can be read in: a two-letter country code phonenumbers knows."""
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(_("Use a two-letter country code, such as DE."), code="invalid_region")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in; what they may do is decided per organization by their membership."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organization(models.Model):
    """A business using Kliento: every domain row belongs to exactly one."""

    class RecordVisibility(models.TextChoices):
        EVERYONE = "everyone", _("Everyone sees all records")
        OWN_AND_TEAM = "own_and_team", _("Salespeople see their own and their team's records")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    base_currency = models.CharField(
        _("base currency"), max_length=3, default="USD", validators=[validate_currency]
    )
    default_locale = models.CharField(
        _("default language"), max_length=10, choices=LANGUAGE_CHOICES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    default_region = models.CharField(
        _("default phone region"),
        max_length=2,
        default="US",
        validators=[validate_region],
    )
    record_visibility = models.CharField(
        _("record visibility"), max_length=16, choices=RecordVisibility, default=RecordVisibility.EVERYONE
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(TenantQuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True)


class Membership(TenantModel):
    """A user's place in one organization: the role decides what they may do there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.SALESPERSON)
    is_active = models.BooleanField(_("active"), default=True)

    # A manager with the queryset's own methods: of another class than TenantModel's, over the same rows.
    objects = TenantManager.from_queryset(MembershipQuerySet)()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def can(self, permission: Permission) -> bool:
        return self.is_active and role_can(self.role, permission)

    @property
    def sees_all_records(self) -> bool:
        """Whether record visibility rules leave this member every record of the organization."""
        visibility = self.organization.record_visibility
        return visibility == Organization.RecordVisibility.EVERYONE or self.can(Permission.SEE_ALL_RECORDS)

    def team_member_ids(self) -> set[int]:
        """This member's user id and those of everyone in the teams they belong to or manage."""
        teams = Team.objects.filter(Q(members=self.user) | Q(manager=self.user))
        ids = set(TeamMember.objects.filter(team__in=teams).values_list("user_id", flat=True))
        ids.update(teams.exclude(manager=None).values_list("manager_id", flat=True))
        ids.add(self.user_id)
        return ids


class Team(TenantModel, SoftDeleteModel):
    """A group of users with a manager, for record visibility and reports."""

    name = models.CharField(_("name"), max_length=100)
    manager = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_teams",
        verbose_name=_("manager"),
    )
    members: models.ManyToManyField[User, TeamMember] = models.ManyToManyField(
        User, through="TeamMember", related_name="teams", blank=True, verbose_name=_("members")
    )

    with_trash = TenantManager.from_queryset(TenantQuerySet)(include_trash=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], condition=Q(deleted_at=None), name="team_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(TenantKeyedModel):
    """A user in a team; changes are audited on the team (see services.set_team_members)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        indexes = [models.Index(fields=["organization", "user"], name="teammember_org_user")]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="teammember_unique")]

    def __str__(self) -> str:
        return f"{self.team_id}: {self.user_id}"


class Tag(TenantModel):
    """A label any kind of record may carry, shared by all kinds of one organization; records carry
    it through their kind's link model (core.records.tags.TagLink)."""

    name = models.CharField(_("name"), max_length=60)
    color = models.CharField(_("color"), max_length=7, default="#6c757d")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class Invitation(TenantModel):
    """An invitation to join an organization with a role, accepted through an emailed link."""

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.SALESPERSON)
    token_hash = models.CharField(max_length=64, unique=True)
    # What the link's token is derived from with the server's secret key (services.invitation_token),
    # so that the job sending the email rebuilds it: the task queue never holds the token itself.
    token_salt = models.CharField(max_length=32, blank=True, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ApiKey(TenantModel):
    """A key for scripts and integrations: acts in one organization with one role."""

    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.VIEWER)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEntry(TenantModel):
    """One change to one record: who (and through which API key), when, which fields, old and new values."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Moved to trash")
        RESTORE = "restore", _("Restored")
        PURGE = "purge", _("Deleted for good")
        BULK = "bulk", _("Bulk change")

    action = models.CharField(max_length=10, choices=Action)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    # Set when the change came through an API key, which acts in its creator's name (the actor).
    api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("API key")
    )
    record_type = models.CharField(max_length=100)  # "app_label.model"
    record_id = models.BigIntegerField(null=True)
    record_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    # The entries one bulk action wrote, one per record it changed, share this id.
    batch_id = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["organization", "record_type", "record_id", "-created_at"]),
            models.Index(fields=["organization", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.record_label}"


class SavedView(TenantModel):
    """A list's filters, sort and columns under a name, for one member or shared with everyone."""

    kind = models.CharField(_("kind of record"), max_length=40)  # a record kind's key
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    is_shared = models.BooleanField(_("shared with everyone"), default=False)
    query = models.JSONField(default=dict, blank=True)  # the list's query string as a dict
    columns = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return self.name


class Throttle(models.Model):
    """Recent attempts under one throttling key (an account from one client, one client, one address),
    in the database so that every app process counts the same attempts; see core.throttling."""

    class Scope(models.TextChoices):
        # Operators' words only (the admin, the database): no page shows them.
        SIGN_IN = "sign_in"  # one account from one client
        SIGN_IN_CLIENT = "sign_in_client"  # any account from one client
        PASSWORD_RESET = "reset"  # reset emails to one address
        PASSWORD_RESET_CLIENT = "reset_client"  # reset requests from one client

    scope = models.CharField(max_length=20, choices=Scope)
    email = models.CharField(max_length=254, blank=True)
    client = models.CharField(max_length=45, blank=True)  # an IPv6 address in text is at most 45
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "email", "client"], name="throttle_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.email} {self.client}: {self.attempts}"


# Models kept in modules of their own, loaded with the app's models.
from kliento.core.records.fields.models import CustomField, CustomValue, UniqueCustomValue  # noqa: E402, F401
