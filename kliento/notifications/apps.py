from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kliento.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from kliento.core.commands import Command, register_command
        from kliento.core.navigation import TopBarItem, register_topbar_item

        register_topbar_item(TopBarItem(key="notifications", template="notifications/_topbar_bell.html"))
        register_command(
            Command(
                key="notifications",
                label=_("Notifications"),
                url_name="notifications:list",
                icon="bell",
                keywords=_("alerts unread bell"),
                order=820,
            )
        )
        register_command(
            Command(
                key="notification-preferences",
                label=_("Notification settings"),
                url_name="notifications:preferences",
                icon="bell-slash",
                keywords=_("email alerts channels preferences"),
                order=830,
            )
        )
