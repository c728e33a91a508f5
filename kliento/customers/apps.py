from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kliento.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from kliento.core.navigation import NavItem, register_nav_item
        from kliento.core.permissions import Permission
        from kliento.core.records.kinds import RecordKind, register_kind
        from kliento.core.trash import register_trashable
        from kliento.customers.models import Company, CompanyTag, Contact, ContactTag
        from kliento.customers.services import restore_customer

        register_kind(
            RecordKind(
                key="contact",
                model=Contact,
                label=_("Contact"),
                label_plural=_("Contacts"),
                detail_url_name="customers:contact-detail",
                list_url_name="customers:contact-list",
                icon="person-lines-fill",
                edit_permission=Permission.EDIT_CUSTOMERS,
                delete_permission=Permission.DELETE_CUSTOMERS,
                order=10,
                tag_link=ContactTag,
            )
        )
        register_kind(
            RecordKind(
                key="company",
                model=Company,
                label=_("Company"),
                label_plural=_("Companies"),
                detail_url_name="customers:company-detail",
                list_url_name="customers:company-list",
                icon="buildings",
                edit_permission=Permission.EDIT_CUSTOMERS,
                delete_permission=Permission.DELETE_CUSTOMERS,
                order=20,
                tag_link=CompanyTag,
            )
        )

        from kliento.customers import lists

        lists.register()

        for model in (Contact, Company):
            register_trashable(
                model,
                restore_permission=Permission.DELETE_CUSTOMERS,
                restore=lambda record, member: restore_customer(customer=record, member=member),
            )
        register_nav_item(
            NavItem(
                _("Contacts"),
                "customers:contact-list",
                "person-lines-fill",
                area="customers",
                order=10,
                phone_slot=20,
            )
        )
        register_nav_item(
            NavItem(
                _("Companies"),
                "customers:company-list",
                "buildings",
                area="customers",
                order=20,
                phone_slot=30,
            )
        )

        from kliento.core.commands import Command, register_command

        register_command(
            Command(
                key="new-contact",
                label=_("New contact"),
                url_name="customers:contact-create",
                icon="person-plus",
                permission=Permission.EDIT_CUSTOMERS,
                keywords=_("add create person customer"),
                order=10,
            )
        )
        register_command(
            Command(
                key="new-company",
                label=_("New company"),
                url_name="customers:company-create",
                icon="building-add",
                permission=Permission.EDIT_CUSTOMERS,
                keywords=_("add create organisation business customer"),
                order=20,
            )
        )

        from kliento.core.records.search import register_search_provider
        from kliento.customers.search import provider

        register_search_provider("contact", provider("contact"))
        register_search_provider("company", provider("company"))

        from kliento.customers import history

        history.register()

        from kliento.core.records.cards import register_card_page
        from kliento.core.records.panels import register_card_panel
        from kliento.customers.kinds import CUSTOMER_KINDS
        from kliento.customers.views import cards

        for kind in CUSTOMER_KINDS.values():
            register_card_page(
                kind.key,
                template="customers/card.html",
                context=cards.card_header,
                access=kind.access,
                edit_url_name=f"customers:{kind.key}-edit",
                delete_url_name=f"customers:{kind.key}-delete",
            )
            register_card_panel(
                kind.key,
                key="profile",
                title=_("Profile"),
                template="customers/_panel_profile.html",
                context=cards.contact_channels_panel if kind.key == "contact" else cards.profile_panel,
                order=10,
                column="side",
            )
            register_card_panel(
                kind.key,
                key="lifecycle",
                title=_("Lifecycle"),
                template="customers/_panel_lifecycle.html",
                context=cards.lifecycle_panel,
                order=20,
            )
        register_card_panel(
            "contact",
            key="consent",
            title=_("Consent"),
            template="customers/_panel_consent.html",
            context=cards.consent_panel,
            order=30,
        )
        register_card_panel(
            "company",
            key="contacts",
            title=_("Contacts"),
            template="customers/_panel_company_contacts.html",
            context=cards.company_contacts_panel,
            order=10,
        )

        from kliento.core.records.demo import register_demo_step
        from kliento.customers.demo.step import CUSTOMERS_STEP

        register_demo_step(CUSTOMERS_STEP)

        from kliento.core.home import register_home_widget
        from kliento.customers.views import home

        register_home_widget(
            key="my_customers",
            title=_("Your customers"),
            template="customers/_home_my_customers.html",
            context=home.my_customers_widget,
            order=10,
        )
        register_home_widget(
            key="my_recent_customers",
            title=_("Your customers lately"),
            template="customers/_home_recent_customers.html",
            context=home.my_recent_customers_widget,
            order=20,
        )
