from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "kliento.orders"
    label = "orders"
    verbose_name = _("Quotes and orders")

    def ready(self) -> None:
        from kliento.orders import registrations

        registrations.register()
