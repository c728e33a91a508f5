"""The bell (its count and its panel), the notifications page and the notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kliento.core.errors import InvalidInput
from kliento.core.pagination import keyset_page
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.notifications import selectors, services
from kliento.notifications.kinds import notification_kinds
from kliento.notifications.services import Channels

PANEL_SIZE = 8
PAGE_SIZE = 50


def _bell_context(request: OrgRequest) -> dict[str, object]:
    count = selectors.unread_count(request.member)
    return {"unread": count, "unread_more": count > selectors.UNREAD_SHOWN_UP_TO}


@member_required()
@require_GET
def badge(request: OrgRequest) -> HttpResponse:
    return render(request, "notifications/_badge.html", _bell_context(request))


@member_required()
@require_GET
def panel(request: OrgRequest) -> HttpResponse:
    return _panel(request)


def _panel(request: OrgRequest) -> HttpResponse:
    latest = list(selectors.inbox(request.member)[:PANEL_SIZE])
    return render(request, "notifications/_panel.html", {"notifications": latest, **_bell_context(request)})


@member_required()
@require_GET
def notification_list(request: OrgRequest) -> HttpResponse:
    try:
        page = keyset_page(
            selectors.inbox(request.member),
            ordering=["-id"],
            cursor=request.GET.get("cursor"),
            limit=PAGE_SIZE,
        )
    except InvalidInput:
        return redirect("notifications:list")
    return render(
        request,
        "notifications/list.html",
        {"page": page, "notifications": page.items, **_bell_context(request)},
    )


@member_required()
@require_GET
def open_notification(request: OrgRequest, notification_id: int) -> HttpResponse:
    """Mark it read and go where it points (a page of this site only)."""
    notification = selectors.access_notification(member=request.member, notification_id=notification_id)
    services.mark_read(member=request.member, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/"):
        return HttpResponseRedirect(target)
    return redirect("notifications:list")


@member_required()
@require_POST
def mark_read(request: OrgRequest, notification_id: int) -> HttpResponse:
    notification = selectors.access_notification(member=request.member, notification_id=notification_id)
    services.mark_read(member=request.member, ids=[notification.pk])
    notification.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "notifications/_item.html", {"notification": notification})
    return redirect("notifications:list")


@member_required()
@require_POST
def mark_all_read(request: OrgRequest) -> HttpResponse:
    services.mark_all_read(member=request.member)
    if request.headers.get("HX-Request"):
        return _panel(request)
    messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


@member_required()
def preferences(request: OrgRequest) -> HttpResponse:
    """Each kind of notification with a checkbox per channel; unchecked boxes are not sent, so the
    page's list of kinds (a hidden input each) says which kinds the form covers."""
    member = request.member
    if request.method == "POST":
        known = {kind.key for kind in notification_kinds()}
        choices = {
            key: Channels(
                in_app=request.POST.get(f"{key}.in_app") == "on",
                email=request.POST.get(f"{key}.email") == "on",
            )
            for key in request.POST.getlist("kind")
            if key in known
        }
        services.save_preferences(member=member, choices=choices)
        messages.success(request, _("Your notification settings are saved."))
        return redirect(reverse("notifications:preferences"))
    rows = services.preferences_of(member.user_id)
    return render(request, "notifications/preferences.html", {"rows": rows})
