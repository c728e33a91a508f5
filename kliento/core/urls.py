from django.contrib.auth import views as auth_views
from django.urls import path

from kliento.core import views
from kliento.core.records import search_views
from kliento.core.records import views as records
from kliento.core.records.fields import views as custom_fields
from kliento.core.records.lists import views as lists

app_name = "core"

urlpatterns = [
    path("accounts/login/", views.sign_in, name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/password/", views.PasswordChange.as_view(), name="password-change"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="core/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("settings/organization/", views.organization_settings, name="organization-settings"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/<int:membership_id>/role/", views.member_change_role, name="member-change-role"),
    path("settings/members/<int:membership_id>/remove/", views.member_remove, name="member-remove"),
    path(
        "settings/invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation-revoke"
    ),
    path("settings/teams/", views.teams, name="teams"),
    path("settings/teams/<int:team_id>/", views.team_edit, name="team-edit"),
    path("settings/teams/<int:team_id>/delete/", views.team_delete, name="team-delete"),
    path("settings/api-keys/", views.api_keys, name="api-keys"),
    path("settings/api-keys/<int:key_id>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path("trash/", views.trash, name="trash"),
    path("trash/<str:record_type>/<int:record_id>/restore/", views.trash_restore, name="trash-restore"),
    path("settings/audit/", views.audit_log, name="audit-log"),
    # Any kind's card and its History tab (kinds may give their cards URLs of their own too)
    path("records/<str:kind>/<int:record_id>/", records.record_card, name="record-card"),
    # Custom fields of every kind (core/records/fields)
    path("settings/custom-fields/", custom_fields.custom_field_list, name="custom-field-list"),
    path("settings/custom-fields/<int:field_id>/", custom_fields.custom_field_edit, name="custom-field-edit"),
    path(
        "settings/custom-fields/<int:field_id>/delete/",
        custom_fields.custom_field_delete,
        name="custom-field-delete",
    ),
    path("records/<str:kind>/<int:record_id>/history/", records.record_history, name="record-history"),
    # Global search over every registered kind, and the command palette's answers
    path("search/", search_views.search, name="search"),
    path("search/palette/", search_views.palette, name="palette"),
    # Saved views of any kind's list (core/records/lists)
    path("views/<str:kind>/save/", lists.saved_view_save, name="saved-view-save"),
    path("views/<int:view_id>/delete/", lists.saved_view_delete, name="saved-view-delete"),
]
