"""API authentication: the browser's session (with CSRF) or an organization's API key.

Either way the request leaves here with `request.member` and its organization active.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from kliento.core.models import Membership
from kliento.core.services import authenticate_api_key
from kliento.core.tenancy import activate_organization


class ApiKeyAuth(HttpBearer):
    openapi_description = "An API key created by an administrator: `Authorization: Bearer kl_…`"

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        key = authenticate_api_key(token)
        if key is None:
            return None
        # The key acts with its own role; its creator is who the audit history names.
        member = Membership(organization=key.organization, user=key.created_by, role=key.role)
        # Attributes Django's classes do not declare: handlers read them from an OrgRequest.
        member.api_key = key  # type: ignore[attr-defined]
        request.member = member  # type: ignore[attr-defined]
        request.organization = key.organization  # type: ignore[attr-defined]
        # The middleware resets both after the response.
        activate_organization(key.organization_id, api_key_id=key.pk)
        return member


class MemberSessionAuth(SessionAuth):
    """The signed-in user of the web app, inside the organization the middleware chose."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        member = getattr(request, "member", None)  # set by the middleware; None outside an organization
        if request.user.is_authenticated and member is not None:
            return member
        return None
