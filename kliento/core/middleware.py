"""Make the signed-in member's organization active for the request, in their language and time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import ClassVar, cast

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrfViewMiddleware
from django.utils import timezone, translation
from django.utils.deprecation import MiddlewareMixin

from kliento.core.models import Membership, User
from kliento.core.tenancy import activate_organization, reset_organization

SESSION_ORGANIZATION_KEY = "organization_id"


def presents_api_key(request: HttpRequest) -> bool:
    """An API request with a bearer token: a program's, authenticated by its key alone."""
    return request.path_info.startswith(settings.API_PATH) and request.META.get(
        "HTTP_AUTHORIZATION", ""
    ).startswith("Bearer ")


class BrowserOnlyMiddleware:
    """Runs `browser_middleware` except for requests that present an API key.

    Such a request carries no session or CSRF cookie and reads no messages, so sessions, CSRF,
    loading the user and messages would be work without effect, and on the API's busiest path
    they cost as much as the endpoint. Its key, not a cookie, decides who it is.
    """

    browser_middleware: ClassVar[type[MiddlewareMixin]]

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # Kliento's middleware stack is synchronous: Django's middleware returns the response itself.
        self.for_browser = cast(Callable[[HttpRequest], HttpResponse], self.browser_middleware(get_response))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if presents_api_key(request):
            return self.get_response(request)
        return self.for_browser(request)


class SessionMiddleware(BrowserOnlyMiddleware):
    browser_middleware = DjangoSessionMiddleware


class CsrfViewMiddleware(BrowserOnlyMiddleware):
    browser_middleware = DjangoCsrfViewMiddleware


class AuthenticationMiddleware(BrowserOnlyMiddleware):
    browser_middleware = DjangoAuthenticationMiddleware


class MessageMiddleware(BrowserOnlyMiddleware):
    browser_middleware = DjangoMessageMiddleware


def current_membership(request: HttpRequest, user: User) -> Membership | None:
    """The membership chosen in this session, or the signed-in user's first one."""
    memberships = Membership.unscoped.select_related("organization").filter(user=user, is_active=True)
    chosen = request.session.get(SESSION_ORGANIZATION_KEY)
    membership = memberships.filter(organization_id=chosen).first() if chosen else None
    if membership is None:
        membership = memberships.order_by("organization__name", "id").first()
        if membership is not None:
            request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
    if membership is not None:
        membership.user = user  # spare a query: it is the signed-in user
    return membership


class ActiveOrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = activate_organization(None)
        # Django's HttpRequest does not declare these: views behind member_required take an OrgRequest.
        request.member = None  # type: ignore[attr-defined]
        request.organization = None  # type: ignore[attr-defined]
        if presents_api_key(request):
            # No session was read: the API's key authentication sets the member and organization.
            request.user = AnonymousUser()
        try:
            if request.user.is_authenticated:
                membership = current_membership(request, request.user)
                if membership is not None:
                    request.member = membership  # type: ignore[attr-defined]  # see above
                    request.organization = membership.organization  # type: ignore[attr-defined]  # see above
                    activate_organization(membership.organization_id)
                self._activate_preferences(request, request.user, membership)
            return self.get_response(request)
        finally:
            reset_organization(token)
            timezone.deactivate()

    @staticmethod
    def _activate_preferences(request: HttpRequest, user: User, membership: Membership | None) -> None:
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        zone = user.time_zone or (membership.organization.time_zone if membership else "")
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
