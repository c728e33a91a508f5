"""Make the signed-in member's organization active for the request, in their language and time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from kliento.core.models import Membership
from kliento.core.tenancy import activate_organization, reset_organization

SESSION_ORGANIZATION_KEY = "organization_id"


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership chosen in this session, or the user's first one."""
    user = request.user
    memberships = Membership.unscoped.select_related("organization").filter(user=user, is_active=True)
    chosen = request.session.get(SESSION_ORGANIZATION_KEY)
    membership = memberships.filter(organization_id=chosen).first() if chosen else None
    if membership is None:
        membership = memberships.order_by("organization__name", "id").first()
        if membership is not None:
            request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
    if membership is not None:
        membership.user = user  # type: ignore[assignment]  # spare a query: it is the signed-in user
    return membership


class ActiveOrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = activate_organization(None)
        request.member = None  # type: ignore[attr-defined]
        request.organization = None  # type: ignore[attr-defined]
        try:
            if request.user.is_authenticated:
                membership = current_membership(request)
                if membership is not None:
                    request.member = membership  # type: ignore[attr-defined]
                    request.organization = membership.organization  # type: ignore[attr-defined]
                    activate_organization(membership.organization_id)
                self._activate_preferences(request, membership)
            return self.get_response(request)
        finally:
            reset_organization(token)
            timezone.deactivate()

    @staticmethod
    def _activate_preferences(request: HttpRequest, membership: Membership | None) -> None:
        user = request.user
        if user.language:  # type: ignore[union-attr]
            translation.activate(user.language)  # type: ignore[union-attr]
            request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        zone = user.time_zone or (membership.organization.time_zone if membership else "")  # type: ignore[union-attr]
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
