"""Pages of the core app: sign-in, invitations, organization settings, members, teams, API keys, trash."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core import selectors, services, throttling
from kliento.core.audit import history_of
from kliento.core.errors import DomainError, InvalidInput, NotAllowed
from kliento.core.forms import (
    AcceptInvitationForm,
    ApiKeyForm,
    AuditFilterForm,
    InviteForm,
    OrganizationSettingsForm,
    PasswordChangeForm,
    ProfileForm,
    RoleForm,
    SignInForm,
    TeamForm,
)
from kliento.core.history import readable_entries, record_kinds
from kliento.core.models import Membership, User
from kliento.core.pagination import keyset_page
from kliento.core.permissions import Permission, roles_grantable_by
from kliento.core.requests import OrgRequest, SignedInRequest
from kliento.core.trash import trashable, trashables

View = Callable[..., HttpResponse]


def member_required(permission: Permission | None = None) -> Callable[[View], View]:
    """Signed in, inside an organization, and (if given) allowed the permission; else refuse."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # The middleware sets it, None outside an organization; the view then takes an OrgRequest.
            member: Membership | None = getattr(request, "member", None)
            if member is None:
                return render(request, "core/no_organization.html", status=403)
            if permission is not None and not member.can(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)  # a service's NotAllowed is a PermissionDenied: 403

        return wrapper

    return decorate


def apply_form_error(form: Any, error: DomainError | ValidationError) -> None:
    """Show a service's refusal on the form, on the field it names when the form has it."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return
    form.add_error(error.field if error.field in form.fields else None, error.message)


# Sign-in ------------------------------------------------------------------------------------


def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "web:home")
    form = SignInForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        return redirect(next_url or "web:home")
    return render(
        request, "core/sign_in.html", {"form": form, "next": next_url}, status=400 if form.errors else 200
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, throttled per address and client, with links on KLIENTO_BASE_URL."""

    template_name = "core/password_reset_form.html"
    email_template_name = "core/email/password_reset.txt"
    subject_template_name = "core/email/password_reset_subject.txt"
    success_url = reverse_lazy("core:password-reset-done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        client = throttling.client_address(self.request)
        if not throttling.allow_password_reset(email=form.cleaned_data["email"], client=client):
            form.add_error(None, _("Too many password reset requests. Try again in an hour."))
            return self.form_invalid(form)
        # The Host header is the sender's to choose: a link built from it could lead elsewhere.
        self.extra_email_context = {"base_url": settings.KLIENTO_BASE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new-password step; a completed reset forgets the account's failed sign-ins."""

    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("core:password-reset-complete")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        throttling.forget_account(email=form.user.email)
        return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("core:login")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.pending_invitation(token)
    if invitation is None:
        return render(request, "core/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if not request.user.is_authenticated or request.user.pk != existing.pk:
            messages.info(
                request, _("Sign in as %(email)s to accept the invitation.") % {"email": invitation.email}
            )
            return redirect(f"{reverse('core:login')}?next={request.path}")
        if request.method == "POST":
            services.accept_invitation(invitation=invitation, user=existing)
            request.session["organization_id"] = invitation.organization_id
            return redirect("web:home")
        return render(request, "core/invitation_accept.html", {"invitation": invitation, "form": None})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(
                email=invitation.email,
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
            )
            services.accept_invitation(invitation=invitation, user=user)
        except DomainError as error:
            apply_form_error(form, error)
        else:
            login(request, user, backend="kliento.core.auth.EmailBackend")
            request.session["organization_id"] = invitation.organization_id
            messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organization.name})
            return redirect("web:home")
    return render(request, "core/invitation_accept.html", {"invitation": invitation, "form": form})


class PasswordChange(auth_views.PasswordChangeView):
    """The signed-in user changes their password; Django keeps their session signed in."""

    form_class = PasswordChangeForm
    template_name = "core/password_change.html"
    success_url = reverse_lazy("core:profile")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        services.change_password(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)  # the session stays signed in
        messages.success(self.request, _("Your password was changed."))
        return HttpResponseRedirect(self.get_success_url())


@login_required
def profile(request: SignedInRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            user=request.user,
            changes={name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
        )
        if form.cleaned_data["language"]:
            response = redirect("core:profile")
            response.set_cookie("kliento_language", form.cleaned_data["language"], samesite="Lax")
            messages.success(request, _("Your profile was saved."))
            return response
        messages.success(request, _("Your profile was saved."))
        return redirect("core:profile")
    return render(request, "core/profile.html", {"form": form})


# Organization settings ----------------------------------------------------------------------


@member_required(Permission.MANAGE_ORGANIZATION)
def organization_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    form = OrganizationSettingsForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        organization.refresh_from_db()
        try:
            services.update_organization(organization=organization, member=request.member, changes=changes)
        except (DomainError, ValidationError) as error:
            apply_form_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("core:organization-settings")
    return render(
        request, "core/organization_settings.html", {"form": form}, status=400 if form.errors else 200
    )


# Members ------------------------------------------------------------------------------------


@member_required(Permission.VIEW_MEMBERS)
def members(request: OrgRequest) -> HttpResponse:
    member = request.member
    grantable = roles_grantable_by(member.role)
    invite_form = InviteForm(request.POST or None, grantable=grantable)
    if request.method == "POST":
        if not member.can(Permission.MANAGE_MEMBERS):
            raise PermissionDenied
        if invite_form.is_valid():
            try:
                services.invite_member(
                    email=invite_form.cleaned_data["email"],
                    role=invite_form.cleaned_data["role"],
                    member=member,
                )
            except DomainError as error:
                apply_form_error(invite_form, error)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invite_form.cleaned_data["email"]}
                )
                return redirect("core:members")
    can_manage = member.can(Permission.MANAGE_MEMBERS)
    context = {
        "memberships": selectors.members_of_organization(),
        "invitations": selectors.pending_invitations() if can_manage else [],
        "invite_form": invite_form,
        "can_manage": can_manage,
        "grantable_roles": grantable,
    }
    return render(request, "core/members.html", context, status=400 if invite_form.errors else 200)


