from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "kliento.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        from kliento.deals import registrations

        registrations.register()
