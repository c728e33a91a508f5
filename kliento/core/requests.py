"""Request types for code that runs inside an organization.

The web middleware (for a signed-in member) and the API's authentication (for a session or an
API key) set `request.member` and `request.organization` on Django's `HttpRequest`. Views behind
`member_required` and authenticated API handlers take an `OrgRequest`, so the type checker knows
both are there instead of each line silencing it.
"""

from __future__ import annotations

from django.http import HttpRequest

from kliento.core.models import Membership, Organization, User


class OrgRequest(HttpRequest):
    """A request with an active organization and the member acting in it.

    `user` is left as Django types it: a request with an API key has no signed-in user, and its
    member's user is the key's creator. The actor is `request.member.user`.
    """

    member: Membership
    organization: Organization


class SignedInRequest(HttpRequest):
    """A request behind `login_required`: its user is a person, not the anonymous user."""

    user: User
