from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kliento.core"
    label = "core"
    verbose_name = _("Organizations and users")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kliento.core.statistics import analyze_new_indexes

        post_migrate.connect(analyze_new_indexes, sender=self, dispatch_uid="kliento.analyze_new_indexes")
        from kliento.core import views
        from kliento.core.commands import Command, register_command
        from kliento.core.history import HistoryField, register_history
        from kliento.core.home import register_home_widget
        from kliento.core.models import (
            ApiKey,
            Invitation,
            Membership,
            Organization,
            SavedView,
            Tag,
            Team,
            User,
        )
        from kliento.core.navigation import NavItem, register_default_areas, register_nav_item
        from kliento.core.permissions import Permission
        from kliento.core.services import restore_team
        from kliento.core.trash import register_trashable

        register_trashable(
            Team,
            restore_permission=Permission.MANAGE_TEAMS,
            restore=lambda team, member: restore_team(team=team, member=member),
        )
        register_default_areas()
        register_nav_item(NavItem(_("Home"), "web:home", "house", order=0, phone_slot=10))
        settings_pages = [
            (
                _("Organization"),
                "core:organization-settings",
                "building-gear",
                Permission.MANAGE_ORGANIZATION,
            ),
            (_("Members"), "core:members", "people", Permission.VIEW_MEMBERS),
            (_("Teams"), "core:teams", "diagram-3", Permission.VIEW_MEMBERS),
            (
                _("Custom fields"),
                "core:custom-field-list",
                "input-cursor-text",
                Permission.MANAGE_ORGANIZATION,
            ),
            (_("API keys"), "core:api-keys", "key", Permission.MANAGE_API_KEYS),
            (_("Audit history"), "core:audit-log", "clock-history", Permission.VIEW_AUDIT),
            (_("Trash"), "core:trash", "trash3", Permission.RESTORE_TRASH),
        ]
        for order, (label, url_name, icon, permission) in zip(
            (10, 20, 30, 40, 50, 60, 90), settings_pages, strict=True
        ):
            register_nav_item(NavItem(label, url_name, icon, permission, area="settings", order=order))
        register_command(
            Command(
                key="profile",
                label=_("Your profile"),
                url_name="core:profile",
                icon="person-circle",
                order=800,
            )
        )
        register_command(
            Command(
                key="password-change",
                label=_("Change your password"),
                url_name="core:password-change",
                icon="shield-lock",
                order=810,
            )
        )

        from django.db.models.signals import post_delete, post_save

        from kliento.core.records.fields.models import CustomField
        from kliento.core.records.fields.values import forget_definitions

        post_save.connect(forget_definitions, sender=CustomField, dispatch_uid="forget_custom_fields_saved")
        post_delete.connect(forget_definitions, sender=CustomField, dispatch_uid="forget_custom_fields_gone")
        register_history(CustomField, hidden={"position"})

        register_history(Organization)
        register_history(Membership)
        register_history(Tag)
        register_history(
            User,
            hidden={"last_login", "is_superuser", "is_staff", "date_joined"},
            # A change of password is said, never shown: neither the password nor its hash is stored.
            fields={
                "password": HistoryField(
                    label=_("Password"), note=True, format=lambda value, _context: str(_("Changed"))
                )
            },
        )
        register_history(
            Team,
            link="core:team-edit",
            visible=lambda member: (
                Team.objects.all() if member.can(Permission.MANAGE_TEAMS) else Team.objects.none()
            ),
        )
        # Secrets: a key's hash and the prefix that finds it, an invitation's token.
        register_history(ApiKey, hidden={"prefix", "key_hash"})
        register_history(
            Invitation,
            hidden={"token_hash", "token_salt"},
            fields={
                "expires_at": HistoryField(label=_("Expires")),
                "accepted_at": HistoryField(label=_("Accepted")),
                "revoked_at": HistoryField(label=_("Revoked")),
            },
        )

        register_history(SavedView, hidden={"query", "columns"})

        register_home_widget(
            key="organization",
            title=_("Your organization"),
            template="core/_home_organization.html",
            context=views.organization_widget,
            permission=Permission.MANAGE_MEMBERS,
            order=80,
            wide=True,
        )
        register_home_widget(
            key="get_started",
            title=_("Get started"),
            template="core/_home_get_started.html",
            context=views.get_started_widget,
            order=90,
        )
        register_home_widget(
            key="recent_changes",
            title=_("Recent changes"),
            template="core/_home_recent_changes.html",
            context=views.recent_changes_widget,
            permission=Permission.VIEW_AUDIT,
            order=95,
        )