@member_required(Permission.MANAGE_MEMBERS)
@require_POST
def member_change_role(request: OrgRequest, membership_id: int) -> HttpResponse:
    member = request.member
    membership = selectors.access_membership(member=member, membership_id=membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_member_role(membership=membership, role=form.cleaned_data["role"], member=member)
        except (DomainError, NotAllowed) as error:  # the page offers every role: say why, on the page
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.user, "role": membership.get_role_display()},
            )
    return redirect("core:members")


@member_required(Permission.MANAGE_MEMBERS)
@require_POST
def member_remove(request: OrgRequest, membership_id: int) -> HttpResponse:
    member = request.member
    membership = selectors.access_membership(member=member, membership_id=membership_id)
    try:
        services.remove_member(membership=membership, member=member)
    except (DomainError, NotAllowed) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s was removed from the organization.") % {"name": membership.user}
        )
    return redirect("core:members")


@member_required(Permission.MANAGE_MEMBERS)
@require_POST
def invitation_revoke(request: OrgRequest, invitation_id: int) -> HttpResponse:
    invitation = selectors.pending_invitations().filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    services.revoke_invitation(invitation=invitation, member=request.member)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("core:members")


# Teams --------------------------------------------------------------------------------------


def _member_users() -> list[User]:
    return [membership.user for membership in selectors.members_of_organization()]


@member_required(Permission.VIEW_MEMBERS)
def teams(request: OrgRequest) -> HttpResponse:
    member = request.member
    can_manage = member.can(Permission.MANAGE_TEAMS)
    form = TeamForm(request.POST or None, users=_member_users() if can_manage else [])
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                team = services.create_team(
                    name=form.cleaned_data["name"], manager=form.cleaned_data["manager"], member=member
                )
                services.set_team_members(team=team, users=list(form.cleaned_data["members"]), member=member)
            except (DomainError, ValidationError) as error:
                apply_form_error(form, error)
            else:
                messages.success(request, _("Team %(name)s created.") % {"name": team.name})
                return redirect("core:teams")
    context = {"teams": selectors.teams_of_organization(), "form": form, "can_manage": can_manage}
    return render(request, "core/teams.html", context, status=400 if form.errors else 200)


@member_required(Permission.MANAGE_TEAMS)
def team_edit(request: OrgRequest, team_id: int) -> HttpResponse:
    member = request.member
    team = selectors.access_team(member=member, team_id=team_id)
    form = TeamForm(request.POST or None, instance=team, users=_member_users())
    if request.method == "POST" and form.is_valid():
        try:
            services.update_team(
                team=team,
                member=member,
                changes={"name": form.cleaned_data["name"], "manager": form.cleaned_data["manager"]},
            )
            services.set_team_members(team=team, users=list(form.cleaned_data["members"]), member=member)
        except (DomainError, ValidationError) as error:
            apply_form_error(form, error)
        else:
            messages.success(request, _("Team saved."))
            return redirect("core:teams")
    context = {
        "team": team,
        "form": form,
        "history": readable_entries(history_of(team)[:50], organization=request.organization),
    }
    return render(request, "core/team_edit.html", context, status=400 if form.errors else 200)


