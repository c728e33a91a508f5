"""The shell's own pages: home, language and organization switching, error pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kliento.core.home import home_widgets_for
from kliento.core.middleware import SESSION_ORGANIZATION_KEY
from kliento.core.requests import OrgRequest
from kliento.core.selectors import memberships_of
from kliento.core.services import update_profile
from kliento.core.views import member_required


@member_required()
def home(request: OrgRequest) -> HttpResponse:
    return render(request, "web/home.html", {"widgets": home_widgets_for(request)})


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
    if request.user.is_authenticated and request.user.language != language:
        update_profile(user=request.user, changes={"language": language})
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("core:login")
    slug = request.POST.get("organization", "")
    membership = memberships_of(request.user).filter(organization__slug=slug).first()
    if membership is not None:
        request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
    return redirect("web:home")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", status=500)
