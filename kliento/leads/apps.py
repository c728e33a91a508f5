from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "kliento.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from kliento.leads import registrations

        registrations.register()
