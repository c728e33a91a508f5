from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kliento.core"
    label = "core"
    verbose_name = _("Organizations and users")

    def ready(self) -> None:
        from kliento.core.models import Team
        from kliento.core.navigation import NavItem, register_nav_item
        from kliento.core.permissions import Permission
        from kliento.core.services import restore_team
        from kliento.core.trash import register_trashable

        register_trashable(
            Team,
            restore_permission=Permission.MANAGE_TEAMS,
            restore=lambda team, member: restore_team(team=team, member=member),
        )
        register_nav_item(NavItem(_("Home"), "web:home", "house", order=0))
        register_nav_item(NavItem(_("Members"), "core:members", "people", Permission.VIEW_MEMBERS, order=900))
        register_nav_item(NavItem(_("Trash"), "core:trash", "trash3", Permission.RESTORE_TRASH, order=950))
        register_nav_item(
            NavItem(
                _("Settings"), "core:organization-settings", "gear", Permission.MANAGE_ORGANIZATION, order=990
            )
        )