@member_required(Permission.MANAGE_TEAMS)
@require_POST
def team_delete(request: OrgRequest, team_id: int) -> HttpResponse:
    team = selectors.access_team(member=request.member, team_id=team_id)
    services.delete_team(team=team, member=request.member)
    messages.success(request, _("Team %(name)s moved to the trash.") % {"name": team.name})
    return redirect("core:teams")


# API keys -----------------------------------------------------------------------------------


@member_required(Permission.MANAGE_API_KEYS)
def api_keys(request: OrgRequest) -> HttpResponse:
    member = request.member
    form = ApiKeyForm(request.POST or None, grantable=roles_grantable_by(member.role))
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _key, new_key = services.create_api_key(
                name=form.cleaned_data["name"], role=form.cleaned_data["role"], member=member
            )
        except (DomainError, ValidationError) as error:
            apply_form_error(form, error)
        else:
            form = ApiKeyForm(grantable=roles_grantable_by(member.role))
    context = {"keys": selectors.api_keys_of_organization(), "form": form, "new_key": new_key}
    return render(request, "core/api_keys.html", context, status=400 if form.errors else 200)


@member_required(Permission.MANAGE_API_KEYS)
@require_POST
def api_key_revoke(request: OrgRequest, key_id: int) -> HttpResponse:
    key = selectors.access_api_key(member=request.member, key_id=key_id)
    services.revoke_api_key(key=key, member=request.member)
    messages.success(request, _("API key %(name)s revoked.") % {"name": key.name})
    return redirect("core:api-keys")


# Trash and audit ----------------------------------------------------------------------------


@member_required()
def trash(request: OrgRequest) -> HttpResponse:
    member = request.member
    sections = []
    for entry in trashables():
        if not member.can(entry.restore_permission):
            continue
        rows = entry.rows_in_trash().select_related("deleted_by").order_by("-deleted_at")[:200]
        sections.append({"trashable": entry, "rows": rows})
    return render(request, "core/trash.html", {"sections": sections})


@member_required()
@require_POST
def trash_restore(request: OrgRequest, record_type: str, record_id: int) -> HttpResponse:
    member = request.member
    entry = trashable(record_type)
    if entry is None:
        raise Http404
    if not member.can(entry.restore_permission):
        raise PermissionDenied
    record = entry.rows_in_trash().filter(pk=record_id).first()
    if record is None:
        raise Http404
    try:
        entry.restore(record, member)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(record)s restored.") % {"record": record})
    return redirect("core:trash")


AUDIT_PAGE_SIZE = 50


@member_required(Permission.VIEW_AUDIT)
def audit_log(request: OrgRequest) -> HttpResponse:
    member = request.member
    form = AuditFilterForm(request.GET, people=selectors.people_of_organization(), kinds=record_kinds())
    page, entries = None, []
    if form.is_valid():
        filters = form.cleaned_data
        matching = selectors.audit_entries(
            member=member,
            actor_id=filters["actor"],
            record_type=filters["record_type"],
            action=filters["action"],
            since=filters["since"],
            until=filters["until"],
        )
        try:
            page = keyset_page(
                matching,
                ordering=("-created_at", "-id"),
                cursor=request.GET.get("cursor"),
                limit=AUDIT_PAGE_SIZE,
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        else:
            entries = readable_entries(page.items, organization=request.organization, member=member)
    next_url = ""
    if page is not None and page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_url = f"?{query.urlencode()}"
    is_filtered = any(request.GET.get(name) for name in form.fields)
    context = {"entries": entries, "form": form, "next_url": next_url, "is_filtered": is_filtered}
    return render(request, "core/audit_log.html", context)


# Home widgets of this app (registered in CoreConfig.ready()) ---------------------------------

RECENT_CHANGES_SHOWN = 8


def organization_widget(request: HttpRequest) -> dict[str, Any]:
    return selectors.organization_counts()


def get_started_widget(request: HttpRequest) -> dict[str, Any]:
    return {}


def recent_changes_widget(request: OrgRequest) -> dict[str, Any]:
    member = request.member
    entries = selectors.audit_entries(member=member).order_by("-created_at", "-id")[:RECENT_CHANGES_SHOWN]
    return {"history": readable_entries(entries, organization=request.organization, member=member)}
