"""The shell's own pages: home, language and organization switching, error pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kliento.core.middleware import SESSION_ORGANIZATION_KEY
from kliento.core.models import ApiKey, AuditEntry, Invitation, Membership, Team
from kliento.core.permissions import Permission
from kliento.core.selectors import memberships_of
from kliento.core.services import update_profile
from kliento.core.views import member_required


@member_required()
def home(request: HttpRequest) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    context = {
        "member_count": Membership.objects.active().count(),
        "team_count": Team.objects.count(),
        "pending_invitation_count": Invitation.objects.filter(accepted_at=None, revoked_at=None).count(),
        "api_key_count": ApiKey.objects.filter(revoked_at=None).count(),
        "recent_changes": AuditEntry.objects.select_related("actor", "api_key").order_by(
            "-created_at", "-id"
        )[:8]
        if member.can(Permission.VIEW_AUDIT)
        else [],
    }
    return render(request, "web/home.html", context)


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return "/"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, and remember it for the signed-in user everywhere."""
    language = request.POST.get("language", "")
    response = redirect(_safe_next(request))
    if not translation.check_for_language(language) or language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated and request.user.language != language:  # type: ignore[union-attr]
        update_profile(user=request.user, changes={"language": language})  # type: ignore[arg-type]
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("core:login")
    slug = request.POST.get("organization", "")
    membership = memberships_of(request.user).filter(organization__slug=slug).first()  # type: ignore[arg-type]
    if membership is not None:
        request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
    return redirect("web:home")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", status=500)
