from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kliento.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from kliento.core.navigation import NavItem, register_nav_item
        from kliento.core.permissions import Permission
        from kliento.core.trash import register_trashable
        from kliento.customers.models import Company, Contact
        from kliento.customers.services import restore_customer

        for model in (Contact, Company):
            register_trashable(
                model,
                restore_permission=Permission.DELETE_CUSTOMERS,
                restore=lambda record, member: restore_customer(customer=record, member=member),
            )
        register_nav_item(NavItem(_("Contacts"), "customers:contact-list", "person-lines-fill", order=10))
        register_nav_item(NavItem(_("Companies"), "customers:company-list", "buildings", order=20))
