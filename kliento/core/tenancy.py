"""The active organization: set by the web middleware, API authentication and each job.

Every query on a tenant model goes through `TenantQuerySet`, which filters on the active
organization and refuses to run without one, so a forgotten filter fails instead of leaking.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar, cast

from django.db import models
from django.utils import timezone


@dataclass(frozen=True)
class _Activation:
    organization_id: int | None
    # The API key a request authenticated with: its audit entries name the key beside its creator.
    api_key_id: int | None = None
    # What this request or job looked up once about its organization (see `memoized`).
    memo: dict[Hashable, Any] = field(default_factory=dict)


_activation: ContextVar[_Activation | None] = ContextVar("active_organization", default=None)
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


class NoActiveOrganization(RuntimeError):
    """A tenant query ran with no active organization: a bug, never a user's mistake."""


def active_organization_id() -> int | None:
    activation = _activation.get()
    return activation.organization_id if activation else None


def require_active_organization_id() -> int:
    organization_id = active_organization_id()
    if organization_id is None:
        raise NoActiveOrganization("A tenant query ran with no active organization.")
    return organization_id


def active_api_key_id() -> int | None:
    """The API key this request acts through, if it authenticated with one."""
    activation = _activation.get()
    return activation.api_key_id if activation else None


def activate_organization(
    organization_id: int | None, *, api_key_id: int | None = None
) -> Token[_Activation | None]:
    """Make an organization active for the rest of this request or job; reset with the token."""
    return _activation.set(_Activation(organization_id, api_key_id))


def reset_organization(token: Token[_Activation | None]) -> None:
    """Back to the organization (and its memo) active before."""
    _activation.reset(token)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """compute() once per activation of the organization (one request, one job), so that a page
    asking the same thing from several places queries once. Whoever writes what it reads calls
    `forget(key)`."""
    require_active_organization_id()
    activation = _activation.get()
    assert activation is not None  # the line above refuses to run without one
    memo = activation.memo
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def forget(key: Hashable) -> None:
    activation = _activation.get()
    if activation is not None:
        activation.memo.pop(key, None)


@contextmanager
def active_organization(organization_id: int) -> Iterator[None]:
    """Run a block (a job, a command, a test) inside one organization."""
    token = activate_organization(organization_id)
    try:
        yield
    finally:
        reset_organization(token)


class TenantQuerySet(models.QuerySet[M]):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True) if _is_soft_deletable(self.model) else self

    def in_trash(self) -> Self:
        return self.filter(deleted_at__isnull=False)


def _is_soft_deletable(model: type[models.Model]) -> bool:
    return any(field.name == "deleted_at" for field in model._meta.concrete_fields)


class TenantManager(models.Manager[M]):
    """Rows of the active organization only; soft-deleted rows are left out unless asked for."""

    def __init__(self, *, include_trash: bool = False) -> None:
        super().__init__()
        self.include_trash = include_trash

    def deconstruct(
        self,
    ) -> tuple[bool, str | None, str | None, Sequence[Any] | None, dict[str, Any] | None]:
        as_manager, manager_class, queryset_class, args, kwargs = super().deconstruct()
        if self.include_trash:
            kwargs = {**(kwargs or {}), "include_trash": True}
        return as_manager, manager_class, queryset_class, args, kwargs

    def get_queryset(self) -> TenantQuerySet[M]:
        # Built with from_queryset() on a TenantQuerySet, always.
        queryset = cast("TenantQuerySet[M]", super().get_queryset())
        queryset = queryset.filter(organization_id=require_active_organization_id())
        if not self.include_trash and _is_soft_deletable(self.model):
            queryset = queryset.filter(deleted_at__isnull=True)
        return queryset


TenantModelManager = TenantManager.from_queryset(TenantQuerySet)


class TenantKeyedModel(models.Model):
    """A row that belongs to one organization and nothing more: a link between two records (a tag on
    a contact, a user in a team), whose history is kept on the records it links. Carrying the
    organization lets every query of it be scoped, and lets the tables be sharded by organization."""

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")

    objects = TenantModelManager()
    # For the framework only (migrations, cascades, sign-in before an organization is chosen).
    unscoped = models.Manager()  # noqa: DJ012 (ruff takes a plain Manager for a field)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.organization_id is None:
            self.organization_id = require_active_organization_id()
        super().save(*args, **kwargs)


class TenantModel(TenantKeyedModel):
    """A row that belongs to one organization, with who created and last changed it."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        abstract = True


class SoftDeleteModel(models.Model):
    """A tenant row that goes to the trash instead of being deleted; see core.trash."""

    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    deleted_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        abstract = True

    @property
    def is_in_trash(self) -> bool:
        return self.deleted_at is not None
