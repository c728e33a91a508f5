"""API of the core app: who am I, the organization, its members and its API keys."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Query, Router, Schema, Status
from pydantic import EmailStr

from kliento.api.pagination import CursorParams
from kliento.api.schemas import InputSchema
from kliento.core import selectors, services
from kliento.core.models import ApiKey, Invitation, Membership, Organization
from kliento.core.pagination import keyset_page
from kliento.core.permissions import ROLE_PERMISSIONS, Permission, Role
from kliento.core.requests import OrgRequest

router = Router(tags=["organization"])

if TYPE_CHECKING:
    RoleName = str  # the roles' values, known at run time
else:
    RoleName = Literal[tuple(Role.values)]
LanguageCode = Literal["en", "zh-hans", "ar", "fil", "es", "ru"]


class UserOut(Schema):
    id: int | None
    email: str
    full_name: str
    language: str
    time_zone: str


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str
    base_currency: str
    default_locale: str
    time_zone: str
    default_region: str
    record_visibility: Literal["everyone", "own_and_team"]
    created_at: datetime.datetime


class OrganizationPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=150)
    base_currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    default_locale: LanguageCode | None = None
    time_zone: str | None = Field(None, max_length=64)
    default_region: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    record_visibility: Literal["everyone", "own_and_team"] | None = None


class ApiKeyInfo(Schema):
    id: int
    name: str


class MeOut(Schema):
    user: UserOut | None
    organization: OrganizationOut
    role: RoleName
    permissions: list[str]
    api_key: ApiKeyInfo | None = None


class MemberOut(Schema):
    id: int
    user: UserOut
    role: RoleName
    created_at: datetime.datetime


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class RoleChange(InputSchema):
    role: RoleName


class InvitationIn(InputSchema):
    email: EmailStr
    role: RoleName = Role.SALESPERSON.value


class InvitationOut(Schema):
    id: int
    email: str
    role: RoleName
    expires_at: datetime.datetime


class ApiKeyIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    role: RoleName = Role.VIEWER.value


class ApiKeyOut(Schema):
    id: int
    name: str
    role: RoleName
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(..., description="The secret key. It is shown only this once.")


class ApiKeyPage(Schema):
    items: list[ApiKeyOut]
    next_cursor: str | None


@router.get("/me", response=MeOut, tags=["me"])
def me(request: OrgRequest) -> dict[str, object]:
    member = request.member
    key = getattr(member, "api_key", None)
    return {
        "user": member.user if key is None else None,
        "organization": member.organization,
        "role": member.role,
        "permissions": sorted(str(permission) for permission in ROLE_PERMISSIONS[member.role]),
        "api_key": key,
    }


@router.get("/organization", response=OrganizationOut)
def read_organization(request: OrgRequest) -> Organization:
    return request.member.organization


@router.patch("/organization", response=OrganizationOut)
def update_organization(request: OrgRequest, payload: OrganizationPatch) -> Organization:
    member = request.member
    organization = Organization.objects.get(pk=member.organization_id)
    return services.update_organization(
        organization=organization, member=member, changes=payload.model_dump(exclude_unset=True)
    )


@router.get("/members", response=MemberPage)
def list_members(request: OrgRequest, params: Query[CursorParams]) -> dict[str, object]:
    services.require(request.member, Permission.VIEW_MEMBERS)
    page = keyset_page(
        Membership.objects.active().select_related("user"),
        ordering=["id"],
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/members/invitations", response={201: InvitationOut})
def invite_member(request: OrgRequest, payload: InvitationIn) -> Status[Invitation]:
    invitation, _token = services.invite_member(email=payload.email, role=payload.role, member=request.member)
    return Status(201, invitation)


@router.patch("/members/{membership_id}", response=MemberOut)
def change_member_role(request: OrgRequest, membership_id: int, payload: RoleChange) -> Membership:
    member = request.member
    membership = selectors.access_membership(member=member, membership_id=membership_id)
    return services.change_member_role(membership=membership, role=payload.role, member=member)


@router.delete("/members/{membership_id}", response={204: None})
def remove_member(request: OrgRequest, membership_id: int) -> Status[None]:
    member = request.member
    membership = selectors.access_membership(member=member, membership_id=membership_id)
    services.remove_member(membership=membership, member=member)
    return Status(204, None)


@router.get("/api-keys", response=ApiKeyPage, tags=["api keys"])
def list_api_keys(request: OrgRequest, params: Query[CursorParams]) -> dict[str, object]:
    services.require(request.member, Permission.MANAGE_API_KEYS)
    page = keyset_page(ApiKey.objects.all(), ordering=["-id"], cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/api-keys", response={201: ApiKeyCreated}, tags=["api keys"])
def create_api_key(request: OrgRequest, payload: ApiKeyIn) -> Status[dict[str, Any]]:
    key, raw_key = services.create_api_key(name=payload.name, role=payload.role, member=request.member)
    return Status(201, {**ApiKeyOut.from_orm(key).model_dump(), "key": raw_key})


@router.delete("/api-keys/{key_id}", response={204: None}, tags=["api keys"])
def revoke_api_key(request: OrgRequest, key_id: int) -> Status[None]:
    member = request.member
    key = selectors.access_api_key(member=member, key_id=key_id)
    services.revoke_api_key(key=key, member=member)
    return Status(204, None)
